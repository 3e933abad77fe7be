// Clock: the time source, behind an interface so tests can move time by hand
// (ninja's DiskInterface idea). SystemClock and FakeClock are thread-safe.
#ifndef QUNYING_CORE_CLOCK_H_
#define QUNYING_CORE_CLOCK_H_

#include <atomic>
#include <chrono>
#include <cstdint>

namespace qunying {

// Milliseconds of the steady clock since `t`: for timing work, not dates.
inline double MsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - t)
      .count();
}

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch, UTC.
  virtual int64_t NowMillis() const = 0;
  int64_t NowSeconds() const { return NowMillis() / 1000; }
};

// Wall-clock time from the operating system.
class SystemClock : public Clock {
 public:
  int64_t NowMillis() const override;
  // A process-wide instance; never destroyed.
  static Clock* Default();
};

// A clock that only moves when told to. For tests.
class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t start_millis) : now_(start_millis) {}
  int64_t NowMillis() const override { return now_.load(); }
  void Advance(int64_t millis) { now_ += millis; }
  void Set(int64_t millis) { now_ = millis; }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace qunying

#endif  // QUNYING_CORE_CLOCK_H_
