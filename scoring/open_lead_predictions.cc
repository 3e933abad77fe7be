#include "scoring/open_lead_predictions.h"

#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "core/channel.h"
#include "scoring/inputs_predictor.h"

namespace qunying::scoring {
namespace {

using Updates = std::vector<std::pair<int64_t, double>>;

// A stage's first error, and the channels to close on it so that every
// other stage stops waiting.
class Pipeline {
 public:
  Channel<std::unique_ptr<LeadInputs>> empty{kBuffers}, read{2};
  Channel<Updates> predicted{2};
  static constexpr size_t kBuffers = 3;  // Part buffers, reused.

  void Fail(Status* stage, Status s) {
    *stage = std::move(s);
    empty.Close();
    read.Close();
    predicted.Close();
  }
};

// Reads the open leads part after part into the free buffers, in id order.
void ReadParts(LeadStore& store, size_t part, Pipeline& p, Status* status) {
  int64_t after = 0;
  while (std::optional<std::unique_ptr<LeadInputs>> buffer = p.empty.Pop()) {
    LeadInputs& in = **buffer;
    Status s = store.OpenLeadInputs(after, part, &in);
    if (!s.ok()) return p.Fail(status, std::move(s));
    const size_t n = in.size();
    if (n > 0) after = in.id(n - 1);
    if (n > 0 && !p.read.Push(std::move(*buffer))) return;
    if (n < part) break;  // The last part.
  }
  p.read.Close();
}

void WriteParts(LeadStore& store, int64_t model_id, int64_t now_ms, Pipeline& p,
                Status* status, size_t* written) {
  while (std::optional<Updates> updates = p.predicted.Pop()) {
    Status s = store.SetProbabilities(*updates, model_id, now_ms);
    if (!s.ok()) return p.Fail(status, std::move(s));
    *written += updates->size();
  }
}

}  // namespace

Result<size_t> PredictOpenLeads(LeadStore& store, const TrainedModel& model,
                                int64_t model_id, int64_t now_ms,
                                const OpenLeadPredictionOptions& options) {
  const size_t part = std::max<size_t>(1, options.part_leads);
  Pipeline p;
  for (size_t i = 0; i < Pipeline::kBuffers; ++i)
    (void)p.empty.Push(std::make_unique<LeadInputs>());
  Status read_status, predict_status, write_status;
  size_t written = 0;
  std::thread reader([&] { ReadParts(store, part, p, &read_status); });
  std::thread writer(
      [&] { WriteParts(store, model_id, now_ms, p, &write_status, &written); });
  while (std::optional<std::unique_ptr<LeadInputs>> buffer = p.read.Pop()) {
    const LeadInputs& in = **buffer;
    Result<std::vector<double>> probabilities = PredictStoredInputs(
        model, in, {.threads = options.predict_threads, .part_leads = part});
    if (!probabilities.ok()) {
      p.Fail(&predict_status, probabilities.status());
      break;
    }
    Updates updates(in.size());
    for (size_t i = 0; i < in.size(); ++i)
      updates[i] = {in.id(i), (*probabilities)[i]};
    // Never waits: there are only kBuffers buffers. False once closed.
    (void)p.empty.Push(std::move(*buffer));
    if (!p.predicted.Push(std::move(updates))) break;
  }
  p.predicted.Close();
  reader.join();
  writer.join();
  for (Status* s : {&read_status, &predict_status, &write_status})
    QY_RETURN_IF_ERROR(*s);
  return written;
}

}  // namespace qunying::scoring
