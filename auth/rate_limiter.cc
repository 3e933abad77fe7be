#include "auth/rate_limiter.h"

namespace qunying::auth {

LoginRateLimiter::LoginRateLimiter(const Clock* clock,
                                   RateLimiterOptions options)
    : clock_(clock), options_(options) {}

int LoginRateLimiter::CountRecent(Window& w, int64_t now) {
  while (!w.empty() && w.front() <= now - options_.window_millis) w.pop_front();
  return static_cast<int>(w.size());
}

Status LoginRateLimiter::Check(const std::string& account,
                               const std::string& address) {
  std::lock_guard lock(mu_);
  int64_t now = clock_->NowMillis();
  auto over = [&](const std::string& key, int limit) {
    auto it = failures_.find(key);
    return it != failures_.end() && CountRecent(it->second, now) >= limit;
  };
  if (over("a:" + account, options_.max_failures_per_account) ||
      over("ip:" + address, options_.max_failures_per_address)) {
    return Status::RateLimited(
        "too many failed sign-in attempts; try again in a few minutes");
  }
  return Status::Ok();
}

void LoginRateLimiter::RecordFailure(const std::string& account,
                                     const std::string& address) {
  std::lock_guard lock(mu_);
  int64_t now = clock_->NowMillis();
  if (failures_.size() >= options_.max_keys) Trim();
  failures_["a:" + account].push_back(now);
  failures_["ip:" + address].push_back(now);
}

void LoginRateLimiter::RecordSuccess(const std::string& account) {
  std::lock_guard lock(mu_);
  failures_.erase("a:" + account);
}

// Drops expired windows; if still full, drops everything (fail open on
// memory pressure rather than lock out every user).
void LoginRateLimiter::Trim() {
  int64_t now = clock_->NowMillis();
  for (auto it = failures_.begin(); it != failures_.end();) {
    if (CountRecent(it->second, now) == 0)
      it = failures_.erase(it);
    else
      ++it;
  }
  if (failures_.size() >= options_.max_keys) failures_.clear();
}

}  // namespace qunying::auth
