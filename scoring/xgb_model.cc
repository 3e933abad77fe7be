// Gradient-boosted trees through libxgboost's C API. Every C call's error
// code is turned into a Status here; no xgboost type leaves this file.
#include <xgboost/c_api.h>

#include <cmath>
#include <limits>
#include <mutex>

#include "scoring/model.h"

namespace qunying::scoring {
namespace {

Status XgbStatus(int rc, const char* what) {
  if (rc == 0) return Status::Ok();
  return Status::Internal(std::string("xgboost ") + what + ": " +
                          XGBGetLastError());
}

// Owns a DMatrix handle.
class DMatrix {
 public:
  ~DMatrix() {
    if (h_) XGDMatrixFree(h_);
  }
  Status Create(const Matrix& x) {
    const float* data = x.data.empty() ? nullptr : x.data.data();
    return XgbStatus(
        XGDMatrixCreateFromMat(data, x.rows, x.cols,
                               std::numeric_limits<float>::quiet_NaN(), &h_),
        "matrix");
  }
  DMatrixHandle get() const { return h_; }

 private:
  DMatrixHandle h_ = nullptr;
};

class XgbModel : public Model {
 public:
  explicit XgbModel(size_t cols) : cols_(cols) {}
  ~XgbModel() override {
    if (booster_) XGBoosterFree(booster_);
  }

  Status Init(const DMatrixHandle* train, size_t n) {
    return XgbStatus(XGBoosterCreate(train, n, &booster_), "create");
  }
  Status Set(const char* name, const std::string& value) {
    return XgbStatus(XGBoosterSetParam(booster_, name, value.c_str()), name);
  }
  Status Boost(int iter, DMatrixHandle train) {
    return XgbStatus(XGBoosterUpdateOneIter(booster_, iter, train), "train");
  }
  Status Load(const std::string& bytes) {
    return XgbStatus(
        XGBoosterLoadModelFromBuffer(booster_, bytes.data(), bytes.size()),
        "load");
  }

  std::string Kind() const override { return "xgboost"; }

  Result<std::vector<double>> Predict(const Matrix& x) const override {
    std::vector<double> out;
    QY_RETURN_IF_ERROR(
        Run(x, 0, [&](const float* v, size_t n) { out.assign(v, v + n); }));
    if (out.size() != x.rows) return Status::Internal("xgboost: bad shape");
    return out;
  }

  Result<Matrix> Contributions(const Matrix& x) const override {
    Matrix m{x.rows, x.cols + 1, {}};
    QY_RETURN_IF_ERROR(
        Run(x, 2, [&](const float* v, size_t n) { m.data.assign(v, v + n); }));
    if (m.data.size() != m.rows * m.cols)
      return Status::Internal("xgboost: bad contribution shape");
    return m;
  }

  Result<std::string> Serialize() const override {
    std::lock_guard<std::mutex> lock(mu_);
    bst_ulong len = 0;
    const char* buf = nullptr;
    QY_RETURN_IF_ERROR(
        XgbStatus(XGBoosterSaveModelToBuffer(booster_, "{\"format\": \"json\"}",
                                             &len, &buf),
                  "save"));
    return std::string(buf, len);
  }

 private:
  // type 0: probabilities; 2: SHAP contributions (with the bias last).
  template <typename Fn>
  Status Run(const Matrix& x, int type, Fn&& take) const {
    if (x.cols != cols_)
      return Status::Internal("model expects " + std::to_string(cols_) +
                              " columns, got " + std::to_string(x.cols));
    if (x.rows == 0) {
      take(nullptr, 0);
      return Status::Ok();
    }
    DMatrix d;
    QY_RETURN_IF_ERROR(d.Create(x));
    std::string config = "{\"type\": " + std::to_string(type) +
                         ", \"training\": false, \"iteration_begin\": 0,"
                         " \"iteration_end\": 0, \"strict_shape\": false}";
    std::lock_guard<std::mutex> lock(mu_);
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* out = nullptr;
    QY_RETURN_IF_ERROR(
        XgbStatus(XGBoosterPredictFromDMatrix(booster_, d.get(), config.c_str(),
                                              &shape, &dim, &out),
                  "predict"));
    size_t n = 1;
    for (bst_ulong i = 0; i < dim; ++i) n *= shape[i];
    take(out, n);
    return Status::Ok();
  }

  size_t cols_;
  BoosterHandle booster_ = nullptr;
  mutable std::mutex mu_;  // One prediction at a time per booster.
};

}  // namespace

Result<std::unique_ptr<Model>> TrainXgb(const Matrix& x,
                                        const std::vector<float>& y,
                                        const XgbOptions& o) {
  if (x.rows != y.size() || x.rows == 0)
    return Status::InvalidArgument("no training rows");
  DMatrix train;
  QY_RETURN_IF_ERROR(train.Create(x));
  QY_RETURN_IF_ERROR(
      XgbStatus(XGDMatrixSetFloatInfo(train.get(), "label", y.data(), y.size()),
                "labels"));
  auto model = std::make_unique<XgbModel>(x.cols);
  DMatrixHandle h = train.get();
  QY_RETURN_IF_ERROR(model->Init(&h, 1));
  const std::pair<const char*, std::string> params[] = {
      {"objective", "binary:logistic"},
      {"tree_method", "hist"},
      {"max_depth", std::to_string(o.max_depth)},
      {"eta", std::to_string(o.eta)},
      {"subsample", std::to_string(o.subsample)},
      {"colsample_bytree", std::to_string(o.colsample)},
      {"min_child_weight", std::to_string(o.min_child_weight)},
      {"lambda", std::to_string(o.lambda)},
      {"nthread", std::to_string(o.threads)},
      {"seed", std::to_string(o.seed)},
      {"verbosity", "0"}};
  for (const auto& [k, v] : params) QY_RETURN_IF_ERROR(model->Set(k, v));
  for (int i = 0; i < o.rounds; ++i)
    QY_RETURN_IF_ERROR(model->Boost(i, train.get()));
  return std::unique_ptr<Model>(std::move(model));
}

Result<std::unique_ptr<Model>> LoadLogistic(const std::string& bytes,
                                            size_t cols);

Result<std::unique_ptr<Model>> LoadModel(const std::string& kind,
                                         const std::string& bytes,
                                         size_t cols) {
  if (kind == "logistic") return LoadLogistic(bytes, cols);
  if (kind != "xgboost")
    return Status::Internal("unknown stored model kind: " + kind);
  auto model = std::make_unique<XgbModel>(cols);
  QY_RETURN_IF_ERROR(model->Init(nullptr, 0));
  QY_RETURN_IF_ERROR(model->Load(bytes));
  QY_RETURN_IF_ERROR(model->Set("nthread", "1"));
  return std::unique_ptr<Model>(std::move(model));
}

}  // namespace qunying::scoring
