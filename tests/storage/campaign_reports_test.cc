// The leaderboard, check-ins per day, summary and dwell report that
// SqliteEngagementStore answers from what it keeps in memory between
// requests (CampaignTally, CampaignDwell) against the same figures
// aggregated afresh in SQL, as the store computed them before it kept
// them, through every kind of change the community's tables see; and
// which campaigns the server warms.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "community/campaign.h"
#include "storage/sqlite_engagement_store.h"
#include "storage/sqlite_identity_admin_store.h"
#include "tests/storage/test_db.h"

namespace qunying::storage {
namespace {

constexpr int64_t kDayMs = 86400000;
constexpr int kMembers = 40;
// More than the store keeps, so that some are dropped and made again.
constexpr int kCampaigns = SqliteEngagementStore::kCachedCampaigns + 2;

class CampaignReportsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenTestDb(dir_.File("r.db"));
    ASSERT_TRUE(db_);
    store_ = std::make_unique<SqliteEngagementStore>(db_.get());
    admin_ = std::make_unique<SqliteIdentityAdminStore>(db_.get());
    Exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
        " WHERE i < " +
        std::to_string(kMembers) +
        ") INSERT INTO members (nickname, created_at_ms, updated_at_ms)"
        " SELECT '会员' || i, 0, 0 FROM n");
    for (int k = 1; k <= kCampaigns; ++k) {
      Exec(
          "INSERT INTO campaigns (name, theme, series, starts_on, days,"
          " timezone, created_at_ms) VALUES ('c', 't', 's', " +
          std::to_string(20000 + k) + ", 7, '" +
          (k % 3 ? "Asia/Shanghai" : "-05:00") + "', 0)");
    }
  }

  void Exec(const std::string& sql) {
    Status s = db_->Write([&](Connection& c) { return c.Exec(sql); });
    ASSERT_TRUE(s.ok()) << sql << ": " << s.ToString();
  }

  // Rows of `sql` (one text column each).
  std::vector<std::string> Rows(const std::string& sql) {
    std::vector<std::string> out;
    Status s = db_->Read([&](Connection& c) -> Status {
      QY_ASSIGN_OR_RETURN(Statement * st, c.Prepare(sql));
      return ForEachRow(st,
                        [&](const Statement& r) { out.push_back(r.Text(0)); });
    });
    EXPECT_TRUE(s.ok()) << sql << ": " << s.ToString();
    return out;
  }

  community::Campaign CampaignRow(int k) {
    auto row = Rows(
        "SELECT starts_on || ' ' || timezone FROM campaigns"
        " WHERE id = " +
        std::to_string(k));
    community::Campaign c;
    c.id = k;
    c.starts_on = std::stoll(row.at(0));
    c.timezone = row.at(0).substr(row.at(0).find(' ') + 1);
    return c;
  }

  // One random change of the kind the server makes.
  void Change(std::mt19937& rng) {
    auto pick = [&](int n) { return static_cast<int>(rng() % n) + 1; };
    const std::string m = std::to_string(pick(kMembers));
    const std::string k = std::to_string(pick(kCampaigns));
    const std::string id = std::to_string(++serial_);
    switch (rng() % 20) {
      case 0:  // An enrollment, also of a member who already has events.
      case 1:
        Exec(
            "INSERT OR IGNORE INTO enrollments (campaign_id, member_id,"
            " channel, enrolled_at_ms) VALUES (" +
            k + ", " + m + ", '" + (rng() % 2 ? "公众号" : "社群") + "', 0)");
        break;
      case 2:  // A refund, or the undo of one.
        Exec(
            "UPDATE enrollments SET refunded_at_ms = CASE WHEN"
            " refunded_at_ms IS NULL THEN 1 END WHERE campaign_id = " +
            k + " AND member_id = " + m);
        break;
      case 3:  // A merge moves a member's rows to another.
        if (rng() % 2) {
          MergeOrUndo(rng);
          break;
        }
        Exec("UPDATE OR IGNORE checkins SET member_id = " + m +
             " WHERE member_id = " + std::to_string(pick(kMembers)) +
             "; UPDATE events SET member_id = " + m +
             " WHERE member_id = " + std::to_string(pick(kMembers)));
        break;
      case 4:
        Exec("DELETE FROM checkins WHERE id = (SELECT MAX(id) FROM checkins)");
        break;
      case 5:  // An operator moves the campaign or its zone.
        Exec("UPDATE campaigns SET starts_on = starts_on + " +
             std::to_string(pick(3) - 2) + ", timezone = '" +
             (rng() % 2 ? "Asia/Tokyo" : "UTC") + "' WHERE id = " + k);
        break;
      case 6:
      case 7:
      case 8:
      case 9:
      case 10:
        Exec(
            "INSERT OR IGNORE INTO checkins (member_id, campaign_id, day,"
            " duration_s, client_id, makeup, created_at_ms) VALUES (" +
            m + ", " + k + ", " + std::to_string(pick(9) - 1) + ", " +
            std::to_string(pick(5) * 60) + ", 'k" + id + "', " +
            std::to_string(rng() % 4 == 0) + ", 0)");
        break;
      default: {  // Events from a day before the start to past the end.
        const int64_t ts = (20000 + pick(kCampaigns) - 1) * kDayMs +
                           static_cast<int64_t>(rng() % (12 * kDayMs));
        Exec(
            "INSERT INTO events (member_id, type, dwell_ms, ts_ms,"
            " client_id, received_at_ms) VALUES (" +
            m + ", 'page_view', " + std::to_string(rng() % 5 * 30000) + ", " +
            std::to_string(ts) + ", 'e" + id + "', 0)");
      }
    }
  }

  // A merge as an operator or a participant proving a phone makes it (the
  // merged record's events copied, with new ids), or the undo of the last
  // one. Those the store refuses (two records in one campaign, say) are
  // simply not made.
  void MergeOrUndo(std::mt19937& rng) {
    if (!merges_.empty() && rng() % 3 == 0) {
      (void)admin_->Unmerge(merges_.back(), 0, 0);
      merges_.pop_back();
      return;
    }
    const int64_t from = static_cast<int64_t>(rng() % kMembers) + 1;
    const int64_t into = static_cast<int64_t>(rng() % kMembers) + 1;
    auto merge = admin_->Merge(from, into, 0, "", 0);
    if (merge.ok()) merges_.push_back(*merge);
  }

  // The leaderboard as the store's SQL gave it (analytics_repo.cc at
  // 5ee3e31).
  std::vector<std::string> SqlBoard(int k) {
    return Rows(
        "SELECT k.member_id || ' ' || m.nickname || ' ' || COUNT(*) || ' ' ||"
        " SUM(k.duration_s) FROM checkins k JOIN members m ON m.id ="
        " k.member_id WHERE k.campaign_id = " +
        std::to_string(k) +
        " GROUP BY k.member_id ORDER BY COUNT(*) DESC, SUM(k.duration_s)"
        " DESC, k.member_id");
  }
  std::vector<std::string> StoreBoard(int k) {
    auto rows = store_->Leaderboard(k, 1000);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::vector<std::string> out;
    if (!rows.ok()) return out;
    for (const auto& r : *rows) {
      out.push_back(std::to_string(r.member_id) + " " + r.nickname + " " +
                    std::to_string(r.checkins) + " " +
                    std::to_string(r.total_duration_s));
      // And each member's place agrees with the board.
      auto place = store_->LeaderboardPlace(k, r.member_id);
      EXPECT_TRUE(place.ok() && place->first == int64_t(out.size()) &&
                  place->second.checkins == r.checkins)
          << "campaign " << k << " member " << r.member_id;
    }
    return out;
  }

  std::vector<std::string> SqlDaily(int k) {
    auto rows = Rows(
        "SELECT day || ' ' || SUM(makeup = 0) || ' ' || SUM(makeup = 1) FROM"
        " checkins WHERE campaign_id = " +
        std::to_string(k) + " AND day BETWEEN 1 AND 7 GROUP BY day");
    auto enrolled = Rows(
        "SELECT 'enrolled ' || COUNT(*) FROM enrollments WHERE campaign_id = " +
        std::to_string(k) + " AND refunded_at_ms IS NULL");
    rows.insert(rows.end(), enrolled.begin(), enrolled.end());
    return rows;
  }
  std::vector<std::string> StoreDaily(int k) {
    auto daily = store_->CheckinsPerDay(k);
    EXPECT_TRUE(daily.ok()) << daily.status().ToString();
    std::vector<std::string> out;
    if (!daily.ok()) return out;
    for (const auto& d : daily->days) {
      if (d.checkins || d.makeups)
        out.push_back(std::to_string(d.day) + " " + std::to_string(d.checkins) +
                      " " + std::to_string(d.makeups));
    }
    out.push_back("enrolled " + std::to_string(daily->enrolled));
    return out;
  }

  std::vector<std::string> SqlDwell(int k) {
    community::Campaign c = CampaignRow(k);
    auto offset = community::UtcOffsetMinutes(c.timezone);
    EXPECT_TRUE(offset.ok());
    return Rows(
        "SELECT d || ' ' || n || ' ' || s FROM (SELECT (v.ts_ms / 1000 + " +
        std::to_string(*offset * 60) +
        ") / 86400 AS d, COUNT(DISTINCT v.member_id) AS n, SUM(v.dwell_ms)"
        " AS s FROM events v WHERE v.member_id IN (SELECT member_id FROM"
        " enrollments WHERE campaign_id = " +
        std::to_string(k) + " AND refunded_at_ms IS NULL) AND v.ts_ms >= " +
        std::to_string(community::CampaignStartMs(c, *offset)) +
        " GROUP BY d ORDER BY d)");
  }
  std::vector<std::string> StoreDwell(int k) {
    auto days = store_->Dwell(k);
    EXPECT_TRUE(days.ok()) << days.status().ToString();
    std::vector<std::string> out;
    if (!days.ok()) return out;
    for (const auto& d : *days) {
      out.push_back(
          std::to_string(d.date) + " " + std::to_string(d.active) + " " +
          std::to_string(std::llround(d.avg_dwell_s * 1000 * d.active)));
    }
    return out;
  }

  // The summary's check-in figures in the middle of campaign `k`, from
  // the store, and as SQL counts them (on-time check-ins of enrolled
  // members on the completed days per channel; check-ins today).
  std::vector<std::string> StoreSummary(int k, int* today, int* completed) {
    const int64_t now = (20000 + k + 3) * kDayMs + kDayMs / 4;
    auto sum = store_->Summary(k, now);
    EXPECT_TRUE(sum.ok()) << sum.status().ToString();
    std::vector<std::string> out;
    if (!sum.ok()) return out;
    *today = sum->today;
    *completed = sum->completed_days;
    for (const auto& ch : sum->channels)
      out.push_back(ch.channel + " " + std::to_string(ch.checkins));
    std::sort(out.begin(), out.end());
    out.push_back("today " + std::to_string(sum->checked_today));
    return out;
  }
  std::vector<std::string> SqlSummary(int k, int today, int completed) {
    const std::string n = std::to_string(k);
    auto out = Rows(
        "SELECT e.channel || ' ' || COUNT(c.id) FROM enrollments e LEFT JOIN"
        " checkins c ON c.member_id = e.member_id AND c.campaign_id ="
        " e.campaign_id AND c.makeup = 0 AND c.day BETWEEN 1 AND " +
        std::to_string(completed) + " WHERE e.campaign_id = " + n +
        " AND e.refunded_at_ms IS NULL GROUP BY e.channel ORDER BY"
        " e.channel");
    auto checked = Rows(
        "SELECT 'today ' || COUNT(*) FROM checkins c JOIN enrollments e ON"
        " e.member_id = c.member_id AND e.campaign_id = c.campaign_id WHERE"
        " c.campaign_id = " +
        n + " AND e.refunded_at_ms IS NULL AND c.day = " +
        std::to_string(today >= 1 && today <= 7 ? today : -1));
    out.insert(out.end(), checked.begin(), checked.end());
    return out;
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<SqliteEngagementStore> store_;
  std::unique_ptr<SqliteIdentityAdminStore> admin_;
  std::vector<int64_t> merges_;  // Made and not undone, oldest first.
  int serial_ = 0;
};

