// What training does to the open leads before it answers: every open
// lead's probability by the new model, from the model inputs stored with
// the lead (a contacted lead's frozen ones included). Reading, predicting
// and writing go in parts, each stage on a thread of its own, so that
// they overlap: one after the other they took 1.0-1.7 s on 303,000 leads
// (docs/benchmarks.md, "Training"). Thread-safe as the store is.
#ifndef QUNYING_SCORING_OPEN_LEAD_PREDICTIONS_H_
#define QUNYING_SCORING_OPEN_LEAD_PREDICTIONS_H_

#include <cstddef>
#include <cstdint>

#include "core/result.h"
#include "scoring/lead_store.h"
#include "scoring/trainer.h"

namespace qunying::scoring {

struct OpenLeadPredictionOptions {
  // Leads read, predicted and written at a time. Each stage holds up to
  // three parts' inputs (a lead's are ~230 bytes on the bench): ~23 MB.
  size_t part_leads = 32768;
  // Threads that encode and predict a part (PredictStoredInputs): one,
  // since reading and writing take the other cores' time meanwhile.
  size_t predict_threads = 1;
};

// Gives every open lead of `store` the probability `model` (stored as
// `model_id`) predicts from its stored inputs, as changed at `now_ms`;
// returns how many leads it wrote. Not atomic: after an error some parts
// are written (SetProbabilities writes in slices anyway).
[[nodiscard]] Result<size_t> PredictOpenLeads(
    LeadStore& store, const TrainedModel& model, int64_t model_id,
    int64_t now_ms, const OpenLeadPredictionOptions& options = {});

}  // namespace qunying::scoring

#endif  // QUNYING_SCORING_OPEN_LEAD_PREDICTIONS_H_
