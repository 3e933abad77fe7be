// A pass hands the store its scored members in parts while it still
// scores the later ones (scoring::ScoringProgress): the store writes each
// part once it is filled, never reads one before, and stops at the
// scoring's error with what it wrote kept and the pool index in place.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/sqlite_lead_store.h"
#include "tests/storage/test_db.h"

namespace qunying::storage {
namespace {

constexpr int64_t kNow = 1'800'000'000'000;
constexpr int kParts = 3;
constexpr int kPerPart = 2500;  // Above the pass's sample of 2,048.
constexpr int kSlice = 256;     // Members per transaction.

// Parts become ready when the test opens them. Records which part the
// store is waiting for.
class GatedProgress : public scoring::ScoringProgress {
 public:
  Result<bool> Ready(size_t part, bool wait) override {
    std::unique_lock<std::mutex> lock(mu_);
    asked_.push_back(part);
    if (wait) {
      waiting_for_ = static_cast<int>(part);
      changed_.notify_all();
      changed_.wait(lock, [&] { return open_[part] || !error_.ok(); });
      waiting_for_ = -1;
    }
    if (!error_.ok()) return error_;
    return open_[part];
  }
  void Open(size_t part) {
    std::lock_guard<std::mutex> lock(mu_);
    open_[part] = true;
    changed_.notify_all();
  }
  void Fail(Status s) {
    std::lock_guard<std::mutex> lock(mu_);
    error_ = std::move(s);
    changed_.notify_all();
  }
  // Blocks until the store waits for `part`; false if it has not within
  // ten seconds (a store that never asks).
  bool AwaitWaitingFor(size_t part) {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] {
      return waiting_for_ == static_cast<int>(part);
    });
  }
  // Every part the store asked about, before it read it, in order.
  std::vector<size_t> asked() {
    std::lock_guard<std::mutex> lock(mu_);
    return asked_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  bool open_[kParts] = {};
  int waiting_for_ = -1;
  Status error_;
  std::vector<size_t> asked_;
};

class ScoredPartsWriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenTestDb(dir_.File("parts.db"));
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(db_->Write([](Connection& c) {
                     return c.Exec(
                         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT"
                         " i + 1 FROM n WHERE i < " +
                         std::to_string(kParts * kPerPart) +
                         ") INSERT INTO members (id, openid, nickname,"
                         " created_at_ms, updated_at_ms) SELECT i, 'o' || i,"
                         " 'N' || i, 0, 0 FROM n");
                   })
                    .ok());
    // Part p holds members p * kPerPart + 1 … (p + 1) * kPerPart.
    parts_.resize(kParts);
    for (int m = 1; m <= kParts * kPerPart; ++m) {
      scoring::ScoredMember s;
      s.member_id = m;
      s.points.fit = s.points.engagement = s.points.intent = 50 + m % 40;
      s.factors_text = "engagement";
      s.digest = m;
      parts_[(m - 1) / kPerPart].members.push_back(s);
    }
  }
  // Leads of members in [lo, hi].
  int64_t Leads(int64_t lo, int64_t hi) {
    return CountOf(db_.get(),
                   "SELECT COUNT(*) FROM leads WHERE member_id"
                   " BETWEEN " +
                       std::to_string(lo) + " AND " + std::to_string(hi));
  }
  // Small slices, and the pool index dropped once a pass will move more
  // than 100 leads, as a pass over most leads does.
  static SqliteLeadStoreOptions Options() {
    SqliteLeadStoreOptions o;
    o.write_slice_members = kSlice;
    o.write_slice_ms = 0;
    o.rebuild_pool_index_leads = 100;
    return o;
  }

  // A pass's write of some parts through a gate, on a thread of its own
  // as it runs beside the scoring.
  struct GatedPass {
    explicit GatedPass(Database* db) : store(db, Options()) {}
    // Opens the parts after part 0 and waits for the write to end.
    void Finish() {
      for (size_t p = 1; p < kParts; ++p) gate.Open(p);
      thread.join();
    }
    SqliteLeadStore store;
    GatedProgress gate;
    Result<int> created = 0;
    std::thread thread;
  };
  // Starts the write of `parts` with part 0 filled, and returns once it
  // waits for part 1.
  std::unique_ptr<GatedPass> StartPass(const scoring::ScoredParts& parts) {
    auto pass = std::make_unique<GatedPass>(db_.get());
    pass->gate.Open(0);
    pass->thread = std::thread([p = pass.get(), &parts] {
      p->created = p->store.ApplyScores(parts, {}, kNow, &p->gate);
    });
    EXPECT_TRUE(pass->gate.AwaitWaitingFor(1));
    return pass;
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  scoring::ScoredParts parts_;
};

