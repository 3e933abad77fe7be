// The demo's sales history: three weeks in which the demo reps claimed the
// best leads, called them, and won or lost them, so that a fresh demo shows
// the closed loop at work — reps' KPIs and leaderboard, lead cards with a
// history, and a model learnt from the outcomes whose probability the open
// leads carry. Used by SeedDemo (server/demo.h).
#ifndef QUNYING_SERVER_DEMO_SALES_H_
#define QUNYING_SERVER_DEMO_SALES_H_

#include <cstdint>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "scoring/lead_engine.h"
#include "scoring/lead_store.h"

namespace qunying::server {

struct DemoSalesOptions {
  // The history starts this many local days before `clock`'s today, at
  // 09:00 (UTC+8), with the pass that made the first leads, and ends the
  // day before today.
  int days = 21;
  // Days before today from which leads claimed stay open (contacted or
  // qualified, with a follow-up after today) instead of being closed.
  int open_days = 5;
  // Each rep claims 1 to this many leads a day, so most of the pool is left
  // for the reps of the demo.
  int max_claims_per_day = 2;
  uint32_t seed = 7;
};

struct DemoSalesReport {
  int leads_created = 0;  // By the pass at the history's start.
  int claimed = 0, contacted = 0, won = 0, lost = 0;
  int64_t revenue_fen = 0;
};

// The chance that a rep wins a lead, from its parts (0–100 each): a hidden
// propensity that intent drives most, then fit, then engagement. The model
// trained on the outcomes is to find it. Steep enough that the reps' few
// dozen outcomes teach it: with a gentler slope (-6.5 + 0.045 intent +
// 0.025 fit + 0.015 engagement) the demo's model ranked its own outcomes
// no better than chance (cross-validated AUC 0.49) at most hours the demo
// could start.
double DemoWinChance(double fit, double engagement, double intent);

// Writes the history through `store` as the API would (claims by the
// engine's rules and SLA, status changes with notes, reasons and amounts),
// each step at its own time in the past: a second engine on the same
// store, with the rules of `engine` and a clock of its own, makes the
// leads three weeks ago and takes the claims. `reps` are the sales users'
// ids. Nothing is dated after `clock`'s now. Not thread-safe with other
// writers of leads (run before the server starts).
Result<DemoSalesReport> SeedSalesHistory(scoring::LeadStore& store,
                                         const scoring::LeadEngine& engine,
                                         const std::vector<int64_t>& reps,
                                         const Clock& clock,
                                         const DemoSalesOptions& options = {});

}  // namespace qunying::server

#endif  // QUNYING_SERVER_DEMO_SALES_H_
