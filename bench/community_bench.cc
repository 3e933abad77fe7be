// Community figures at scale, each against a baseline run in the same
// process:
//  - retention report for a campaign of N members (default 100,000) vs a
//    bare COUNT(*) over the same enrollments;
//  - importing a roster of M rows (default 50,000) against those members
//    vs only parsing the same roster as CSV;
//  - member search, and a campaign's summary and participants list, vs a
//    bare COUNT(*).
// Usage: community_bench [members=100000] [roster_rows=50000]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "community/retention.h"
#include "community/roster_csv.h"
#include "storage/database.h"
#include "storage/sqlite_community_store.h"
#include "storage/sqlite_engagement_store.h"
#include "storage/sqlite_member_store.h"

using namespace qunying;
using bench::Check;
using bench::Clock;
using bench::Ms;

namespace {

std::string Nick(int i) { return "会员" + std::to_string(i) + "妈妈"; }

// Members 1..n in campaign 1; every third renews into campaign 2.
void Populate(storage::Database& db, int n) {
  Check(db.Write([&](storage::Connection& c) -> Status {
    QY_RETURN_IF_ERROR(c.Exec(
        "INSERT INTO campaigns (name, theme, series, starts_on, days, "
        "created_at_ms)"
        " VALUES ('A', 't', 's', 20000, 21, 0), ('B', 't', 's', 20030, 21, 0);"
        "INSERT INTO chat_groups (name, campaign_id, theme, series, "
        "created_at_ms)"
        " VALUES ('GA', 1, 't', 's', 0);"));
    QY_ASSIGN_OR_RETURN(
        auto* m,
        c.Prepare("INSERT INTO members (nickname, unionid,"
                  " created_at_ms, updated_at_ms) VALUES (?, ?, 0, 0)"));
    QY_ASSIGN_OR_RETURN(
        auto* e, c.Prepare("INSERT INTO enrollments (campaign_id,"
                           " member_id, enrolled_at_ms) VALUES (?, ?, 0)"));
    for (int i = 1; i <= n; ++i) {
      m->Reset();
      QY_RETURN_IF_ERROR(
          m->Bind(1, Nick(i))
              .BindOptional(2, i % 4 == 0 ? "u" + std::to_string(i) : "")
              .Run());
      e->Reset();
      QY_RETURN_IF_ERROR(e->Bind(1, 1).Bind(2, i).Run());
      if (i % 3 == 0) {
        e->Reset();
        QY_RETURN_IF_ERROR(e->Bind(1, 2).Bind(2, i).Run());
      }
    }
    return Status::Ok();
  }));
}

// A roster export: exact names, unionids, decorated names, strangers.
std::string RosterCsv(int rows) {
  std::string csv = "群昵称,unionid,入群时间\n";
  for (int i = 1; i <= rows; ++i) {
    int member = i * 2;  // Every other member is still in the group.
    std::string nick = Nick(member);
    if (i % 10 == 5) nick = "A" + nick + "🌸";  // No unionid: fuzzy.
    if (i % 97 == 0) nick = "陌生人" + std::to_string(i);
    csv += nick + "," + (member % 4 == 0 ? "u" + std::to_string(member) : "") +
           ",2026-03-01 20:15\n";
  }
  return csv;
}

// An operator's member search (a part of a nickname, or a phone) over the
// members and the roster just imported, median of 5, against a baseline
// COUNT(*) of members in the same process.
void SearchFigures(storage::Database* db) {
  storage::SqliteMemberStore members(db);
  std::vector<double> part_ms, phone_ms, count_ms;
  size_t found = 0;
  for (int run = 0; run < 5; ++run) {
    auto s0 = Clock::now();
    auto hits = members.SearchMembers({"会员1234", ""}, 0, 51);
    part_ms.push_back(Ms(s0, Clock::now()));
    Check(hits.status());
    found = hits->size();
    auto p0 = Clock::now();
    Check(
        members.SearchMembers({"13812345678", "13812345678"}, 0, 51).status());
    phone_ms.push_back(Ms(p0, Clock::now()));
    auto c0 = Clock::now();
    Check(db->Read([&](storage::Connection& c) -> Status {
      return storage::QueryInt(c, "SELECT COUNT(*) FROM members").status();
    }));
    count_ms.push_back(Ms(c0, Clock::now()));
  }
  std::sort(part_ms.begin(), part_ms.end());
  std::sort(phone_ms.begin(), phone_ms.end());
  std::sort(count_ms.begin(), count_ms.end());
  std::printf(
      "member search: '会员1234' (%zu of the first 51) median %.0f ms, a "
      "phone %.0f ms; baseline COUNT(*) of members %.1f ms (ratio %.0fx)\n",
      found, part_ms[2], phone_ms[2], count_ms[2], part_ms[2] / count_ms[2]);
}

// Check-ins in campaign 1 over its first 7 days (about 4.7 per member,
// none on day 7 for every third member), then an operator's campaign
// views on day 8: the summary by channel and group, a page of
// participants, the page of those who missed day 7, and the whole list as
// an export; each a median of 5, against a COUNT(*) of the campaign's
// enrollments in the same process.
void ProgressFigures(storage::Database* db, int n) {
  auto t0 = Clock::now();
  int64_t rows = 0;
  Check(db->Write([&](storage::Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        auto* k, c.Prepare("INSERT INTO checkins (member_id, campaign_id, day,"
                           " duration_s, client_id, created_at_ms)"
                           " VALUES (?, 1, ?, 600, ?, 0)"));
    for (int d = 1; d <= 7; ++d) {
      for (int i = 1; i <= n; ++i) {
        if ((i + d) % 3 == 0) continue;
        k->Reset();
        QY_RETURN_IF_ERROR(
            k->Bind(1, i).Bind(2, d).Bind(3, "k" + std::to_string(d)).Run());
        ++rows;
      }
    }
    return Status::Ok();
  }));
  std::printf("progress setup: %lld check-ins in %.0f ms\n", (long long)rows,
              Ms(t0, Clock::now()));
  storage::SqliteEngagementStore store(db);
  const int64_t now = ((20000 + 7) * 86400LL + 3600) * 1000;  // Day 8, 09:00.
  community::ParticipantQuery page, missed, all;
  page.limit = missed.limit = 51;
  missed.missed_day = 7;
  all.limit = 0;
  std::vector<double> sum_ms, page_ms, missed_ms, all_ms, count_ms;
  size_t missed_n = 0, all_n = 0;
  for (int run = 0; run < 5; ++run) {
    auto at = [] { return Clock::now(); };
    auto s0 = at();
    Check(store.Summary(1, now).status());
    sum_ms.push_back(Ms(s0, at()));
    auto p0 = at();
    Check(store.Participants(1, page, now).status());
    page_ms.push_back(Ms(p0, at()));
    auto m0 = at();
    auto m = store.Participants(1, missed, now);
    missed_ms.push_back(Ms(m0, at()));
    Check(m.status());
    missed_n = m->size();
    auto a0 = at();
    auto a = store.Participants(1, all, now);
    all_ms.push_back(Ms(a0, at()));
    Check(a.status());
    all_n = a->size();
    auto c0 = at();
    Check(db->Read([&](storage::Connection& c) -> Status {
      return storage::QueryInt(c,
                               "SELECT COUNT(*) FROM enrollments"
                               " WHERE campaign_id = 1")
          .status();
    }));
    count_ms.push_back(Ms(c0, at()));
  }
  for (auto* v : {&sum_ms, &page_ms, &missed_ms, &all_ms, &count_ms})
    std::sort(v->begin(), v->end());
  std::printf(
      "campaign progress (%d enrolled), median of 5: summary %.0f ms, a page"
      " %.1f ms, missed day 7 (%zu of 51) %.1f ms, all %zu rows %.0f ms;"
      " baseline COUNT(*) %.1f ms (summary ratio %.0fx)\n",
      n, sum_ms[2], page_ms[2], missed_n, missed_ms[2], all_n, all_ms[2],
      count_ms[2], sum_ms[2] / count_ms[2]);
}

}  // namespace

