// Learns P(won) from leads with an outcome: picks gradient-boosted trees
// when there are enough outcomes of each kind and a logistic regression
// otherwise, measures it by stratified k-fold cross-validation (AUC and a
// calibration table from the out-of-fold predictions), then fits the final
// model on every row. With trees it cross-validates several tree shapes on
// the same folds and keeps the cheapest that ranks as well as the best.
// A TrainedModel is immutable and thread-safe.
#ifndef QUNYING_SCORING_TRAINER_H_
#define QUNYING_SCORING_TRAINER_H_

#include <memory>
#include <string>
#include <vector>

#include "scoring/attributes.h"
#include "scoring/model.h"

namespace qunying::scoring {

// The tree shapes Train tries, cheapest to predict first: depth 2 × 100
// rounds at eta 0.1 (the shape the rescoring figures in docs/benchmarks.md
// were measured with), depth 4 × 200 at 0.1, depth 6 × 300 at 0.05 and
// depth 8 × 300 at 0.05. bench/model_compare.sh measured them against a
// grid-searched scikit-learn HistGradientBoosting on the same folds: on the
// synthetic community and on the `fair` survey the first wins (deeper
// shapes lose 0.007–0.03 AUC); on RAND's health-insurance data depth 2 lost
// 0.04 AUC to the tuned library and depth 8 matched it.
std::vector<XgbOptions> DefaultTreeCandidates();

// "depth 4 × 200 rounds, eta 0.1".
std::string DescribeTrees(const XgbOptions& o);
// "logistic regression, L2 50": a logistic candidate's settings.
std::string DescribeLogistic(const LogisticOptions& o);

// "2:100:0.1,8:300:0.05": comma-separated depth:rounds:eta, for benches and
// experiments that weigh other candidates.
[[nodiscard]] Result<std::vector<XgbOptions>> ParseTreeCandidates(
    const std::string& text);

struct TrainOptions {
  int folds = 5;  // Cross-validation folds (fewer when a class is tiny).
  // Trees only with at least this many rows and this many of each outcome;
  // below that a logistic regression is steadier.
  size_t min_rows_for_trees = 500;
  size_t min_class_for_trees = 30;
  size_t min_rows = 10;  // Fewer labelled rows than this: refuse to train.
  uint32_t seed = 11;    // Fold assignment is deterministic.
  SchemaOptions schema;
  // Newton's iterations and tolerance for the logistic regression; its
  // penalty is chosen from logistic_l2_candidates.
  LogisticOptions logistic;
  // Ridge penalties to choose from when outcomes are too few for trees,
  // strongest first, each cross-validated on the same folds as trees are;
  // the first within candidate_tolerance of the best wins (the steadier
  // model on a tie). On the synthetic community's 40–400 outcomes a fixed
  // 5 ranked held-out members worse than 20–200 (docs/leads.md).
  std::vector<double> logistic_l2_candidates = {200, 50, 20, 5};
  // Times the logistic candidates are cross-validated, each time on folds
  // dealt with another seed (seed, seed + 1, …); their AUCs and out-of-fold
  // predictions are averaged. With a few dozen outcomes one dealing of the
  // folds decides much of the figure: the demo's 40 measured 0.37 to 0.52
  // by seed alone (docs/leads.md). The fits take microseconds. Trees, with
  // hundreds of outcomes or more, are cross-validated once.
  int logistic_cv_repeats = 5;
  // Tree settings to choose from, cheapest first (an empty list is refused
  // when trees are due; an empty penalty list, when they are not). Each is
  // cross-validated on the same folds.
  std::vector<XgbOptions> tree_candidates = DefaultTreeCandidates();
  // The first candidate whose cross-validated AUC is at least the best's
  // minus this wins: a deeper model costs rescoring time (every open lead
  // is predicted on each pass), so it must earn its place.
  double candidate_tolerance = 0.002;
  // Threads fitting candidates and folds at once; 0: one per core.
  int threads = 0;
};

// How one candidate did in cross-validation.
struct CandidateResult {
  std::string settings;  // DescribeTrees() or DescribeLogistic().
  double auc_cv = 0.5;
};

// One bin of the calibration table: out-of-fold predictions in [lo, hi).
struct CalibrationBin {
  double lo = 0, hi = 0;
  size_t n = 0;
  double predicted = 0;  // Mean predicted probability in the bin.
  double observed = 0;   // Share of the bin's rows that were won.
};

// One column's part in a prediction, in log-odds.
struct ModelFactor {
  std::string name;   // Column::Name(), e.g. "grade=三年级".
  std::string value;  // The row's value of the attribute ("" if missing).
  double contribution = 0;
};

struct TrainedModel {
  FeatureSchema schema;
  std::shared_ptr<const Model> model;
  size_t n_train = 0;
  size_t n_won = 0;
  double auc_cv = 0.5;  // The chosen candidate's.
  std::vector<CalibrationBin> calibration;
  std::string settings;  // The chosen candidate's CandidateResult::settings.
  std::vector<CandidateResult> candidates;  // In the order tried.

  // P(won) for each row.
  [[nodiscard]] Result<std::vector<double>> Predict(
      const std::vector<Attributes>& rows) const;
  // The `top` largest contributions (by magnitude) for one row.
  [[nodiscard]] Result<std::vector<ModelFactor>> Explain(const Attributes& row,
                                                         size_t top) const;
};

[[nodiscard]] Result<TrainedModel> Train(const std::vector<Attributes>& rows,
                                         const std::vector<bool>& won,
                                         const TrainOptions& options = {});

}  // namespace qunying::scoring

#endif  // QUNYING_SCORING_TRAINER_H_
