// Status: the outcome of an operation that can fail, in the style of
// leveldb::Status. Libraries return Status or Result<T>; only server/ turns a
// Status into an HTTP answer (server/status_http.h). Immutable and therefore
// thread-safe to share once built.
#ifndef QUNYING_CORE_STATUS_H_
#define QUNYING_CORE_STATUS_H_

#include <string>
#include <string_view>

namespace qunying {

// The codes map one-to-one onto the contract's error families.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // 400: bad input; field() names the offending field.
  kUnauthenticated,   // 401: not signed in, or the token is dead.
  kPermissionDenied,  // 403: signed in, not allowed.
  kNotFound,          // 404: absent, or not visible to the caller.
  kMethodNotAllowed,  // 405: the path exists for other methods.
  kConflict,          // 409: duplicate or stale state.
  kTooLarge,          // 413: body, image or batch over its limit.
  kUnsupportedMedia,  // 415: content type or file format not accepted.
  kRateLimited,       // 429: too many attempts; retry later.
  kInternal,          // 500: a bug or an unexpected failure.
  kUnavailable,       // 503: a dependency is down or timed out.
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK.
  Status(StatusCode code, std::string message, std::string field = "")
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg, std::string field = "") {
    return Status(StatusCode::kInvalidArgument, std::move(msg),
                  std::move(field));
  }
  static Status Unauthenticated(std::string msg) {
    return Status(StatusCode::kUnauthenticated, std::move(msg));
  }
  static Status PermissionDenied(std::string msg) {
    return Status(StatusCode::kPermissionDenied, std::move(msg));
  }
  static Status NotFound(std::string msg) {
    return Status(StatusCode::kNotFound, std::move(msg));
  }
  static Status Conflict(std::string msg, std::string field = "") {
    return Status(StatusCode::kConflict, std::move(msg), std::move(field));
  }
  static Status TooLarge(std::string msg) {
    return Status(StatusCode::kTooLarge, std::move(msg));
  }
  static Status UnsupportedMedia(std::string msg) {
    return Status(StatusCode::kUnsupportedMedia, std::move(msg));
  }
  static Status RateLimited(std::string msg) {
    return Status(StatusCode::kRateLimited, std::move(msg));
  }
  static Status Internal(std::string msg) {
    return Status(StatusCode::kInternal, std::move(msg));
  }
  static Status Unavailable(std::string msg) {
    return Status(StatusCode::kUnavailable, std::move(msg));
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The input field the error is about ("" when none), e.g. "password".
  const std::string& field() const { return field_; }

  // "NotFound: campaign 12 does not exist" — for logs and tests.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string field_;
};

std::string_view StatusCodeName(StatusCode code);

}  // namespace qunying

// Returns from the current function when `expr` yields a non-OK Status.
#define QY_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::qunying::Status qy_status_ = (expr);   \
    if (!qy_status_.ok()) return qy_status_; \
  } while (0)

#endif  // QUNYING_CORE_STATUS_H_
