// Leads: who sales should call, their score and where they are in the
// funnel, and the persistence interface the lead engine and the HTTP
// handlers use (implemented on SQLite by storage/). Types are values;
// LeadStore implementations are thread-safe.
#ifndef QUNYING_SCORING_LEAD_STORE_H_
#define QUNYING_SCORING_LEAD_STORE_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/byte_codec.h"
#include "core/result.h"
#include "scoring/attributes.h"
#include "scoring/lead_inputs.h"
#include "scoring/points.h"
#include "scoring/rules.h"
#include "scoring/score_formula.h"
#include "scoring/text_arena.h"

namespace qunying::scoring {

// new → assigned (a claim) → contacted → qualified → won | lost. A lead
// that leaves new/assigned is frozen: its model inputs stop changing, so
// training never sees what happened after contact.
inline constexpr const char* kLeadStatuses[] = {
    "new", "assigned", "contacted", "qualified", "won", "lost"};
bool IsLeadStatus(const std::string& s);
inline bool IsOpenStatus(const std::string& s) {
  return s != "won" && s != "lost";
}

struct Lead {
  int64_t id = 0;
  int64_t member_id = 0;    // 0 for an imported lead.
  std::string external_id;  // Imported leads' own id.
  std::string source;       // "score" or "import".
  // Points 0–100 and "A1" … "C3", from the parts by the ScoreFormula in
  // force (an open lead's parts are as of the last pass, a closed lead's
  // as of closing). Imports: 100 × probability, and no tier.
  double score = 0;
  double fit = 0, engagement = 0, intent = 0;
  std::optional<double> probability;  // Once a model exists.
  std::string tier;
  std::string status = "new";
  int64_t owner_id = 0;         // 0: in the pool.
  std::string nickname, phone;  // From the member; phone unmasked here.
  Attributes attributes;        // Model inputs (frozen after contact).
  std::vector<PointsFactor> factors;
  std::string lost_reason;
  int64_t amount_fen = 0;
  int64_t created_at_ms = 0, assigned_at_ms = 0, contacted_at_ms = 0,
          closed_at_ms = 0, updated_at_ms = 0;
  bool frozen = false;
  int64_t model_id = 0;         // Model behind `probability`.
  int64_t follow_up_at_ms = 0;  // When its rep means to call again; 0: none.
  // A lost lead's member's check-ins since it was lost (0 otherwise): a
  // parent active again is worth another call (see SetStatus: reopening).
  int64_t checkins_since_lost = 0;
};

struct LeadEvent {
  int64_t at_ms = 0;
  int64_t actor_user_id = 0;  // 0: the system (SLA, rescoring).
  std::string kind;           // created, claim, status, sla_release, import
  std::string from_status, to_status, note;
};

// What a rep records on a lead (SetStatus).
struct StatusChange {
  std::string status;  // The lead's status as it is, or a new one.
  std::string note, lost_reason;
  int64_t amount_fen = 0;
  // Unset: the follow-up stays; 0: cleared; else the time to call again.
  std::optional<int64_t> follow_up_at_ms;
};

struct LeadFilter {
  // "" = any; a status; "open" (not won or lost) or "closed" (won or lost).
  std::string status;
  double min_score = -1;            // < 0 = any.
  std::string source;               // "" = any.
  int64_t owner_id = 0;             // > 0: only this owner's leads …
  bool include_pool = false;        // … and, if set, the unassigned pool too.
  int64_t follow_up_before_ms = 0;  // > 0: follow-ups due by then only.
  // Only lost leads whose member has checked in since (the ones worth
  // winning back; Lead::checkins_since_lost > 0).
  bool active_again = false;
  // A part of the member's nickname or of an imported lead's external id
  // ("" = any) …
  std::string text;
  // … or digits of the member's phone, matched only on the leads of
  // `phone_owner_id` (0: on every lead), so that a rep cannot learn whose
  // a number is in the pool, where phones are masked.
  std::string phone_digits;
  int64_t phone_owner_id = 0;
  int64_t after_id = 0;  // Paging: ids above this.
  int limit = 50;
  // Best score first (ties by id), as claims take them, instead of by id.
  // Paging then continues after (after_score, after_id) in that order;
  // after_id 0: from the start.
  bool by_score = false;
  double after_score = 0;
};

// A member's scores from one rescoring pass, with the factors and model
// inputs already in their stored text form (compact: a pass may keep a
// hundred thousand of these). The texts are views into the arena of the
// ScoredPart that holds the member.
struct ScoredMember {
  int64_t member_id = 0;
  // Parts, total and tier (the store keeps the parts: ScoreFormula);
  // `factors` left empty.
  PointsScore points;
  // EncodeFactors of the points' factors, split by part (SplitFactors):
  // the fit, the intent and the engagement factors.
  std::string_view fit_factors_text, intent_factors_text, factors_text;
  int64_t intent_digest = 0;  // FactorsDigest(intent_factors_text).
  // AttributesText: the model inputs but kIntentInput, which is
  // `points.intent_raw` (stored in the row; kept as of contact once the
  // lead is frozen).
  std::string_view attributes_text;
  // TextsDigest(attributes_text, factors_text).
  int64_t texts_digest = 0;
  std::optional<double> probability;
  int64_t model_id = 0;  // The model behind `probability`.
  // Only the probability changed since the engine last wrote this open
  // lead (a new model, the same features and rules): the points, texts
  // and attributes are left empty and the stored ones kept.
  bool probability_only = false;
  // The texts other than the fit and intent factors are as the engine
  // last wrote them for this lead (equal `texts` keys): `factors_text`,
  // `attributes_text` and `texts_digest` are left empty and the stored
  // ones kept. The parts, digest, fit and intent factors and intent input
  // are set.
  bool texts_kept = false;
  // With `texts_kept`: the intent factors are as the engine last wrote
  // them too (equal `intent` keys; new fit rules): `intent_factors_text`
  // and `intent_digest` are left empty and the stored ones kept.
  bool intent_kept = false;
  // What the scores came from: LeadEngine's hashes, to know next pass
  // whether anything changed. `content` (ContentKey) covers the features
  // and the settings the parts, texts and attributes come from: the fit
  // rules the member hits and OtherTextsFingerprint; not the weights,
  // tiers or thresholds, which change no stored value. `inputs` adds the
  // model and the settings of its inputs (and so the probability).
  uint64_t content = 0, inputs = 0;
  // TextsKey (points.h): what the texts other than the fit and intent
  // factors come from. 0: not known. `intent`: the same for the intent
  // factors and input (IntentKey).
  uint64_t texts = 0, intent = 0;
  // ScoreDigest of the parts and texts, stored with the lead: a lead
  // whose stored digest equals it is not rewritten (unless its probability
  // changed), across restarts too.
  int64_t digest = 0;
};

// An open lead of a member as the store holds it: what ApplyScores compares
// a scored member with.
struct HeldLead {
  int64_t member_id = 0;
  int64_t digest = 0;  // The ScoredMember::digest it was last written with.
  bool frozen = false;
  std::optional<double> probability;
  int64_t model_id = 0;  // 0: none.

