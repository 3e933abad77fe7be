// Learns P(won) from leads with an outcome: picks gradient-boosted trees
// when there are enough outcomes of each kind and a logistic regression
// otherwise, measures it by stratified k-fold cross-validation (AUC and a
// calibration table from the out-of-fold predictions), then fits the final
// model on every row. A TrainedModel is immutable and thread-safe.
#ifndef QUNYING_SCORING_TRAINER_H_
#define QUNYING_SCORING_TRAINER_H_

#include <memory>
#include <string>
#include <vector>

#include "scoring/attributes.h"
#include "scoring/model.h"

namespace qunying::scoring {

struct TrainOptions {
  int folds = 5;  // Cross-validation folds (fewer when a class is tiny).
  // Trees only with at least this many rows and this many of each outcome;
  // below that a logistic regression is steadier.
  size_t min_rows_for_trees = 500;
  size_t min_class_for_trees = 30;
  size_t min_rows = 10;  // Fewer labelled rows than this: refuse to train.
  uint32_t seed = 11;    // Fold assignment is deterministic.
  SchemaOptions schema;
  LogisticOptions logistic;
  XgbOptions xgb;
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
  double auc_cv = 0.5;
  std::vector<CalibrationBin> calibration;

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
