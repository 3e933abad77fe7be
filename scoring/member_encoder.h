// Encodes MemberFeatures straight into a trained schema's columns: the
// same row as schema.Encode({ToAttributes(f, rules)}), without building
// the attribute map (the hot path of rescoring a million members).
// Immutable after construction; thread-safe.
#ifndef QUNYING_SCORING_MEMBER_ENCODER_H_
#define QUNYING_SCORING_MEMBER_ENCODER_H_

#include <string>
#include <vector>

#include "scoring/attributes.h"
#include "scoring/rules.h"

namespace qunying::scoring {

class MemberEncoder {
 public:
  MemberEncoder(const FeatureSchema& schema, const ScoringRules& rules);

  // Writes schema.size() floats to `row`. `intent_raw` is the member's
  // summed intent weight (PointsScore::intent_raw).
  void Encode(const MemberFeatures& f, double intent_raw, float* row) const;

 private:
  enum class Source {
    kCompletion,
    kCheckins,
    kMakeups,
    kStreak,
    kDwell,
    kReads,
    kRecency,
    kCampaigns,
    kPaid,
    kIntent,
    kHasPhone,
    kHasSchool,
    kFact,     // A fact's value: one column of a categorical attribute.
    kFactNum,  // A fact read as a number (a schema that saw numbers).
    kUnknown,  // Not a member attribute (imports only): missing.
    kFallback  // Member number in a categorical column: slow path.
  };
  struct Col {
    Source source;
    std::string field;     // For facts.
    std::string category;  // For kFact; "*other" for the other column.
    size_t end = 0;        // One past the last column of the attribute's run.
  };
  double Number(Source s, const MemberFeatures& f, double intent_raw) const;

  FeatureSchema schema_;
  ScoringRules rules_;
  std::vector<Col> cols_;
  bool fallback_ = false;  // Use schema_.Encode(ToAttributes()) instead.
};

}  // namespace qunying::scoring

#endif  // QUNYING_SCORING_MEMBER_ENCODER_H_
