// A campaign's engagement reports at scale, each against a baseline run in
// the same process: N members (default 100,000) enrolled in a 21-day
// campaign and as many outside it, on its last day. Two thirds of the
// members check in on a given day, and every active member sends a few
// mini-program events with dwell time; rows are stored day by day,
// interleaved across members, as they arrive.
//  - the leaderboard (top 50), a participant's place on it, the dwell
//    report and check-ins per day, each a median of 5,
//  - against a COUNT(*) of the campaign's check-ins.
// Then the dwell report after a participant proves a phone (a sign-in
// record with a few events merged into the record their order made): the
// merge as it is (the events copied) against a move of the events by
// UPDATE, as merges did before migration 34. And the dwell report after a
// refund in its own campaign and in another, against the report read again
// whole, as any refund made it before migration 35. And the leaderboard
// after an operator merges a participant's record into another, against
// one read again whole, as any merge made it before migration 36.
// Usage: engagement_bench [members=100000] [days=21]
// ENGAGEMENT_BENCH_DB=path keeps the database there and, when it exists,
// runs on it as it is (made by a run with the same arguments).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "storage/database.h"
#include "storage/sqlite_engagement_store.h"
#include "storage/sqlite_identity_admin_store.h"

using namespace qunying;
using bench::Check;
using bench::Clock;
using bench::Ms;

