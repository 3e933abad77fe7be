// A synthetic community with a known hidden propensity to buy: behaviour
// and profile drive the log-odds of conversion through fixed weights, and
// some attributes are pure noise. Tests and benchmarks use it to check
// that the model ranks well (AUC near the oracle's) and that explanations
// point at the true drivers. Deterministic for a seed; thread-compatible.
#ifndef QUNYING_SCORING_SYNTHETIC_H_
#define QUNYING_SCORING_SYNTHETIC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "scoring/rules.h"

namespace qunying::scoring {

struct SyntheticMember {
  MemberFeatures features;
  double propensity = 0;  // The true P(won).
  bool won = false;       // Drawn from `propensity`.
};

// The drivers, in the attribute names of ToAttributes(): completion_rate,
// grade (三–六年级), city (tier 1), intent. Noise: occupation, dwell.
std::vector<std::string> SyntheticDrivers();

std::vector<SyntheticMember> GenerateCommunity(size_t n, uint32_t seed);

}  // namespace qunying::scoring

#endif  // QUNYING_SCORING_SYNTHETIC_H_
