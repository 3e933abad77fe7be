// The lead loop: rescoring every member (points score, and the model's
// probability once one is trained), creating leads at the threshold,
// claims with caps and an SLA, training on outcomes, and explanations.
// Thread-safe: rules and the current model are swapped under a lock, and
// one training or rescoring pass runs at a time.
#ifndef QUNYING_SCORING_LEAD_ENGINE_H_
#define QUNYING_SCORING_LEAD_ENGINE_H_

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "core/clock.h"
#include "scoring/lead_store.h"
#include "scoring/member_id_set.h"
#include "scoring/trainer.h"

namespace qunying::scoring {

struct LeadEngineOptions {
  TrainOptions train;
  ClaimLimits claim;
  // An assigned lead not contacted within this goes back to the pool.
  int64_t sla_ms = 24LL * 3600 * 1000;
  // A lost lead goes back to the pool by itself once it has been lost this
  // long and its member has checked in at least lost_return_checkins
  // times since (ReturnActiveLost): a parent who stayed active is worth
  // another try, and a rep seldom looks back through what they lost.
  // 0: never.
  int64_t lost_return_ms = 30LL * 24 * 3600 * 1000;
  int lost_return_checkins = 3;
  // Local day boundaries for the daily claim cap (minutes east of UTC).
  int utc_offset_minutes = 8 * 60;
  size_t explain_top = 5;  // Model factors shown per lead.
  // Members per part of a pass (ScoredPart). The scoring threads take the
  // parts in order, one at a time, and the store writes each filled part
  // while the later ones are scored. Smaller parts start the write sooner
  // and share the work between the threads more evenly; each holds a text
  // arena of 1 MiB blocks, so a pass holds up to a MiB unused per part.
  size_t score_part_members = 32768;
  // Open leads read, predicted and written at a time after training
  // (PredictOpenLeads, scoring/open_lead_predictions.h).
  size_t train_part_leads = 32768;
  // The nice value the threads a pass starts to score take, above their
  // process's: a pass is background work, and the requests (and the
  // database writer, at -5) that arrive meanwhile run first. 0 leaves it.
  int score_thread_nice = 5;
};

struct RescoreReport {
  size_t members = 0;
  int created = 0;
  // Open leads whose member's features, probability, rules and model are
  // all as the last pass wrote them: no words built, nothing written. New
  // weights, tiers or thresholds change no stored value, so after them
  // too.
  size_t unchanged = 0;
  // Open leads whose features and rules are as the last pass wrote them
  // but whose probability changed (a new model): the probability alone
  // was written, without words.
  size_t probability_only = 0;
  // Open leads whose texts other than the fit and intent factors are as
  // the last pass wrote them (TextsKey, points.h), but not their parts
  // (new fit rules they meet, new weights of phrases they wrote): their
  // parts, fit and intent factors and intent input alone were built and
  // written.
  size_t texts_kept = 0;
  // Members whose features were as in the last pass: their scores and
  // probability were taken from it instead of computed again. After new
  // fit rules, engagement settings or intent phrases none are; after a
  // new model, only the points are (and the model predicts again); new
  // weights, tiers or thresholds keep both.
  size_t reused = 0;
  // Members the model predicted this pass. New weights or thresholds alone
  // keep every probability (InputsKey, points.h): none.
  size_t predicted = 0;
  // Whether this pass took up the memory a SaveState left (LeadEngine).
  bool memory_restored = false;
  // Bytes the scoring threads' text arenas hold after the pass (kept for
  // the next: a pass that rewrites every lead then faults nothing in).
  size_t text_bytes = 0;
  // The pass's time: loading the features; scoring, until the last part
  // was scored (the store writes the parts already scored meanwhile); and
  // writing what was left to write after that.
  double load_ms = 0, score_ms = 0, write_ms = 0;
};

// What rules would do if saved (LeadEngine::PreviewRules): the last pass's
// members scored by them, points only. Nothing is written.
struct RulesPreview {
  size_t members = 0;     // Scored in the last pass.
  size_t open_leads = 0;  // Members with an open lead now.
  // Members at the proposed lead threshold, and of those the ones without
  // an open lead: the next pass would make them leads.
  size_t at_threshold = 0, new_leads = 0;
  // Open leads below the proposed threshold (they stay leads).
  size_t open_below = 0;
  // Tiers of the open leads and the new ones, by the proposed rules.
  std::map<std::string, size_t> tiers;
  // Mean of (proposed − last pass's) total over the open leads.
  double mean_change = 0;
};

struct TrainReport {
  int64_t model_id = 0;
  std::string kind;
  size_t n_train = 0, n_won = 0;
  double auc_cv = 0;
  std::vector<CalibrationBin> calibration;
  size_t rescored = 0;   // Open leads given the new probability.
  std::string settings;  // The chosen candidate (TrainedModel::settings).
  std::vector<CandidateResult> candidates;  // Each one's cross-validated AUC.
};

class LeadEngine {
 public:
  LeadEngine(LeadStore* store, const Clock* clock, LeadEngineOptions options);

