#include "scoring/points.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "scoring/score_formula.h"

namespace qunying::scoring {
namespace {

constexpr size_t kMaxGapBytes = 30;  // "*": up to 10 Han characters.
// Between a fit rule's label and the member's value: "三至六年级：四年级".
constexpr std::string_view kValueSeparator = "：";

// Punctuation that ends a clause: a 不 or 没 before it negates nothing after.
constexpr std::string_view kClauseEnds[] = {"，", "。", "！", "？", "；",
                                            "：", "、", ",",  ".",  "!",
                                            "?",  ";",  ":",  "\n"};
// Words with 不 or 没 that do not negate what follows
// ("孩子读得不错想报下一期", "不知道怎么报名").
constexpr std::string_view kNotNegations[] = {"不错", "不知",   "不过",  "不仅",
                                              "不少", "没问题", "差不多"};

// Whether the 不 or 没 at `at` is part of one of kNotNegations.
bool InNotNegation(std::string_view text, size_t at, std::string_view neg) {
  for (std::string_view w : kNotNegations) {
    for (size_t o = w.find(neg); o != std::string_view::npos;
         o = w.find(neg, o + 1)) {
      if (o <= at && text.substr(at - o, w.size()) == w) return true;
    }
  }
  return false;
}

// Whether 不 or 没 is among the three characters before `pos`, in the same
// clause, other than in kNotNegations ("不想报下一期" negates 想报下一期,
// 报下一期 and 下一期 alike; "不错，想报下一期" does not).
bool NegatedAt(std::string_view text, size_t pos) {
  size_t from = pos, chars = 0;
  while (from > 0 && chars < 3) {
    --from;
    if ((static_cast<unsigned char>(text[from]) & 0xC0) != 0x80) ++chars;
  }
  std::string_view before(text.data() + from, pos - from);
  if (before.find("不") == std::string_view::npos &&
      before.find("没") == std::string_view::npos) {
    return false;  // Most windows: nothing to look into.
  }
  for (std::string_view end : kClauseEnds) {
    size_t at = before.rfind(end);
    if (at != std::string_view::npos) {
      from += at + end.size();
      before.remove_prefix(at + end.size());
    }
  }
  for (std::string_view neg :
       {std::string_view("不"), std::string_view("没")}) {
    for (size_t at = before.find(neg); at != std::string_view::npos;
         at = before.find(neg, at + 1)) {
      if (!InNotNegation(text, from + at, neg)) return true;
    }
  }
  return false;
}

// Calls fn(begin, end, negated) for each occurrence of `pattern` (parts
// separated by '*') in `text`, its bytes [begin, end), until fn returns
// true; returns whether one did. Allocation-free: it runs for every phrase
// and text of every member.
template <typename Fn>
bool ForEachOccurrence(std::string_view text, std::string_view pattern,
                       Fn&& fn) {
  // A `*` at either end adds nothing to what is said, but at the start it
  // would match from any byte up to ten characters before the rest and so
  // cover every phrase there. Validate refuses both; rules stored before
  // it did match as without them.
  while (!pattern.empty() && pattern.front() == '*') pattern.remove_prefix(1);
  while (!pattern.empty() && pattern.back() == '*') pattern.remove_suffix(1);
  if (pattern.empty()) return false;
  size_t star = pattern.find('*');
  std::string_view first = pattern.substr(0, star);
  for (size_t at = text.find(first); at != std::string::npos;
       at = text.find(first, at + 1)) {
    size_t pos = at + first.size();
    bool ok = true;
    for (size_t s = star; ok && s != std::string_view::npos;) {
      size_t next_star = pattern.find('*', s + 1);
      std::string_view part = pattern.substr(s + 1, next_star - s - 1);
      size_t next = text.find(part, pos);
      ok = next != std::string::npos && next - pos <= kMaxGapBytes;
      if (ok) pos = next + part.size();
      s = next_star;
    }
    if (ok && fn(at, pos, NegatedAt(text, at))) return true;
  }
  return false;
}

// One occurrence of dictionary phrase `phrase` in a text.
struct Occurrence {
  size_t phrase, begin, end;
  bool negated;
};

// Of the phrases at `cand` (ascending positions in `dict`, each occurring
// in `text`), appends to `found` those with an occurrence that is neither
// negated nor covered: inside another phrase's occurrence (negated or not)
// that is longer, or the same bytes and earlier in the dictionary.
// O(n log n) in the occurrences, as a long text may repeat a phrase.
void KeepUncovered(std::string_view text, const std::vector<IntentPhrase>& dict,
                   const std::vector<size_t>& cand,
                   std::vector<uint16_t>* found) {
  std::vector<Occurrence> all;
  for (size_t i : cand) {
    ForEachOccurrence(text, dict[i].phrase, [&](size_t b, size_t e, bool n) {
      all.push_back({i, b, e, n});
      return false;
    });
  }
  // In this order, what may cover an occurrence comes before it: those
  // starting earlier, or at it and ending later, or the same bytes and an
  // earlier phrase. One of another phrase covers it iff it ends at or
  // after it.
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.end != b.end) return a.end > b.end;
    return a.phrase < b.phrase;
  });
  // The furthest end so far and its phrase, and the furthest end of the
  // other phrases (has1, has2: whether there is one).
  size_t end1 = 0, phrase1 = 0, end2 = 0;
  bool has1 = false, has2 = false;
  std::vector<bool> counts(cand.back() + 1);
  for (const Occurrence& o : all) {
    bool covered =
        has1 && o.phrase != phrase1 ? end1 >= o.end : has2 && end2 >= o.end;
    if (!o.negated && !covered) counts[o.phrase] = true;
    if (has1 && o.phrase == phrase1) {
      end1 = std::max(end1, o.end);
    } else if (!has1 || o.end > end1) {
      // end1's phrase is not o's: it becomes the furthest of the others.
      end2 = end1, has2 = has1;
      end1 = o.end, phrase1 = o.phrase, has1 = true;
    } else {
      end2 = has2 ? std::max(end2, o.end) : o.end, has2 = true;
    }
  }
  for (size_t i : cand)
    if (counts[i]) found->push_back(static_cast<uint16_t>(i));
}