  // Whether `m`'s probability differs from the held one and would be
  // written (never on a frozen lead, nor without a model).
  bool ProbabilityChanges(const ScoredMember& m) const {
    return !frozen && m.probability &&
           (probability != m.probability || model_id != m.model_id);
  }
};

// The members of one run of the features (a pass scores the features in
// consecutive runs, each into a part of its own), in ascending member id,
// with the arena their texts view. Parts follow each other in member order.
struct ScoredPart {
  std::vector<ScoredMember> members;
  TextArena texts;
};
using ScoredParts = std::vector<ScoredPart>;

// Which parts of a pass's ScoredParts are filled, while the pass still
// scores the rest: LeadEngine hands the store the parts as they are scored,
// so that the write of the first overlaps the scoring of the others
// (docs/benchmarks.md). Implementations are thread-safe.
class ScoringProgress {
 public:
  virtual ~ScoringProgress() = default;
  // Whether part `part` is filled and may be read: at once, or with
  // `wait` once it is (then always true). The scoring's error once it
  // failed: the parts not yet filled never will be.
  [[nodiscard]] virtual Result<bool> Ready(size_t part, bool wait) = 0;
};

struct ImportRow {
  std::string external_id;
  Attributes attributes;
  std::string outcome;  // "won", "lost" or "" (open).
};

struct ClaimLimits {
  int daily_cap = 50;  // Leads one rep may claim per local day.
  int open_cap = 100;  // Open leads one rep may hold.
};

struct StoredModel {
  int64_t id = 0;
  std::string kind;         // Model::Kind().
  std::string schema;       // FeatureSchema::Serialize().
  std::string bytes;        // Model::Serialize().
  std::string calibration;  // "lo hi n predicted observed" lines.
  size_t n_train = 0, n_won = 0;
  double auc_cv = 0;
  std::string settings;  // TrainedModel::settings; "" if trained before kept.
  int64_t created_at_ms = 0;
  int64_t by_user_id = 0;  // Who asked for it; 0 for the schedule.
};

struct RepKpi {
  int64_t user_id = 0;
  std::string name;
  // A disabled rep is listed only for a window with their claims or leads.
  bool disabled = false;
  int claimed = 0, open = 0, contacted = 0, contacted_in_sla = 0, won = 0,
      lost = 0;
  int64_t revenue_fen = 0;
  int follow_ups_overdue = 0;  // Now, whenever the lead was claimed.
};

class LeadStore {
 public:
  virtual ~LeadStore() = default;

