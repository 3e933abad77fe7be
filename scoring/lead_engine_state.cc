// LeadEngine::SaveState and what the first pass after a restart takes up:
// the last pass's PassMemory, handed to the store as bytes.
//
// Layout (native byte order; the store's file guards against a torn or
// foreign file): a version; the rules' fingerprint, the model's id, and
// the rules and model generations the keys were made with; the scores
// (PassMemory::Score, 48 bytes each, as they lie in memory); then the
// written entries (member, content, inputs).
#include <cstring>
#include <type_traits>

#include "scoring/lead_engine.h"

namespace qunying::scoring {
namespace {

constexpr uint32_t kMemoryVersion = 1;

template <typename T>
void Put(std::string* out, const T& v) {
  static_assert(std::is_trivially_copyable_v<T>);
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}

// Reads through `bytes`; every Get fails once they run out.
struct Reader {
  std::string_view bytes;
  template <typename T>
  bool Get(T* v) {
    if (bytes.size() < sizeof(T)) return false;
    std::memcpy(v, bytes.data(), sizeof(T));
    bytes.remove_prefix(sizeof(T));
    return true;
  }
};

}  // namespace

std::string LeadEngine::EncodeMemory(const Setup& setup) const {
  static_assert(std::is_trivially_copyable_v<PassMemory::Score>);
  std::string out;
  Put(&out, kMemoryVersion);
  Put(&out, RulesFingerprint(setup.rules));
  Put(&out, setup.model ? setup.model_id : int64_t{-1});
  Put(&out, setup.rules_generation);
  Put(&out, setup.model_generation);
  Put(&out, uint64_t{memory_.scores.size()});
  out.append(reinterpret_cast<const char*>(memory_.scores.data()),
             memory_.scores.size() * sizeof(PassMemory::Score));
  Put(&out, uint64_t{memory_.written.size()});
  for (const auto& [member, w] : memory_.written) {
    Put(&out, member);
    Put(&out, w.content);
    Put(&out, w.inputs);
  }
  return out;
}

bool LeadEngine::RestoreMemory(std::string_view bytes, Setup* setup) {
  Reader r{bytes};
  uint32_t version = 0;
  uint64_t rules = 0, rules_generation = 0, model_generation = 0, n = 0;
  int64_t model = 0;
  if (!r.Get(&version) || version != kMemoryVersion || !r.Get(&rules) ||
      !r.Get(&model) || !r.Get(&rules_generation) ||
      !r.Get(&model_generation) || !r.Get(&n) ||
      n > r.bytes.size() / sizeof(PassMemory::Score)) {
    return false;
  }
  // Saved with other rules or another model: its keys would not match.
  if (rules != RulesFingerprint(setup->rules) ||
      model != (setup->model ? setup->model_id : int64_t{-1})) {
    return false;
  }
  std::vector<PassMemory::Score> scores(n);
  if (n)
    std::memcpy(scores.data(), r.bytes.data(), n * sizeof(PassMemory::Score));
  r.bytes.remove_prefix(n * sizeof(PassMemory::Score));
  std::unordered_map<int64_t, PassMemory::Written> written;
  if (!r.Get(&n) || n > r.bytes.size() / 24) return false;
  written.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    int64_t member = 0;
    PassMemory::Written w;
    if (!r.Get(&member) || !r.Get(&w.content) || !r.Get(&w.inputs))
      return false;
    written[member] = w;
  }
  if (!r.bytes.empty()) return false;
  {
    // The saved keys were made with the saved generations: adopt them,
    // unless the rules or model changed since this pass took its setup.
    std::lock_guard<std::mutex> lock(mu_);
    if (rules_generation_ != setup->rules_generation ||
        model_generation_ != setup->model_generation) {
      return false;
    }
    rules_generation_ = setup->rules_generation = rules_generation;
    model_generation_ = setup->model_generation = model_generation;
  }
  memory_.scores = std::move(scores);
  memory_.written = std::move(written);
  return true;
}

Result<size_t> LeadEngine::SaveState() {
  std::lock_guard<std::mutex> pass(pass_mu_);
  return store_->SaveState(EncodeMemory(last_setup_));
}

}  // namespace qunying::scoring