int main(int argc, char** argv) {
  int members = argc > 1 ? std::atoi(argv[1]) : 100000;
  int roster_rows = argc > 2 ? std::atoi(argv[2]) : 50000;
  std::string path = std::filesystem::temp_directory_path() /
                     ("qy-community-bench-" + std::to_string(getpid()) + ".db");
  storage::DatabaseOptions o;
  o.path = path;
  auto db = storage::Database::Open(o);
  Check(db.status());
  auto t0 = Clock::now();
  Populate(**db, members);
  std::printf("setup: %d members enrolled in %.0f ms\n", members,
              Ms(t0, Clock::now()));
  storage::SqliteCommunityStore store(db->get());

  // Roster import.
  std::string csv = RosterCsv(roster_rows);
  auto p0 = Clock::now();
  auto parsed = community::ParseRosterCsv(csv);
  auto p1 = Clock::now();
  Check(parsed.status());
  auto i0 = Clock::now();
  auto parsed_again = community::ParseRosterCsv(csv);
  Check(parsed_again.status());
  auto imported = store.ImportRoster(1, 1, *parsed_again, 0);
  auto i1 = Clock::now();
  Check(imported.status());
  std::printf(
      "roster import: %d rows (CSV %.1f MB) in %.0f ms; parse alone %.0f ms "
      "(import/parse %.1fx)\n",
      roster_rows, csv.size() / 1e6, Ms(i0, i1), Ms(p0, p1),
      Ms(i0, i1) / Ms(p0, p1));
  std::printf(
      "  matched %lld (nickname %lld, unionid %lld, fuzzy %lld), unmatched "
      "%lld, "
      "review %lld\n",
      (long long)imported->matched,
      (long long)
          imported->matched_by[size_t(community::MatchMethod::kNickname)],
      (long long)imported->matched_by[size_t(community::MatchMethod::kUnionid)],
      (long long)imported->matched_by[size_t(community::MatchMethod::kFuzzy)],
      (long long)imported->unmatched, (long long)imported->review);

  // Retention report, median of 5.
  std::vector<double> report_ms, count_ms;
  community::RetentionReport rep;
  for (int run = 0; run < 5; ++run) {
    auto r0 = Clock::now();
    auto in = store.LoadRetention(1, 2, 2, 0, INT64_MAX);
    Check(in.status());
    rep = community::ComputeRetention(*in);
    auto r1 = Clock::now();
    report_ms.push_back(Ms(r0, r1));
    int64_t n = 0;
    auto c0 = Clock::now();
    Check((*db)->Read([&](storage::Connection& c) -> Status {
      QY_ASSIGN_OR_RETURN(n,
                          storage::QueryInt(c,
                                            "SELECT COUNT(*) FROM enrollments"
                                            " WHERE campaign_id = 1"));
      return Status::Ok();
    }));
    count_ms.push_back(Ms(c0, Clock::now()));
  }
  std::sort(report_ms.begin(), report_ms.end());
  std::sort(count_ms.begin(), count_ms.end());
  std::printf(
      "retention report: base %lld, renewed %lld, stayed %lld, churned %lld "
      "(exact %lld)\n",
      (long long)rep.base, (long long)rep.renewed, (long long)rep.stayed,
      (long long)rep.churned, (long long)rep.churned_exact);
  std::printf(
      "  median %.0f ms; baseline COUNT(*) of the base %.1f ms (ratio %.0fx)\n",
      report_ms[2], count_ms[2], report_ms[2] / count_ms[2]);
  SearchFigures(db->get());
  ProgressFigures(db->get(), members);
  db->reset();
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
  return 0;
}