std::string Percent(double x) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", x * 100);
  return buf;
}

double Decay(const MemberFeatures& f, const EngagementRules& e) {
  if (f.recency_days < 0) return 0;
  return std::pow(0.5, f.recency_days / e.half_life_days);
}

// A rep-readable factor for one engagement part.
PointsFactor EngagementFactor(const MemberFeatures& f, std::string_view name,
                              double completion, double pts) {
  auto n = [](int64_t v) { return std::to_string(v); };
  std::string part = "engagement";
  if (name == "completion")
    return {part, "completion", n(f.checkins) + "/" + n(f.campaign_days),
            "打卡完成率 " + Percent(std::min(completion, 1.0)) +
                (f.makeups ? "（含补卡 " + n(f.makeups) + " 次）" : ""),
            pts};
  if (name == "streak")
    return {part, "streak", n(f.longest_streak),
            "最长连续打卡 " + n(f.longest_streak) + " 天", pts};
  if (name == "dwell")
    return {part, "dwell", n(f.dwell_s_30d),
            "近 30 天小程序停留 " + n(f.dwell_s_30d / 60) + " 分钟", pts};
  if (name == "reads")
    return {part, "reads", n(f.content_reads_30d),
            "近 30 天阅读内容 " + n(f.content_reads_30d) + " 次", pts};
  int renewals = std::max(0, f.campaigns - 1);
  if (name == "renewals")
    return {part, "renewals", n(renewals), "续报 " + n(renewals) + " 期", pts};
  return {part, "paid", n(f.paid_fen),
          "累计付费 " + n(f.paid_fen / 100) + " 元", pts};
}

void AddEngagement(const MemberFeatures& f, const EngagementRules& e,
                   bool explain, PointsScore& s) {
  double decay = Decay(f, e);
  double done = f.checkins - f.makeups * (1 - e.makeup_weight);
  double completion = f.campaign_days > 0 ? done / f.campaign_days : 0;
  int renewals = std::max(0, f.campaigns - 1);
  struct Part {
    const char* name;
    double full, share;
    bool decays;  // History (renewals, paid) does not decay.
  };
  const Part parts[] = {
      {"completion", e.completion, completion, true},
      {"streak", e.streak, f.longest_streak / e.streak_full_days, true},
      {"dwell", e.dwell, f.dwell_s_30d / e.dwell_full_s, true},
      {"reads", e.reads, f.content_reads_30d / e.reads_full, true},
      {"renewals", e.renewals, renewals / e.renewals_full, false},
      {"paid", e.paid, f.paid_fen / e.paid_full_fen, false}};
  for (const Part& p : parts) {
    double pts =
        p.full * std::clamp(p.share, 0.0, 1.0) * (p.decays ? decay : 1.0);
    s.engagement += pts;
    if (explain && pts > 0.05)
      s.factors.push_back(EngagementFactor(f, p.name, completion, pts));
  }
  if (explain && f.recency_days > 0 && decay < 0.95) {
    std::string days = std::to_string(static_cast<int>(f.recency_days));
    s.factors.push_back(
        {"engagement", "recency", days,
         "已 " + days + " 天未活跃（活跃分按 " + Percent(decay) + " 计）", 0});
  }
}

