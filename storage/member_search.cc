// SqliteMemberStore::SearchMembers: an operator looking a member up by a
// part of a nickname, a 微信号 or a phone number.
#include "storage/sqlite_member_store.h"

namespace qunying::storage {

// Each way of matching is one arm of the union, ranked; a member found
// several ways is shown once, with its best. Nicknames are searched by
// substring (instr), which no index serves: a scan of members, nickname
// history and roster entries (docs/community.md gives the cost).
Result<std::vector<community::MemberMatch>> SqliteMemberStore::SearchMembers(
    const community::MemberQuery& q, int64_t after_id, int limit) {
  std::vector<community::MemberMatch> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare(
            "SELECT m.id, m.wechat_id, m.phone, m.nickname, m.created_at_ms,"
            " COALESCE(m.merged_into, 0), x.how, min(x.rank), m.staff FROM ("
            "  SELECT id AS mid, 'phone' AS how, 0 AS rank FROM members"
            "   WHERE ?1 != '' AND phone = ?1"
            "  UNION ALL SELECT id, 'wechat_id', 1 FROM members"
            "   WHERE wechat_id = ?2"
            "  UNION ALL SELECT id, 'nickname', 2 FROM members"
            "   WHERE instr(lower(nickname), lower(?2)) > 0"
            "  UNION ALL SELECT member_id, 'nickname_history', 3"
            "   FROM nickname_history WHERE instr(lower(nickname), lower(?2)) "
            "> 0"
            "  UNION ALL SELECT member_id, 'group_nickname', 4"
            "   FROM roster_entries WHERE member_id IS NOT NULL"
            "   AND instr(lower(nickname), lower(?2)) > 0"
            " ) x JOIN members m ON m.id = x.mid WHERE m.id > ?3"
            " GROUP BY m.id ORDER BY m.id LIMIT ?4"));
    st->Bind(1, q.phone).Bind(2, q.text).Bind(3, after_id).Bind(4, limit);
    return ForEachRow(st, [&](const Statement& s) {
      community::MemberMatch m;
      m.id = s.Int(0);
      m.wechat_id = s.Text(1);
      m.phone = s.Text(2);
      m.nickname = s.Text(3);
      m.created_at_ms = s.Int(4);
      m.merged_into = s.Int(5);
      m.matched_on = s.Text(6);
      m.staff = s.Int(8) != 0;
      out.push_back(std::move(m));
    });
  }));
  return out;
}

}  // namespace qunying::storage
