#include "scoring/member_encoder.h"

#include <cmath>
#include <limits>
#include <map>

#include "scoring/points.h"

namespace qunying::scoring {
namespace {

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

}  // namespace

MemberEncoder::MemberEncoder(const FeatureSchema& schema,
                             const ScoringRules& rules)
    : schema_(schema), rules_(rules) {
  static const std::map<std::string, Source> kNumbers = {
      {"completion_rate", Source::kCompletion},
      {"checkins", Source::kCheckins},
      {"makeups", Source::kMakeups},
      {"longest_streak", Source::kStreak},
      {"dwell_min_30d", Source::kDwell},
      {"content_reads_30d", Source::kReads},
      {"recency_days", Source::kRecency},
      {"campaigns", Source::kCampaigns},
      {"paid_yuan", Source::kPaid},
      {"intent", Source::kIntent},
      {"has_phone", Source::kHasPhone},
      {"has_school", Source::kHasSchool}};
  const auto& columns = schema.columns();
  for (size_t i = 0; i < columns.size(); ++i) {
    const Column& c = columns[i];
    Col col{Source::kUnknown, c.attribute, c.category, i + 1};
    auto num = kNumbers.find(c.attribute);
    bool fact = c.attribute == "grade" || c.attribute == "city" ||
                c.attribute == "occupation";
    if (num != kNumbers.end()) {
      col.source = c.categorical ? Source::kFallback : num->second;
    } else if (fact) {
      col.source = c.categorical ? Source::kFact : Source::kFactNum;
    }
    fallback_ = fallback_ || col.source == Source::kFallback;
    cols_.push_back(std::move(col));
  }
  // Each column knows where its attribute's run of columns ends.
  for (size_t i = 0; i < cols_.size();) {
    size_t j = i;
    while (j < cols_.size() && columns[j].attribute == columns[i].attribute)
      ++j;
    for (size_t k = i; k < j; ++k) cols_[k].end = j;
    i = j;
  }
}

double MemberEncoder::Number(Source s, const MemberFeatures& f,
                             double intent_raw) const {
  switch (s) {
    case Source::kCompletion: {
      double done =
          f.checkins - f.makeups * (1 - rules_.engagement.makeup_weight);
      return f.campaign_days > 0 ? done / f.campaign_days : 0.0;
    }
    case Source::kCheckins:
      return f.checkins;
    case Source::kMakeups:
      return f.makeups;
    case Source::kStreak:
      return f.longest_streak;
    case Source::kDwell:
      return f.dwell_s_30d / 60.0;
    case Source::kReads:
      return f.content_reads_30d;
    case Source::kRecency:
      return f.recency_days >= 0 ? f.recency_days
                                 : std::numeric_limits<double>::quiet_NaN();
    case Source::kCampaigns:
      return f.campaigns;
    case Source::kPaid:
      return f.paid_fen / 100.0;
    case Source::kIntent:
      return intent_raw;
    case Source::kHasPhone:
      return f.facts.count("phone") ? 1.0 : 0.0;
    case Source::kHasSchool:
      return f.facts.count("school") ? 1.0 : 0.0;
    default:
      return std::numeric_limits<double>::quiet_NaN();
  }
}

void MemberEncoder::Encode(const MemberFeatures& f, double intent_raw,
                           float* row) const {
  if (fallback_) {
    Matrix m = schema_.Encode({ToAttributes(f, rules_)});
    std::copy(m.data.begin(), m.data.end(), row);
    return;
  }
  for (size_t i = 0; i < cols_.size(); ++i) {
    const Col& c = cols_[i];
    switch (c.source) {
      case Source::kUnknown:
        row[i] = kMissing;
        break;
      case Source::kFactNum: {
        auto it = f.facts.find(c.field);
        double v = 0;
        row[i] = it != f.facts.end() && ParseNumber(it->second, &v)
                     ? static_cast<float>(v)
                     : kMissing;
        break;
      }
      case Source::kFact: {
        // The whole run of this attribute's columns at once: one lookup,
        // then 1 for the matching category (or "other", last), 0 elsewhere.
        auto it = f.facts.find(c.field);
        size_t end = c.end;
        if (it == f.facts.end()) {
          std::fill(row + i, row + end, kMissing);
        } else {
          bool hit = false;
          for (size_t k = i; k + 1 < end; ++k) {
            bool match = cols_[k].category == it->second;
            row[k] = match ? 1.0f : 0.0f;
            hit = hit || match;
          }
          row[end - 1] = hit ? 0.0f : 1.0f;
        }
        i = end - 1;
        break;
      }
      default:
        row[i] = static_cast<float>(Number(c.source, f, intent_raw));
    }
  }
}

}  // namespace qunying::scoring
