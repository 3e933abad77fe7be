#include "scoring/rules.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace qunying::scoring {

extern const char kIntentPhrasesTsv[];

std::vector<IntentPhrase> DefaultIntentPhrases() {
  std::vector<IntentPhrase> out;
  std::istringstream in(kIntentPhrasesTsv);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    out.push_back({line.substr(0, tab), std::atof(line.c_str() + tab + 1)});
  }
  return out;
}

uint64_t MixHash(uint64_t h, uint64_t w) {
  // Eight bytes at a time (a pass hashes every member): multiply, then
  // fold the high half down.
  h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
  return h ^ (h >> 32);
}

uint64_t HashText(uint64_t h, std::string_view t) {
  h = MixHash(h, t.size());
  for (size_t i = 0; i < t.size(); i += 8) {
    uint64_t w = 0;
    std::memcpy(&w, t.data() + i, std::min<size_t>(8, t.size() - i));
    h = MixHash(h, w);
  }
  return h;
}

namespace {

// Folds values into a hash with MixHash, eight bytes at a time.
struct Hasher {
  uint64_t h;
  void Mix(uint64_t w) { h = MixHash(h, w); }
  void Int(int64_t v) { Mix(static_cast<uint64_t>(v)); }
  void Real(double v) {
    uint64_t w;
    std::memcpy(&w, &v, sizeof w);
    Mix(w);
  }
  void Text(std::string_view t) { h = HashText(h, t); }
};

}  // namespace

uint64_t Fingerprint(const MemberFeatures& f) {
  Hasher h{0x243F6A8885A308D3ULL};
  h.Int(f.member_id);
  h.Text(f.series);
  for (int v : {f.campaign_days, f.checkins, f.makeups, f.longest_streak,
                f.content_reads_30d, f.campaigns})
    h.Int(v);
  h.Int(f.dwell_s_30d);
  h.Int(f.paid_fen);
  h.Real(f.recency_days);
  h.Mix(f.facts.size());
  for (const auto& [k, v] : f.facts) h.Text(k), h.Text(v);
  h.Mix(f.texts.size());
  for (const auto& t : f.texts) h.Text(t);
  h.Mix(f.intent_indexed);
  h.Mix(f.intent_found.size());
  for (uint16_t i : f.intent_found) h.Mix(i);
  return h.h;
}

#if defined(__GLIBCXX__) && __SIZEOF_POINTER__ == 8
// A new field changes these sizes: it must go into RulesFingerprint too.
static_assert(sizeof(ScoringRules) == 256 && sizeof(EngagementRules) == 104 &&
                  sizeof(FitRule) == 96 && sizeof(IntentPhrase) == 40 &&
                  sizeof(AssignRequest) == 128,
              "a field was added to the rules: hash it in RulesFingerprint");
#endif

namespace {

// Bump when the words of a factor or the form of an attribute change, so
// that every lead's texts are written again (TextsFingerprint, and through
// OtherTextsFingerprint every stored digest). 2: the intent factors and
// input moved to the lead's row (storage migration 24). 3: a phrase's `*`
// reads as … in its factor.
constexpr uint64_t kTextsVersion = 3;

// The parts of the rules the fingerprints below share.
void HashIntent(const std::vector<IntentPhrase>& intent, Hasher& h) {
  h.Mix(intent.size());
  for (const IntentPhrase& p : intent) h.Text(p.phrase), h.Real(p.weight);
}

// The phrases alone: a member reads the weights of those it wrote only
// (PointsScore::intent_hits).
void HashIntentPhrases(const std::vector<IntentPhrase>& intent, Hasher& h) {
  h.Mix(intent.size());
  for (const IntentPhrase& p : intent) h.Text(p.phrase);
}

void HashFit(const ScoringRules& r, Hasher& h) {
  h.Mix(r.fit.size());
  for (const FitRule& f : r.fit) {
    h.Text(f.field);
    h.Mix(f.values.size());
    for (const auto& v : f.values) h.Text(v);
    h.Real(f.points);
    h.Text(f.label);
  }
}

void HashEngagement(const ScoringRules& r, Hasher& h) {
  const EngagementRules& e = r.engagement;
  for (double v :
       {e.completion, e.streak, e.dwell, e.reads, e.renewals, e.paid,
        e.streak_full_days, e.dwell_full_s, e.reads_full, e.renewals_full,
        e.paid_full_fen, e.makeup_weight, e.half_life_days})
    h.Real(v);
}

}  // namespace

uint64_t RulesFingerprint(const ScoringRules& r) {
  Hasher h{0x13198A2E03707344ULL};
  h.Int(r.version);
  HashFit(r, h);
  HashEngagement(r, h);
  HashIntent(r.intent, h);
  for (double v :
       {r.weight_fit, r.weight_engagement, r.weight_intent, r.lead_threshold,
        r.lead_probability, r.tier_a, r.tier_b, r.level_1, r.level_2})
    h.Real(v);
  h.Mix(r.auto_assign.size());
  for (const AssignRequest& a : r.auto_assign) {
    h.Text(a.rule);
    h.Mix(a.reps.size());
    for (int64_t rep : a.reps) h.Int(rep);
    h.Int(a.count);
    h.Text(a.series);
    h.Text(a.city);
  }
  return h.h;
}

uint64_t TextsFingerprint(const ScoringRules& r) {
  // What ScorePoints' factors and ForEachAttribute read of the rules.
  Hasher h{0x082EFA98EC4E6C89ULL};
  h.Mix(kTextsVersion);
  HashFit(r, h);
  HashEngagement(r, h);
  HashIntent(r.intent, h);
  return h.h;
}