  // Loads the latest stored model, if any.
  [[nodiscard]] Status LoadModel();

  // Installs a trained model without storing it (benchmarks, tests).
  void SetModel(std::shared_ptr<const TrainedModel> model, int64_t id);

  ScoringRules rules() const;
  void SetRules(ScoringRules rules);
  const LeadEngineOptions& options() const { return options_; }

  // Scores every member; see LeadStore::ApplyScores. Uses every core.
  // The first pass of an engine takes up the memory a SaveState left
  // (through the store), when it was saved with the same rules and model
  // and no pass has written leads since.
  [[nodiscard]] Result<RescoreReport> Rescore();
  // Hands the store what the last pass left for the next (each member's
  // scores and what was written of each lead) to keep with its own state
  // (LeadStore::SaveState), so that the first pass after a restart need
  // not score and explain every lead again. Waits for a pass in progress,
  // and a pass (or a new model's install) waits for it: SqliteLeadStore
  // writes ~200 MB in a few seconds on a million members. Returns the
  // bytes the store wrote.
  [[nodiscard]] Result<size_t> SaveState();
  // Learns from every lead with an outcome and gives every open lead the
  // new probability. Conflict when outcomes are too few. `actor` is the
  // admin who asked (audited), 0 for the schedule. One training at a time;
  // a rescoring pass may run while the model is fitted (seconds: every
  // tree shape on every fold) and waits only for the model to be saved
  // and the open leads predicted again.
  [[nodiscard]] Result<TrainReport> Train(int64_t actor = 0);

  // Scores the last pass's members (their features as it loaded them) by
  // `proposed`, points only, beside the rules that pass scored with (what
  // the leads show): how many would become leads, the tiers, the change of
  // the open leads' totals. 148 ms on a million members for new weights,
  // tiers or thresholds (the parts are kept), 263 ms for new fit points
  // (lead_bench). Waits for
  // a pass in progress. Conflict before any pass; InvalidArgument naming
  // "intent" for other intent phrases than the last pass matched (their
  // matches are known only for those), or the field Validate names.
  [[nodiscard]] Result<RulesPreview> PreviewRules(const ScoringRules& proposed);

  [[nodiscard]] Result<std::vector<Lead>> Claim(int64_t user, int count);
  // LeadStore::ClaimLead, within the same caps and SLA as Claim.
  [[nodiscard]] Result<Lead> ClaimLead(int64_t user, int64_t lead_id);
  [[nodiscard]] Result<int> ReleaseOverdue();
  // Returns to the pool the lost leads due back (lost_return_ms and
  // lost_return_checkins); the number returned (0 when turned off).
  [[nodiscard]] Result<int> ReturnActiveLost();
  // Applies the rules' standing assignment (ScoringRules::auto_assign) to
  // the pool; returns how many leads went to reps.
  [[nodiscard]] Result<int64_t> AutoAssign();

  // The model's largest contributions for a lead (empty without a model).
  [[nodiscard]] Result<std::vector<ModelFactor>> Explain(
      const Lead& lead) const;
  // The current model's id (0 when none).
  int64_t model_id() const;

  // Scores `features` (points for all, probability once a model exists)
  // and returns, explained, those at the threshold or in `with_lead`: one
  // part per score_part_members features, each holding its members' texts.
  [[nodiscard]] Result<ScoredParts> ScoreAll(
      const std::vector<MemberFeatures>& features,
      const MemberIdSet& with_lead) const;

