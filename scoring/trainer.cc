#include "scoring/trainer.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace qunying::scoring {
namespace {

std::string Lookup(const Attributes& row, const std::string& name) {
  auto it = row.find(name);
  return it == row.end() ? "" : AttrText(it->second);
}

Matrix Rows(const Matrix& x, const std::vector<size_t>& idx) {
  Matrix m{idx.size(), x.cols, {}};
  m.data.reserve(idx.size() * x.cols);
  for (size_t i : idx) {
    auto begin = x.data.begin() + static_cast<ptrdiff_t>(i * x.cols);
    m.data.insert(m.data.end(), begin, begin + static_cast<ptrdiff_t>(x.cols));
  }
  return m;
}

Result<std::unique_ptr<Model>> Fit(const Matrix& x, const std::vector<float>& y,
                                   bool trees, const TrainOptions& o) {
  if (trees) return TrainXgb(x, y, o.xgb);
  return TrainLogistic(x, y, o.logistic);
}

std::vector<CalibrationBin> Calibrate(const std::vector<double>& p,
                                      const std::vector<float>& y) {
  constexpr int kBins = 10;
  std::vector<CalibrationBin> bins(kBins);
  for (int b = 0; b < kBins; ++b)
    bins[b].lo = b / 10.0, bins[b].hi = (b + 1) / 10.0;
  for (size_t i = 0; i < p.size(); ++i) {
    int b = std::clamp(static_cast<int>(p[i] * kBins), 0, kBins - 1);
    bins[b].n++;
    bins[b].predicted += p[i];
    bins[b].observed += y[i];
  }
  std::vector<CalibrationBin> out;
  for (auto& b : bins) {
    if (!b.n) continue;
    b.predicted /= b.n;
    b.observed /= b.n;
    out.push_back(b);
  }
  return out;
}

}  // namespace

Result<std::vector<double>> TrainedModel::Predict(
    const std::vector<Attributes>& rows) const {
  return model->Predict(schema.Encode(rows));
}

Result<std::vector<ModelFactor>> TrainedModel::Explain(const Attributes& row,
                                                       size_t top) const {
  QY_ASSIGN_OR_RETURN(Matrix c, model->Contributions(schema.Encode({row})));
  // Columns of one categorical attribute add up to one factor.
  std::vector<ModelFactor> factors;
  const auto& cols = schema.columns();
  for (size_t i = 0; i < cols.size(); ++i) {
    double v = c.At(0, i);
    if (!factors.empty() && cols[i].categorical &&
        factors.back().name == cols[i].attribute) {
      factors.back().contribution += v;
      continue;
    }
    factors.push_back({cols[i].attribute, Lookup(row, cols[i].attribute), v});
  }
  std::sort(factors.begin(), factors.end(), [](const auto& a, const auto& b) {
    return std::abs(a.contribution) > std::abs(b.contribution);
  });
  if (factors.size() > top) factors.resize(top);
  return factors;
}

Result<TrainedModel> Train(const std::vector<Attributes>& rows,
                           const std::vector<bool>& won,
                           const TrainOptions& o) {
  if (rows.size() != won.size())
    return Status::Internal("rows and outcomes differ in length");
  size_t n_won = std::count(won.begin(), won.end(), true);
  size_t n_lost = won.size() - n_won;
  if (rows.size() < o.min_rows || n_won < 2 || n_lost < 2) {
    return Status::Conflict(
        "not enough outcomes to learn from: " + std::to_string(n_won) +
        " won and " + std::to_string(n_lost) + " lost (need at least " +
        std::to_string(o.min_rows) + " rows with 2 of each)");
  }
  TrainedModel out;
  out.schema = FeatureSchema::Fit(rows, o.schema);
  out.n_train = rows.size();
  out.n_won = n_won;
  Matrix x = out.schema.Encode(rows);
  std::vector<float> y(won.begin(), won.end());
  bool trees = rows.size() >= o.min_rows_for_trees &&
               std::min(n_won, n_lost) >= o.min_class_for_trees;

  // Stratified folds: shuffle each class, deal round-robin.
  int folds =
      static_cast<int>(std::min<size_t>(o.folds, std::min(n_won, n_lost)));
  std::vector<int> fold(rows.size());
  std::mt19937 rng(o.seed);
  for (bool cls : {false, true}) {
    std::vector<size_t> idx;
    for (size_t i = 0; i < won.size(); ++i)
      if (won[i] == cls) idx.push_back(i);
    std::shuffle(idx.begin(), idx.end(), rng);
    for (size_t k = 0; k < idx.size(); ++k) fold[idx[k]] = k % folds;
  }
  std::vector<double> oof(rows.size());
  for (int f = 0; f < folds; ++f) {
    std::vector<size_t> tr, te;
    for (size_t i = 0; i < rows.size(); ++i)
      (fold[i] == f ? te : tr).push_back(i);
    std::vector<float> ytr;
    for (size_t i : tr) ytr.push_back(y[i]);
    QY_ASSIGN_OR_RETURN(auto m, Fit(Rows(x, tr), ytr, trees, o));
    QY_ASSIGN_OR_RETURN(auto p, m->Predict(Rows(x, te)));
    for (size_t k = 0; k < te.size(); ++k) oof[te[k]] = p[k];
  }
  out.auc_cv = Auc(oof, y);
  out.calibration = Calibrate(oof, y);
  QY_ASSIGN_OR_RETURN(auto final_model, Fit(x, y, trees, o));
  out.model = std::move(final_model);
  return out;
}

}  // namespace qunying::scoring
