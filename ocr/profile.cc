#include "ocr/profile.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "core/phone.h"
#include "core/utf8.h"
#include "ocr/hints.h"

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

// `s` without white space at its ends, ideographic spaces (U+3000) counted
// as spaces (and made ASCII ones inside).
std::string Trim(const std::string& in) {
  std::string s;  // Built afresh: GCC 12 warned (-Wrestrict) of replace().
  s.reserve(in.size());
  for (size_t at = 0; at < in.size();) {
    if (in.compare(at, 3, "\u3000") == 0) {
      s += ' ';
      at += 3;
    } else {
      s += in[at++];
    }
  }
  const char* kSpace = " \t\n\r\v\f";
  size_t b = s.find_first_not_of(kSpace);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

bool EndsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() &&
         s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

Status Bad(const std::string& why) {
  return Status::InvalidArgument("new_value " + why, "new_value");
}

Result<std::string> CanonicalPhone(const std::string& v) {
  auto phone = NormalizeMobile(v);
  if (!phone.ok()) return Bad(phone.status().message());
  return phone;
}

Result<std::string> CanonicalAge(std::string v) {
  if (EndsWith(v, "岁")) v.resize(v.size() - 3);
  bool digits = !v.empty() && v.size() <= 2 &&
                std::all_of(v.begin(), v.end(), [](char c) {
                  return std::isdigit(static_cast<unsigned char>(c));
                });
  if (!digits || std::stoi(v) < 1) return Bad("is not an age from 1 to 99");
  return std::to_string(std::stoi(v));
}

}  // namespace

Result<std::string> CanonicalFactValue(const std::string& field,
                                       const std::string& value) {
  if (!IsValidUtf8(value)) return Bad("is not valid UTF-8");
  if (HasControlChars(value)) return Bad("must not hold control characters");
  std::string v = Trim(value);
  if (v.empty()) return Bad("must not be empty");
  if (field == "grade") {
    std::string grade = CanonicalGrade(v);
    if (grade.empty())
      return Bad(
          "is not a grade: 一年级…六年级, 初一…初三, 高一…高三, "
          "小班, 中班 or 大班");
    return grade;
  }
  if (field == "phone") return CanonicalPhone(v);
  if (field == "age") return CanonicalAge(v);
  if (field == "city" && EndsWith(v, "市") && v.size() > 3)
    v.resize(v.size() - 3);
  if (Utf8Length(v) > 60) return Bad("must be at most 60 characters");
  return v;
}

namespace {

// Per field, per value: the best confidence each check-in gave it.
// One value's sightings: the strongest per check-in, and where they were.
struct Sightings {
  std::map<int64_t, double> by_checkin;
  std::set<std::string> sources;
};
using Evidence = std::map<std::string, std::map<std::string, Sightings>>;

ProfileValue Combine(const std::string& value, const Sightings& seen) {
  ProfileValue v{value, 0, {}, {}};
  double miss = 1;  // Noisy-OR: the chance every sighting is wrong.
  for (const auto& [checkin, conf] : seen.by_checkin) {
    miss *= 1 - std::clamp(conf, 0.0, 0.99);
    v.checkin_ids.push_back(checkin);
  }
  v.confidence = 1 - miss;
  v.sources.assign(seen.sources.begin(), seen.sources.end());
  return v;
}

}  // namespace

std::vector<ProfileFact> BuildProfile(const std::vector<StoredHint>& hints,
                                      const std::vector<HintDecision>& decided,
                                      const ProfileOptions& o) {
  Evidence evidence;
  for (const auto& h : hints) {
    Sightings& seen = evidence[h.hint.field][h.hint.value];
    double& c = seen.by_checkin[h.checkin_id];
    c = std::max(c, h.hint.confidence);
    seen.sources.insert(h.source);
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
      f.best = {acc->second->final_value, 1.0, {}, {}};
      for (auto& v : values) {
        if (v.value == acc->second->value || v.value == f.best.value) {
          f.best.checkin_ids = v.checkin_ids;
          f.best.sources = v.sources;
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
