#include "scoring/trainer.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <random>
#include <thread>
#include <tuple>

#include "core/parallel.h"

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

// One way to fit a model: a tree candidate or the logistic regression.
struct Candidate {
  bool trees = false;
  XgbOptions xgb;
  LogisticOptions logistic;
  std::string settings;
};

Result<std::unique_ptr<Model>> Fit(const Matrix& x, const std::vector<float>& y,
                                   const Candidate& c) {
  if (c.trees) return TrainXgb(x, y, c.xgb);
  return TrainLogistic(x, y, c.logistic);
}

// Stratified folds: shuffle each class, deal round-robin.
std::vector<int> Folds(const std::vector<bool>& won, int folds, uint32_t seed) {
  std::vector<int> fold(won.size());
  std::mt19937 rng(seed);
  for (bool cls : {false, true}) {
    std::vector<size_t> idx;
    for (size_t i = 0; i < won.size(); ++i)
      if (won[i] == cls) idx.push_back(i);
    std::shuffle(idx.begin(), idx.end(), rng);
    for (size_t k = 0; k < idx.size(); ++k) fold[idx[k]] = k % folds;
  }
  return fold;
}

// Out-of-fold predictions of every candidate: candidates × folds fits, run
// on `threads` threads. Each fit writes only its own fold's rows.
Result<std::vector<std::vector<double>>> CrossValidate(
    const Matrix& x, const std::vector<float>& y, const std::vector<int>& fold,
    int folds, const std::vector<Candidate>& candidates,
    const TrainOptions& o) {
  std::vector<std::vector<double>> oof(candidates.size(),
                                       std::vector<double>(y.size()));
  size_t tasks = candidates.size() * static_cast<size_t>(folds);
  std::vector<Status> status(tasks);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t t; (t = next.fetch_add(1)) < tasks;) {
      const Candidate& c = candidates[t / folds];
      int f = static_cast<int>(t % folds);
      std::vector<size_t> tr, te;
      for (size_t i = 0; i < y.size(); ++i)
        (fold[i] == f ? te : tr).push_back(i);
      std::vector<float> ytr;
      for (size_t i : tr) ytr.push_back(y[i]);
      auto m = Fit(Rows(x, tr), ytr, c);
      auto p = m.ok() ? (*m)->Predict(Rows(x, te))
                      : Result<std::vector<double>>(m.status());
      if (!p.ok()) {
        status[t] = p.status();
        continue;
      }
      for (size_t k = 0; k < te.size(); ++k) oof[t / folds][te[k]] = (*p)[k];
    }
  };
  size_t threads = o.threads > 0
                       ? static_cast<size_t>(o.threads)
                       : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, tasks);
  QY_RETURN_IF_ERROR(RunOnThreads(threads, [&](size_t) {
    work();
    return Status::Ok();
  }));
  for (const auto& st : status) QY_RETURN_IF_ERROR(st);
  return oof;
}

// Each candidate's AUC and out-of-fold predictions, averaged over
// `repeats` cross-validations on folds dealt with seeds seed, seed + 1, ….
struct RepeatedCv {
  std::vector<double> auc;
  std::vector<std::vector<double>> oof;
};

Result<RepeatedCv> CrossValidateRepeated(
    const Matrix& x, const std::vector<float>& y, const std::vector<bool>& won,
    int folds, int repeats, const std::vector<Candidate>& candidates,
    const TrainOptions& o) {
  RepeatedCv out{std::vector<double>(candidates.size()),
                 std::vector<std::vector<double>>(
                     candidates.size(), std::vector<double>(y.size()))};
  for (int r = 0; r < repeats; ++r) {
    std::vector<int> fold = Folds(won, folds, o.seed + r);
    QY_ASSIGN_OR_RETURN(auto oof,
                        CrossValidate(x, y, fold, folds, candidates, o));
    for (size_t c = 0; c < candidates.size(); ++c) {
      for (size_t i = 0; i < y.size(); ++i) {
        if (!std::isfinite(oof[c][i])) {
          return Status::Conflict(
              "the model's predictions are not numbers: an attribute's "
              "values are too large to learn from (imported ones must be "
              "within ±10^15)");
        }
        out.oof[c][i] += oof[c][i] / repeats;
      }
      out.auc[c] += Auc(oof[c], y) / repeats;
    }
  }
  return out;
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

std::vector<XgbOptions> DefaultTreeCandidates() {
  std::vector<XgbOptions> out;
  for (auto [depth, rounds, eta] : {std::tuple{2, 100, 0.1},
                                    {4, 200, 0.1},
                                    {6, 300, 0.05},
                                    {8, 300, 0.05}}) {
    XgbOptions o;
    o.max_depth = depth;
    o.rounds = rounds;
    o.eta = eta;
    out.push_back(o);
  }
  return out;
}

std::string DescribeLogistic(const LogisticOptions& o) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "logistic regression, L2 %g", o.l2);
  return buf;
}

std::string DescribeTrees(const XgbOptions& o) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "depth %d × %d rounds, eta %g", o.max_depth,
                o.rounds, o.eta);
  return buf;
}

Result<std::vector<XgbOptions>> ParseTreeCandidates(const std::string& text) {
  std::vector<XgbOptions> out;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = std::min(text.find(',', begin), text.size());
    std::string item = text.substr(begin, end - begin);
    XgbOptions o;
    int used = 0;
    if (std::sscanf(item.c_str(), "%d:%d:%lf%n", &o.max_depth, &o.rounds,
                    &o.eta, &used) != 3 ||
        used != static_cast<int>(item.size()) || o.max_depth < 1 ||
        o.rounds < 1 || !(o.eta > 0)) {
      return Status::InvalidArgument("tree shape '" + item +
                                     "' is not depth:rounds:eta");
    }
    out.push_back(o);
    begin = end + 1;
  }
  return out;
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
  std::vector<Candidate> candidates;
  if (trees) {
    if (o.tree_candidates.empty())
      return Status::Internal("no tree settings to train with");
    for (const XgbOptions& t : o.tree_candidates)
      candidates.push_back({true, t, {}, DescribeTrees(t)});
  } else {
    if (o.logistic_l2_candidates.empty())
      return Status::Internal("no logistic penalties to train with");
    for (double l2 : o.logistic_l2_candidates) {
      LogisticOptions lo = o.logistic;
      lo.l2 = l2;
      candidates.push_back({false, {}, lo, DescribeLogistic(lo)});
    }
  }

  int folds =
      static_cast<int>(std::min<size_t>(o.folds, std::min(n_won, n_lost)));
  const int repeats = trees ? 1 : std::max(1, o.logistic_cv_repeats);
  QY_ASSIGN_OR_RETURN(
      RepeatedCv cv,
      CrossValidateRepeated(x, y, won, folds, repeats, candidates, o));
  double best = 0;
  for (size_t c = 0; c < candidates.size(); ++c) {
    out.candidates.push_back({candidates[c].settings, cv.auc[c]});
    best = std::max(best, out.candidates.back().auc_cv);
  }
  size_t chosen = 0;
  while (out.candidates[chosen].auc_cv < best - o.candidate_tolerance) ++chosen;
  out.settings = out.candidates[chosen].settings;
  out.auc_cv = out.candidates[chosen].auc_cv;
  out.calibration = Calibrate(cv.oof[chosen], y);
  QY_ASSIGN_OR_RETURN(auto final_model, Fit(x, y, candidates[chosen]));
  out.model = std::move(final_model);
  return out;
}

}  // namespace qunying::scoring
