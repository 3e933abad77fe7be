#include "core/background_loop.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>

namespace qunying {

void BackgroundLoop::Start(Step step, int nice) {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = false;
  }
  thread_ =
      std::thread([this, step = std::move(step), nice] { Run(step, nice); });
}

void BackgroundLoop::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BackgroundLoop::Run(const Step& step, int nice) {
  if (nice != 0) {
    int value = std::clamp(getpriority(PRIO_PROCESS, 0) + nice, -20, 19);
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), value);
  }
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    const std::chrono::milliseconds wait = step();
    lock.lock();
    if (wait.count() <= 0) continue;
    cv_.wait_for(lock, wait, [this] { return stop_; });
  }
}

}  // namespace qunying
