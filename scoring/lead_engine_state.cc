// LeadEngine::SaveState and what the first pass after a restart takes up:
// the last pass's PassMemory, handed to the store as bytes.
//
// Layout (native byte order; the store's file guards against a torn or
// foreign file): a version; the rules' TextsFingerprint, the model's id,
// and the model generation the keys were made with; the scores
// (PassMemory::Score, 80 bytes each, as they lie in memory); then the
// written entries (member, content, inputs, texts, intent).
#include "core/byte_codec.h"
#include "scoring/lead_engine.h"

namespace qunying::scoring {
namespace {

// 2: Score::inputs_key and Written::texts.
// 3: Score keeps the parts instead of the total, keys follow the texts
//    fingerprint instead of the rules' generation; no Written::texts.
// 4: Score::content, and Score::inputs (an InputsKey) for ::inputs_key;
//    Written::content is a ContentKey (the fit rules a member hits and
//    the weights of its phrases instead of all of them), and
//    Written::inputs mixes it with the InputsKey and model generation.
// 5: Written::texts.
// 6: Written::texts is a TextsKey without the intent weights (the intent
//    factors and input are stored apart), and Written::intent.
constexpr uint32_t kMemoryVersion = 6;

}  // namespace

void LeadEngine::PutMemory(const Setup& setup, ByteWriter& w) const {
  w.Put(kMemoryVersion);
  w.Put(setup.texts);
  w.Put(setup.model ? setup.model_id : int64_t{-1});
  w.Put(setup.model_generation);
  w.Put(uint64_t{memory_.scores.size()});
  w.PutArray(memory_.scores.data(), memory_.scores.size());
  w.Put(uint64_t{memory_.written.size()});
  for (const auto& [member, wr] : memory_.written) {
    w.Put(member);
    w.Put(wr.content);
    w.Put(wr.inputs);
    w.Put(wr.texts);
    w.Put(wr.intent);
  }
}

bool LeadEngine::RestoreMemory(std::string_view bytes, Setup* setup) {
  ByteReader r(bytes);
  uint32_t version = 0;
  uint64_t texts = 0, model_generation = 0, n = 0;
  int64_t model = 0;
  if (!r.Get(&version) || version != kMemoryVersion || !r.Get(&texts) ||
      !r.Get(&model) || !r.Get(&model_generation) ||
      !r.GetCount(&n, sizeof(PassMemory::Score))) {
    return false;
  }
  // Saved with other texts settings or another model: its keys would not
  // match. (Other weights, tiers or thresholds do not matter: the keys do
  // not cover them.)
  if (texts != setup->texts ||
      model != (setup->model ? setup->model_id : int64_t{-1})) {
    return false;
  }
  std::vector<PassMemory::Score> scores(n);
  if (!r.GetArray(scores.data(), n)) return false;
  std::unordered_map<int64_t, PassMemory::Written> written;
  constexpr size_t kWrittenBytes = sizeof(int64_t) + 4 * sizeof(uint64_t);
  if (!r.GetCount(&n, kWrittenBytes)) return false;
  written.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    int64_t member = 0;
    PassMemory::Written w;
    if (!r.Get(&member) || !r.Get(&w.content) || !r.Get(&w.inputs) ||
        !r.Get(&w.texts) || !r.Get(&w.intent)) {
      return false;
    }
    written[member] = w;
  }
  if (!r.at_end()) return false;
  {
    // The saved keys were made with the saved model generation: adopt it,
    // unless the rules or model changed since this pass took its setup.
    std::lock_guard<std::mutex> lock(mu_);
    if (rules_generation_ != setup->rules_generation ||
        model_generation_ != setup->model_generation) {
      return false;
    }
    model_generation_ = setup->model_generation = model_generation;
  }
  memory_.scores = std::move(scores);
  memory_.written = std::move(written);
  return true;
}

Result<size_t> LeadEngine::SaveState() {
  std::lock_guard<std::mutex> pass(pass_mu_);
  return store_->SaveState(
      [this](ByteWriter& w) { PutMemory(last_setup_, w); });
}

}  // namespace qunying::scoring
