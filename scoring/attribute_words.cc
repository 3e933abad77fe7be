#include "scoring/attribute_words.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace qunying::scoring {
namespace {

enum class Kind {
  kCount,    // "<before><n><after>", n rounded.
  kPercent,  // "<before><n·100>%".
  kFact,     // "<noun>：<value>".
  kFlag,     // <before> when 1, <after> when 0.
};

struct Words {
  std::string_view name, noun;
  Kind kind;
  std::string_view before, after;
  std::string_view missing;  // When the value is missing.
};

// Every input ForEachAttribute writes (attribute_words_test checks it).
constexpr Words kWords[] = {
    {"campaigns", "报名期数", Kind::kCount, "报名 ", " 期", "没有报名"},
    {"checkins", "本期打卡次数", Kind::kCount, "本期打卡 ", " 次", ""},
    {"city", "城市", Kind::kFact, "", "", "城市未知"},
    {"completion_rate", "打卡完成率", Kind::kPercent, "打卡完成率 ", "", ""},
    {"content_reads_30d", "近 30 天阅读内容", Kind::kCount, "近 30 天阅读内容 ",
     " 次", ""},
    {"dwell_min_30d", "近 30 天小程序停留", Kind::kCount, "近 30 天小程序停留 ",
     " 分钟", ""},
    {"grade", "年级", Kind::kFact, "", "", "年级未知"},
    {"has_phone", "手机号", Kind::kFlag, "留有手机号", "没有手机号", ""},
    {"has_school", "学校", Kind::kFlag, "学校已知", "学校未知", ""},
    {"intent", "意向词", Kind::kCount, "说过的意向词合计 ", " 分", ""},
    {"longest_streak", "最长连续打卡", Kind::kCount, "最长连续打卡 ", " 天",
     ""},
    {"makeups", "补卡次数", Kind::kCount, "本期补卡 ", " 次", ""},
    {"occupation", "职业", Kind::kFact, "", "", "职业未知"},
    {"paid_yuan", "累计付费", Kind::kCount, "累计付费 ", " 元", ""},
    {"recency_days", "距上次活跃", Kind::kCount, "距上次活跃 ", " 天",
     "从未打卡或浏览"},
};

const Words* Find(std::string_view name) {
  for (const Words& w : kWords)
    if (w.name == name) return &w;
  return nullptr;
}

// The number in `value`, or NaN when it is not one.
double Number(std::string_view value) {
  std::string text(value);
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  return !text.empty() && end && *end == '\0' ? v : std::nan("");
}

std::string Rounded(double v) {
  double r = std::round(v);
  if (r == 0) r = 0;  // Not "-0".
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", r);
  return buf;
}

}  // namespace

std::string_view AttributeNoun(std::string_view name) {
  const Words* w = Find(name);
  return w ? w->noun : std::string_view();
}

std::string AttributeInWords(std::string_view name, std::string_view value) {
  const Words* w = Find(name);
  if (!w) return "";
  if (value.empty()) {
    if (!w->missing.empty()) return std::string(w->missing);
    return std::string(w->noun) + "未知";
  }
  if (w->kind == Kind::kFact)
    return std::string(w->noun) + "：" + std::string(value);
  double v = Number(value);
  if (std::isnan(v)) return std::string(w->noun) + "：" + std::string(value);
  switch (w->kind) {
    case Kind::kFlag:
      return std::string(v != 0 ? w->before : w->after);
    case Kind::kPercent:
      return std::string(w->before) + Rounded(v * 100) + "%";
    default:
      return std::string(w->before) + Rounded(v) + std::string(w->after);
  }
}

}  // namespace qunying::scoring
