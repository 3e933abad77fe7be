// Write throughput of the SQLite store: group commit (16 writer threads
// sharing transactions) against the baseline of one writer committing each
// write alone, both with synchronous=FULL, in the same process.
// Usage: storage_bench [writes=4000]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "storage/database.h"

using namespace qunying;
using namespace qunying::storage;

namespace {

Status Insert(Connection& c, int i) {
  QY_ASSIGN_OR_RETURN(Statement * st,
                      c.Prepare("INSERT INTO audit_log (at_ms, action, target)"
                                " VALUES (?, 'bench', 'x')"));
  return st->Bind(1, i).Run();
}

// Returns writes per second; `threads` callers share `writes` writes.
double Run(const std::string& path, int threads, int writes) {
  std::filesystem::remove(path);
  DatabaseOptions o;
  o.path = path;
  auto db = Database::Open(o);
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.status().ToString().c_str());
    std::exit(1);
  }
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = t; i < writes; i += threads) {
        if (!(*db)->Write([i](Connection& c) { return Insert(c, i); }).ok()) {
          std::abort();
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  auto stats = (*db)->Stats();
  std::printf("%-34s %8d writes %8.0f writes/s  %6.1f writes/commit\n",
              (std::to_string(threads) + " thread(s)").c_str(), writes,
              writes / secs, double(stats.writes) / double(stats.commits));
  return writes / secs;
}

}  // namespace

int main(int argc, char** argv) {
  int writes = argc > 1 ? std::atoi(argv[1]) : 4000;
  std::string path = (std::filesystem::temp_directory_path() /
                      ("qy-storage-bench-" + std::to_string(getpid()) + ".db"));
  double serial = Run(path, 1, writes / 4);
  double grouped = Run(path, 16, writes);
  std::printf("group commit speed-up over one-commit-per-write: %.1fx\n",
              grouped / serial);
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
  return 0;
}
