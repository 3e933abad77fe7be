#include "server/lead_scheduler.h"

#include <chrono>

namespace qunying::server {

void LeadScheduler::Start() {
  if (loop_.running()) return;
  if (!options_.sla_sweep_s && !options_.rescore_s && !options_.retrain_s)
    return;
  saved_at_stop_ = false;
  tick_ = 0;
  loop_.Start([this] { return Step(); });
}

void LeadScheduler::Stop() {
  loop_.Stop();
  // Also when no job runs on a timer: passes asked for over the API count.
  if (!saved_at_stop_) SaveState("stop");
  saved_at_stop_ = true;
}

void LeadScheduler::SaveState(const char* why) {
  auto t0 = std::chrono::steady_clock::now();
  auto bytes = engine_->SaveState();
  if (!bytes.ok()) {
    logger_->Warn("lead state not saved",
                  {{"error", bytes.status().message()}, {"when", why}});
    return;
  }
  if (*bytes == 0) return;  // No pass yet, or no state file.
  double ms = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - t0)
                  .count();
  logger_->Info(
      "lead state saved",
      {{"bytes", int64_t(*bytes)}, {"ms", int64_t(ms)}, {"when", why}});
}

std::chrono::milliseconds LeadScheduler::Step() {
  if (tick_ == 0) {
    if (options_.rescore_s > 0 && options_.rescore_at_start) Rescore(0);
  } else {
    RunDue(tick_);
  }
  ++tick_;
  return std::chrono::seconds(1);
}

void LeadScheduler::Rescore(int64_t tick) {
  auto rep = engine_->Rescore();
  if (!rep.ok()) {
    logger_->Warn("rescoring failed", {{"error", rep.status().message()}});
    return;
  }
  logger_->Info(
      "rescored",
      {{"members", int64_t(rep->members)},
       {"created", rep->created},
       {"reused", int64_t(rep->reused)},
       {"memory_restored", rep->memory_restored},
       {"ms", int64_t(rep->load_ms + rep->score_ms + rep->write_ms)}});
  int every = options_.save_state_s;
  // The pass at start that took up the saved state: the file is as good
  // as new (the rows since are few), and writing it again would cost
  // ~0.5 s and 235 MB of disk writes on a million members at every
  // start. The hour starts now.
  if (tick == 0 && rep->memory_restored) {
    last_save_tick_ = 0;
    return;
  }
  if (every > 0 && (last_save_tick_ < 0 || tick - last_save_tick_ >= every)) {
    last_save_tick_ = tick;
    SaveState("schedule");
  }
}

void LeadScheduler::RunDue(int64_t tick) {
  auto due = [tick](int every) { return every > 0 && tick % every == 0; };
  if (due(options_.sla_sweep_s)) {
    // Each sweep's count, logged when any lead moved, or its failure.
    auto log = [this](const auto& n, const char* failed, const char* moved) {
      if (!n.ok())
        logger_->Warn(failed, {{"error", n.status().message()}});
      else if (*n)
        logger_->Info(moved, {{"count", static_cast<int64_t>(*n)}});
    };
    log(engine_->ReleaseOverdue(), "sla sweep failed",
        "leads returned to the pool");
    log(engine_->ReturnActiveLost(), "lost leads' return failed",
        "lost leads back in the pool");
    log(engine_->AutoAssign(), "auto-assignment failed",
        "leads assigned by rule");
  }
  if (due(options_.rescore_s)) Rescore(tick);
  if (due(options_.retrain_s)) {
    // Only when outcomes arrived since the latest model was trained.
    auto outcomes = store_->OutcomeCount();
    auto latest = store_->Models(1);
    if (!outcomes.ok() || !latest.ok()) return;
    if (!latest->empty() &&
        static_cast<int64_t>(latest->front().n_train) == *outcomes)
      return;
    auto t = engine_->Train();
    if (!t.ok()) {
      logger_->Info("scheduled training skipped",
                    {{"reason", t.status().message()}});
      return;
    }
    logger_->Info("model trained", {{"model_id", t->model_id},
                                    {"n_train", int64_t(t->n_train)}});
  }
}

}  // namespace qunying::server
