#include "server/progress_bar.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace qunying::server {

std::string ProgressLine(size_t done, size_t total, const std::string& unit,
                         double elapsed_s) {
  constexpr int kWidth = 30;
  int filled = total ? static_cast<int>(kWidth * done / total) : kWidth;
  std::string bar(filled, '#');
  bar.resize(kWidth, '.');
  char buf[160];
  std::snprintf(buf, sizeof buf, "[%s] %3d%%  %zu / %zu %s", bar.c_str(),
                total ? static_cast<int>(100 * done / total) : 100, done, total,
                unit.c_str());
  std::string line = buf;
  if (done > 0 && done < total && elapsed_s > 0.05) {
    double rate = done / elapsed_s;
    std::snprintf(buf, sizeof buf, "  %.1f/s  %.0f s left", rate,
                  std::ceil((total - done) / rate));
    line += buf;
  }
  return line;
}

ProgressBar::ProgressBar(std::string unit)
    : unit_(std::move(unit)),
      tty_(isatty(STDERR_FILENO)),
      start_(std::chrono::steady_clock::now()) {}

void ProgressBar::Update(size_t done, size_t total) {
  if (!tty_) return;
  double s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
          .count();
  std::lock_guard<std::mutex> lock(mu_);
  // "\033[K" clears what a longer earlier line left behind.
  std::fprintf(stderr, "\r%s\033[K%s",
               ProgressLine(done, total, unit_, s).c_str(),
               done == total ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace qunying::server
