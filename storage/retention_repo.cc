// SqliteCommunityStore: what the retention report and the community matrix
// are computed from.
#include <functional>

#include "storage/sqlite_community_store.h"

namespace qunying::storage {

// A campaign's enrolled members; a refunded enrollment is not counted.
constexpr char kEnrolled[] =
    "SELECT member_id FROM enrollments WHERE campaign_id = ?"
    " AND refunded_at_ms IS NULL";
namespace {

community::MatchMethod MethodFromName(const std::string& name) {
  using community::MatchMethod;
  if (name == "unionid") return MatchMethod::kUnionid;
  if (name == "wechat_id") return MatchMethod::kWechatId;
  if (name == "nickname") return MatchMethod::kNickname;
  if (name == "nickname_history") return MatchMethod::kNicknameHistory;
  if (name == "fuzzy") return MatchMethod::kFuzzy;
  // Settled in review, or matched by a name settled there before.
  if (name == "review" || name == "reviewed") return MatchMethod::kReviewed;
  return MatchMethod::kNone;  // "new": created from this roster row.
}

Status LoadIds(Connection& c, const std::string& sql, int64_t a, int64_t b,
               int binds, const std::function<void(int64_t)>& add) {
  QY_ASSIGN_OR_RETURN(Statement * st, c.Prepare(sql));
  if (binds >= 1) st->Bind(1, a);
  if (binds >= 2) st->Bind(2, b);
  return ForEachRow(st, [&](const Statement& s) { add(s.Int(0)); });
}

// The latest snapshot of every group at or before `as_of_ms`.
constexpr char kLatestSnapshots[] =
    "SELECT s.id FROM roster_snapshots s WHERE s.as_of_ms <= ?1 AND s.id ="
    " (SELECT s2.id FROM roster_snapshots s2 WHERE s2.group_id = s.group_id"
    " AND s2.as_of_ms <= ?1 ORDER BY s2.as_of_ms DESC, s2.id DESC LIMIT 1)";

}  // namespace

Result<community::RetentionInputs> SqliteCommunityStore::LoadRetention(
    int64_t campaign_id, int64_t next_id, int64_t as_of_ms,
    int64_t active_from_ms, int64_t active_to_ms) {
  community::RetentionInputs in;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_RETURN_IF_ERROR(LoadCampaign(c, campaign_id).status());
    auto next = LoadCampaign(c, next_id);
    if (!next.ok()) {
      return Status::InvalidArgument("next: " + next.status().message(),
                                     "next");
    }
    QY_RETURN_IF_ERROR(LoadIds(c, kEnrolled, campaign_id, 0, 1,
                               [&](int64_t id) { in.base.push_back(id); }));
    QY_RETURN_IF_ERROR(LoadIds(c, kEnrolled, next_id, 0, 1, [&](int64_t id) {
      in.next_enrolled.insert(id);
    }));
    QY_ASSIGN_OR_RETURN(
        Statement * roster,
        c.Prepare(std::string(
                      "SELECT e.member_id, e.method FROM roster_entries e"
                      " WHERE e.member_id IS NOT NULL AND e.snapshot_id IN (") +
                  kLatestSnapshots + ")"));
    roster->Bind(1, as_of_ms);
    QY_RETURN_IF_ERROR(ForEachRow(roster, [&](const Statement& s) {
      auto method = MethodFromName(s.Text(1));
      auto [it, inserted] = in.in_roster.emplace(s.Int(0), method);
      if (!inserted && method < it->second) it->second = method;
    }));
    auto add_active = [&](int64_t id) { in.active.insert(id); };
    QY_RETURN_IF_ERROR(LoadIds(
        c,
        "SELECT DISTINCT member_id FROM checkins WHERE created_at_ms >= ?"
        " AND created_at_ms <= ?",
        active_from_ms, active_to_ms, 2, add_active));
    return LoadIds(c,
                   "SELECT DISTINCT member_id FROM events WHERE ts_ms >= ? AND"
                   " ts_ms <= ?",
                   active_from_ms, active_to_ms, 2, add_active);
  }));
  return in;
}

Result<std::vector<community::GroupStats>> SqliteCommunityStore::GroupMatrix(
    int64_t now_ms) {
  std::vector<community::GroupStats> out;
  QY_ASSIGN_OR_RETURN(auto groups, ListGroups(0, 100000));
  int64_t week_ago = now_ms - 7LL * 86400 * 1000;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    for (const auto& g : groups) {
      community::GroupStats gs;
      gs.group = g;
      // Members: the latest roster if there is one, else the enrollments
      // that named this group.
      QY_ASSIGN_OR_RETURN(
          Statement * members,
          c.Prepare(
              std::string(kGroupMembersCte) +
              // Active: a check-in or an event in the week, each looked
              // up by member through its index (a NOT IN over the week's
              // check-ins read the whole table: 0.87 s for 100,000
              // members against 0.13 s; docs/benchmarks.md).
              " SELECT COUNT(*),"
              " (SELECT COUNT(*) FROM m a WHERE EXISTS (SELECT 1 FROM"
              "  checkins k WHERE k.member_id = a.id AND k.created_at_ms >="
              "  ?2) OR EXISTS (SELECT 1 FROM events v WHERE v.member_id ="
              "  a.id AND v.ts_ms >= ?2)),"
              " (SELECT COUNT(*) FROM checkins k WHERE k.member_id IN"
              "  (SELECT id FROM m) AND k.created_at_ms >= ?2)"
              " FROM m"));
      members->Bind(1, g.id).Bind(2, week_ago);
      QY_ASSIGN_OR_RETURN(bool row, members->Step());
      if (row) {
        gs.members = members->Int(0);
        gs.active_7d = members->Int(1);
        int64_t checkins = members->Int(2);
        gs.checkin_rate_7d =
            gs.members ? community::RoundRate(checkins, gs.members * 7) : 0;
      }
      out.push_back(std::move(gs));
    }
    return Status::Ok();
  }));
  return out;
}

}  // namespace qunying::storage
