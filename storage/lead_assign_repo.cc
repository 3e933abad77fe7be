// SqliteLeadStore::Assign: pool leads pushed to reps by a rule.
#include <algorithm>
#include <map>

#include "storage/lead_formula.h"
#include "storage/lead_rows.h"
#include "storage/sqlite_lead_store.h"

namespace qunying::storage {
namespace {

// Active sales reps among `wanted` (all of them when empty) and how many
// open leads each holds.
Result<std::map<int64_t, int64_t>> RepLoads(
    Connection& c, const std::vector<int64_t>& wanted) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT u.id, (SELECT COUNT(*) FROM leads l WHERE"
                " l.owner_id = u.id AND l.status NOT IN ('won', 'lost'))"
                " FROM users u WHERE u.role = 'sales' AND u.disabled = 0"
                " ORDER BY u.id"));
  std::map<int64_t, int64_t> all, out;
  QY_RETURN_IF_ERROR(
      ForEachRow(st, [&](const Statement& s) { all[s.Int(0)] = s.Int(1); }));
  if (wanted.empty()) return all;
  for (int64_t id : wanted) {
    auto it = all.find(id);
    if (it == all.end())
      return Status::InvalidArgument(
          "reps: user " + std::to_string(id) + " is not an active sales rep",
          "reps");
    out.insert(*it);
  }
  return out;
}

// The rep for the next lead under `rule`, or 0 when all are at `open_cap`.
// Round-robin walks `next` around `load`; capacity takes the least loaded.
int64_t NextRep(const std::string& rule, const std::map<int64_t, int64_t>& load,
                std::map<int64_t, int64_t>::const_iterator& next,
                int64_t open_cap) {
  if (rule == "capacity") {
    auto least = std::min_element(
        load.begin(), load.end(),
        [](const auto& a, const auto& b) { return a.second < b.second; });
    return least->second < open_cap ? least->first : 0;
  }
  for (size_t tries = 0; tries < load.size(); ++tries) {
    if (next == load.end()) next = load.begin();
    auto rep = next++;
    if (rep->second < open_cap) return rep->first;
  }
  return 0;
}

}  // namespace

Result<std::vector<std::pair<int64_t, int64_t>>> SqliteLeadStore::Assign(
    const scoring::AssignRequest& req, const scoring::ClaimLimits& limits,
    int64_t actor, int64_t now) {
  QY_RETURN_IF_ERROR(EnsureFormula());
  std::vector<std::pair<int64_t, int64_t>> out;
  QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(auto load, RepLoads(c, req.reps));
    if (load.empty()) return Status::Conflict("no active sales reps");
    QY_ASSIGN_OR_RETURN(
        Statement * pick,
        c.Prepare(
            "SELECT l.id FROM leads l WHERE l.status = 'new' AND l.owner_id IS"
            " NULL AND (?1 = '' OR (SELECT k.series FROM enrollments e JOIN"
            " campaigns k ON k.id = e.campaign_id WHERE e.member_id ="
            " l.member_id AND e.refunded_at_ms IS NULL"
            " ORDER BY k.starts_on DESC LIMIT 1) = ?1)"
            " AND (?2 = '' OR instr(char(10) || (SELECT t.attributes FROM"
            " lead_texts t WHERE t.lead_id = l.id), char(10) ||"
            " 'city' || char(9) || 's' || char(9) || ?2 || char(10)) > 0)"
            " ORDER BY " +
            PoolOrderSql(formula(), "l.") + " LIMIT ?3"));
    pick->Bind(1, req.series).Bind(2, req.city).Bind(3, req.count);
    QY_ASSIGN_OR_RETURN(std::vector<int64_t> leads, Ids(pick));
    auto next = load.cbegin();  // Round-robin position.
    for (int64_t lead : leads) {
      int64_t rep = NextRep(req.rule, load, next, limits.open_cap);
      if (!rep) break;  // Everyone is at the cap.
      ++load[rep];
      QY_RETURN_IF_ERROR(AssignTo(c, lead, rep, actor, "assign",
                                  req.rule + " to user " + std::to_string(rep),
                                  now));
      out.push_back({lead, rep});
    }
    return Status::Ok();
  }));
  return out;
}

}  // namespace qunying::storage
