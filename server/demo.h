// Seeds a fresh database with the demo community: generated members and
// check-ins, photos rendered from Chinese text and stored as blobs, and demo
// staff accounts. Used by `qunying demo`.
#ifndef QUNYING_SERVER_DEMO_H_
#define QUNYING_SERVER_DEMO_H_

#include <atomic>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "server/app.h"
#include "server/demo_sales.h"

namespace qunying::server {

struct DemoSummary {
  size_t members = 0, campaigns = 0, groups = 0, checkins = 0, photos = 0;
  int64_t roster_rows = 0;
  int leads = 0;  // Members scored into leads (rescored again on a timer).
  DemoSalesReport sales;  // What the reps did with them (demo_sales.h).
  // The model learnt from the reps' outcomes.
  std::string model_kind;
  size_t model_rows = 0;
  double model_auc = 0;
};

// The demo staff sign-ins, as printed by `qunying demo`.
struct DemoStaff {
  const char* username;
  const char* password;
  const char* role;
  const char* display_name;
};
inline constexpr DemoStaff kDemoStaff[] = {
    {"operator", "demo-operator-1", "operator", "运营小张"},
    {"sales1", "demo-sales-1", "sales", "销售小李"},
    {"sales2", "demo-sales-2", "sales", "销售小王"},
};

// Seeds the community, the staff, the reps' three weeks of sales
// (demo_sales.h), and a model trained on their outcomes.
Result<DemoSummary> SeedDemo(App& app, const Clock& clock);

// After SeedDemo, on a thread of the caller's: waits until the OCR workers
// have read every photo queued (polling the queue every `poll_ms`), then
// rescores once, so that the demo's leads carry the grades, schools and
// cities read from its photos within seconds of the start rather than at
// the next scheduled pass (LeadSchedulerOptions::rescore_s: 10 minutes).
// Unavailable, without rescoring, when `stop` is set or `timeout_ms`
// passes first (e.g. the server runs with no OCR workers). Thread-safe as
// App and LeadEngine are.
Result<scoring::RescoreReport> RescoreWhenOcrIsDone(
    App& app, const std::atomic<bool>& stop, int poll_ms = 200,
    int64_t timeout_ms = 10 * 60 * 1000);

}  // namespace qunying::server

#endif  // QUNYING_SERVER_DEMO_H_
