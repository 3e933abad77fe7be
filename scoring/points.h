// The points score: fit, engagement and intent, each 0–100, their weighted
// total, a tier such as "A1", and every factor that earned points, named
// so a sales rep can read it. Also the model inputs derived from the same
// features. Pure functions; thread-safe.
#ifndef QUNYING_SCORING_POINTS_H_
#define QUNYING_SCORING_POINTS_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/attributes.h"
#include "scoring/rules.h"

namespace qunying::scoring {

struct PointsFactor {
  std::string part;   // "fit", "engagement" or "intent".
  std::string name;   // Stable key: "completion", "grade", "想报下一期".
  std::string value;  // What the member has: "18/21", "三年级".
  std::string label;  // In words: "打卡完成率 86%".
  double points = 0;  // Points earned within the part.
};

struct PointsScore {
  double fit = 0, engagement = 0, intent = 0;  // Each 0–100.
  double total = 0;                            // 0–100.
  double intent_raw = 0;              // Sum of intent weights before clamping.
  std::string tier;                   // "A1" … "C3".
  std::vector<PointsFactor> factors;  // Largest first.
  // A hash of the fit rules that scored, in order: their fields, labels
  // and points. With the member's facts, the fit part and its factors
  // follow from these alone.
  uint64_t fit_hits = 0;
  // The same for the intent phrases found: each phrase and its weight.
  uint64_t intent_hits = 0;
};

// A fit factor's label without the member's value: the rule it met
// ("三至六年级" from "三至六年级：四年级"), for whom may not see the value.
// Other factors' labels, and labels without a value, whole.
std::string LabelWithoutValue(const PointsFactor& f);

// With `explain` false no factors are built (no strings): the fast path
// for members who are not leads.
PointsScore ScorePoints(const MemberFeatures& f, const ScoringRules& rules,
                        bool explain = true);

// What a member's stored parts and texts come from: its features
// (Fingerprint), the rules' OtherTextsFingerprint, the fit rules it hit
// and the weights of the phrases it wrote (`p.fit_hits`, `p.intent_hits`).
// Equal keys, equal parts and texts; new fit rules or intent weights
// change the key only of members whose hits they change.
uint64_t ContentKey(uint64_t fingerprint, uint64_t other_texts,
                    const PointsScore& p);
// ContentKey without the fit rules and the intent weights: what a member's
// texts other than its fit and intent factors come from (the engagement
// factors, and the model inputs but `intent` as AttributesText writes
// them). Equal keys, equal texts, whatever fit rules the member hits and
// whatever the weights of the phrases it wrote.
uint64_t TextsKey(uint64_t fingerprint, uint64_t other_texts);
// What a member's intent factors and intent input come from: the phrases
// it wrote and their weights (`p.intent_hits`), and the texts' settings.
uint64_t IntentKey(uint64_t other_texts, const PointsScore& p);
// The same for the member's model inputs (ToAttributes, MemberEncoder):
// its features, OtherInputsFingerprint and the weights of its phrases.
uint64_t InputsKey(uint64_t fingerprint, uint64_t other_inputs,
                   const PointsScore& p);

// The fit factors of ScorePoints(f, rules), in its order, without the
// others; and the same for the intent factors. What a pass builds for a
// lead whose other texts are as written (SplitFactors: each part is
// stored apart from the engagement factors).
std::vector<PointsFactor> FitFactors(const MemberFeatures& f,
                                     const ScoringRules& rules);
std::vector<PointsFactor> IntentFactors(const MemberFeatures& f,
                                        const ScoringRules& rules);

// The intent phrases found in `texts` (each once), in dictionary order.
std::vector<IntentPhrase> FindIntent(const std::vector<std::string>& texts,
                                     const std::vector<IntentPhrase>& dict);

// Appends to `found` the positions in `dict` of the phrases `text`
// contains, ascending (MemberFeatures::intent_found is a union of these).
// A phrase counts where it occurs neither negated (不/没 in the three
// characters before, in the same clause, not in 不错, 不知 …: see
// docs/leads.md) nor inside an occurrence of another phrase, negated or
// not, that is longer, or the same bytes and earlier in `dict`: "想报下一期"
// finds 想报下一期, not also 报下一期 and 下一期.
void FindIntentIn(std::string_view text, const std::vector<IntentPhrase>& dict,
                  std::vector<uint16_t>* found);

// Model inputs: the engagement and history numbers, intent score, and the
// fit facts as categories. Everything here is known before contact.
Attributes ToAttributes(const MemberFeatures& f, const ScoringRules& rules);

// One of ToAttributes' inputs, without copies: a number, or a text when
// `text` is set.
struct AttributeView {
  std::string_view name;
  double number = 0;
  const std::string* text = nullptr;
};
// Calls `fn` for each input ToAttributes holds, in ascending name order
// (an Attributes map's order), so that a caller can write them out
// without building the map (AttributesText).
void ForEachAttribute(const MemberFeatures& f, const ScoringRules& rules,
                      const std::function<void(const AttributeView&)>& fn);

}  // namespace qunying::scoring

#endif  // QUNYING_SCORING_POINTS_H_