namespace {

constexpr int64_t kStartDay = 20000;  // Days since 1970-01-01.
constexpr int64_t kDayMs = 86400000;

// Whether member i (1-based) is active on campaign day d.
bool Active(int i, int d) { return (i * 7 + d * 3) % 3 != 0; }

// Members 1..2n, the first n enrolled in campaign 1; check-ins and events
// for `days` days. Returns the check-ins stored.
int64_t Populate(storage::Database& db, int n, int days) {
  int64_t checkins = 0;
  Check(db.Write([&](storage::Connection& c) -> Status {
    QY_RETURN_IF_ERROR(
        c.Exec("INSERT INTO campaigns (name, theme, series, starts_on, days, "
               "created_at_ms) VALUES ('A', 't', 's', " +
               std::to_string(kStartDay) + ", 21, 0)"));
    QY_ASSIGN_OR_RETURN(
        auto* m, c.Prepare("INSERT INTO members (nickname, created_at_ms,"
                           " updated_at_ms) VALUES (?, 0, 0)"));
    QY_ASSIGN_OR_RETURN(
        auto* e, c.Prepare("INSERT INTO enrollments (campaign_id,"
                           " member_id, enrolled_at_ms) VALUES (1, ?, 0)"));
    for (int i = 1; i <= 2 * n; ++i) {
      m->Reset();
      QY_RETURN_IF_ERROR(m->Bind(1, "会员" + std::to_string(i)).Run());
      if (i > n) continue;
      e->Reset();
      QY_RETURN_IF_ERROR(e->Bind(1, i).Run());
    }
    return Status::Ok();
  }));
  for (int d = 1; d <= days; ++d) {
    // China time 08:00 (UTC 00:00) of day d, plus a member's own minutes.
    const int64_t day_ms = (kStartDay + d - 1) * kDayMs;
    Check(db.Write([&](storage::Connection& c) -> Status {
      QY_ASSIGN_OR_RETURN(
          auto* k,
          c.Prepare("INSERT INTO checkins (member_id, campaign_id, day,"
                    " duration_s, client_id, created_at_ms)"
                    " VALUES (?, 1, ?, ?, ?, ?)"));
      QY_ASSIGN_OR_RETURN(
          auto* v, c.Prepare("INSERT INTO events (member_id, type, dwell_ms,"
                             " ts_ms, client_id, received_at_ms)"
                             " VALUES (?, 'page_view', ?, ?, ?, ?)"));
      for (int i = 1; i <= 2 * n; ++i) {
        if (!Active(i, d)) continue;
        const int64_t at = day_ms + (i % 600) * 60000;
        if (i <= n) {
          k->Reset();
          QY_RETURN_IF_ERROR(k->Bind(1, i)
                                 .Bind(2, d)
                                 .Bind(3, 300 + (i * 13 + d) % 900)
                                 .Bind(4, "k" + std::to_string(d))
                                 .Bind(5, at)
                                 .Run());
          ++checkins;
        }
        for (int j = 0; j < 3; ++j) {
          v->Reset();
          QY_RETURN_IF_ERROR(
              v->Bind(1, i)
                  .Bind(2, 60000 + (i + j * 17) % 400 * 1000)
                  .Bind(3, at + j * 120000)
                  .Bind(4, "e" + std::to_string(d) + "-" + std::to_string(j))
                  .Bind(5, at + j * 120000)
                  .Run());
        }
      }
      return Status::Ok();
    }));
  }
  return checkins;
}

// Median of `n` runs of `f`, in ms.
double Median(int n, const std::function<void()>& f) {
  std::vector<double> ms;
  for (int run = 0; run < n; ++run) {
    auto t0 = Clock::now();
    f();
    ms.push_back(Ms(t0, Clock::now()));
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

// Median of `n` runs of `f`, each after `before` (not timed), in ms.
double MedianAfter(int n, const std::function<void()>& before,
                   const std::function<void()>& f) {
  std::vector<double> ms;
  for (int run = 0; run < n; ++run) {
    before();
    auto t0 = Clock::now();
    f();
    ms.push_back(Ms(t0, Clock::now()));
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

// The store's queries before it kept the reports (analytics_repo.cc at
// 5ee3e31), as the baseline and the reference answers.
constexpr char kLeaderboardSql[] =
    "SELECT k.member_id || ' ' || m.nickname || ' ' || COUNT(*) || ' ' ||"
    " SUM(k.duration_s) FROM checkins k JOIN members m ON m.id = k.member_id"
    " WHERE k.campaign_id = 1 GROUP BY k.member_id"
    " ORDER BY COUNT(*) DESC, SUM(k.duration_s) DESC, k.member_id LIMIT 51";
constexpr char kDwellSql[] =
    "SELECT d || ' ' || n || ' ' || s FROM (SELECT (v.ts_ms / 1000 + 28800)"
    " / 86400 AS d, COUNT(DISTINCT v.member_id) AS n, SUM(v.dwell_ms) AS s"
    " FROM events v WHERE v.member_id IN (SELECT member_id FROM enrollments"
    " WHERE campaign_id = 1 AND refunded_at_ms IS NULL) AND v.ts_ms >= "
    "(20000 * 86400 - 28800) * 1000 GROUP BY d ORDER BY d)";
constexpr char kPerDaySql[] =
    "SELECT day || ' ' || SUM(makeup = 0) || ' ' || SUM(makeup = 1) FROM"
    " checkins WHERE campaign_id = 1 AND day BETWEEN 1 AND 21 GROUP BY day"
    " ORDER BY day";

std::vector<std::string> Rows(storage::Database& db, const char* sql) {
  std::vector<std::string> out;
  Check(db.Read([&](storage::Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(auto* st, c.Prepare(sql));
    return storage::ForEachRow(
        st, [&](const storage::Statement& s) { out.push_back(s.Text(0)); });
  }));
  return out;
}

std::string DwellRow(const community::DwellDay& d) {
  // As kDwellSql prints it: the day, the active members, the dwell in ms.
  return std::to_string(d.date) + " " + std::to_string(d.active) + " " +
         std::to_string(std::llround(d.avg_dwell_s * 1000 * d.active));
}

// `n` page views of `member` in the millisecond from `day_ms` on, each
// `dwell_ms` long, with client ids "<prefix>0", "<prefix>1" …
Status AddEvents(storage::Connection& c, int64_t member, int64_t day_ms, int n,
                 int64_t dwell_ms, const std::string& prefix) {
  QY_ASSIGN_OR_RETURN(auto* v,
                      c.Prepare("INSERT INTO events (member_id, type, dwell_ms,"
                                " ts_ms, client_id, received_at_ms)"
                                " VALUES (?, 'page_view', ?, ?, ?, ?)"));
  for (int j = 0; j < n; ++j) {
    v->Reset();
    QY_RETURN_IF_ERROR(v->Bind(1, member)
                           .Bind(2, dwell_ms)
                           .Bind(3, day_ms + j)
                           .Bind(4, prefix + std::to_string(j))
                           .Bind(5, day_ms)
                           .Run());
  }
  return Status::Ok();
}

// A few seconds of a busy evening on the last day: 100 check-ins of
// members who had not checked in that day, 300 events.
void AddNews(storage::Database& db, int n, int days, int round) {
  const int64_t day_ms = (kStartDay + days - 1) * kDayMs;
  Check(db.Write([&](storage::Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        auto* k, c.Prepare("INSERT INTO checkins (member_id, campaign_id, day,"
                           " duration_s, client_id, created_at_ms)"
                           " VALUES (?, 1, ?, 1200, 'late', ?)"));
    int added = 0;
    for (int i = 1 + round * 400; i <= n && added < 100; ++i) {
      if (Active(i, days)) continue;
      k->Reset();
      QY_RETURN_IF_ERROR(k->Bind(1, i).Bind(2, days).Bind(3, day_ms).Run());
      QY_RETURN_IF_ERROR(AddEvents(c, i, day_ms, 3, 90000, "late"));
      ++added;
    }
    return Status::Ok();
  }));
}

// A new member record called `nickname`; its id.
Result<int64_t> NewMember(storage::Connection& c, const std::string& nickname) {
  QY_ASSIGN_OR_RETURN(auto* st,
                      c.Prepare("INSERT INTO members (nickname, created_at_ms,"
                                " updated_at_ms) VALUES (?, 0, 0)"));
  QY_RETURN_IF_ERROR(st->Bind(1, nickname).Run());
  return c.LastInsertId();
}

// How many members go by `nickname`: the records earlier runs on a kept
// database made, so that a run merges others.
int64_t MembersNamed(storage::Database& db, const std::string& nickname) {
  int64_t n = 0;
  Check(db.Read([&](storage::Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(auto* st, c.Prepare("SELECT COUNT(*) FROM members"
                                            " WHERE nickname = ?"));
    st->Bind(1, nickname);
    QY_ASSIGN_OR_RETURN(bool row, st->Step());
    n = row ? st->Int(0) : 0;
    st->Reset();
    return Status::Ok();
  }));
  return n;
}

// A participant's sign-in record, new, with five events of their first
// visit on the campaign's last day (the mini-program before they proved
// their phone). Returns its id.
int64_t NewSignIn(storage::Database& db, int days) {
  const int64_t day_ms = (kStartDay + days - 1) * kDayMs;
  int64_t id = 0;
  Check(db.Write([&](storage::Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(id, NewMember(c, "微信用户"));
    return AddEvents(c, id, day_ms, 5, 60000, "visit");
  }));
  return id;
}

// Runs `sql` in a write of its own.
void Exec(storage::Database& db, const std::string& sql) {
  Check(db.Write([&](storage::Connection& c) { return c.Exec(sql); }));
}

// The dwell report after participants prove their phones, each joining a
// record of its own (a kept database's next run joins others): the
// merge's copy of their events against a move by UPDATE.
void TimeJoins(storage::Database& db, storage::SqliteIdentityAdminStore& admin,
               int members, int days, const std::function<void()>& dwell) {
  int64_t joins = MembersNamed(db, "微信用户");
  auto next_record = [&] { return 1 + (joins++ * 7919) % members; };
  auto moved = [&] {
    const int64_t from = NewSignIn(db, days), into = next_record();
    Exec(db, "UPDATE events SET member_id = " + std::to_string(into) +
                 " WHERE member_id = " + std::to_string(from));
  };
  auto merged = [&] {
    const int64_t from = NewSignIn(db, days), into = next_record();
    Check(admin.Merge(from, into, 0, "bench", 0).status());
  };
  double moved_ms = MedianAfter(3, moved, dwell),
         merged_ms = MedianAfter(5, merged, dwell);
  std::printf(
      "  dwell after a participant's sign-in record (5 events) joins their "
      "order's: events moved by UPDATE %.0f ms (median of 3), copied by the "
      "merge %.2f ms (median of 5), %.0fx\n",
      moved_ms, merged_ms, moved_ms / merged_ms);
}

// The dwell report after refunds, each undone by the next, in the
// campaign and in a small one of its own (made on the first run), against
// the report read again whole (as after any refund before migration 35),
// which an event's update forces.
void TimeRefunds(storage::Database& db, int members,
                 const std::function<void()>& dwell) {
  Check(db.Write([&](storage::Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(int64_t two,
                        storage::QueryInt(c, "SELECT COUNT(*) FROM campaigns"));
    if (two > 1) return Status::Ok();
    return c.Exec(
        "INSERT INTO campaigns (name, theme, series, starts_on, days,"
        " created_at_ms) VALUES ('B', 't', 's', " +
        std::to_string(kStartDay) +
        ", 21, 0); INSERT INTO enrollments (campaign_id, member_id,"
        " enrolled_at_ms) VALUES (2, " +
        std::to_string(members + 1) + ", 0)");
  }));
  auto toggle_refund = [&](int campaign, int64_t member) {
    Exec(db,
         "UPDATE enrollments SET refunded_at_ms = CASE WHEN refunded_at_ms"
         " IS NULL THEN 1 END WHERE campaign_id = " +
             std::to_string(campaign) +
             " AND member_id = " + std::to_string(member));
  };
  double whole_ms = MedianAfter(
             3,
             [&] {
               Exec(db, "UPDATE events SET dwell_ms = dwell_ms WHERE id = 1");
             },
             dwell),
         own_ms = MedianAfter(
             5, [&] { toggle_refund(1, members / 3); }, dwell),
         other_ms = MedianAfter(
             5, [&] { toggle_refund(2, members + 1); }, dwell);
  std::printf(
      "  dwell read again whole %.0f ms (median of 3); after a refund in its "
      "own campaign %.2f ms, in another %.2f ms (medians of 5): %.0fx, "
      "%.0fx\n",
      whole_ms, own_ms, other_ms, whole_ms / own_ms, whole_ms / other_ms);
}

// The leaderboard after an operator merges a participant's record into
// another record of the same person (a new one here), which takes their
// check-ins, against one read again whole (as after any merge before
// migration 36), which a check-in's update that moves nothing forces.
void TimeOperatorMerges(storage::Database& db,
                        storage::SqliteIdentityAdminStore& admin, int members,
                        const std::function<void()>& board) {
  int64_t merged_records = MembersNamed(db, "同一个人");
  auto operator_merge = [&] {
    const int64_t from = members / 2 + 1 + merged_records++ * 101;
    int64_t into = 0;
    Check(db.Write([&](storage::Connection& c) -> Status {
      QY_ASSIGN_OR_RETURN(into, NewMember(c, "同一个人"));
      return Status::Ok();
    }));
    Check(admin.Merge(from, into, 0, "bench", 0).status());
  };
  auto touch_checkin = [&] {
    Exec(db,
         "UPDATE checkins SET duration_s = duration_s WHERE id = (SELECT"
         " MAX(id) FROM checkins WHERE campaign_id = 1)");
  };
  double whole_ms = MedianAfter(3, touch_checkin, board),
         merged_ms = MedianAfter(5, operator_merge, board);
  std::printf(
      "  leaderboard read again whole %.0f ms (median of 3); after an "
      "operator's merge of a participant %.2f ms (median of 5): %.0fx\n",
      whole_ms, merged_ms, whole_ms / merged_ms);
}

}  // namespace

int main(int argc, char** argv) {
  int members = argc > 1 ? std::atoi(argv[1]) : 100000;
  int days = argc > 2 ? std::clamp(std::atoi(argv[2]), 1, 21) : 21;
  const char* kept = std::getenv("ENGAGEMENT_BENCH_DB");
  std::string path =
      kept ? std::string(kept)
           : (std::filesystem::temp_directory_path() /
              ("qy-engagement-bench-" + std::to_string(getpid()) + ".db"))
                 .string();
  const bool reuse = kept && std::filesystem::exists(path);
  storage::DatabaseOptions o;
  o.path = path;
  auto db = storage::Database::Open(o);
  Check(db.status());
  auto t0 = Clock::now();
  int64_t checkins = reuse ? 0 : Populate(**db, members, days);
  int64_t events = 0;
  Check((*db)->Read([&](storage::Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(events,
                        storage::QueryInt(c, "SELECT COUNT(*) FROM events"));
    QY_ASSIGN_OR_RETURN(checkins,
                        storage::QueryInt(c, "SELECT COUNT(*) FROM checkins"));
    return Status::Ok();
  }));
  std::printf(
      "setup: %d members enrolled (and %d not), %d days, %lld check-ins, "
      "%lld events in %.0f ms\n",
      members, members, days, (long long)checkins, (long long)events,
      Ms(t0, Clock::now()));

  storage::SqliteEngagementStore store(db->get());
  // The reports as the store computed them before it kept them: one SQL
  // aggregate per request. Median of 3.
  std::vector<std::string> sql_board, sql_dwell, sql_daily;
  auto old_board = [&] { sql_board = Rows(**db, kLeaderboardSql); };
  auto old_dwell = [&] { sql_dwell = Rows(**db, kDwellSql); };
  auto old_daily = [&] { sql_daily = Rows(**db, kPerDaySql); };
  old_board();  // Warms the page cache for everything after it.
  double old_board_ms = Median(3, old_board),
         old_dwell_ms = Median(3, old_dwell),
         old_daily_ms = Median(3, old_daily);
  std::printf(
      "one SQL aggregate per request (median of 3): leaderboard %.0f ms, "
      "dwell %.0f ms, check-ins per day %.0f ms\n",
      old_board_ms, old_dwell_ms, old_daily_ms);

  std::vector<std::string> board, dwell, daily;
  int64_t place = 0;
  auto new_board = [&] {
    auto r = store.Leaderboard(1, 51);
    Check(r.status());
    board.clear();
    for (const auto& m : *r)
      board.push_back(std::to_string(m.member_id) + " " + m.nickname + " " +
                      std::to_string(m.checkins) + " " +
                      std::to_string(m.total_duration_s));
  };
  auto new_place = [&] {
    auto r = store.LeaderboardPlace(1, members / 2);
    Check(r.status());
    place = r->first;
  };
  auto new_dwell = [&] {
    auto r = store.Dwell(1);
    Check(r.status());
    dwell.clear();
    for (const auto& d : *r) dwell.push_back(DwellRow(d));
  };
  auto new_daily = [&] {
    auto r = store.CheckinsPerDay(1);
    Check(r.status());
    daily.clear();
    for (const auto& d : r->days)
      if (d.checkins || d.makeups)
        daily.push_back(std::to_string(d.day) + " " +
                        std::to_string(d.checkins) + " " +
                        std::to_string(d.makeups));
  };
  double cold_board_ms = Median(1, new_board),
         cold_dwell_ms = Median(1, new_dwell);
  std::printf(
      "kept in memory, first request: leaderboard (and check-ins per day) "
      "%.0f ms, dwell %.0f ms\n",
      cold_board_ms, cold_dwell_ms);
  // Later requests, each after 100 more check-ins and 300 events.
  int round = 0;  // Past runs on a kept database added some already.
  Check((*db)->Read([&](storage::Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(int64_t late,
                        storage::QueryInt(c,
                                          "SELECT COUNT(*) FROM checkins"
                                          " WHERE client_id = 'late'"));
    round = static_cast<int>(late / 100);
    return Status::Ok();
  }));
  auto news = [&] { AddNews(**db, members, days, round++); };
  double board_ms = MedianAfter(5, news, new_board),
         place_ms = MedianAfter(5, news, new_place),
         dwell_ms = MedianAfter(5, news, new_dwell),
         daily_ms = MedianAfter(5, news, new_daily);
  std::printf(
      "  later, each after 100 check-ins and 300 events (median of 5): "
      "leaderboard %.2f ms, a member's place (%lld) %.2f ms, dwell %.2f ms, "
      "check-ins per day %.2f ms\n",
      board_ms, (long long)place, place_ms, dwell_ms, daily_ms);
  std::printf(
      "  SQL per request / kept: leaderboard %.0fx, dwell %.0fx, per day "
      "%.0fx\n",
      old_board_ms / board_ms, old_dwell_ms / dwell_ms,
      old_daily_ms / daily_ms);
  storage::SqliteIdentityAdminStore admin(db->get());
  TimeJoins(**db, admin, members, days, new_dwell);
  TimeRefunds(**db, members, new_dwell);
  TimeOperatorMerges(**db, admin, members, new_board);
  // The same answers as the SQL, after all the news.
  old_board(), old_dwell(), old_daily();
  new_board(), new_dwell(), new_daily();
  const bool same =
      board == sql_board && dwell == sql_dwell && daily == sql_daily;
  std::printf("  same answers as the SQL: %s (%zu leaders, %zu days)\n",
              same ? "yes" : "NO", board.size(), dwell.size());
  if (!same) return 1;
  db->reset();
  if (kept) return 0;
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
  return 0;
}
