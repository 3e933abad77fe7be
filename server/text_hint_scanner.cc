#include "server/text_hint_scanner.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

namespace qunying::server {

void TextHintScanner::Start() {
  if (thread_.joinable() || options_.poll_ms <= 0) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void TextHintScanner::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TextHintScanner::Loop() {
  if (options_.nice != 0) {
    int nice =
        std::clamp(getpriority(PRIO_PROCESS, 0) + options_.nice, -20, 19);
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice);
  }
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    auto n = jobs_->ReadTypedTexts(std::max<size_t>(1, options_.batch),
                                   clock_->NowMillis());
    if (!n.ok()) {
      logger_->Warn("text hints not read", {{"error", n.status().message()}});
    }
    lock.lock();
    // A full batch: more may be waiting (an upgrade's backlog, a burst).
    if (n.ok() && *n >= options_.batch) continue;
    cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms),
                 [this] { return stop_; });
  }
}

}  // namespace qunying::server
