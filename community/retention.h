// The retention report between two campaigns of a series, computed from
// plain sets so the rules are testable without a database. Pure, thread-safe.
#ifndef QUNYING_COMMUNITY_RETENTION_H_
#define QUNYING_COMMUNITY_RETENTION_H_

#include <array>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "community/identity.h"

namespace qunying::community {

struct RetentionInputs {
  std::vector<int64_t> base;                  // Enrolled in the campaign.
  std::unordered_set<int64_t> next_enrolled;  // Enrolled in the next one.
  // Members found in any group's latest roster at or before as_of, with the
  // strongest method that found them.
  std::unordered_map<int64_t, MatchMethod> in_roster;
  std::unordered_set<int64_t> active;  // Check-in or event in window.
};

struct RetentionReport {
  int64_t base = 0, renewed = 0, stayed = 0, churned = 0, churned_exact = 0,
          active = 0;
  double renewal_rate = 0, stay_rate = 0, churn_rate = 0, churn_rate_exact = 0,
         active_rate = 0;
  // How the stayed members were found, indexed by MatchMethod.
  std::array<int64_t, kMatchMethodCount> matched_by{};
  std::vector<int64_t> churned_ids;  // Resolved churn, for follow-up lists.
};

// renewed = base ∩ next; stayed = rest found in a roster; churned = the
// rest; churned_exact counts as if only exact methods (unionid, wechat_id,
// current nickname) were used. Rates are fractions of base, 4 decimals.
RetentionReport ComputeRetention(const RetentionInputs& in);

double RoundRate(int64_t part, int64_t whole);

}  // namespace qunying::community

#endif  // QUNYING_COMMUNITY_RETENTION_H_