uint64_t OtherTextsFingerprint(const ScoringRules& r) {
  Hasher h{0x452821E638D01377ULL};
  h.Mix(kTextsVersion);
  HashEngagement(r, h);
  HashIntentPhrases(r.intent, h);
  return h.h;
}

uint64_t OtherInputsFingerprint(const ScoringRules& r) {
  Hasher h{0xBE5466CF34E90C6CULL};
  h.Real(r.engagement.makeup_weight);
  HashIntentPhrases(r.intent, h);
  return h.h;
}

ScoringRules ScoringRules::Defaults() {
  ScoringRules r;
  r.fit = {
      {"grade", {"三年级", "四年级", "五年级", "六年级"}, 40, "三至六年级"},
      {"grade", {"一年级", "二年级", "初一", "初二"}, 25, "一二年级或初一初二"},
      {"grade", {"大班"}, 15, "幼儿园大班"},
      {"city", {"北京", "上海", "广州", "深圳"}, 30, "一线城市"},
      {"city",
       {"成都", "杭州", "重庆", "武汉", "西安", "苏州", "南京", "天津", "长沙",
        "郑州", "东莞", "青岛", "沈阳", "宁波", "昆明"},
       20,
       "新一线城市"},
      {"phone", {"*"}, 10, "留有手机号"},
      {"occupation",
       {"医生", "教师", "律师", "工程师", "程序员", "会计", "设计师", "经理"},
       10,
       "职业匹配"},
      {"school", {"*"}, 10, "学校已知"},
  };
  r.intent = DefaultIntentPhrases();
  return r;
}

Status AssignRequest::Validate() const {
  if (rule != "round_robin" && rule != "capacity")
    return Status::InvalidArgument("rule must be round_robin or capacity",
                                   "rule");
  if (count < 1 || count > 1000)
    return Status::InvalidArgument("count must be from 1 to 1000", "count");
  return Status::Ok();
}

Status ScoringRules::Validate() const {
  auto bad = [](const std::string& field, const std::string& why) {
    return Status::InvalidArgument(field + " " + why, field);
  };
  for (double w : {weight_fit, weight_engagement, weight_intent}) {
    if (w < 0 || w > 1) return bad("weights", "must each be within 0–1");
  }
  if (weight_fit + weight_engagement + weight_intent <= 0)
    return bad("weights", "must not all be zero");
  if (lead_threshold < 0 || lead_threshold > 100)
    return bad("lead_threshold", "must be within 0–100");
  if (lead_probability < 0 || lead_probability > 1)
    return bad("lead_probability", "must be within 0–1");
  for (const auto& a : auto_assign) {
    if (Status s = a.Validate(); !s.ok())
      return Status::InvalidArgument("auto_assign: " + s.message(),
                                     "auto_assign");
  }
  for (double t : {tier_a, tier_b, level_1, level_2}) {
    if (!(t >= 0 && t <= 100)) return bad("tiers", "must each be within 0–100");
  }
  if (tier_b > tier_a || level_2 > level_1)
    return bad("tiers", "must be ordered (A above B, 1 above 2)");
  // Texts are bounded: a fit rule's label is copied into the words of every
  // lead it matches (an admin's 100 kB label would have been a gigabyte
  // across a million members).
  if (fit.size() > kMaxFitRules)
    return bad("fit", "at most " + std::to_string(kMaxFitRules) + " rules");
  for (const auto& f : fit) {
    if (f.field.empty() || f.values.empty())
      return bad("fit", "rules need a field and at least one value");
    if (f.points < -100 || f.points > 100)
      return bad("fit", "points must be within -100–100");
    if (f.field.size() > kMaxRuleTextBytes ||
        f.label.size() > kMaxRuleTextBytes || f.values.size() > kMaxFitValues) {
      return bad("fit", "fields and labels are at most " +
                            std::to_string(kMaxRuleTextBytes) +
                            " bytes, values at most " +
                            std::to_string(kMaxFitValues) + " per rule");
    }
    for (const auto& v : f.values) {
      if (v.size() > kMaxRuleTextBytes)
        return bad("fit", "values are at most " +
                              std::to_string(kMaxRuleTextBytes) + " bytes");
    }
  }
  if (intent.size() > kMaxIntentPhrases) {
    return bad("intent",
               "at most " + std::to_string(kMaxIntentPhrases) + " phrases");
  }
  for (const auto& p : intent) {
    if (p.phrase.find_first_not_of('*') == std::string::npos)
      return bad("intent", "phrases must not be empty");
    if (p.phrase.front() == '*' || p.phrase.back() == '*') {
      return bad("intent", "\"" + p.phrase +
                               "\": * stands between words (有没有*课), not"
                               " at the start or end of a phrase");
    }
    if (p.phrase.size() > kMaxRuleTextBytes)
      return bad("intent", "phrases are at most " +
                               std::to_string(kMaxRuleTextBytes) + " bytes");
    if (p.weight < -100 || p.weight > 100)
      return bad("intent", "weights must be within -100–100");
  }
  const EngagementRules& e = engagement;
  for (double v : {e.streak_full_days, e.dwell_full_s, e.reads_full,
                   e.renewals_full, e.paid_full_fen, e.half_life_days}) {
    if (v <= 0) return bad("engagement", "full marks must be positive");
  }
  for (double v :
       {e.completion, e.streak, e.dwell, e.reads, e.renewals, e.paid}) {
    if (!(v >= 0 && v <= 100))
      return bad("engagement", "points must each be within 0–100");
  }
  // A make-up counts as a fraction of a check-in; it is also a model input.
  if (!(e.makeup_weight >= 0 && e.makeup_weight <= 1))
    return bad("engagement", "makeup_weight must be within 0–1");
  return Status::Ok();
}

}  // namespace qunying::scoring
