// The progress bar that command-line tools draw on a terminal's standard
// error: "[#########.....]  60%  30 / 50 photos  2.1/s  10 s left".
// Functions only; ProgressBar is thread-safe.
#ifndef QUNYING_SERVER_PROGRESS_BAR_H_
#define QUNYING_SERVER_PROGRESS_BAR_H_

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace qunying::server {

// One line of progress; the rate and time left appear once anything is
// done and some time has passed.
std::string ProgressLine(size_t done, size_t total, const std::string& unit,
                         double elapsed_s);

// Redraws the line in place on standard error (ending it with a newline
// at the end), only when standard error is a terminal.
class ProgressBar {
 public:
  explicit ProgressBar(std::string unit);
  void Update(size_t done, size_t total);

 private:
  std::string unit_;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mu_;
};

}  // namespace qunying::server

#endif  // QUNYING_SERVER_PROGRESS_BAR_H_
