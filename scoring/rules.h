// What a member is scored on, and the versioned rules that turn it into a
// points score: fit (profile facts against the ideal customer), engagement
// (check-ins, streak, dwell, reads, renewals, spend, with a recency decay
// on campaign-relative time) and intent (weighted phrases in what the
// member wrote). Value types; thread-compatible.
#ifndef QUNYING_SCORING_RULES_H_
#define QUNYING_SCORING_RULES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "scoring/profile_facts.h"

namespace qunying::scoring {

// What the community knows of one member when scoring. Nothing here may
// come from after a sales contact (outcomes, notes): see lead freezing.
// A new field must go into Fingerprint too.
struct MemberFeatures {
  int64_t member_id = 0;
  // The member's latest campaign (by start date).
  std::string series;
  int campaign_days = 0;      // Days of that campaign elapsed so far (≥ 0).
  int checkins = 0;           // Check-ins in it, make-ups included.
  int makeups = 0;            // Of which make-ups (补卡).
  int longest_streak = 0;     // Consecutive days, in it.
  int64_t dwell_s_30d = 0;    // Mini-program dwell, last 30 days.
  int content_reads_30d = 0;  // content_read events, last 30 days.
  // Whole days from the last activity to now, counting only time inside
  // the member's campaigns (so a gap between two campaigns does not decay
  // the score); negative when the member was never active.
  double recency_days = -1;
  int campaigns = 0;     // Campaigns enrolled in.
  int64_t paid_fen = 0;  // Paid over all of them.
  // Profile facts (accepted or confident OCR hints): field -> value.
  ProfileFacts facts;
  // Check-in texts and feedback the member wrote, newest first.
  std::vector<std::string> texts;
  // Instead of `texts`, when set: the positions in the rules' intent
  // dictionary (ascending) of the phrases found in them, worked out by
  // whoever loaded the features (see FindIntentIn) with the same
  // dictionary the member is scored with. Saves matching every text on
  // every pass.
  bool intent_indexed = false;
  std::vector<uint16_t> intent_found;
};

// A hash of every field of `f`: equal fingerprints, equal features (short
// of a collision, one in 2^64).
uint64_t Fingerprint(const MemberFeatures& f);
// Fingerprint's mixing step, for hashes built on one: folds the 64 bits
// `w` into `h`.
uint64_t MixHash(uint64_t h, uint64_t w);
// Folds `t` into `h` with MixHash: its length, then eight bytes at a time
// (the last zero-padded).
uint64_t HashText(uint64_t h, std::string_view t);

// `points` when the member's `field` fact is one of `values`. Within a
// field the first matching rule counts.
struct FitRule {
  std::string field;
  std::vector<std::string> values;
  double points = 0;
  std::string label;  // Shown to reps, e.g. "三至六年级".
};

// A phrase in the member's writing and its weight (may be negative). `*`
// stands for up to 10 characters between words: "有没有*课" (not at
// either end; Validate). A match with 不 or 没 in
// the three characters before it, in the same clause, does not count
// (FindIntentIn, points.h, for the rest of the rule).
struct IntentPhrase {
  std::string phrase;
  double weight = 0;
};
// Phrases one dictionary may hold (ScoringRules::Validate).
inline constexpr size_t kMaxIntentPhrases = 1000;
// Fit rules one set may hold, values one fit rule may list, and the bytes
// of a field, label, value or phrase (ScoringRules::Validate).
inline constexpr size_t kMaxFitRules = 200;
inline constexpr size_t kMaxFitValues = 200;
inline constexpr size_t kMaxRuleTextBytes = 120;

// Engagement points at full marks, and what counts as full marks.
struct EngagementRules {
  double completion = 35;  // Check-ins / campaign days so far.
  double streak = 15;      // Longest streak / streak_full_days.
  double dwell = 15;       // Dwell / dwell_full_s.
  double reads = 10;       // Content reads / reads_full.
  double renewals = 15;    // (campaigns − 1) / renewals_full.
  double paid = 10;        // Paid / paid_full_fen.
  double streak_full_days = 7;
  double dwell_full_s = 3600;
  double reads_full = 10;
  double renewals_full = 2;
  double paid_full_fen = 50000;
  double makeup_weight = 0.5;  // A make-up counts as half a check-in.
  // Activity points halve for every this many campaign days without
  // activity; history points (renewals, paid) do not decay.
  double half_life_days = 14;
};

// A push of pool leads to reps (instead of reps pulling): an admin's
// one-off `/leads/assign`, or a standing rule of ScoringRules::auto_assign
// applied on every SLA sweep.
struct AssignRequest {
  // "round_robin": reps in turn; "capacity": each lead to the rep with the
  // most room under ClaimLimits::open_cap (spreads load evenly).
  std::string rule = "round_robin";
  std::vector<int64_t> reps;  // Active sales reps; empty = all of them.
  int count = 100;            // Leads to assign at most (1–1000).
  // Only pool leads whose member's latest campaign is in `series`, or
  // whose city fact is `city` ("" = any).
  std::string series, city;

