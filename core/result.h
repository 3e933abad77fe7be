// Result<T>: a value or a non-OK Status. Like absl::StatusOr, small on purpose.
// Not thread-safe to mutate; const access from many threads is fine.
#ifndef QUNYING_CORE_RESULT_H_
#define QUNYING_CORE_RESULT_H_

#include <cassert>
#include <optional>
#include <utility>

#include "core/status.h"

namespace qunying {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "Result built from an OK Status has no value");
    if (status_.ok()) status_ = Status::Internal("Result without a value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace qunying

// Assigns the value of a Result expression to `lhs`, or returns its Status.
#define QY_CONCAT_INNER_(a, b) a##b
#define QY_CONCAT_(a, b) QY_CONCAT_INNER_(a, b)
#define QY_ASSIGN_OR_RETURN(lhs, expr) \
  QY_ASSIGN_OR_RETURN_IMPL_(QY_CONCAT_(qy_result_, __LINE__), lhs, expr)
#define QY_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

#endif  // QUNYING_CORE_RESULT_H_
