// Runs the lead loop on a timer: returns overdue leads to the pool,
// rescores every member, and retrains when new outcomes have arrived.
// Start/Stop from one thread; the work itself goes through LeadEngine,
// which is thread-safe.
#ifndef QUNYING_SERVER_LEAD_SCHEDULER_H_
#define QUNYING_SERVER_LEAD_SCHEDULER_H_

#include <chrono>
#include <cstdint>

#include "core/background_loop.h"
#include "scoring/lead_engine.h"
#include "server/logger.h"

namespace qunying::server {

struct LeadSchedulerOptions {
  // Each 0 turns that job off. Intervals are wall-clock seconds; the first
  // run of each job comes one interval after Start (but see
  // rescore_at_start).
  int sla_sweep_s = 60;   // Return overdue leads to the pool, then apply
                          // the standing assignment rules.
  int rescore_s = 600;    // Rescore every member.
  int retrain_s = 86400;  // Retrain (when outcomes changed since).
  // After a scheduled rescoring pass, save the lead pass's state
  // (LeadEngine::SaveState: the store's state file) when this many seconds
  // have gone since the last save, or none was made; and once more at
  // Stop. The first pass after a restart then reads only what was added
  // since (docs/leads.md). 0: only at Stop. On a million members the file
  // is ~200 MB and takes a few seconds to write, on this thread.
  int save_state_s = 3600;
  // With rescore_s: also rescore once right after Start, so that a
  // restarted server's scores (and its first pass, which takes up the
  // state file: seconds on a million members) do not wait an interval,
  // and the passes after it are warm.
  bool rescore_at_start = true;
};

class LeadScheduler {
 public:
  LeadScheduler(LeadSchedulerOptions options, scoring::LeadEngine* engine,
                scoring::LeadStore* store, Logger* logger)
      : options_(options), engine_(engine), store_(store), logger_(logger) {}
  ~LeadScheduler() { Stop(); }

  void Start();
  void Stop();

 private:
  // Tick 0: the pass at start; then, once a second, the jobs due.
  std::chrono::milliseconds Step();
  void RunDue(int64_t tick);
  void Rescore(int64_t tick);
  void SaveState(const char* why);

  LeadSchedulerOptions options_;
  scoring::LeadEngine* engine_;
  scoring::LeadStore* store_;
  Logger* logger_;
  BackgroundLoop loop_;
  int64_t tick_ = 0;             // Scheduler thread only (once started).
  int64_t last_save_tick_ = -1;  // Scheduler thread only.
  bool saved_at_stop_ = false;
};

}  // namespace qunying::server

#endif  // QUNYING_SERVER_LEAD_SCHEDULER_H_