  // InvalidArgument naming "rule" or "count" when out of range.
  [[nodiscard]] Status Validate() const;
};

struct ScoringRules {
  int version = 1;
  std::vector<FitRule> fit;
  EngagementRules engagement;
  std::vector<IntentPhrase> intent;
  // total = weights · (fit, engagement, intent), each part 0–100.
  double weight_fit = 0.4;
  double weight_engagement = 0.4;
  double weight_intent = 0.2;
  // A member becomes a lead at this total, or (once a model is trained)
  // at this probability of winning; 0 turns the probability rule off.
  double lead_threshold = 45;
  double lead_probability = 0;
  // Tier letter from fit: A at ≥ tier_a, B at ≥ tier_b, else C. Digit from
  // activity (0.7 · engagement + 0.3 · intent): 1 at ≥ level_1, 2 at
  // ≥ level_2, else 3. "A1" is the best.
  double tier_a = 60, tier_b = 30;
  double level_1 = 50, level_2 = 25;
  // Standing assignment of pool leads, applied in order; none by default
  // (reps pull from the pool).
  std::vector<AssignRequest> auto_assign;

  // The shipped defaults: tier-1/new tier-1 cities, grades 三–六年级, and
  // the intent dictionary in data/intent_phrases.tsv.
  static ScoringRules Defaults();
  // Rejects negative or absurd settings with the offending field named.
  [[nodiscard]] Status Validate() const;
};

// The shipped intent dictionary (phrase, weight), compiled in from
// data/intent_phrases.tsv.
std::vector<IntentPhrase> DefaultIntentPhrases();

// A hash of every setting of `r`: equal fingerprints, equal rules (short
// of a collision). LeadEngine keeps it with its saved memory, which holds
// only for the rules it was computed with.
uint64_t RulesFingerprint(const ScoringRules& r);
// A hash of the settings a lead's texts depend on (its factors and
// attributes, EncodeFactors and AttributesText): the fit rules, the
// engagement settings and the intent dictionary, with the texts' format
// version (kTextsVersion in rules.cc). New weights, tiers or thresholds
// leave it as it was, so a pass after them rewrites the scores alone.
uint64_t TextsFingerprint(const ScoringRules& r);
// TextsFingerprint without the fit rules and the intent weights. A
// member's stored parts and texts read only the fit rules it hits and the
// weights of the phrases it wrote, which PointsScore::fit_hits and
// ::intent_hits stand for (ContentKey, points.h): so an edit to one fit
// rule or weight changes the content of the members it scores, and of no
// other.
uint64_t OtherTextsFingerprint(const ScoringRules& r);
// A hash of the settings every member's model inputs (ToAttributes,
// MemberEncoder) depend on: the make-up weight and the intent phrases. The
// weights reach a member only through the phrases it wrote (InputsKey,
// points.h). New fit rules, weights or thresholds leave it as it was, so a
// pass after them keeps each lead's probability.
uint64_t OtherInputsFingerprint(const ScoringRules& r);

}  // namespace qunying::scoring

#endif  // QUNYING_SCORING_RULES_H_
