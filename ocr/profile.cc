#include "ocr/profile.h"

#include <algorithm>
#include <map>
#include <set>

namespace qunying::ocr {

const char* FactStatusName(FactStatus s) {
  switch (s) {
    case FactStatus::kAccepted:
      return "accepted";
    case FactStatus::kAuto:
      return "auto";
    case FactStatus::kReview:
      return "review";
  }
  return "review";
}

bool IsAboutChild(const std::string& field) {
  return field == "grade" || field == "school" || field == "age";
}

namespace {

// Per field, per value: the best confidence each check-in gave it.
using Evidence =
    std::map<std::string, std::map<std::string, std::map<int64_t, double>>>;

ProfileValue Combine(const std::string& value,
                     const std::map<int64_t, double>& by_checkin) {
  ProfileValue v{value, 0, {}};
  double miss = 1;  // Noisy-OR: the chance every sighting is wrong.
  for (const auto& [checkin, conf] : by_checkin) {
    miss *= 1 - std::clamp(conf, 0.0, 0.99);
    v.checkin_ids.push_back(checkin);
  }
  v.confidence = 1 - miss;
  return v;
}

}  // namespace

std::vector<ProfileFact> BuildProfile(const std::vector<StoredHint>& hints,
                                      const std::vector<HintDecision>& decided,
                                      const ProfileOptions& o) {
  Evidence evidence;
  for (const auto& h : hints) {
    double& c = evidence[h.hint.field][h.hint.value][h.checkin_id];
    c = std::max(c, h.hint.confidence);
  }
  std::map<std::string, const HintDecision*> accepted;
  std::set<std::pair<std::string, std::string>> rejected;
  for (const auto& d : decided) {
    if (d.accepted) {
      accepted[d.field] = &d;  // The latest acceptance wins.
    } else {
      rejected.insert({d.field, d.value});
    }
  }
  std::set<std::string> fields;
  for (const auto& [field, values] : evidence) fields.insert(field);
  for (const auto& [field, d] : accepted) fields.insert(field);
  std::vector<ProfileFact> out;
  for (const std::string& field : fields) {
    std::vector<ProfileValue> values;
    for (const auto& [value, seen] : evidence[field]) {
      if (!rejected.count({field, value}))
        values.push_back(Combine(value, seen));
    }
    std::sort(values.begin(), values.end(),
              [](const ProfileValue& a, const ProfileValue& b) {
                return a.confidence > b.confidence;
              });
    ProfileFact f;
    f.field = field;
    f.about_child = IsAboutChild(field);
    auto acc = accepted.find(field);
    if (acc != accepted.end()) {
      f.status = FactStatus::kAccepted;
      f.best = {acc->second->final_value, 1.0, {}};
      for (auto& v : values) {
        if (v.value == acc->second->value || v.value == f.best.value) {
          f.best.checkin_ids = v.checkin_ids;
        } else {
          f.conflicts.push_back(std::move(v));
        }
      }
    } else {
      if (values.empty()) continue;  // Everything seen was rejected.
      f.best = std::move(values.front());
      f.conflicts.assign(std::make_move_iterator(values.begin() + 1),
                         std::make_move_iterator(values.end()));
      bool contested =
          !f.conflicts.empty() &&
          f.conflicts.front().confidence >= o.contest_ratio * f.best.confidence;
      f.status = f.best.confidence >= o.auto_accept && !contested
                     ? FactStatus::kAuto
                     : FactStatus::kReview;
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace qunying::ocr
