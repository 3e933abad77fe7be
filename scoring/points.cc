#include "scoring/points.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>

namespace qunying::scoring {
namespace {

constexpr size_t kMaxGapBytes = 30;  // "*": up to 10 Han characters.

// Whether 不 or 没 is among the three characters before `pos`
// ("不想报下一期" negates 想报下一期, 报下一期 and 下一期 alike).
bool NegatedAt(const std::string& text, size_t pos) {
  size_t from = pos, chars = 0;
  while (from > 0 && chars < 3) {
    --from;
    if ((static_cast<unsigned char>(text[from]) & 0xC0) != 0x80) ++chars;
  }
  std::string_view before(text.data() + from, pos - from);
  return before.find("不") != std::string_view::npos ||
         before.find("没") != std::string_view::npos;
}

// Whether `pattern` (parts separated by '*') occurs in `text`, not negated.
bool Matches(const std::string& text, const std::string& pattern) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t star; (star = pattern.find('*', start)) != std::string::npos;
       start = star + 1) {
    parts.push_back(pattern.substr(start, star - start));
  }
  parts.push_back(pattern.substr(start));
  for (size_t at = text.find(parts[0]); at != std::string::npos;
       at = text.find(parts[0], at + 1)) {
    if (NegatedAt(text, at)) continue;
    size_t pos = at + parts[0].size();
    bool ok = true;
    for (size_t i = 1; i < parts.size() && ok; ++i) {
      size_t next = text.find(parts[i], pos);
      ok = next != std::string::npos && next - pos <= kMaxGapBytes;
      if (ok) pos = next + parts[i].size();
    }
    if (ok) return true;
  }
  return false;
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

void AddEngagement(const MemberFeatures& f, const EngagementRules& e,
                   PointsScore& s) {
  double decay = Decay(f, e);
  auto add = [&](const char* name, std::string value, std::string label,
                 double full, double share, bool decays) {
    double pts = full * std::clamp(share, 0.0, 1.0) * (decays ? decay : 1.0);
    if (pts > 0.05)
      s.factors.push_back({"engagement", name, value, label, pts});
    s.engagement += pts;
  };
  double done = f.checkins - f.makeups * (1 - e.makeup_weight);
  double completion = f.campaign_days > 0 ? done / f.campaign_days : 0;
  add("completion",
      std::to_string(f.checkins) + "/" + std::to_string(f.campaign_days),
      "打卡完成率 " + Percent(std::min(completion, 1.0)) +
          (f.makeups ? "（含补卡 " + std::to_string(f.makeups) + " 次）" : ""),
      e.completion, completion, true);
  add("streak", std::to_string(f.longest_streak),
      "最长连续打卡 " + std::to_string(f.longest_streak) + " 天", e.streak,
      f.longest_streak / e.streak_full_days, true);
  add("dwell", std::to_string(f.dwell_s_30d),
      "近 30 天小程序停留 " + std::to_string(f.dwell_s_30d / 60) + " 分钟",
      e.dwell, f.dwell_s_30d / e.dwell_full_s, true);
  add("reads", std::to_string(f.content_reads_30d),
      "近 30 天阅读内容 " + std::to_string(f.content_reads_30d) + " 次",
      e.reads, f.content_reads_30d / e.reads_full, true);
  int renewals = std::max(0, f.campaigns - 1);
  add("renewals", std::to_string(renewals),
      "续报 " + std::to_string(renewals) + " 期", e.renewals,
      renewals / e.renewals_full, false);
  add("paid", std::to_string(f.paid_fen),
      "累计付费 " + std::to_string(f.paid_fen / 100) + " 元", e.paid,
      f.paid_fen / e.paid_full_fen, false);
  if (f.recency_days > 0 && decay < 0.95) {
    s.factors.push_back({"engagement", "recency",
                         std::to_string(static_cast<int>(f.recency_days)),
                         "已 " +
                             std::to_string(static_cast<int>(f.recency_days)) +
                             " 天未活跃（活跃分按 " + Percent(decay) + " 计）",
                         0});
  }
}

void AddFit(const MemberFeatures& f, const std::vector<FitRule>& rules,
            PointsScore& s) {
  std::vector<std::string> done;
  for (const auto& r : rules) {
    if (std::find(done.begin(), done.end(), r.field) != done.end()) continue;
    auto it = f.facts.find(r.field);
    if (it == f.facts.end() || it->second.empty()) continue;
    bool hit = std::any_of(r.values.begin(), r.values.end(), [&](auto& v) {
      return v == "*" || v == it->second;
    });
    if (!hit) continue;
    done.push_back(r.field);
    s.fit += r.points;
    std::string value = r.field == "phone" ? "" : it->second;
    s.factors.push_back({"fit", r.field, value,
                         r.label + (value.empty() ? "" : "：" + value),
                         r.points});
  }
  s.fit = std::clamp(s.fit, 0.0, 100.0);
}

}  // namespace

