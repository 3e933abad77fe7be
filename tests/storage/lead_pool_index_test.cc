// A rescoring pass that rewrites most leads drops the pool's score index
// (leads_pool) and creates it again; claims must rank the pool by the new
// scores afterwards, and no failure or crash may leave the index missing.
#include <gtest/gtest.h>

#include <string>

#include "storage/migrations.h"
#include "storage/sqlite_lead_store.h"
#include "tests/storage/test_db.h"

namespace qunying::storage {
namespace {

constexpr int64_t kNow = 1'800'000'000'000;
constexpr int kMembers = 3000;  // More than the pass's sample of 2,048.
constexpr int64_t kRep = 7;

class LeadPoolIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenTestDb(dir_.File("pool.db"));
    ASSERT_NE(db_, nullptr);
    Exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
        " WHERE i < " +
        std::to_string(kMembers) +
        ") INSERT INTO members (id, openid, nickname, created_at_ms,"
        " updated_at_ms) SELECT i, 'o' || i, 'N' || i, 0, 0 FROM n");
    Exec(
        "INSERT INTO users (id, username, password_hash, role, display_name,"
        " created_at_ms) VALUES (7, 'rep', 'x', 'sales', 'Rep', 0)");
  }

  void Exec(const std::string& sql) {
    ASSERT_TRUE(db_->Write([&](Connection& c) { return c.Exec(sql); }).ok())
        << sql;
  }
  bool PoolIndexExists() {
    int64_t n = -1;
    EXPECT_TRUE(db_->Read([&](Connection& c) -> Status {
                     QY_ASSIGN_OR_RETURN(
                         Statement * st,
                         c.Prepare("SELECT COUNT(*) FROM sqlite_master WHERE"
                                   " type = 'index' AND name = 'leads_pool'"));
                     QY_ASSIGN_OR_RETURN(bool row, st->Step());
                     n = row ? st->Int(0) : -1;
                     return Status::Ok();
                   })
                    .ok());
    return n == 1;
  }
  // Scores members 1..kMembers; member m gets score(m). One part, ascending
  // member ids, as the engine hands them over.
  template <typename F>
  scoring::ScoredParts Scores(F score, int64_t extra_member = 0) {
    scoring::ScoredParts parts(1);
    for (int64_t m = 1; m <= kMembers; ++m) {
      scoring::ScoredMember s;
      s.member_id = m;
      s.points.total = score(m);
      s.points.tier = "B2";
      s.factors_text = "engagement";
      s.attributes_text = "";
      s.digest = static_cast<int64_t>(s.points.total * 1000) + 1;
      parts[0].members.push_back(s);
    }
    if (extra_member) {
      auto s = parts[0].members.back();
      s.member_id = extra_member;
      parts[0].members.push_back(s);
    }
    return parts;
  }
  // Passes that drop the index after projecting more than `limit` moves,
  // in slices of 256 members however fast the machine.
  static SqliteLeadStoreOptions SmallSlices(int64_t limit) {
    SqliteLeadStoreOptions o;
    o.rebuild_pool_index_leads = limit;
    o.write_slice_members = 256;
    o.write_slice_ms = 0;
    return o;
  }
  // The member of the lead a rep's claim gets first.
  int64_t ClaimOne(SqliteLeadStore& store) {
    auto got = store.Claim(kRep, 1, {}, kNow - 1000, 0, kNow);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() && got->size() == 1 ? (*got)[0].member_id : -1;
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(LeadPoolIndexTest, APassRescoringMostLeadsRanksClaimsByItsScores) {
  SqliteLeadStore store(db_.get(), SmallSlices(100));
  // Member 1 scores highest, then 2, …
  auto created = store.ApplyScores(
      Scores([](int64_t m) { return 100.0 - m / 100.0; }), kNow);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(*created, kMembers);
  EXPECT_TRUE(store.pool_index_rebuilt());
  EXPECT_TRUE(PoolIndexExists());
  EXPECT_EQ(ClaimOne(store), 1);
  // New rules reverse the order: the last member now ranks first.
  ASSERT_TRUE(
      store
          .ApplyScores(Scores([](int64_t m) { return 50.0 + m / 100.0; }), kNow)
          .ok());
  EXPECT_TRUE(store.pool_index_rebuilt());
  EXPECT_TRUE(PoolIndexExists());
  EXPECT_EQ(ClaimOne(store), kMembers);
  EXPECT_EQ(ClaimOne(store), kMembers - 1);
}

TEST_F(LeadPoolIndexTest, APassChangingFewLeadsKeepsTheIndex) {
  SqliteLeadStore store(db_.get(), SmallSlices(100));
  auto score = [](int64_t m) { return 100.0 - m / 100.0; };
  ASSERT_TRUE(store.ApplyScores(Scores(score), kNow).ok());
  // Only member 2,999 gains; everyone else keeps their digest.
  ASSERT_TRUE(store
                  .ApplyScores(Scores([&](int64_t m) {
                                 return m == kMembers - 1 ? 100.0 : score(m);
                               }),
                               kNow)
                  .ok());
  EXPECT_FALSE(store.pool_index_rebuilt());
  EXPECT_TRUE(PoolIndexExists());
  EXPECT_EQ(ClaimOne(store), kMembers - 1);
}

TEST_F(LeadPoolIndexTest, ZeroNeverDropsTheIndex) {
  SqliteLeadStore store(db_.get(), SmallSlices(0));
  ASSERT_TRUE(
      store.ApplyScores(Scores([](int64_t m) { return m * 0.01; }), kNow).ok());
  EXPECT_FALSE(store.pool_index_rebuilt());
  EXPECT_EQ(ClaimOne(store), kMembers);
}

// The last member does not exist: its insert fails (a foreign key) after
// the index was dropped. The pass fails, writes nothing of that slice, and
// the index is back.
TEST_F(LeadPoolIndexTest, AFailedPassStillCreatesTheIndexAgain) {
  SqliteLeadStore store(db_.get(), SmallSlices(100));
  auto r = store.ApplyScores(
      Scores([](int64_t m) { return m * 0.01; }, /*extra_member=*/kMembers + 5),
      kNow);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(store.pool_index_rebuilt());
  EXPECT_TRUE(PoolIndexExists());
}

// A crash between the drop and the creation leaves no index; opening the
// database again creates it.
TEST_F(LeadPoolIndexTest, OpeningTheDatabaseCreatesAMissingIndex) {
  Exec("DROP INDEX leads_pool");
  EXPECT_FALSE(PoolIndexExists());
  db_.reset();
  db_ = OpenTestDb(dir_.File("pool.db"));
  ASSERT_NE(db_, nullptr);
  EXPECT_TRUE(PoolIndexExists());
}

}  // namespace
}  // namespace qunying::storage
