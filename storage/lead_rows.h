// Row-level helpers shared by the SqliteLeadStore files (not a public
// interface): each runs inside the caller's transaction on `c`.
#ifndef QUNYING_STORAGE_LEAD_ROWS_H_
#define QUNYING_STORAGE_LEAD_ROWS_H_

#include <string>
#include <vector>

#include "scoring/lead_store.h"
#include "storage/sqlite.h"

namespace qunying::storage {

// "SELECT <every lead column> FROM leads l LEFT JOIN members m … ": append
// a WHERE clause; read each row with LeadFromRow, which derives the score
// and tier with `formula` (the one in force).
extern const char kLeadCols[];
scoring::Lead LeadFromRow(const Statement& s,
                          const scoring::ScoreFormula& formula);

// Appends to a lead's history; `actor` 0 is the system.
Status AddEvent(Connection& c, int64_t lead, int64_t at, int64_t actor,
                const std::string& kind, const std::string& from,
                const std::string& to, const std::string& note);
// The lead with its member's nickname and phone; NotFound if absent.
Result<scoring::Lead> GetIn(Connection& c, int64_t id,
                            const scoring::ScoreFormula& formula);
// The first column of every row of `st`.
Result<std::vector<int64_t>> Ids(Statement* st);
// Sets a lead's probability and the model behind it (lead_probabilities),
// changed at `now`.
Status PutProbability(Connection& c, int64_t lead, double probability,
                      int64_t model_id, int64_t now);
// Keeps the outcome of closed lead `lead` (its result, model inputs and
// reason) in lead_past_outcomes before it is opened again, so that the
// model still learns from it.
Status KeepPastOutcome(Connection& c, int64_t lead, int64_t now);
// Hands a pool lead to `rep` (status assigned, SLA clock started) and
// records it as `kind` ("claim", "assign") by `actor`.
Status AssignTo(Connection& c, int64_t lead, int64_t rep, int64_t actor,
                const std::string& kind, const std::string& note, int64_t now);

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_LEAD_ROWS_H_
