#include "storage/sqlite_member_store.h"

#include "storage/audit.h"

namespace qunying::storage {

using community::Member;

Result<Member> LoadMember(Connection& c, const char* column,
                          const std::string& text, int64_t id) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare(
          std::string("SELECT id, openid, unionid, wechat_id, phone,"
                      " nickname, created_at_ms, COALESCE(merged_into, 0),"
                      " staff FROM members WHERE ") +
          column + " = ?"));
  if (text.empty())
    st->Bind(1, id);
  else
    st->Bind(1, text);
  QY_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("no such member");
  Member m;
  m.id = st->Int(0);
  m.openid = st->Text(1);
  m.unionid = st->Text(2);
  m.wechat_id = st->Text(3);
  m.phone = st->Text(4);
  m.nickname = st->Text(5);
  m.created_at_ms = st->Int(6);
  m.merged_into = st->Int(7);
  m.staff = st->Int(8) != 0;
  return m;
}

Result<int64_t> SurvivorOf(Connection& c, int64_t id) {
  // A merge refuses a member already merged, so chains have no cycles; the
  // bound only guards against a hand-edited database.
  for (int hops = 0; hops < 1000; ++hops) {
    QY_ASSIGN_OR_RETURN(
        int64_t into,
        QueryInt(c, "SELECT COALESCE(merged_into, 0) FROM members WHERE id = ?",
                 id, true));
    if (!into) return id;
    id = into;
  }
  return Status::Internal("member " + std::to_string(id) +
                          " is in a cycle of merges");
}

Result<int64_t> InsertMember(Connection& c, const Member& m, int64_t now_ms) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare(
          "INSERT INTO members (openid, unionid, wechat_id, phone, nickname,"
          " created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  QY_RETURN_IF_ERROR(st->BindOptional(1, m.openid)
                         .BindOptional(2, m.unionid)
                         .BindOptional(3, m.wechat_id)
                         .BindOptional(4, m.phone)
                         .Bind(5, m.nickname)
                         .Bind(6, now_ms)
                         .Bind(7, now_ms)
                         .Run());
  return c.LastInsertId();
}

Result<bool> SignsIn(Connection& c, int64_t id) {
  QY_ASSIGN_OR_RETURN(
      int64_t signs_in,
      QueryInt(c,
               "WITH RECURSIVE tree(id) AS (SELECT ?1 UNION"
               " SELECT m.id FROM members m JOIN tree t ON m.merged_into ="
               " t.id) SELECT EXISTS (SELECT 1 FROM members WHERE id IN"
               " tree AND openid IS NOT NULL)",
               id, true));
  return signs_in != 0;
}

namespace {

// The one member (at the end of its merges) whose records have `value` in
// `column` (unionid or phone) and which does not sign in yet (SignsIn): the
// record a roster, an order list or an operator made before its person
// opened the mini-program. 0 when there is none, more than one, or it
// signs in (another WeChat account: the company's other mini-program, or a
// family sharing a phone).
Result<int64_t> RecordToJoin(Connection& c, const char* column,
                             const std::string& value) {
  if (value.empty()) return 0;
  QY_ASSIGN_OR_RETURN(Statement * st,
                      c.Prepare(std::string("SELECT id FROM members WHERE ") +
                                column + " = ?"));
  st->Bind(1, value);
  std::vector<int64_t> ids;
  QY_RETURN_IF_ERROR(
      ForEachRow(st, [&](const Statement& s) { ids.push_back(s.Int(0)); }));
  int64_t one = 0;
  for (int64_t id : ids) {
    QY_ASSIGN_OR_RETURN(int64_t survivor, SurvivorOf(c, id));
    if (one && survivor != one) return 0;
    one = survivor;
  }
  if (!one) return 0;
  QY_ASSIGN_OR_RETURN(bool signs_in, SignsIn(c, one));
  return signs_in ? 0 : one;
}

}  // namespace

