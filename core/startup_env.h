// Settings that libraries read only when the program is loaded, so that
// setting them from main() is too late: libgomp's OMP_THREAD_LIMIT
// (ocr/openmp_env.h) and glibc's GLIBC_TUNABLES (kHugePageMalloc). The
// program sets those that are unset and starts itself again.
#ifndef QUNYING_CORE_STARTUP_ENV_H_
#define QUNYING_CORE_STARTUP_ENV_H_

#include <cstddef>
#include <initializer_list>

namespace qunying {

// glibc's malloc asks the kernel for transparent huge pages (madvise) for
// the memory it maps. On this project's VM a page touched for the first
// time costs 3-4 ms per MB in 4 KiB pages (bench/first_touch_bench.cc):
// the lead pass's first run in a new process touches ~460 MB afresh, and
// took about twice as long at 1M members with 4 KiB pages as with this
// (docs/benchmarks.md, "Huge pages from malloc"). An operator who
// sets GLIBC_TUNABLES (e.g. glibc.malloc.hugetlb=0) keeps theirs.
inline constexpr char kHugePageMalloc[] = "glibc.malloc.hugetlb=1";

struct EnvDefault {
  const char* name;
  const char* value;
};

// Sets every variable of `defaults` that is unset; if any was, re-executes
// this program (/proc/self/exe) with the same arguments. Returns only when
// none was unset, or when the re-execution failed (the program then runs
// without them, slower). Call first thing in main(), before any thread
// starts. Not thread-safe (it changes the environment).
void ReexecWithEnvDefaults(char** argv,
                           std::initializer_list<EnvDefault> defaults);

// glibc malloc's thresholds, for the whole process: a thread's arena gives
// free memory at its top back to the kernel once it exceeds
// `trim_threshold` (M_TRIM_THRESHOLD), and blocks of `mmap_threshold`
// bytes or more are mapped on their own (M_MMAP_THRESHOLD); 0 keeps
// glibc's own, which moves with the program's frees. The server sets the
// defaults below (server/app.h, AppOptions) and so does bench/lead_bench,
// so that the bench allocates as the server does. Not thread-safe.
inline constexpr size_t kMallocTrimThreshold = size_t{4} << 20;
inline constexpr size_t kMallocMmapThreshold = size_t{1} << 20;
void TuneMalloc(size_t trim_threshold, size_t mmap_threshold);

}  // namespace qunying

#endif  // QUNYING_CORE_STARTUP_ENV_H_