  // Fills `out` with what the community knows of every enrolled member at
  // `now_ms`, intent indexed (MemberFeatures::intent_found) against
  // `intent`. Passing the same vector pass after pass reuses its memory.
  // On an error `out` holds nothing usable.
  virtual Status LoadFeatures(int64_t now_ms,
                              const std::vector<IntentPhrase>& intent,
                              std::vector<MemberFeatures>* out) = 0;
  // Creates a lead for every scored member that has none (the engine
  // passes only members at a threshold, and those whose open leads may
  // have changed), and refreshes scores of open leads (model inputs and
  // probability only while not frozen; for a `probability_only` member,
  // the probability alone). A row whose stored values equal the new ones
  // is not rewritten. `scored` comes in parts (each scored run of members
  // its own, so that they need not be copied into one); a member is in one
  // part at most. The store may write in several transactions (SqliteLeadStore
  // does, so that other writes need not wait for a whole pass): after an
  // error the members before it may be written. Returns the number of
  // leads created.
  // `formula` is the one `scored` was scored with: from this pass on, every
  // lead's total and tier follow from it.
  // With `progress`, the parts are still being filled: the store reads a
  // part only once `progress` says it is ready, and stops with the
  // scoring's error. Null: every part is filled.
  virtual Result<int> ApplyScores(const ScoredParts& scored,
                                  const ScoreFormula& formula, int64_t now_ms,
                                  ScoringProgress* progress) = 0;
  // Every open lead of a member (imported leads of no member left out),
  // in place of *out's contents (its capacity stays: a caller that keeps
  // one vector allocates nothing afresh from pass to pass); without
  // `digests`, their member_id alone (a narrower read: the digests are
  // ~40 ms more of every pass on 300,000 leads). `*moved` (unless null)
  // is, in, how many times a lead had moved to another member or gone (a
  // merge of members or its undo) when the caller last read, -1 if never,
  // and out, how many times now. When they differ the digests are read
  // whatever `digests` says: a member's lead may be one the caller wrote
  // for another member.
  [[nodiscard]] virtual Status HeldOpenLeads(bool digests, int64_t* moved,
                                             std::vector<HeldLead>* out) = 0;
  // Keeps what the store has read for a restarted server (SqliteLeadStore:
  // its state file), followed by what `engine` puts: the engine's memory
  // of its last pass (opaque here), which TakeRestoredEngineState gives
  // back. Returns the bytes written: 0 for a store that keeps nothing (the
  // default, which does not call `engine`).
  virtual Result<size_t> SaveState(
      const std::function<void(ByteWriter&)>& engine) {
    (void)engine;
    return size_t{0};
  }
  // Once, after the first LoadFeatures: the `engine` bytes of the state
  // that LoadFeatures restored, when no pass has written leads since they
  // were saved; empty otherwise (the default). `owner` keeps `bytes` alive
  // (SqliteLeadStore: a mapping of its state file, ~200 MB on a million
  // members, unmapped when the caller drops it).
  struct SavedBytes {
    std::shared_ptr<const void> owner;
    std::string_view bytes;
  };
  virtual SavedBytes TakeRestoredEngineState() { return {}; }
  // Upserts by external_id. Returns {created, updated}.
  virtual Result<std::pair<int, int>> Import(const std::vector<ImportRow>& rows,
                                             int64_t actor, int64_t now_ms) = 0;

