// Channel<T>: a bounded queue between the stages of a pipeline, each stage
// on a thread of its own. A full channel holds up its producer, so a fast
// stage cannot run ahead of a slow one by more than `capacity` items (and
// their memory). Thread-safe.
#ifndef QUNYING_CORE_CHANNEL_H_
#define QUNYING_CORE_CHANNEL_H_

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

namespace qunying {

template <typename T>
class Channel {
 public:
  // Holds at most `capacity` items (at least one).
  explicit Channel(size_t capacity)
      : capacity_(std::max<size_t>(1, capacity)) {}

  // Waits for room, then adds `item`; false (the item dropped) once the
  // channel is closed, before or while waiting.
  bool Push(T item) {
    std::unique_lock<std::mutex> lock(mu_);
    room_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    ready_.notify_one();
    return true;
  }

  // Waits for an item and takes the oldest; none once the channel is
  // closed and every item pushed before has been taken.
  std::optional<T> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    ready_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    room_.notify_one();
    return item;
  }

  // Takes no more items and wakes every waiting thread: a producer's Push
  // fails, a consumer's Pop takes what is left, then none.
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    ready_.notify_all();
    room_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable ready_, room_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace qunying

#endif  // QUNYING_CORE_CHANNEL_H_
