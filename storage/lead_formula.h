// The score formula (scoring/score_formula.h) in SQL, and where the one in
// force is kept. A lead row holds its parts (fit, engagement, intent); the
// pool's order, the min_score filter and the pool's index (leads_pool)
// weigh them with the formula in force, so that new weights rewrite no
// lead, only the index. Helpers for the SqliteLeadStore files (not a
// public interface); those taking a Connection run in the caller's
// transaction.
#ifndef QUNYING_STORAGE_LEAD_FORMULA_H_
#define QUNYING_STORAGE_LEAD_FORMULA_H_

#include <optional>
#include <string>
#include <string_view>

#include "scoring/score_formula.h"
#include "storage/sqlite.h"

namespace qunying::storage {

// `x` as an SQL expression that SQLite evaluates to exactly `x`:
// "(m * 1.0 / 2^k)" with integer literals, which convert exactly, rather
// than a decimal, whose conversion SQLite does not promise to round
// correctly. Finite `x` only.
std::string SqlReal(double x);

// A lead's score as SQL over the columns of `table` ("l." or ""): an
// imported lead's stored score, else ScoreFormula::Total of its parts by
// the same operations in the same order, so equal to the bit.
std::string ScoreSql(const scoring::ScoreFormula& f, std::string_view table);

// "<score> DESC, <table>id": the pool's order (claims, assignments), which
// the pool index serves.
std::string PoolOrderSql(const scoring::ScoreFormula& f,
                         std::string_view table);

// "CREATE INDEX IF NOT EXISTS leads_pool ON leads (status, owner_id,
// <score> DESC, id)". A query is served by it only when its ORDER BY holds
// the very same expression: PoolOrderSql(f, …) with the same `f`.
std::string CreatePoolIndexSql(const scoring::ScoreFormula& f);
extern const char kDropPoolIndex[];

// The formula in table lead_formula: the one the pool index was made
// with. nullopt before any was saved.
Result<std::optional<scoring::ScoreFormula>> ReadFormula(Connection& c);
[[nodiscard]] Status SaveFormula(Connection& c, const scoring::ScoreFormula& f);

// Saves the shipped rules' formula if none is kept, and creates the pool
// index for the kept one if it is missing (a crash between a pass's drop
// and creation). ApplyMigrations runs it at every open.
[[nodiscard]] Status EnsurePoolIndex(Connection& c);

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_LEAD_FORMULA_H_
