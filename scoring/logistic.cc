// L2-regularised logistic regression by Newton's method on standardised
// columns; missing values are imputed with the column mean (so they
// contribute nothing to a prediction).
#include <algorithm>
#include <cmath>
#include <sstream>

#include "scoring/model.h"

namespace qunying::scoring {
namespace {

double Sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// Solves A x = b in place for a symmetric positive definite A (n×n).
bool SolveSpd(std::vector<double>& a, std::vector<double>& b, size_t n) {
  for (size_t j = 0; j < n; ++j) {  // Cholesky: A = L Lᵀ, L in the lower part.
    double d = a[j * n + j];
    for (size_t k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
    if (d <= 1e-12) return false;
    a[j * n + j] = std::sqrt(d);
    for (size_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (size_t k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / a[j * n + j];
    }
  }
  for (size_t i = 0; i < n; ++i) {  // L y = b
    for (size_t k = 0; k < i; ++k) b[i] -= a[i * n + k] * b[k];
    b[i] /= a[i * n + i];
  }
  for (size_t i = n; i-- > 0;) {  // Lᵀ x = y
    for (size_t k = i + 1; k < n; ++k) b[i] -= a[k * n + i] * b[k];
    b[i] /= a[i * n + i];
  }
  return true;
}

class LogisticModel : public Model {
 public:
  LogisticModel(std::vector<double> mean, std::vector<double> scale,
                std::vector<double> w, double bias)
      : mean_(std::move(mean)),
        scale_(std::move(scale)),
        w_(std::move(w)),
        bias_(bias) {}

  std::string Kind() const override { return "logistic"; }

  Result<std::vector<double>> Predict(const Matrix& x) const override {
    QY_RETURN_IF_ERROR(Check(x));
    std::vector<double> out(x.rows);
    for (size_t r = 0; r < x.rows; ++r) {
      double z = bias_;
      for (size_t c = 0; c < x.cols; ++c) z += w_[c] * Z(x.At(r, c), c);
      out[r] = Sigmoid(z);
    }
    return out;
  }

  Result<Matrix> Contributions(const Matrix& x) const override {
    QY_RETURN_IF_ERROR(Check(x));
    Matrix out{x.rows, x.cols + 1, std::vector<float>(x.rows * (x.cols + 1))};
    for (size_t r = 0; r < x.rows; ++r) {
      float* row = out.data.data() + r * out.cols;
      for (size_t c = 0; c < x.cols; ++c)
        row[c] = static_cast<float>(w_[c] * Z(x.At(r, c), c));
      row[x.cols] = static_cast<float>(bias_);
    }
    return out;
  }

  Result<std::string> Serialize() const override {
    std::ostringstream os;
    os.precision(17);
    os << w_.size() << " " << bias_ << "\n";
    for (size_t c = 0; c < w_.size(); ++c)
      os << mean_[c] << " " << scale_[c] << " " << w_[c] << "\n";
    return os.str();
  }

  // Standardised value; a missing value is the mean.
  double Z(float v, size_t c) const {
    return std::isnan(v) ? 0.0 : (v - mean_[c]) / scale_[c];
  }

 private:
  Status Check(const Matrix& x) const {
    if (x.cols != w_.size())
      return Status::Internal("model expects " + std::to_string(w_.size()) +
                              " columns, got " + std::to_string(x.cols));
    return Status::Ok();
  }

  std::vector<double> mean_, scale_, w_;
  double bias_;
};

}  // namespace

Result<std::unique_ptr<Model>> TrainLogistic(const Matrix& x,
                                             const std::vector<float>& y,
                                             const LogisticOptions& o) {
  if (x.rows != y.size() || x.rows == 0)
    return Status::InvalidArgument("no training rows");
  const size_t d = x.cols, n = d + 1;  // Weights, then the intercept.
  std::vector<double> mean(d, 0), scale(d, 1);
  for (size_t c = 0; c < d; ++c) {
    double s = 0, s2 = 0, k = 0;
    for (size_t r = 0; r < x.rows; ++r) {
      float v = x.At(r, c);
      if (std::isnan(v)) continue;
      s += v, s2 += double{v} * v, ++k;
    }
    mean[c] = k ? s / k : 0;
    double var = k ? s2 / k - mean[c] * mean[c] : 0;
    scale[c] = var > 1e-12 ? std::sqrt(var) : 1;
  }
  LogisticModel probe(mean, scale, std::vector<double>(d, 0), 0);
  std::vector<double> z(x.rows * n);
  for (size_t r = 0; r < x.rows; ++r) {
    for (size_t c = 0; c < d; ++c) z[r * n + c] = probe.Z(x.At(r, c), c);
    z[r * n + d] = 1.0;
  }
  std::vector<double> beta(n, 0);
  for (int it = 0; it < o.max_iterations; ++it) {
    std::vector<double> h(n * n, 0), g(n, 0);
    for (size_t r = 0; r < x.rows; ++r) {
      const double* zr = &z[r * n];
      double eta = 0;
      for (size_t j = 0; j < n; ++j) eta += beta[j] * zr[j];
      double p = Sigmoid(eta), wt = std::max(p * (1 - p), 1e-9);
      for (size_t i = 0; i < n; ++i) {
        g[i] += (y[r] - p) * zr[i];
        for (size_t j = 0; j <= i; ++j) h[i * n + j] += wt * zr[i] * zr[j];
      }
    }
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < i; ++j) h[j * n + i] = h[i * n + j];
      if (i < d)
        h[i * n + i] += o.l2, g[i] -= o.l2 * beta[i];
      else
        h[i * n + i] += 1e-6;
    }
    if (!SolveSpd(h, g, n))
      return Status::Internal("logistic regression did not converge");
    double step = 0;
    for (size_t i = 0; i < n; ++i) {
      beta[i] += g[i];
      step = std::max(step, std::abs(g[i]));
    }
    if (step < o.tolerance) break;
  }
  double bias = beta[d];
  beta.resize(d);
  return std::unique_ptr<Model>(new LogisticModel(mean, scale, beta, bias));
}

Result<std::unique_ptr<Model>> LoadLogistic(const std::string& bytes,
                                            size_t cols) {
  std::istringstream in(bytes);
  size_t d = 0;
  double bias = 0;
  if (!(in >> d >> bias) || d != cols)
    return Status::Internal("stored logistic model is damaged");
  std::vector<double> mean(d), scale(d), w(d);
  for (size_t c = 0; c < d; ++c) {
    if (!(in >> mean[c] >> scale[c] >> w[c]) || scale[c] == 0)
      return Status::Internal("stored logistic model is damaged");
  }
  return std::unique_ptr<Model>(new LogisticModel(mean, scale, w, bias));
}

double Auc(const std::vector<double>& scores, const std::vector<float>& y) {
  // NaN ranks lowest and ties with NaN: with `<` and `==` alone the sort's
  // order is undefined and the tie loop below never moved past a NaN.
  auto less = [](double a, double b) {
    return std::isnan(a) ? !std::isnan(b) : !std::isnan(b) && a < b;
  };
  auto tie = [](double a, double b) {
    return a == b || (std::isnan(a) && std::isnan(b));
  };
  std::vector<size_t> order(scores.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return less(scores[a], scores[b]); });
  double pos = 0, neg = 0, rank_sum = 0;
  for (size_t i = 0; i < order.size();) {  // Average ranks over ties.
    size_t j = i + 1;
    while (j < order.size() && tie(scores[order[j]], scores[order[i]])) ++j;
    double rank = (i + 1 + j) / 2.0;
    for (size_t k = i; k < j; ++k) {
      if (y[order[k]] > 0.5)
        rank_sum += rank, ++pos;
      else
        ++neg;
    }
    i = j;
  }
  if (pos == 0 || neg == 0) return 0.5;
  return (rank_sum - pos * (pos + 1) / 2) / (pos * neg);
}

}  // namespace qunying::scoring