  virtual Result<std::vector<Lead>> List(const LeadFilter& filter) = 0;
  virtual Result<Lead> Get(int64_t id) = 0;
  virtual Result<std::vector<LeadEvent>> History(int64_t id) = 0;

  // Atomically gives `user` up to `count` of the best-scored open pool
  // leads, within `limits` (local day starts at `day_start_ms`). Leads
  // overdue for contact (assigned before `overdue_before_ms`) return to
  // the pool first.
  virtual Result<std::vector<Lead>> Claim(int64_t user, int count,
                                          const ClaimLimits& limits,
                                          int64_t day_start_ms,
                                          int64_t overdue_before_ms,
                                          int64_t now_ms) = 0;
  // The same for one lead a rep chose (from the pool's list): theirs if it
  // is in the pool, or already theirs. NotFound if it is not (another
  // rep's: a rep learns nothing of other reps' leads), Conflict at a cap.
  virtual Result<Lead> ClaimLead(int64_t user, int64_t lead_id,
                                 const ClaimLimits& limits,
                                 int64_t day_start_ms,
                                 int64_t overdue_before_ms, int64_t now_ms) = 0;
  // Assigns the best-scored matching pool leads to reps by `req.rule`,
  // never past a rep's open cap; returns (lead id, rep id) pairs. Atomic.
  // InvalidArgument naming `reps` if one is not an active sales rep.
  virtual Result<std::vector<std::pair<int64_t, int64_t>>> Assign(
      const AssignRequest& req, const ClaimLimits& limits, int64_t actor,
      int64_t now_ms) = 0;
  // Moves a lead to `change.status` (see kLeadStatuses), with a note;
  // `lost` needs a reason, `won` may carry an amount. "new" returns it to
  // the pool. Closing it or returning it clears its follow-up; otherwise a
  // follow-up in `change` is set or cleared (a "follow_up" event). A lost
  // lead may be reopened (any other status: its closing time and reason
  // are cleared, the reason kept in the event's note; its model inputs
  // stay as of the first contact). Conflict if the lead is won and the
  // status is not, or a follow-up is asked of a closed lead.
  virtual Status SetStatus(int64_t id, const StatusChange& change,
                           int64_t actor, int64_t now_ms) = 0;
  // Returns to the pool leads assigned before `overdue_before_ms` and not
  // contacted, and open leads whose owner was disabled or is no longer a
  // sales rep (contact time cleared, history kept); the number returned.
  virtual Result<int> ReleaseOverdue(int64_t overdue_before_ms,
                                     int64_t now_ms) = 0;

  // Returns to the pool the lost leads closed before `lost_before_ms`
  // whose member has checked in at least `min_checkins` times since: the
  // parents worth another try. Each keeps its history and model inputs,
  // its lost outcome is kept to train on (KeepPastOutcome), and a
  // "lost_return" event says why; the number returned.
  virtual Result<int> ReturnActiveLost(int64_t lost_before_ms, int min_checkins,
                                       int64_t now_ms) = 0;

  // How many outcomes there are to learn from: leads won or lost, and the
  // outcomes leads had before they were opened again.
  virtual Result<int64_t> OutcomeCount() = 0;
  // Those outcomes: model inputs and result, the current ones by lead id,
  // then the past ones.
  virtual Result<std::vector<std::pair<Attributes, bool>>> TrainingRows() = 0;
  // Open leads' ids and stored model inputs (EncodeAttributes, with the
  // row's intent input appended where it holds one), in id
  // order: those with ids above `after_id`, at most `limit` (0: all), into
  // `out` (cleared first; its memory is reused).
  virtual Status OpenLeadInputs(int64_t after_id, size_t limit,
                                LeadInputs* out) = 0;
  // Sets probability (and, for imports, score = 100 p) from `model_id`,
  // changed at `now_ms` (a lead's updated_at is the later of it and its
  // other changes).
  // Not atomic: SqliteLeadStore writes in slices, so that other writes
  // wait for one slice, and after an error the leads before it keep the
  // new probability (the next training or pass writes them again).
  virtual Status SetProbabilities(
      const std::vector<std::pair<int64_t, double>>& p, int64_t model_id,
      int64_t now_ms) = 0;