TEST_F(CampaignReportsTest, KeptReportsAnswerAsAggregatesThroughEveryChange) {
  std::mt19937 rng(20261207);
  int compared = 0, nonempty = 0;
  for (int step = 0; step < 1500; ++step) {
    Change(rng);
    if (step % 7 != 0) continue;
    // Each time a few campaigns, so the others fall behind and catch up.
    for (int i = 0; i < 3; ++i) {
      const int k = static_cast<int>(rng() % kCampaigns) + 1;
      SCOPED_TRACE("step " + std::to_string(step) + ", campaign " +
                   std::to_string(k));
      auto board = SqlBoard(k);
      auto dwell = SqlDwell(k);
      ASSERT_EQ(StoreBoard(k), board);
      ASSERT_EQ(StoreDaily(k), SqlDaily(k));
      ASSERT_EQ(StoreDwell(k), dwell);
      int today = 0, completed = 0;
      auto summary = StoreSummary(k, &today, &completed);
      ASSERT_EQ(summary, SqlSummary(k, today, completed));
      ++compared;
      nonempty += !board.empty() && !dwell.empty();
    }
  }
  // The comparisons were of reports with something in them.
  EXPECT_GT(nonempty, compared / 2);
}

// Requests from several threads while the tables change: each refresh
// reads its own snapshot, some older than what another has already read.
TEST_F(CampaignReportsTest, RequestsAtOnceWhileTheTablesChangeAgreeAfter) {
  std::mt19937 rng(7);
  for (int step = 0; step < 200; ++step) Change(rng);
  std::atomic<bool> done{false};
  std::atomic<int> failures{0}, requests{0};
  std::vector<std::thread> readers;
  readers.reserve(4);
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      while (!done) {
        const int k = 1 + (t + requests) % 2;
        bool ok = store_->Leaderboard(k, 10).ok() &&
                  store_->LeaderboardPlace(k, 1 + t).ok() &&
                  store_->Dwell(k).ok() && store_->CheckinsPerDay(k).ok();
        failures += !ok;
        ++requests;
      }
    });
  }
  for (int step = 0; step < 400; ++step) Change(rng);
  done = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(failures, 0);
  EXPECT_GT(requests, 0);
  for (int k = 1; k <= 2; ++k) {
    EXPECT_EQ(StoreBoard(k), SqlBoard(k)) << "campaign " << k;
    EXPECT_EQ(StoreDaily(k), SqlDaily(k)) << "campaign " << k;
    EXPECT_EQ(StoreDwell(k), SqlDwell(k)) << "campaign " << k;
  }
}

