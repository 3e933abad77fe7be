// Check-ins through the store alone (no HTTP): 32 threads filing check-ins
// for distinct members, against the baseline of one thread, in the same
// process. Tells how much of the HTTP figure the database path costs.
// Usage: checkin_store_bench [members=60000]
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "storage/database.h"
#include "storage/sqlite_community_store.h"

using namespace qunying;

namespace {

double Run(storage::SqliteCommunityStore& store, int threads, int first,
           int count) {
  std::atomic<int> next{first};
  int64_t now = SystemClock::Default()->NowMillis();
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int m; (m = next++) < first + count;) {
        community::CheckinInput in;
        in.member_id = m;
        in.campaign_id = 1;
        in.text = "今天读了二十分钟";
        in.duration_s = 1200;
        in.client_id = "c" + std::to_string(m);
        in.now_ms = now;
        if (!store.CreateCheckin(in).ok()) std::abort();
      }
    });
  }
  for (auto& th : pool) th.join();
  double s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  return count / s;
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 60000;
  std::string path = std::filesystem::temp_directory_path() /
                     ("qy-checkin-store-" + std::to_string(getpid()) + ".db");
  storage::DatabaseOptions o;
  o.path = path;
  auto db = storage::Database::Open(o);
  if (!db.ok()) return 1;
  int64_t today = (SystemClock::Default()->NowSeconds() + 8 * 3600) / 86400;
  Status s = (*db)->Write([&](storage::Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(auto* camp,
                        c.Prepare("INSERT INTO campaigns (name, theme, series,"
                                  " starts_on, days, created_at_ms)"
                                  " VALUES ('b', 't', 's', ?, 21, 0)"));
    QY_RETURN_IF_ERROR(camp->Bind(1, today - 2).Run());
    QY_ASSIGN_OR_RETURN(
        auto* m, c.Prepare("INSERT INTO members (nickname, created_at_ms,"
                           " updated_at_ms) VALUES ('x', 0, 0)"));
    QY_ASSIGN_OR_RETURN(
        auto* e, c.Prepare("INSERT INTO enrollments (campaign_id, member_id,"
                           " enrolled_at_ms) VALUES (1, ?, 0)"));
    for (int i = 1; i <= n; ++i) {
      m->Reset();
      QY_RETURN_IF_ERROR(m->Run());
      e->Reset();
      QY_RETURN_IF_ERROR(e->Bind(1, c.LastInsertId()).Run());
    }
    return Status::Ok();
  });
  if (!s.ok()) return 1;
  storage::SqliteCommunityStore store(db->get());
  double one = Run(store, 1, 1, n / 6);
  double many = Run(store, 32, 1 + n / 6, n - n / 6);
  std::printf(
      "check-ins through the store: 1 thread %.0f/s, 32 threads %.0f/s "
      "(%.1fx)\n",
      one, many, many / one);
  db->reset();
  for (const char* sfx : {"", "-wal", "-shm"})
    std::filesystem::remove(path + sfx);
  return 0;
}
