// Limits failed sign-in attempts per account and per client address over a
// sliding window. Thread-safe (one mutex; the critical sections are tiny).
#ifndef QUNYING_AUTH_RATE_LIMITER_H_
#define QUNYING_AUTH_RATE_LIMITER_H_

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.h"
#include "core/status.h"

namespace qunying::auth {

struct RateLimiterOptions {
  // Failures allowed per account inside the window before it is locked out.
  int max_failures_per_account = 5;
  // Failures allowed per client address inside the window (covers password
  // spraying across many accounts from one place).
  int max_failures_per_address = 20;
  // Length of the sliding window.
  int64_t window_millis = 15 * 60 * 1000;
  // Keys tracked at most; the oldest entries are dropped beyond this so a
  // flood of made-up usernames cannot exhaust memory.
  size_t max_keys = 100000;
};

class LoginRateLimiter {
 public:
  LoginRateLimiter(const Clock* clock, RateLimiterOptions options = {});

  // RateLimited when either the account or the address is over its limit.
  [[nodiscard]] Status Check(const std::string& account,
                             const std::string& address);
  void RecordFailure(const std::string& account, const std::string& address);
  // A successful sign-in clears the account's failures (not the address's).
  void RecordSuccess(const std::string& account);

 private:
  using Window = std::deque<int64_t>;
  int CountRecent(Window& w, int64_t now);
  void Trim();

  const Clock* clock_;
  RateLimiterOptions options_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> failures_;  // "a:" / "ip:" prefixed.
};

}  // namespace qunying::auth

#endif  // QUNYING_AUTH_RATE_LIMITER_H_