void AddFit(const MemberFeatures& f, const std::vector<FitRule>& rules,
            bool explain, PointsScore& s) {
  const std::string* done[16];  // Fields already scored (rules are few).
  size_t n_done = 0;
  for (const auto& r : rules) {
    if (std::find_if(done, done + n_done, [&](const std::string* d) {
          return *d == r.field;
        }) != done + n_done)
      continue;
    auto it = f.facts.find(r.field);
    if (it == f.facts.end() || it->second.empty()) continue;
    bool hit = std::any_of(r.values.begin(), r.values.end(), [&](auto& v) {
      return v == "*" || v == it->second;
    });
    if (!hit) continue;
    if (n_done < 16) done[n_done++] = &r.field;
    s.fit += r.points;
    uint64_t points;
    std::memcpy(&points, &r.points, sizeof points);
    s.fit_hits =
        MixHash(HashText(HashText(s.fit_hits, r.field), r.label), points);
    if (!explain) continue;
    std::string value = r.field == "phone" ? "" : it->second;
    std::string label = r.label;
    if (!value.empty()) label.append(kValueSeparator).append(value);
    s.factors.push_back({"fit", r.field, value, std::move(label), r.points});
  }
  s.fit = std::clamp(s.fit, 0.0, 100.0);
}

// Calls fn(phrase) for each dictionary phrase found in any text (once),
// in dictionary order.
template <typename Fn>
void ForEachIntent(const std::vector<std::string>& texts,
                   const std::vector<IntentPhrase>& dict, Fn&& fn) {
  std::vector<uint16_t> found;
  for (const auto& t : texts) FindIntentIn(t, dict, &found);
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  for (uint16_t i : found) fn(dict[i]);
}

// The same for a member's features: for indexed ones, each phrase the
// loader found.
template <typename Fn>
void ForEachIntent(const MemberFeatures& f,
                   const std::vector<IntentPhrase>& dict, Fn&& fn) {
  if (f.intent_indexed) {
    for (uint16_t i : f.intent_found)
      if (i < dict.size()) fn(dict[i]);
    return;
  }
  ForEachIntent(f.texts, dict, fn);
}

// A phrase as a rep reads it: "有没有*课" as "有没有…课" (the words between
// are not kept past the check-in digest).
std::string PhraseAsWritten(const std::string& phrase) {
  std::string out;
  for (char ch : phrase) {
    if (ch == '*')
      out += "…";
    else
      out += ch;
  }
  return out;
}

// The intent part: the phrases `f` wrote, their weights' sum and hash,
// and (with `explain`) a factor each.
void AddIntent(const MemberFeatures& f, const std::vector<IntentPhrase>& dict,
               bool explain, PointsScore& s) {
  ForEachIntent(f, dict, [&](const IntentPhrase& p) {
    s.intent_raw += p.weight;
    uint64_t weight;
    std::memcpy(&weight, &p.weight, sizeof weight);
    s.intent_hits = MixHash(HashText(s.intent_hits, p.phrase), weight);
    if (!explain) return;
    s.factors.push_back({"intent", p.phrase, p.phrase,
                         std::string(p.weight >= 0 ? "说过" : "提到") + "“" +
                             PhraseAsWritten(p.phrase) + "”",
                         p.weight});
  });
  s.intent = std::clamp(s.intent_raw, 0.0, 100.0);
}

// Largest first by points (a penalty by its size); ties keep their order.
void SortFactors(std::vector<PointsFactor>& factors) {
  std::stable_sort(factors.begin(), factors.end(),
                   [](const auto& a, const auto& b) {
                     return std::abs(a.points) > std::abs(b.points);
                   });
}

}  // namespace

void FindIntentIn(std::string_view text, const std::vector<IntentPhrase>& dict,
                  std::vector<uint16_t>* found) {
  // Phrases occurring at all, negated or not, and whether one occurrence is
  // not negated. Most texts hold none or one: then no occurrence can cover
  // another's, and nothing is allocated.
  size_t occurring = 0, first = 0;
  bool first_live = false;
  std::vector<size_t> cand;  // From the second phrase occurring on.
  const size_t n = std::min<size_t>(dict.size(), size_t{UINT16_MAX} + 1);
  for (size_t i = 0; i < n; ++i) {
    bool any = false, live = false;
    ForEachOccurrence(text, dict[i].phrase, [&](size_t, size_t, bool neg) {
      any = true;
      live = live || !neg;
      return live;
    });
    if (!any) continue;
    if (++occurring == 1) {
      first = i, first_live = live;
      continue;
    }
    if (occurring == 2) cand.push_back(first);
    cand.push_back(i);
  }
  if (occurring == 1 && first_live)
    found->push_back(static_cast<uint16_t>(first));
  if (occurring > 1) KeepUncovered(text, dict, cand, found);
}

