#include "scoring/lead_store.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>

namespace qunying::scoring {
namespace {

// Appends `s` with backslash, tab and newline escaped, copying the runs
// between escapes whole rather than a character at a time (every lead's
// texts are written this way on a pass after new rules).
void AppendEscaped(std::string& out, std::string_view s) {
  const char* run = s.data();
  const char* end = s.data() + s.size();
  for (const char* p = run; p != end; ++p) {
    char c = *p;
    if (c != '\\' && c != '\t' && c != '\n') continue;
    out.append(run, p);
    out += c == '\\' ? "\\\\" : c == '\t' ? "\\t" : "\\n";
    run = p + 1;
  }
  out.append(run, end);
}

// The shortest text that reads back as the same double.
void AppendNumber(std::string& out, double d) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  out.append(buf, ec == std::errc() ? end : buf);
}

// One attribute's line: name, kind ("n" number, "s" text, "-" missing)
// and value, tab-separated.
void AppendAttribute(std::string& out, std::string_view name,
                     const AttrValue& v) {
  AppendEscaped(out, name);
  if (const auto* d = std::get_if<double>(&v)) {
    out += "\tn\t";
    AppendNumber(out, *d);
  } else if (const auto* t = std::get_if<std::string>(&v)) {
    out += "\ts\t";
    AppendEscaped(out, *t);
  } else {
    out += "\t-\t";
  }
  out += '\n';
}

}  // namespace

bool IsLeadStatus(const std::string& s) {
  for (const char* k : kLeadStatuses)
    if (s == k) return true;
  return false;
}

std::string EncodeAttributes(const Attributes& a) {
  std::string out;
  out.reserve(a.size() * 24);
  for (const auto& [name, v] : a) AppendAttribute(out, name, v);
  return out;
}

std::string AttributesText(const MemberFeatures& f, const ScoringRules& rules) {
  std::string out;
  out.reserve(384);
  ForEachAttribute(f, rules, [&](const AttributeView& v) {
    if (v.name == kIntentInput) return;  // Kept in the lead's row.
    AppendAttribute(out, v.name,
                    v.text ? AttrValue(*v.text) : AttrValue(v.number));
  });
  return out;
}

void AppendIntentInput(std::string& text, double intent) {
  AppendAttribute(text, kIntentInput, AttrValue(intent));
}

Attributes DecodeAttributes(std::string_view text) {
  Attributes a;
  EscapedLineReader lines(text, 3);  // Name, kind, value.
  while (lines.Next()) {
    AttrValue& v = a[std::string(lines.field(0))];
    if (lines.field(1) == "n")
      v = ReadNumber(lines.field(2));
    else if (lines.field(1) == "s")
      v = std::string(lines.field(2));
    else
      v = std::monostate{};
  }
  return a;
}

std::string EncodeFactors(std::span<const PointsFactor> factors) {
  std::string out;
  size_t size = 0;
  for (const auto& f : factors)
    size +=
        f.part.size() + f.name.size() + f.value.size() + f.label.size() + 32;
  out.reserve(size);
  for (const auto& f : factors) {
    for (const std::string* part : {&f.part, &f.name, &f.value, &f.label}) {
      AppendEscaped(out, *part);
      out += '\t';
    }
    AppendNumber(out, f.points);
    out += '\n';
  }
  return out;
}

int64_t ScoreDigest(const PointsScore& p, uint64_t content) {
  uint64_t h = 0x2545F4914F6CDD1DULL;
  auto mix = [&](uint64_t w) {
    h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 29;
  };
  // The parts, not the total or tier: those follow from the parts by the
  // formula in force, which the row does not hold (score_formula.h).
  for (double v : {p.fit, p.engagement, p.intent}) {
    uint64_t w;
    std::memcpy(&w, &v, 8);
    mix(w);
  }
  mix(content);
  return static_cast<int64_t>(h);
}

namespace {
void AppendDecoded(std::string_view text, std::vector<PointsFactor>& out) {
  EscapedLineReader lines(text, 5);  // Part, name, value, label, points.
  while (lines.Next()) {
    out.push_back({std::string(lines.field(0)), std::string(lines.field(1)),
                   std::string(lines.field(2)), std::string(lines.field(3)),
                   ReadNumber(lines.field(4))});
  }
}

// Ties keep ScorePoints' order of the parts: fit, engagement, intent.
int PartRank(const PointsFactor& f) {
  if (f.part == "fit") return 0;
  if (f.part == "engagement") return 1;
  return f.part == "intent" ? 2 : 3;
}
}  // namespace

std::vector<PointsFactor> DecodeFactors(std::string_view text) {
  std::vector<PointsFactor> out;
  AppendDecoded(text, out);
  return out;
}

StoredFactors SplitFactors(std::span<const PointsFactor> factors) {
  std::vector<PointsFactor> fit, intent, engagement;
  for (const PointsFactor& f : factors) {
    (f.part == "fit"      ? fit
     : f.part == "intent" ? intent
                          : engagement)
        .push_back(f);
  }
  return {EncodeFactors(fit), EncodeFactors(intent), EncodeFactors(engagement)};
}

std::vector<PointsFactor> JoinFactors(
    std::initializer_list<std::string_view> texts) {
  std::vector<PointsFactor> out;
  for (std::string_view text : texts) AppendDecoded(text, out);
  // Each part is in ScorePoints' order already, and all in one text: a
  // stable sort by size, then part, puts them back in its order.
  std::stable_sort(out.begin(), out.end(),
                   [](const PointsFactor& a, const PointsFactor& b) {
                     const double x = std::abs(a.points);
                     const double y = std::abs(b.points);
                     if (x != y) return x > y;
                     return PartRank(a) < PartRank(b);
                   });
  return out;
}

int64_t FactorsDigest(std::string_view factors) {
  if (factors.empty()) return 0;
  const uint64_t h = HashText(0x9E3779B97F4A7C15ULL, factors);
  return static_cast<int64_t>(h == 0 ? 1 : h);
}

int64_t TextsDigest(std::string_view attributes, std::string_view factors) {
  return static_cast<int64_t>(
      HashText(HashText(0xCBF29CE484222325ULL, attributes), factors));
}

}  // namespace qunying::scoring