Result<Member> SqliteMemberStore::FindOrCreateByOpenid(
    const std::string& openid, const std::string& unionid,
    const std::string& nickname, int64_t now_ms) {
  if (openid.empty())
    return Status::InvalidArgument("openid is empty", "openid");
  Member member;
  Status s = db_->Write([&](Connection& c) -> Status {
    auto found = LoadMember(c, "openid", openid, 0);
    if (found.ok()) {
      // A merged record signs in as the member it was merged into, or the
      // one that was merged into in turn.
      if (found->merged_into) {
        QY_ASSIGN_OR_RETURN(int64_t into, SurvivorOf(c, found->id));
        QY_ASSIGN_OR_RETURN(found, LoadMember(c, "id", "", into));
      }
      member = *found;
      if (member.unionid.empty() && !unionid.empty()) {
        QY_ASSIGN_OR_RETURN(
            Statement * up,
            c.Prepare("UPDATE members SET unionid = ? WHERE id = ?"));
        QY_RETURN_IF_ERROR(up->Bind(1, unionid).Bind(2, member.id).Run());
        member.unionid = unionid;
      }
      return Status::Ok();
    }
    if (found.status().code() != StatusCode::kNotFound) return found.status();
    // First sign-in of someone known by unionid (a group roster's): the
    // same person, so the same member, not a second one that would split
    // their record and make every later roster row by unionid ambiguous.
    QY_ASSIGN_OR_RETURN(int64_t known, RecordToJoin(c, "unionid", unionid));
    if (known) {
      QY_ASSIGN_OR_RETURN(
          Statement * up,
          c.Prepare("UPDATE members SET openid = ? WHERE id = ?"));
      QY_RETURN_IF_ERROR(up->Bind(1, openid).Bind(2, known).Run());
      QY_ASSIGN_OR_RETURN(member, LoadMember(c, "id", "", known));
      return Status::Ok();
    }
    member.openid = openid;
    member.unionid = unionid;
    member.nickname = nickname;
    QY_ASSIGN_OR_RETURN(member.id, InsertMember(c, member, now_ms));
    member.openid = openid;
    member.unionid = unionid;
    member.nickname = nickname;
    member.created_at_ms = now_ms;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return member;
}

Result<Member> SqliteMemberStore::FindMember(int64_t id) {
  Member m;
  Status s = db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(m, LoadMember(c, "id", "", id));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return m;
}

Result<int64_t> SqliteMemberStore::RecordOfPhone(const std::string& phone) {
  int64_t found = 0;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(found, RecordToJoin(c, "phone", phone));
    return Status::Ok();
  }));
  return found;
}

Status SqliteMemberStore::SetPhone(int64_t id, const std::string& phone,
                                   int64_t now_ms) {
  return db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare(
            "UPDATE members SET phone = ?, updated_at_ms = ? WHERE id = ?"));
    QY_RETURN_IF_ERROR(st->Bind(1, phone).Bind(2, now_ms).Bind(3, id).Run());
    if (c.Changes() == 0) return Status::NotFound("member not found");
    return Status::Ok();
  });
}

Status SqliteMemberStore::SetStaff(int64_t id, bool staff, int64_t actor,
                                   int64_t now_ms) {
  return db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Member m, LoadMember(c, "id", "", id));
    if (m.merged_into) {
      return Status::Conflict(
          "member " + std::to_string(id) + " was merged into member " +
          std::to_string(m.merged_into) + ": mark that one");
    }
    if (m.staff == staff) return Status::Ok();
    QY_ASSIGN_OR_RETURN(Statement * st,
                        c.Prepare("UPDATE members SET staff = ?,"
                                  " updated_at_ms = ? WHERE id = ?"));
    QY_RETURN_IF_ERROR(
        st->Bind(1, int64_t{staff}).Bind(2, now_ms).Bind(3, id).Run());
    return WriteAudit(c, actor, staff ? "member.staff" : "member.unstaff",
                      "member:" + std::to_string(id), m.nickname, now_ms);
  });
}

Status SqliteMemberStore::RenameMember(int64_t id, const std::string& nickname,
                                       community::NicknameSource source,
                                       int64_t now_ms) {
  return db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Member m, LoadMember(c, "id", "", id));
    if (m.nickname == nickname) return Status::Ok();
    QY_ASSIGN_OR_RETURN(
        Statement * hist,
        c.Prepare("INSERT INTO nickname_history (member_id, nickname, source,"
                  " changed_at_ms) VALUES (?, ?, ?, ?)"));
    QY_RETURN_IF_ERROR(hist->Bind(1, id)
                           .Bind(2, m.nickname)
                           .Bind(3, community::NicknameSourceName(source))
                           .Bind(4, now_ms)
                           .Run());
    QY_ASSIGN_OR_RETURN(
        Statement * up,
        c.Prepare("UPDATE members SET nickname = ?, updated_at_ms = ?"
                  " WHERE id = ?"));
    return up->Bind(1, nickname).Bind(2, now_ms).Bind(3, id).Run();
  });
}

Result<std::vector<community::NicknameChange>>
SqliteMemberStore::NicknameHistory(int64_t id) {
  std::vector<community::NicknameChange> out;
  Status s = db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("SELECT nickname, source, changed_at_ms FROM"
                  " nickname_history WHERE member_id = ? ORDER BY id"));
    st->Bind(1, id);
    for (;;) {
      QY_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      community::NicknameChange ch;
      ch.nickname = st->Text(0);
      std::string src = st->Text(1);
      using community::NicknameSource;
      ch.source = src == "roster"       ? NicknameSource::kRoster
                  : src == "enrollment" ? NicknameSource::kEnrollment
                  : src == "operator"   ? NicknameSource::kOperator
                                        : NicknameSource::kMiniProgram;
      ch.changed_at_ms = st->Int(2);
      out.push_back(std::move(ch));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace qunying::storage