  // Saves a model (audited, in the same transaction, when by_user_id).
  virtual Result<int64_t> SaveModel(const StoredModel& m) = 0;
  virtual Result<std::optional<StoredModel>> LatestModel() = 0;
  virtual Result<std::vector<StoredModel>> Models(int limit) = 0;  // No bytes.
  // Rules as opaque text (the server keeps them as JSON), versioned and
  // audited in the same transaction.
  virtual Result<int> SaveRules(const std::string& text, int64_t actor,
                                int64_t now_ms) = 0;
  virtual Result<std::optional<std::pair<int, std::string>>> LatestRules() = 0;

  // Per sales rep, over leads claimed in [from_ms, to_ms); follow-ups
  // overdue at `now_ms`.
  virtual Result<std::vector<RepKpi>> Kpis(int64_t from_ms, int64_t to_ms,
                                           int64_t sla_ms, int64_t now_ms) = 0;
};

// Attributes and points factors as text for storage (tab-separated,
// escaped), and back.
std::string EncodeAttributes(const Attributes& a);
// The model input a scored lead keeps in its row, not in its stored
// inputs: the sum of the weights of its phrases (PointsScore::intent_raw),
// which new intent weights change alone.
inline constexpr std::string_view kIntentInput = "intent";
// EncodeAttributes(ToAttributes(f, rules)) without kIntentInput, without
// building the map: a scored lead's stored inputs (ScoredMember).
std::string AttributesText(const MemberFeatures& f, const ScoringRules& rules);
// Appends kIntentInput's line, as EncodeAttributes writes it, to stored
// inputs: a line after another of the same name replaces it when read
// (DecodeAttributes, StoredInputsEncoder).
void AppendIntentInput(std::string& text, double intent);
Attributes DecodeAttributes(std::string_view text);
std::string EncodeFactors(std::span<const PointsFactor> f);
inline std::string EncodeFactors(const std::vector<PointsFactor>& f) {
  return EncodeFactors(std::span<const PointsFactor>(f));
}
// A 64-bit hash of the parts (fit, engagement, intent) and texts a
// rescoring pass writes to a lead, the texts by `texts` (ScoredMember::texts,
// which determines them). Not the total or tier, which the store derives
// from the parts (score_formula.h), so new weights leave it as it was; nor
// the probability, which is compared on its own so that a new model changes
// it alone. Stable across builds and restarts: stored.
int64_t ScoreDigest(const PointsScore& p, uint64_t content);
std::vector<PointsFactor> DecodeFactors(std::string_view text);

// A scored lead's factors are stored in three texts by part: the fit
// factors (in the lead's row), the intent factors (lead_intent) and the
// engagement factors (lead_texts, with the model inputs), so that new fit
// rules or intent weights, which change one part each, leave the larger
// texts as they were. SplitFactors encodes each part's factors in their
// order; JoinFactors decodes any number of such texts and orders them as
// ScorePoints does (largest first; on a tie fit, engagement, intent): the
// factors read back are those scored, in the same order, whichever text
// holds a part (a lead stored before migration 21 has every factor in its
// lead_texts, one stored before migration 24 its intent factors there).
struct StoredFactors {
  std::string fit, intent, engagement;
};
StoredFactors SplitFactors(std::span<const PointsFactor> factors);
std::vector<PointsFactor> JoinFactors(
    std::initializer_list<std::string_view> texts);
// Of a text SplitFactors gives: stored with a lead's row, so that the
// text is written only when it changes. 0 for no factors (which SQLite
// stores in no bytes: most leads have no intent factors), else not 0.
// Stable across builds: stored.
int64_t FactorsDigest(std::string_view factors);
// A 64-bit hash of a lead's stored texts (model inputs but kIntentInput,
// and the engagement factors), stored with them: the store rewrites them
// only when the hash differs. Stable across builds: stored.
int64_t TextsDigest(std::string_view attributes, std::string_view factors);

}  // namespace qunying::scoring

#endif  // QUNYING_SCORING_LEAD_STORE_H_
