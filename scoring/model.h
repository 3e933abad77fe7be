// Predictive models of P(won | attributes): gradient-boosted trees through
// libxgboost's C API, and an L2-regularised logistic regression for when
// outcomes are few. Both explain a prediction as additive log-odds
// contributions per column plus a bias (TreeSHAP for trees, exact for the
// linear model). A trained Model is immutable; Predict and Contributions
// are thread-safe.
#ifndef QUNYING_SCORING_MODEL_H_
#define QUNYING_SCORING_MODEL_H_

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "scoring/attributes.h"

namespace qunying::scoring {

class Model {
 public:
  virtual ~Model() = default;
  // "xgboost" or "logistic".
  virtual std::string Kind() const = 0;
  // P(won) per row of `x` (columns as trained).
  [[nodiscard]] virtual Result<std::vector<double>> Predict(
      const Matrix& x) const = 0;
  // Per row: cols + 1 values, the log-odds contribution of each column and
  // the bias last; they sum to the row's log-odds.
  [[nodiscard]] virtual Result<Matrix> Contributions(const Matrix& x) const = 0;
  // Bytes that Load() turns back into the same model.
  [[nodiscard]] virtual Result<std::string> Serialize() const = 0;
};

struct LogisticOptions {
  double l2 = 5;            // Ridge penalty on standardised weights.
  int max_iterations = 50;  // Newton steps at most.
  double tolerance = 1e-6;  // Stop when the largest step is below this.
};

struct XgbOptions {
  // Shallow and regularised. On the synthetic community (bench/lead_bench)
  // 100 rounds of depth 2 at eta 0.1 matched or beat 200 rounds of depth 3
  // at eta 0.05 and depth 4 at eta 0.1 from 1,000 to 20,000 outcomes
  // (cross-validated AUC 0.769 vs 0.764 vs 0.750 at 4,000). It visits a
  // third of the nodes of depth 3 × 200; lead_bench's rescoring pass went
  // from 1.7 to 0.85–0.96 µs per member (docs/benchmarks.md).
  int rounds = 100;             // Boosting rounds.
  int max_depth = 2;            // Tree depth (pairwise interactions).
  double eta = 0.1;             // Learning rate.
  double subsample = 0.8;       // Rows per tree.
  double colsample = 0.8;       // Columns per tree.
  double min_child_weight = 5;  // Hessian per leaf at least.
  double lambda = 1.0;          // L2 on leaf weights.
  int threads = 1;              // Training threads.
  int seed = 7;                 // Sampling is deterministic.
};

[[nodiscard]] Result<std::unique_ptr<Model>> TrainLogistic(
    const Matrix& x, const std::vector<float>& y, const LogisticOptions& o);
[[nodiscard]] Result<std::unique_ptr<Model>> TrainXgb(
    const Matrix& x, const std::vector<float>& y, const XgbOptions& o);
// `kind` as returned by Kind(); `bytes` from Serialize().
[[nodiscard]] Result<std::unique_ptr<Model>> LoadModel(const std::string& kind,
                                                       const std::string& bytes,
                                                       size_t cols);

// Area under the ROC curve of `scores` for labels `y` (1 = won); ties
// count half. 0.5 when one class is absent.
double Auc(const std::vector<double>& scores, const std::vector<float>& y);

}  // namespace qunying::scoring

#endif  // QUNYING_SCORING_MODEL_H_