// The server warms the reports of the campaigns running now or lately
// ended, so that their first request finds them ready.
TEST_F(CampaignReportsTest, WarmingTakesRunningAndLatelyEndedLatestFirst) {
  // Campaign k starts on day 20000 + k and lasts 7 days; on day 20015 it
  // is on its day 16 - k: k = 1 ended 8 days ago, k = 2 a week ago.
  const int64_t now = 20015 * kDayMs + kDayMs / 4;
  auto all = store_->WarmCampaigns(now, 100);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(*all, (std::vector<int64_t>{10, 9, 8, 7, 6, 5, 4, 3, 2}));
  auto three = store_->WarmCampaigns(now, 3);
  ASSERT_TRUE(three.ok());
  EXPECT_EQ(*three, (std::vector<int64_t>{10, 9, 8}));
  // Before any start: nothing.
  auto none = store_->WarmCampaigns(20000 * kDayMs, 100);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  // Warmed, changed, asked: as the SQL says.
  std::mt19937 rng(3);
  for (int step = 0; step < 300; ++step) Change(rng);
  for (int k : {10, 2}) {
    EXPECT_EQ(StoreBoard(k), SqlBoard(k)) << "campaign " << k;
    EXPECT_EQ(StoreDwell(k), SqlDwell(k)) << "campaign " << k;
  }
}