TEST_F(ScoredPartsWriteTest, WritesEachPartOnceItIsScored) {
  auto pass = StartPass(parts_);
  // Part 0 is stored while part 1 is still being scored, but for fewer
  // members than a slice (they wait to go with part 1's); nothing of
  // part 1.
  EXPECT_GT(Leads(1, kPerPart), kPerPart - kSlice);
  EXPECT_EQ(Leads(kPerPart + 1, kParts * kPerPart), 0);
  pass->Finish();
  ASSERT_TRUE(pass->created.ok()) << pass->created.status().ToString();
  EXPECT_EQ(*pass->created, kParts * kPerPart);
  EXPECT_EQ(Leads(1, kParts * kPerPart), kParts * kPerPart);
  EXPECT_TRUE(PoolIndexExists(db_.get()));
  // Each part asked about before it was read, in order, none skipped.
  std::vector<size_t> asked = pass->gate.asked();
  EXPECT_TRUE(std::is_sorted(asked.begin(), asked.end()));
  asked.erase(std::unique(asked.begin(), asked.end()), asked.end());
  EXPECT_EQ(asked, (std::vector<size_t>{0, 1, 2}));
}

TEST_F(ScoredPartsWriteTest, AScoringErrorEndsThePassWithWhatWasWritten) {
  auto pass = StartPass(parts_);
  pass->gate.Fail(Status(StatusCode::kUnavailable, "the model failed"));
  pass->thread.join();
  ASSERT_FALSE(pass->created.ok());
  EXPECT_EQ(pass->created.status().message(), "the model failed");
  EXPECT_GT(Leads(1, kPerPart), kPerPart - kSlice);
  EXPECT_EQ(Leads(kPerPart + 1, kParts * kPerPart), 0);
  EXPECT_TRUE(pass->store.pool_index_rebuilt());  // Dropped for part 0,
  EXPECT_TRUE(PoolIndexExists(db_.get()));        // and made again.
}

// Parts with a few members each (new weights: most leads unchanged) are
// written together, not in a transaction each.
TEST_F(ScoredPartsWriteTest, FewMembersInEachPartWaitForASlicesWorth) {
  scoring::ScoredParts sparse(kParts);
  for (int p = 0; p < kParts; ++p) {
    for (int k = 0; k < 10; ++k)
      sparse[p].members.push_back(parts_[p].members[k * 7]);
  }
  auto pass = StartPass(sparse);
  EXPECT_EQ(Leads(1, kParts * kPerPart), 0);  // Part 0's ten wait.
  pass->Finish();
  ASSERT_TRUE(pass->created.ok()) << pass->created.status().ToString();
  EXPECT_EQ(Leads(1, kParts * kPerPart), kParts * 10);
}

// Without a progress every part is read as filled.
TEST_F(ScoredPartsWriteTest, WithoutProgressEveryPartIsWritten) {
  SqliteLeadStore store(db_.get(), Options());
  auto created = store.ApplyScores(parts_, {}, kNow, nullptr);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(*created, kParts * kPerPart);
}

}  // namespace
}  // namespace qunying::storage
