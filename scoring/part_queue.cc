#include "scoring/part_queue.h"

#include <string>

namespace qunying::scoring {

PartQueue::PartQueue(size_t parts) : filled_(parts, false), unfilled_(parts) {
  if (parts == 0) all_filled_at_ = std::chrono::steady_clock::now();
}

std::optional<size_t> PartQueue::Take() {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopped_ || !failed_.ok() || next_ == filled_.size()) return {};
  return next_++;
}

void PartQueue::Finish(size_t part, Status status) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!status.ok()) {
      if (failed_.ok()) failed_ = std::move(status);
    } else if (part < filled_.size() && !filled_[part]) {
      filled_[part] = true;
      if (--unfilled_ == 0) all_filled_at_ = std::chrono::steady_clock::now();
    }
  }
  changed_.notify_all();
}

void PartQueue::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stopped_ = true;
}

Result<bool> PartQueue::Ready(size_t part, bool wait) {
  std::unique_lock<std::mutex> lock(mu_);
  if (part >= filled_.size()) {
    return Status::InvalidArgument("no part " + std::to_string(part) +
                                   " in a pass of " +
                                   std::to_string(filled_.size()));
  }
  if (wait) changed_.wait(lock, [&] { return filled_[part] || !failed_.ok(); });
  if (!failed_.ok()) return failed_;
  return static_cast<bool>(filled_[part]);
}

Status PartQueue::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failed_;
}

std::optional<std::chrono::steady_clock::time_point> PartQueue::all_filled_at()
    const {
  std::lock_guard<std::mutex> lock(mu_);
  return all_filled_at_;
}

}  // namespace qunying::scoring