std::vector<IntentPhrase> FindIntent(const std::vector<std::string>& texts,
                                     const std::vector<IntentPhrase>& dict) {
  std::vector<IntentPhrase> out;
  for (const auto& p : dict) {
    for (const auto& t : texts) {
      if (Matches(t, p.phrase)) {
        out.push_back(p);
        break;
      }
    }
  }
  return out;
}

PointsScore ScorePoints(const MemberFeatures& f, const ScoringRules& rules) {
  PointsScore s;
  AddFit(f, rules.fit, s);
  AddEngagement(f, rules.engagement, s);
  s.engagement = std::clamp(s.engagement, 0.0, 100.0);
  for (const auto& p : FindIntent(f.texts, rules.intent)) {
    s.intent += p.weight;
    s.factors.push_back(
        {"intent", p.phrase, p.phrase,
         std::string(p.weight >= 0 ? "说过" : "提到") + "“" + p.phrase + "”",
         p.weight});
  }
  s.intent = std::clamp(s.intent, 0.0, 100.0);
  double wsum =
      rules.weight_fit + rules.weight_engagement + rules.weight_intent;
  s.total = (rules.weight_fit * s.fit + rules.weight_engagement * s.engagement +
             rules.weight_intent * s.intent) /
            wsum;
  s.total = std::round(std::clamp(s.total, 0.0, 100.0) * 10) / 10;
  double activity = 0.7 * s.engagement + 0.3 * s.intent;
  s.tier = std::string(s.fit >= rules.tier_a   ? "A"
                       : s.fit >= rules.tier_b ? "B"
                                               : "C") +
           (activity >= rules.level_1   ? "1"
            : activity >= rules.level_2 ? "2"
                                        : "3");
  std::stable_sort(s.factors.begin(), s.factors.end(),
                   [](const auto& a, const auto& b) {
                     return std::abs(a.points) > std::abs(b.points);
                   });
  return s;
}

Attributes ToAttributes(const MemberFeatures& f, const ScoringRules& rules) {
  Attributes a;
  double done = f.checkins - f.makeups * (1 - rules.engagement.makeup_weight);
  a["completion_rate"] = f.campaign_days > 0 ? done / f.campaign_days : 0.0;
  a["checkins"] = double(f.checkins);
  a["makeups"] = double(f.makeups);
  a["longest_streak"] = double(f.longest_streak);
  a["dwell_min_30d"] = f.dwell_s_30d / 60.0;
  a["content_reads_30d"] = double(f.content_reads_30d);
  if (f.recency_days >= 0) a["recency_days"] = f.recency_days;
  a["campaigns"] = double(f.campaigns);
  a["paid_yuan"] = f.paid_fen / 100.0;
  double intent = 0;
  for (const auto& p : FindIntent(f.texts, rules.intent)) intent += p.weight;
  a["intent"] = intent;
  for (const char* field : {"grade", "city", "occupation"}) {
    auto it = f.facts.find(field);
    if (it != f.facts.end()) a[field] = it->second;
  }
  a["has_phone"] = f.facts.count("phone") ? 1.0 : 0.0;
  a["has_school"] = f.facts.count("school") ? 1.0 : 0.0;
  return a;
}

}  // namespace qunying::scoring
