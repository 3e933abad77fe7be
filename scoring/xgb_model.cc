// Gradient-boosted trees through libxgboost's C API. Every C call's error
// code is turned into a Status here; no xgboost type leaves this file.
#include <xgboost/c_api.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <thread>

#include "core/parallel.h"
#include "scoring/model.h"

namespace qunying::scoring {
namespace {

// Elements in a prediction of `dim` dimensions.
size_t ShapeSize(const bst_ulong* shape, bst_ulong dim) {
  size_t n = 1;
  for (bst_ulong i = 0; i < dim; ++i) n *= shape[i];
  return n;
}

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

  // Large batches are split across the cores (each thread predicts its
  // rows in place).
  Result<std::vector<double>> Predict(const Matrix& x) const override {
    QY_RETURN_IF_ERROR(CheckColumns(x));
    std::vector<double> out(x.rows);
    size_t threads = std::max(1u, std::thread::hardware_concurrency());
    if (x.rows < kParallelRows) threads = 1;
    size_t chunk = (x.rows + threads - 1) / std::max<size_t>(threads, 1);
    QY_RETURN_IF_ERROR(RunOnThreads(threads, [&](size_t t) -> Status {
      size_t begin = t * chunk, end = std::min(x.rows, begin + chunk);
      if (begin >= end) return Status::Ok();
      return Inplace(x.data.data() + begin * x.cols, end - begin,
                     out.data() + begin);
    }));
    return out;
  }

  // The learner configures itself on its first prediction; doing that
  // once, here, keeps later concurrent predictions read-only.
  Status WarmUp() {
    Matrix one{1, cols_, std::vector<float>(cols_, 0.0f)};
    return Predict(one).status();
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
    bst_ulong len = 0;
    const char* buf = nullptr;
    QY_RETURN_IF_ERROR(
        XgbStatus(XGBoosterSaveModelToBuffer(booster_, "{\"format\": \"json\"}",
                                             &len, &buf),
                  "save"));
    return std::string(buf, len);
  }

 private:
  // Probabilities for `rows` rows at `data` (row-major, cols_ wide),
  // predicted in place: no DMatrix, no copy.
  Status Inplace(const float* data, size_t rows, double* out) const {
    if (rows == 0) return Status::Ok();
    std::string array =
        "{\"data\": [" + std::to_string(reinterpret_cast<uintptr_t>(data)) +
        ", true], \"shape\": [" + std::to_string(rows) + ", " +
        std::to_string(cols_) + "], \"typestr\": \"<f4\", \"version\": 3}";
    const char* config =
        "{\"type\": 0, \"training\": false, \"iteration_begin\": 0,"
        " \"iteration_end\": 0, \"strict_shape\": false, \"missing\": NaN,"
        " \"cache_id\": 0}";
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* result = nullptr;
    QY_RETURN_IF_ERROR(
        XgbStatus(XGBoosterPredictFromDense(booster_, array.c_str(), config,
                                            nullptr, &shape, &dim, &result),
                  "predict"));
    size_t n = ShapeSize(shape, dim);
    if (n != rows) return Status::Internal("xgboost: bad prediction shape");
    std::copy(result, result + n, out);
    return Status::Ok();
  }

  Status CheckColumns(const Matrix& x) const {
    if (x.cols == cols_) return Status::Ok();
    return Status::Internal("model expects " + std::to_string(cols_) +
                            " columns, got " + std::to_string(x.cols));
  }

  // type 2: SHAP contributions (with the bias last).
  template <typename Fn>
  Status Run(const Matrix& x, int type, Fn&& take) const {
    QY_RETURN_IF_ERROR(CheckColumns(x));
    if (x.rows == 0) {
      take(nullptr, 0);
      return Status::Ok();
    }
    DMatrix d;
    QY_RETURN_IF_ERROR(d.Create(x));
    std::string config = "{\"type\": " + std::to_string(type) +
                         ", \"training\": false, \"iteration_begin\": 0,"
                         " \"iteration_end\": 0, \"strict_shape\": false}";
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* out = nullptr;
    QY_RETURN_IF_ERROR(
        XgbStatus(XGBoosterPredictFromDMatrix(booster_, d.get(), config.c_str(),
                                              &shape, &dim, &out),
                  "predict"));
    take(out, ShapeSize(shape, dim));
    return Status::Ok();
  }

  static constexpr size_t kParallelRows = 20000;
  size_t cols_;
  BoosterHandle booster_ = nullptr;
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
  QY_RETURN_IF_ERROR(model->WarmUp());
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
  QY_RETURN_IF_ERROR(model->WarmUp());
  return std::unique_ptr<Model>(std::move(model));
}

}  // namespace qunying::scoring
