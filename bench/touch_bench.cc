// Session touches (last-seen updates) through SqliteAccountStore, found by
// token hash against found by rowid, alternating in the same process.
// Usage: touch_bench [sessions=150000] [rounds=3]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "storage/database.h"
#include "storage/sqlite_account_store.h"

using namespace qunying;
using namespace qunying::storage;

namespace {

// Sessions with random 64-character hashes, as auth::TokenHash gives, in
// one transaction.
std::vector<std::string> CreateSessions(Database& db, int n) {
  std::mt19937_64 rng(42);
  std::vector<std::string> hashes(n);
  for (auto& h : hashes) {
    char buf[65];
    std::snprintf(buf, sizeof buf, "%016llx%016llx%016llx%016llx",
                  (unsigned long long)rng(), (unsigned long long)rng(),
                  (unsigned long long)rng(), (unsigned long long)rng());
    h = buf;
  }
  Status s = db.Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("INSERT INTO sessions (token_hash, kind, subject_id,"
                  " created_at_ms, last_seen_ms, expires_at_ms)"
                  " VALUES (?, 'participant', ?, 0, 0, 9000000000000)"));
    for (int i = 0; i < n; ++i) {
      st->Reset();
      QY_RETURN_IF_ERROR(st->Bind(1, hashes[i]).Bind(2, i + 1).Run());
    }
    return Status::Ok();
  });
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    std::exit(1);
  }
  return hashes;
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 150000;
  int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  std::string path = (std::filesystem::temp_directory_path() /
                      ("qy-touch-bench-" + std::to_string(getpid()) + ".db"));
  {
    DatabaseOptions o;
    o.path = path;
    auto db = Database::Open(o);
    if (!db.ok()) return 1;
    SqliteAccountStore store(db->get());
    std::vector<std::string> hashes = CreateSessions(**db, n);
    std::vector<int64_t> rows;
    for (const auto& h : hashes) rows.push_back(store.FindSession(h)->row_id);
    double us[2] = {0, 0};
    int64_t now = 1;
    for (int r = 0; r < 2 * rounds; ++r) {
      bool by_row = r % 2;
      ++now;
      auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < n; ++i) {
        if (!store.TouchSession(hashes[i], by_row ? rows[i] : 0, now).ok())
          return 1;
      }
      // Touches are queued; a write queued after them returns once they
      // are committed.
      if (!(*db)->Write([](Connection&) { return Status::Ok(); }).ok())
        return 1;
      double each = std::chrono::duration<double, std::micro>(
                        std::chrono::steady_clock::now() - t0)
                        .count() /
                    n;
      us[by_row] += each / rounds;
      std::printf("%-14s %7.2f us a touch\n",
                  by_row ? "by rowid" : "by token hash", each);
    }
    std::printf("by rowid / by token hash: %.2f (mean of %d rounds each)\n",
                us[1] / us[0], rounds);
  }
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
  return 0;
}
