// Helpers the benchmarks share: a failed setup step ends the run, and
// times in milliseconds.
#ifndef QUNYING_BENCH_BENCH_UTIL_H_
#define QUNYING_BENCH_BENCH_UTIL_H_

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "core/status.h"

namespace qunying::bench {

using Clock = std::chrono::steady_clock;

// Milliseconds from `a` to `b`.
inline double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// Prints `s` and exits 1 unless it is OK: a bench whose setup failed has
// nothing to measure.
inline void Check(const Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    std::exit(1);
  }
}

}  // namespace qunying::bench

#endif  // QUNYING_BENCH_BENCH_UTIL_H_
