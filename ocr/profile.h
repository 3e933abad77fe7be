// Merges a member's OCR hints into profile facts. Repeated evidence raises
// confidence (noisy-OR over the check-ins that show a value); values that
// disagree are kept side by side as conflicts; an operator's decisions
// (accept, reject, edit) override the evidence. A fact that is neither
// decided nor clearly supported waits in the operator's review queue.
// Pure functions; thread-safe.
#ifndef QUNYING_OCR_PROFILE_H_
#define QUNYING_OCR_PROFILE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ocr/ocr_jobs.h"

namespace qunying::ocr {

struct ProfileValue {
  std::string value;
  double confidence = 0;             // Combined over the evidence, 0–1.
  std::vector<int64_t> checkin_ids;  // The evidence, oldest first.
  // Where the evidence was found (StoredHint::source): "photo", "text" or
  // both, in that order.
  std::vector<std::string> sources;
};

enum class FactStatus {
  kAccepted,  // An operator accepted (or edited) it: a profile fact.
  kAuto,      // Strong, uncontested evidence: a fact without review.
  kReview,    // Weak or contested: waits for an operator.
};
const char* FactStatusName(FactStatus s);

struct ProfileFact {
  std::string field;
  ProfileValue best;
  std::vector<ProfileValue> conflicts;  // Other values seen, strongest first.
  FactStatus status = FactStatus::kReview;
  // grade, school and age describe a child: a privacy rule can suppress
  // them without a guardian's consent.
  bool about_child = false;
};

struct ProfileOptions {
  // Combined confidence from which a value is a fact without review.
  double auto_accept = 0.8;
  // A rival value at least this fraction of the best one's confidence
  // makes the field contested (review), however strong the best.
  double contest_ratio = 0.5;
};

bool IsAboutChild(const std::string& field);

// The value an operator typed for `field` when editing a fact, in the form
// the hints write it (so that scoring rules meet it): a grade as 三年级, 初一
// or 大班 (from "3年级", "初1" …); a phone as 11 digits (spaces, dashes and
// +86 dropped); an age as 1–99 (岁 dropped); a city without 市. Text fields
// (school, district, occupation, company) are trimmed, at most 60
// characters. InvalidArgument naming `new_value` otherwise.
[[nodiscard]] Result<std::string> CanonicalFactValue(const std::string& field,
                                                     const std::string& value);

// One fact per field with evidence or a decision, ordered by field.
std::vector<ProfileFact> BuildProfile(const std::vector<StoredHint>& hints,
                                      const std::vector<HintDecision>& decided,
                                      const ProfileOptions& options = {});

}  // namespace qunying::ocr

#endif  // QUNYING_OCR_PROFILE_H_
