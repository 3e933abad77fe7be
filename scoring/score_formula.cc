#include "scoring/score_formula.h"

#include <algorithm>
#include <cmath>

namespace qunying::scoring {

ScoreFormula ScoreFormula::Of(const ScoringRules& r) {
  ScoreFormula f;
  f.weight_fit = r.weight_fit;
  f.weight_engagement = r.weight_engagement;
  f.weight_intent = r.weight_intent;
  f.tier_a = r.tier_a;
  f.tier_b = r.tier_b;
  f.level_1 = r.level_1;
  f.level_2 = r.level_2;
  return f;
}

double ScoreFormula::Total(double fit, double engagement, double intent) const {
  // Written out step by step: storage/lead_formula.cc's ScoreSql must
  // match each operation.
  const double wsum = weight_fit + weight_engagement + weight_intent;
  double x = weight_fit * fit;
  x = x + weight_engagement * engagement;
  x = x + weight_intent * intent;
  x = x / wsum;
  x = std::clamp(x, 0.0, 100.0);
  return std::floor(x * 10 + 0.5) / 10;
}

std::string ScoreFormula::Tier(double fit, double engagement,
                               double intent) const {
  double activity = kActivityEngagement * engagement + kActivityIntent * intent;
  std::string tier = fit >= tier_a ? "A" : fit >= tier_b ? "B" : "C";
  tier += activity >= level_1 ? "1" : activity >= level_2 ? "2" : "3";
  return tier;
}

}  // namespace qunying::scoring
