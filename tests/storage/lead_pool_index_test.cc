// A rescoring pass that rewrites most leads drops the pool's score index
// (leads_pool) and creates it again; claims must rank the pool by the new
// scores afterwards, and no failure or crash may leave the index missing.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "storage/lead_formula.h"
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
  bool PoolIndexExists() { return storage::PoolIndexExists(db_.get()); }
  // Scores members 1..kMembers; member m gets score(m) (one decimal) as
  // each of its three parts, and so as its total by the default formula.
  // One part, ascending member ids, as the engine hands them over.
  template <typename F>
  scoring::ScoredParts Scores(F score, int64_t extra_member = 0) {
    scoring::ScoredParts parts(1);
    for (int64_t m = 1; m <= kMembers; ++m) {
      scoring::ScoredMember s;
      s.member_id = m;
      s.points.fit = s.points.engagement = s.points.intent = score(m);
      s.factors_text = "engagement";
      s.attributes_text = "";
      s.digest = static_cast<int64_t>(score(m) * 1000) + 1;
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
  // Writes Scores(score, extra_member) with `formula`.
  template <typename F>
  Result<int> Apply(SqliteLeadStore& store, F score,
                    const scoring::ScoreFormula& formula = {},
                    int64_t extra_member = 0) {
    return store.ApplyScores(Scores(score, extra_member), formula, kNow,
                             nullptr);
  }
  // The member of the lead a rep's claim gets first.
  int64_t ClaimOne(SqliteLeadStore& store) {
    auto got = store.Claim(kRep, 1, {}, kNow - 1000, 0, kNow);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() && got->size() == 1 ? (*got)[0].member_id : -1;
  }
  // The query plan of the pool's order as claims and assignments ask it.
  std::string PoolPlan(const scoring::ScoreFormula& f,
                       const std::string& table) {
    std::string plan;
    std::string sql = "EXPLAIN QUERY PLAN SELECT " + table + "id FROM leads " +
                      (table.empty() ? "" : "l ") + "WHERE " + table +
                      "status = 'new' AND " + table +
                      "owner_id IS NULL ORDER BY " + PoolOrderSql(f, table) +
                      " LIMIT 5";
    EXPECT_TRUE(db_->Read([&](Connection& c) -> Status {
                     // An EXPLAIN does not check the schema's version: a
                     // real read first, so that the plan is of the schema
                     // as it is now (a real query is prepared again).
                     QY_ASSIGN_OR_RETURN(
                         Statement * fresh,
                         c.Prepare("SELECT COUNT(*) FROM sqlite_master"));
                     QY_RETURN_IF_ERROR(fresh->Step().status());
                     fresh->Reset();
                     QY_ASSIGN_OR_RETURN(Statement * st, c.Prepare(sql));
                     return ForEachRow(st, [&](const Statement& s) {
                       plan += s.Text(3) + "\n";
                     });
                   })
                    .ok());
    return plan;
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
};

// Member m's score: 99.9 for member 1, 0.1 less for each next, 0 from
// member 1,000 on (the formula keeps one decimal).
double Descending(int64_t m) { return std::max(0.0, 100.0 - m * 0.1); }
// The other way: 100 for the last member, 0 up to member 2,000.
double Ascending(int64_t m) {
  return std::max(0.0, (m - (kMembers - 1000)) * 0.1);
}

TEST_F(LeadPoolIndexTest, APassRescoringMostLeadsRanksClaimsByItsScores) {
  SqliteLeadStore store(db_.get(), SmallSlices(100));
  auto created = Apply(store, Descending);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(*created, kMembers);
  EXPECT_TRUE(store.pool_index_rebuilt());
  EXPECT_TRUE(PoolIndexExists());
  EXPECT_EQ(ClaimOne(store), 1);
  // New parts reverse the order: the last member now ranks first.
  ASSERT_TRUE(Apply(store, Ascending).ok());
  EXPECT_TRUE(store.pool_index_rebuilt());
  EXPECT_TRUE(PoolIndexExists());
  EXPECT_EQ(ClaimOne(store), kMembers);
  EXPECT_EQ(ClaimOne(store), kMembers - 1);
}

// Such a pass holds off the writer's automatic checkpoints (which this
// small database would not reach anyway) and makes one itself at its end:
// its leads and index are in the file, and the writer has its setting back.
TEST_F(LeadPoolIndexTest, APassDroppingTheIndexLeavesItsWritesInTheFile) {
  const int64_t pages = WriterAutocheckpoint(db_.get());
  ASSERT_GT(pages, 0);
  SqliteLeadStore store(db_.get(), SmallSlices(100));
  ASSERT_TRUE(Apply(store, Descending).ok());
  ASSERT_TRUE(store.pool_index_rebuilt());
  const std::string path = dir_.File("pool.db");
  EXPECT_EQ(CountInFileAlone(path, "SELECT COUNT(*) FROM leads"), kMembers);
  EXPECT_EQ(CountInFileAlone(path,
                             "SELECT COUNT(*) FROM sqlite_master WHERE type ="
                             " 'index' AND name = 'leads_pool'"),
            1);
  EXPECT_EQ(WriterAutocheckpoint(db_.get()), pages);
}

TEST_F(LeadPoolIndexTest, APassChangingFewLeadsKeepsTheIndex) {
  SqliteLeadStore store(db_.get(), SmallSlices(100));
  ASSERT_TRUE(Apply(store, Descending).ok());
  // Only member 2,999 gains; everyone else keeps their digest.
  ASSERT_TRUE(Apply(store, [&](int64_t m) {
                return m == kMembers - 1 ? 100.0 : Descending(m);
              }).ok());
  EXPECT_FALSE(store.pool_index_rebuilt());
  EXPECT_TRUE(PoolIndexExists());
  EXPECT_EQ(ClaimOne(store), kMembers - 1);
}

TEST_F(LeadPoolIndexTest, ZeroNeverDropsTheIndex) {
  SqliteLeadStore store(db_.get(), SmallSlices(0));
  ASSERT_TRUE(Apply(store, Ascending).ok());
  EXPECT_FALSE(store.pool_index_rebuilt());
  EXPECT_EQ(ClaimOne(store), kMembers);
}

// The last member does not exist: its insert fails (a foreign key) after
// the index was dropped. The pass fails, writes nothing of that slice, and
// the index is back, and so are the writer's automatic checkpoints.
TEST_F(LeadPoolIndexTest, AFailedPassStillCreatesTheIndexAgain) {
  SqliteLeadStore store(db_.get(), SmallSlices(100));
  const int64_t pages = WriterAutocheckpoint(db_.get());
  auto r = Apply(store, Ascending, {}, /*extra_member=*/kMembers + 5);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(store.pool_index_rebuilt());
  EXPECT_TRUE(PoolIndexExists());
  EXPECT_EQ(WriterAutocheckpoint(db_.get()), pages);
}

// New weights change every total but no stored value: the pass writes no
// lead, makes the index again for the new formula, and keeps the formula
// for the next start.
TEST_F(LeadPoolIndexTest, NewWeightsReorderThePoolWithoutRewritingALead) {
  SqliteLeadStore store(db_.get(), SmallSlices(0));
  // Fit falls and intent rises with the member: by the default weights
  // (fit 0.4, intent 0.2) member 1 ranks first.
  scoring::ScoredParts first(1);
  for (int64_t m = 1; m <= kMembers; ++m) {
    scoring::ScoredMember s;
    s.member_id = m;
    s.points.fit = Descending(m);
    s.points.intent = Ascending(m);
    s.factors_text = "fit";
    s.digest = m;
    first[0].members.push_back(s);
  }
  ASSERT_TRUE(store.ApplyScores(first, {}, kNow, nullptr).ok());
  EXPECT_EQ(ClaimOne(store), 1);
  scoring::ScoreFormula intent_only;
  intent_only.weight_fit = intent_only.weight_engagement = 0;
  intent_only.weight_intent = 1;
  intent_only.tier_a = 0;  // Every letter A.
  auto again = store.ApplyScores(first, intent_only, kNow + 1000, nullptr);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, 0);
  EXPECT_TRUE(store.pool_index_rebuilt());
  EXPECT_TRUE(PoolIndexExists());
  EXPECT_EQ(ClaimOne(store), kMembers);
  auto rewritten = [&] {
    int64_t n = -1;
    EXPECT_TRUE(db_->Read([&](Connection& c) -> Status {
                     QY_ASSIGN_OR_RETURN(
                         Statement * st,
                         c.Prepare("SELECT COUNT(*) FROM leads WHERE"
                                   " updated_at_ms > " +
                                   std::to_string(kNow + 500)));
                     QY_ASSIGN_OR_RETURN(bool row, st->Step());
                     n = row ? st->Int(0) : -1;
                     return Status::Ok();
                   })
                    .ok());
    return n;
  };
  EXPECT_EQ(rewritten(), 0);
  // A store opened later takes up the formula in force.
  SqliteLeadStore later(db_.get());
  auto pool = later.List({.status = "new", .limit = 3000});
  ASSERT_TRUE(pool.ok());
  ASSERT_FALSE(pool->empty());
  for (const auto& l : *pool) {
    ASSERT_EQ(l.score, intent_only.Total(l.fit, l.engagement, l.intent));
    ASSERT_EQ(l.tier[0], 'A');
  }
  EXPECT_EQ(ClaimOne(later), kMembers - 1);
  // min_score weighs by it too: 99.6 to 99.8, the two above claimed.
  auto top = later.List({.status = "new", .min_score = 99.55});
  ASSERT_TRUE(top.ok());
  ASSERT_EQ(top->size(), 3u);
  EXPECT_EQ(top->front().member_id, kMembers - 4);
}

// SQLite serves the pool's order from the index only when the ORDER BY
// holds the index's very expression: claims and assignments must not sort
// the pool (80–127 ms on 278,000 leads) after a new formula.
TEST_F(LeadPoolIndexTest, ThePoolsOrderIsServedByTheIndexUnderAnyFormula) {
  SqliteLeadStore store(db_.get(), SmallSlices(0));
  scoring::ScoreFormula odd;
  odd.weight_fit = 0.1;
  odd.weight_engagement = 1.0 / 3;
  odd.weight_intent = 0.7;
  ASSERT_TRUE(Apply(store, Descending, odd).ok());
  for (const std::string table : {"", "l."}) {
    std::string plan = PoolPlan(odd, table);
    EXPECT_NE(plan.find("USING INDEX leads_pool"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
  }
  // And the index is what it must be: another formula's order is not.
  std::string other = PoolPlan({}, "");
  EXPECT_NE(other.find("TEMP B-TREE"), std::string::npos) << other;
}

// A crash between a pass's drop and creation leaves no index; the store
// creates it before the first use.
TEST_F(LeadPoolIndexTest, AStoreCreatesAMissingIndex) {
  {
    SqliteLeadStore store(db_.get());
    ASSERT_TRUE(Apply(store, Descending).ok());
  }
  Exec("DROP INDEX leads_pool");
  EXPECT_FALSE(PoolIndexExists());
  SqliteLeadStore store(db_.get());
  EXPECT_EQ(ClaimOne(store), 1);
  EXPECT_TRUE(PoolIndexExists());
}

}  // namespace
}  // namespace qunying::storage
