// What memory touched for the first time costs on this machine, against
// touching the same memory again (the baseline, in the same process): the
// floor under a restarted server's first lead pass, which needs ~460 MB
// afresh on a million members (docs/benchmarks.md, "Why not 1 s"). Also
// tries prefaulting with MAP_POPULATE and transparent huge pages.
// Usage: first_touch_bench [megabytes=200]
#include <sys/mman.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

char* Map(size_t bytes, int extra_flags) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | extra_flags, -1, 0);
  if (p == MAP_FAILED) {
    std::perror("mmap");
    std::exit(1);
  }
  return static_cast<char*>(p);
}

}  // namespace

int main(int argc, char** argv) {
  size_t mb = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 200;
  size_t n = mb << 20;

  char* p = Map(n, 0);
  auto t = Clock::now();
  std::memset(p, 1, n);
  double fresh = MsSince(t);
  t = Clock::now();
  std::memset(p, 2, n);
  double again = MsSince(t);
  std::printf(
      "%zu MB: memset of a fresh mapping %.0f ms (%.2f ms/MB);"
      " of the same mapping again %.0f ms (baseline; %.0fx)\n",
      mb, fresh, fresh / mb, again, fresh / again);

  t = Clock::now();
  char* q = Map(n, MAP_POPULATE);
  double populate = MsSince(t);
  t = Clock::now();
  std::memset(q, 1, n);
  double after = MsSince(t);
  std::printf("  MAP_POPULATE %.0f ms, then memset %.0f ms: %.0f ms in all\n",
              populate, after, populate + after);

  const size_t huge = 2u << 20;
  char* r = Map(n + huge, 0);
  char* aligned = reinterpret_cast<char*>(
      (reinterpret_cast<uintptr_t>(r) + huge - 1) & ~(uintptr_t{huge} - 1));
  madvise(aligned, n, MADV_HUGEPAGE);
  t = Clock::now();
  std::memset(aligned, 1, n);
  std::printf("  MADV_HUGEPAGE, then memset %.0f ms\n", MsSince(t));
  munmap(p, n);
  munmap(q, n);
  munmap(r, n + huge);
  return 0;
}
