// BackgroundLoop: a thread that calls a step function over and over until
// stopped, waiting between calls as long as each call asks. The plumbing
// of the server's background jobs (the lead loop's timers, typed-text
// hints, warming a campaign's reports). Start and Stop from one thread; Stop
// wakes a waiting loop at once and joins it (a step under way finishes first).
#ifndef QUNYING_CORE_BACKGROUND_LOOP_H_
#define QUNYING_CORE_BACKGROUND_LOOP_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace qunying {

class BackgroundLoop {
 public:
  // One step of the work; returns how long to wait before the next one
  // (zero or less: at once).
  using Step = std::function<std::chrono::milliseconds()>;

  BackgroundLoop() = default;
  BackgroundLoop(const BackgroundLoop&) = delete;
  BackgroundLoop& operator=(const BackgroundLoop&) = delete;
  ~BackgroundLoop() { Stop(); }

  // Runs `step` on a new thread, whose nice value is the process's plus
  // `nice` (clamped to -20..19; lowering it needs CAP_SYS_NICE and is
  // skipped without). Does nothing if the loop is running.
  void Start(Step step, int nice = 0);
  // Stops and joins the loop; the next Start runs again. Idempotent.
  void Stop();
  // Between a Start and its Stop.
  bool running() const { return thread_.joinable(); }

 private:
  void Run(const Step& step, int nice);

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace qunying

#endif  // QUNYING_CORE_BACKGROUND_LOOP_H_