 private:
  // The start of the local day (options_.utc_offset_minutes) holding `now`.
  int64_t LocalDayStart(int64_t now) const;
  std::shared_ptr<const TrainedModel> Current() const;
  // The rules and model one pass scores with, taken together.
  struct Setup {
    ScoringRules rules;
    std::shared_ptr<const TrainedModel> model;
    int64_t model_id = 0;
    uint64_t rules_generation = 0, model_generation = 0;
    // TextsFingerprint, OtherTextsFingerprint and OtherInputsFingerprint
    // of `rules`, once per pass.
    uint64_t texts = 0, other_texts = 0, other_inputs = 0;
    ScoreFormula formula;  // Of `rules`.
  };
  Setup CurrentSetup() const;
  // PassMemory as SaveState hands it over, and back (lead_engine_state.cc).
  void PutMemory(const Setup& setup, ByteWriter& w) const;
  // Takes up `bytes` when they were saved with `setup`'s rules and model,
  // adopting their generations (in `setup` too). Returns whether it did.
  bool RestoreMemory(std::string_view bytes, Setup* setup);
  // What a pass leaves for the next (Rescore's; guarded by pass_mu_).
  struct PassMemory {
    // By position in the features: the member, hashes of its features
    // with the rules' TextsFingerprint (`points_key`: what the parts and
    // texts come from), with the model's generation too (`key`), its
    // InputsKey and ContentKey (points.h: `inputs`, `content`, narrower
    // than points_key: new fit rules or intent weights change them only
    // where they score), and the scores those gave. A pass reuses all of
    // them for a member whose key is the same, the parts alone (predicting
    // again) for one whose points_key is, and the probability alone (after
    // new fit rules, say) for one whose inputs are under the same model.
    // The total is not kept: each pass weighs the parts with its own
    // formula.
    struct Score {
      int64_t member_id = 0;
      uint64_t points_key = 0, key = 0, inputs = 0, content = 0;
      double fit = 0, engagement = 0, intent = 0, intent_raw = 0;
      double probability = 0;
    };
    std::vector<Score> scores;
    // What the last successful write held, by member: the
    // ScoredMember::content, ::inputs, ::texts and ::intent it was written
    // from.
    struct Written {
      uint64_t content = 0, inputs = 0, texts = 0, intent = 0;
    };
    std::unordered_map<int64_t, Written> written;
    // How many times a lead had moved to another member (or gone) when
    // the last pass read the open leads (LeadStore::HeldOpenLeads; -1:
    // before the first). When it changes, `written` is forgotten: it may
    // say what a member's lead was written from when that lead was
    // another member's (a merge, then its undo).
    int64_t leads_moved = -1;
    // For a pass that starts with `written` empty (the first after a start
    // without the engine's saved memory, or after a failed write): the
    // open leads as the store holds them, by member. A lead whose digest
    // and probability the pass finds as held is neither explained nor
    // handed to the store, as it would be unchanged there: the
    // explanations were most of such a pass's score phase (1.1 of 1.5 s
    // on a million members, docs/benchmarks.md). Emptied after the pass.
    std::unordered_map<int64_t, HeldLead> held;
    // The open leads as the pass read them, and their members: cleared,
    // not freed, between passes. Made afresh, the 300,000 leads' 24 MB
    // vector and the set's buckets were memory faulted in on every pass
    // (docs/benchmarks.md, "Twenty-second session").
    std::vector<HeldLead> open;
    MemberIdSet with_lead;
    // The last pass's scored members, in parts: cleared and
    // filled again each pass, so that a pass that rewrites every lead
    // (new rules) faults no memory in afresh. At 278,000 leads: 53 MB of
    // members (192 bytes each) and ~206 MB of texts in the arenas, held
    // between passes (RescoreReport::text_bytes; docs/benchmarks.md).
    ScoredParts kept;
  };
  class ChunkScorer;  // One thread's share of ScoreWith.
  // Called with the parts' progress while they are scored (ScoreWith).
  using PartsReader = std::function<Status(ScoringProgress*)>;
  // ScoreAll with `setup`, into `out` (one part per score_part_members
  // members, each cleared first). With `memory`, reuses its scores where
  // the features are the same, leaves out open leads (in `with_lead`)
  // whose inputs are as last written, and marks probability_only those
  // whose content is, counting both in `report`. With `read`, runs it on
  // the calling thread while other threads score, and returns its error
  // if the scoring had none; `scored_at` gets when the last part was
  // scored (or when the reader gave up).
  Status ScoreWith(
      const Setup& setup, const std::vector<MemberFeatures>& features,
      const MemberIdSet& with_lead, PassMemory* memory, RescoreReport* report,
      ScoredParts* out, const PartsReader& read = nullptr,
      std::chrono::steady_clock::time_point* scored_at = nullptr) const;

  LeadStore* store_;
  const Clock* clock_;
  LeadEngineOptions options_;
  mutable std::mutex mu_;  // Guards the five below.
  ScoringRules rules_ = ScoringRules::Defaults();
  std::shared_ptr<const TrainedModel> model_;
  int64_t model_id_ = 0;
  uint64_t rules_generation_ = 0;  // Bumped whenever the rules change,
  uint64_t model_generation_ = 0;  // and this whenever the model does.
  std::mutex train_mu_;            // One Train at a time.
  std::mutex pass_mu_;  // One Rescore, or Train's installing of a model.
  // The last pass's features, kept so that the next pass reuses their
  // memory (a million members: ~200 MB). Guarded by pass_mu_.
  std::vector<MemberFeatures> features_;
  PassMemory memory_;           // Guarded by pass_mu_.
  bool restore_tried_ = false;  // Guarded by pass_mu_.
  Setup last_setup_;            // The last pass's (guarded by pass_mu_).
};

// Calibration bins as stored ("lo hi n predicted observed" lines) and back.
std::string EncodeCalibration(const std::vector<CalibrationBin>& bins);
std::vector<CalibrationBin> DecodeCalibration(const std::string& text);

}  // namespace qunying::scoring

#endif  // QUNYING_SCORING_LEAD_ENGINE_H_