// What makes a campaign's kept reports read their rows again (migration
// 35): a change to the campaign's own enrollments or check-ins; another
// campaign's refund or merge does not, a delete does for every campaign.
TEST_F(CampaignReportsTest, ChangesCountForTheirOwnCampaign) {
  Exec(
      "INSERT INTO enrollments (campaign_id, member_id, channel,"
      " enrolled_at_ms) VALUES (1, 1, '', 0), (2, 2, '', 0), (2, 3, '', 0);"
      " INSERT INTO checkins (member_id, campaign_id, day, duration_s,"
      " client_id, makeup, created_at_ms) VALUES (1, 1, 1, 60, 'a', 0, 0),"
      " (2, 2, 1, 60, 'b', 0, 0), (3, 2, 1, 60, 'c', 0, 0)");
  auto epochs = [&] {
    std::vector<int64_t> out;
    Status s = db_->Read([&](Connection& c) -> Status {
      for (int k : {1, 2, 3}) {
        for (const char* what : {"enrollments", "checkins"}) {
          QY_ASSIGN_OR_RETURN(int64_t e, CampaignEpoch(c, k, what));
          out.push_back(e);
        }
      }
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  };
  // New rows are read as new: nothing counts.
  EXPECT_EQ(epochs(), (std::vector<int64_t>{0, 0, 0, 0, 0, 0}));
  Exec("UPDATE enrollments SET refunded_at_ms = 1 WHERE member_id = 2");
  EXPECT_EQ(epochs(), (std::vector<int64_t>{0, 0, 1, 0, 0, 0}));
  // A paid amount corrected is no report's business.
  Exec("UPDATE enrollments SET paid_fen = 100 WHERE member_id = 3");
  EXPECT_EQ(epochs(), (std::vector<int64_t>{0, 0, 1, 0, 0, 0}));
  // Member 3's rows join member 1: campaign 2's rows move, not 1's.
  auto merge = admin_->Merge(3, 1, 0, "", 0);
  ASSERT_TRUE(merge.ok()) << merge.status().ToString();
  std::vector<int64_t> merged = epochs();
  EXPECT_EQ(merged[0], 0);
  EXPECT_EQ(merged[1], 0);
  EXPECT_GT(merged[2], 1);
  EXPECT_GT(merged[3], 0);
  // Its check-in's move is logged for campaign 2's tally (migration 36).
  EXPECT_EQ(Rows("SELECT campaign_id || ' ' || from_member || ' ' ||"
                 " into_member FROM checkin_moves"),
            (std::vector<std::string>{"2 3 1"}));
  Exec("DELETE FROM checkins WHERE client_id = 'a'");
  std::vector<int64_t> deleted = epochs();
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ(deleted[2 * k], merged[2 * k]) << "campaign " << k + 1;
    EXPECT_EQ(deleted[2 * k + 1], merged[2 * k + 1] + 1)
        << "campaign " << k + 1;
  }
}

}  // namespace
}  // namespace qunying::storage
