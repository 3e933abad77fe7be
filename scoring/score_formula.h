// How a member's points total and tier follow from its three parts (fit,
// engagement and intent, each 0–100): the rules' weights and tier bounds.
//
// A lead row stores its parts, not its total: the store derives the total
// and tier with the formula in force (SqliteLeadStore renders Total as SQL
// for the pool's order and the min_score filter), so that new weights or
// tier bounds rewrite no lead (docs/leads.md). Value type; thread-safe.
#ifndef QUNYING_SCORING_SCORE_FORMULA_H_
#define QUNYING_SCORING_SCORE_FORMULA_H_

#include <string>

#include "scoring/rules.h"

namespace qunying::scoring {

struct ScoreFormula {
  // The tier's digit weighs engagement and intent thus (not configurable).
  static constexpr double kActivityEngagement = 0.7;
  static constexpr double kActivityIntent = 0.3;

  // Each field as in ScoringRules, whose defaults these are.
  double weight_fit = 0.4;
  double weight_engagement = 0.4;
  double weight_intent = 0.2;
  double tier_a = 60, tier_b = 30;
  double level_1 = 50, level_2 = 25;

  static ScoreFormula Of(const ScoringRules& r);
  bool operator==(const ScoreFormula&) const = default;

  // (weights · parts) / Σ weights, clamped to 0–100, then rounded half up
  // to one decimal as floor(10x + 0.5) / 10. The SQL rendering
  // (storage/lead_formula.h) does the same operations in the same order,
  // so the two agree to the bit.
  double Total(double fit, double engagement, double intent) const;
  // "A1" … "C3": the letter from fit (A at ≥ tier_a, B at ≥ tier_b, else
  // C), the digit from activity, kActivityEngagement · engagement +
  // kActivityIntent · intent (1 at ≥ level_1, 2 at ≥ level_2, else 3).
  std::string Tier(double fit, double engagement, double intent) const;
};

}  // namespace qunying::scoring

#endif  // QUNYING_SCORING_SCORE_FORMULA_H_
