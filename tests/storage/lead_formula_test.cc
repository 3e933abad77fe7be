// A scored lead stores its parts; its total is derived twice, in C++
// (ScoreFormula::Total, for what a lead shows) and in SQL (ScoreSql, for
// the pool's order and min_score). The two must agree to the bit, or a
// claim would rank a lead by a score it does not show.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "storage/lead_formula.h"
#include "storage/migrations.h"
#include "storage/sqlite_lead_store.h"
#include "tests/storage/test_db.h"

namespace qunying::storage {
namespace {

// Evaluates the SQL expression `expr` (with ?1…?3 bound to `args`).
double Eval(Connection& c, const std::string& expr,
            const std::vector<double>& args = {}) {
  auto st = c.Prepare("SELECT " + expr);
  EXPECT_TRUE(st.ok()) << expr;
  if (!st.ok()) return NAN;
  for (size_t i = 0; i < args.size(); ++i)
    (*st)->Bind(static_cast<int>(i + 1), args[i]);
  auto row = (*st)->Step();
  EXPECT_TRUE(row.ok() && *row) << expr;
  double v = (*st)->Double(0);
  (*st)->Reset();
  return v;
}

class LeadFormulaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto conn = Connection::Open(dir_.File("f.db"), false, true, 1000, true);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    conn_ = std::move(*conn);
  }
  TempDir dir_;
  std::unique_ptr<Connection> conn_;
};

TEST_F(LeadFormulaTest, SqlRealIsExactlyTheDouble) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<double> xs = {0.1, 0.2, 0.3, 0.4, 0.7,  1.0 / 3, 2.0 / 3, 1,
                            0.5, 60,  25,  100, 1e-5, 123.456, -0.7,    0};
  for (int i = 0; i < 2000; ++i) xs.push_back(unit(rng) * std::pow(10, i % 5));
  for (double x : xs) {
    const std::string sql = SqlReal(x);
    EXPECT_EQ(Eval(*conn_, sql), x) << sql;
  }
}

// Parts at and around the half-decimals where rounding turns, under the
// shipped weights and odd ones.
TEST_F(LeadFormulaTest, ScoreSqlEqualsTheFormulaToTheBit) {
  std::vector<scoring::ScoreFormula> formulas(4);
  formulas[1].weight_fit = 0.1;
  formulas[1].weight_engagement = 1.0 / 3;
  formulas[1].weight_intent = 0.7;
  formulas[2].weight_fit = formulas[2].weight_engagement = 0;
  formulas[2].weight_intent = 0.3;
  formulas[3].weight_fit = 0.35;
  formulas[3].weight_engagement = 0.45;
  formulas[3].weight_intent = 0.05;
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int> tenths(0, 1000);
  std::uniform_real_distribution<double> any(0, 100);
  int checked = 0, halves = 0;
  for (const auto& f : formulas) {
    // The parts as lead columns, bound as ?1…?3.
    std::string expr = ScoreSql(f, "p.");
    std::string sql = "(SELECT " + expr +
                      " FROM (SELECT 'score' AS source, 0 AS import_score,"
                      " ?1 AS fit, ?2 AS engagement, ?3 AS intent) p)";
    for (int i = 0; i < 3000; ++i) {
      double p[3];
      for (double& v : p) {
        // A third on a tenth, a third on a twentieth, a third anywhere.
        int kind = i % 3;
        v = kind == 0   ? tenths(rng) / 10.0
            : kind == 1 ? tenths(rng) / 20.0 + 0.05
                        : any(rng);
        v = std::min(v, 100.0);
      }
      double want = f.Total(p[0], p[1], p[2]);
      double got = Eval(*conn_, sql, {p[0], p[1], p[2]});
      ASSERT_EQ(got, want) << "parts " << p[0] << ", " << p[1] << ", " << p[2]
                           << " weights " << f.weight_fit << ", "
                           << f.weight_engagement << ", " << f.weight_intent;
      ++checked;
      double x10 = want * 10;
      halves += std::fabs(x10 - std::round(x10)) < 1e-9;
    }
  }
  EXPECT_EQ(checked, 12000);
  EXPECT_GT(halves, 0);
}

TEST_F(LeadFormulaTest, AnImportedLeadKeepsItsOwnScore) {
  std::string sql = "(SELECT " + ScoreSql({}, "") +
                    " FROM (SELECT 'import' AS source, 73.5 AS import_score,"
                    " 100 AS fit, 100 AS engagement, 100 AS intent))";
  EXPECT_EQ(Eval(*conn_, sql), 73.5);
}

// Migration 20: a database whose leads stored their total and tier.
TEST(LeadFormulaMigrationTest, StoredTotalsGiveWayToTheFormula) {
  TempDir dir;
  const std::string path = dir.File("old.db");
  {
    auto conn = OpenAtVersion(path, 19);
    ASSERT_NE(conn, nullptr);
    ASSERT_TRUE(
        conn->Exec("INSERT INTO members (id, openid, nickname, created_at_ms,"
                   " updated_at_ms) VALUES (1, 'o1', 'A', 0, 0);"
                   "INSERT INTO leads (id, member_id, source, score, fit,"
                   " engagement, intent, tier, created_at_ms, updated_at_ms)"
                   " VALUES (1, 1, 'score', 12.3, 70, 40, 10, 'C3', 0, 0);"
                   "INSERT INTO leads (id, external_id, source, score, tier,"
                   " created_at_ms, updated_at_ms) VALUES (2, 'x', 'import',"
                   " 73.5, '', 0, 0)")
            .ok());
  }
  auto db = OpenTestDb(path);
  ASSERT_NE(db, nullptr);
  SqliteLeadStore store(db.get());
  auto scored = store.Get(1);
  ASSERT_TRUE(scored.ok()) << scored.status().ToString();
  // (0.4 · 70 + 0.4 · 40 + 0.2 · 10) / 1 = 46, not the stored 12.3.
  EXPECT_EQ(scored->score, 46.0);
  EXPECT_EQ(scored->tier, "A2");
  auto imported = store.Get(2);
  ASSERT_TRUE(imported.ok());
  EXPECT_EQ(imported->score, 73.5);
  EXPECT_EQ(imported->tier, "");
  // The pool's order is the formula's: the imported lead first.
  auto top = store.List({.min_score = 50});
  ASSERT_TRUE(top.ok());
  ASSERT_EQ(top->size(), 1u);
  EXPECT_EQ(top->front().id, 2);
}

}  // namespace
}  // namespace qunying::storage