std::vector<IntentPhrase> FindIntent(const std::vector<std::string>& texts,
                                     const std::vector<IntentPhrase>& dict) {
  std::vector<IntentPhrase> out;
  ForEachIntent(texts, dict, [&](const IntentPhrase& p) { out.push_back(p); });
  return out;
}

uint64_t ContentKey(uint64_t fingerprint, uint64_t other_texts,
                    const PointsScore& p) {
  return MixHash(MixHash(MixHash(fingerprint, other_texts), p.fit_hits),
                 p.intent_hits);
}

uint64_t TextsKey(uint64_t fingerprint, uint64_t other_texts) {
  return MixHash(fingerprint, other_texts);
}

uint64_t IntentKey(uint64_t other_texts, const PointsScore& p) {
  return MixHash(other_texts, p.intent_hits);
}

uint64_t InputsKey(uint64_t fingerprint, uint64_t other_inputs,
                   const PointsScore& p) {
  return MixHash(MixHash(fingerprint, other_inputs), p.intent_hits);
}

PointsScore ScorePoints(const MemberFeatures& f, const ScoringRules& rules,
                        bool explain) {
  PointsScore s;
  if (explain) s.factors.reserve(12);  // Fit, six engagement, some intent.
  AddFit(f, rules.fit, explain, s);
  AddEngagement(f, rules.engagement, explain, s);
  s.engagement = std::clamp(s.engagement, 0.0, 100.0);
  AddIntent(f, rules.intent, explain, s);
  ScoreFormula formula = ScoreFormula::Of(rules);
  s.total = formula.Total(s.fit, s.engagement, s.intent);
  s.tier = formula.Tier(s.fit, s.engagement, s.intent);
  SortFactors(s.factors);
  return s;
}

std::vector<PointsFactor> FitFactors(const MemberFeatures& f,
                                     const ScoringRules& rules) {
  PointsScore s;
  AddFit(f, rules.fit, /*explain=*/true, s);
  // Sorted alone, they keep the order they have among all of ScorePoints'
  // (a stable sort).
  SortFactors(s.factors);
  return std::move(s.factors);
}

std::vector<PointsFactor> IntentFactors(const MemberFeatures& f,
                                        const ScoringRules& rules) {
  PointsScore s;
  AddIntent(f, rules.intent, /*explain=*/true, s);
  SortFactors(s.factors);  // As FitFactors.
  return std::move(s.factors);
}

void ForEachAttribute(const MemberFeatures& f, const ScoringRules& rules,
                      const std::function<void(const AttributeView&)>& fn) {
  // Reads only the make-up weight and the intent dictionary of the rules:
  // TextsFingerprint hashes those, OtherInputsFingerprint and InputsKey
  // between them too, and both must follow any other read here.
  auto number = [&](std::string_view name, double v) { fn({name, v}); };
  auto fact = [&](std::string_view name) {
    auto it = f.facts.find(name);
    if (it != f.facts.end()) fn({name, 0, &it->second});
  };
  double done = f.checkins - f.makeups * (1 - rules.engagement.makeup_weight);
  double intent = 0;
  ForEachIntent(f, rules.intent,
                [&](const IntentPhrase& p) { intent += p.weight; });
  // Ascending by name: AttributesText relies on it.
  number("campaigns", f.campaigns);
  number("checkins", f.checkins);
  fact("city");
  number("completion_rate", f.campaign_days > 0 ? done / f.campaign_days : 0.0);
  number("content_reads_30d", f.content_reads_30d);
  number("dwell_min_30d", f.dwell_s_30d / 60.0);
  fact("grade");
  number("has_phone", f.facts.count("phone") ? 1.0 : 0.0);
  number("has_school", f.facts.count("school") ? 1.0 : 0.0);
  number("intent", intent);
  number("longest_streak", f.longest_streak);
  number("makeups", f.makeups);
  fact("occupation");
  number("paid_yuan", f.paid_fen / 100.0);
  if (f.recency_days >= 0) number("recency_days", f.recency_days);
}

Attributes ToAttributes(const MemberFeatures& f, const ScoringRules& rules) {
  Attributes a;
  ForEachAttribute(f, rules, [&](const AttributeView& v) {
    a.emplace(std::string(v.name),
              v.text ? AttrValue(*v.text) : AttrValue(v.number));
  });
  return a;
}

std::string LabelWithoutValue(const PointsFactor& f) {
  std::string suffix = std::string(kValueSeparator) + f.value;
  if (f.part != "fit" || f.value.empty() || f.label.size() <= suffix.size() ||
      f.label.compare(f.label.size() - suffix.size(), suffix.size(), suffix) !=
          0) {
    return f.label;
  }
  return f.label.substr(0, f.label.size() - suffix.size());
}

}  // namespace qunying::scoring
