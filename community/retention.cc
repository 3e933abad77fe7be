#include "community/retention.h"

#include <cmath>

namespace qunying::community {

double RoundRate(int64_t part, int64_t whole) {
  if (whole == 0) return 0;
  return std::round(static_cast<double>(part) / whole * 10000.0) / 10000.0;
}

RetentionReport ComputeRetention(const RetentionInputs& in) {
  RetentionReport r;
  std::unordered_set<int64_t> seen;
  int64_t stayed_exact = 0;
  for (int64_t id : in.base) {
    if (!seen.insert(id).second) continue;
    ++r.base;
    if (in.active.count(id)) ++r.active;
    if (in.next_enrolled.count(id)) {
      ++r.renewed;
      continue;
    }
    auto it = in.in_roster.find(id);
    if (it == in.in_roster.end()) {
      r.churned_ids.push_back(id);
      continue;
    }
    ++r.stayed;
    ++r.matched_by[static_cast<size_t>(it->second)];
    if (IsExactMethod(it->second)) ++stayed_exact;
  }
  r.churned = r.base - r.renewed - r.stayed;
  r.churned_exact = r.base - r.renewed - stayed_exact;
  r.renewal_rate = RoundRate(r.renewed, r.base);
  r.stay_rate = RoundRate(r.stayed, r.base);
  r.churn_rate = RoundRate(r.churned, r.base);
  r.churn_rate_exact = RoundRate(r.churned_exact, r.base);
  r.active_rate = RoundRate(r.active, r.base);
  return r;
}

}  // namespace qunying::community
