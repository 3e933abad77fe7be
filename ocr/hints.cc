#include "ocr/hints.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>

#include "ocr/gazetteer.h"

namespace qunying::ocr {
namespace {

constexpr const char* kHanDigits[] = {"一", "二", "三", "四", "五",
                                      "六", "七", "八", "九"};
constexpr const char* kPrimary[] = {"一年级", "二年级", "三年级",
                                    "四年级", "五年级", "六年级"};

// Occupation words as written → canonical.
const std::vector<std::pair<std::string, std::string>>& Occupations() {
  static const std::vector<std::pair<std::string, std::string>> kWords = {
      {"小学老师", "教师"}, {"中学老师", "教师"}, {"老师", "教师"},
      {"教师", "教师"},     {"护士", "护士"},     {"医生", "医生"},
      {"工程师", "工程师"}, {"程序员", "程序员"}, {"会计", "会计"},
      {"律师", "律师"},     {"公务员", "公务员"}, {"设计师", "设计师"},
      {"警察", "警察"},     {"销售", "销售"},     {"厨师", "厨师"},
      {"司机", "司机"},
  };
  return kWords;
}

bool IsHanLead(unsigned char c) { return c >= 0xE4 && c <= 0xE9; }

// Words that end the text before an institution's name: "我在", "就读于",
// "是" … The name starts after the last of them.
constexpr const char* kNameBreaks[] = {"在", "于", "是", "的", "到", "去"};

// The name that ends right before `end`: a run of Han characters (3-byte
// UTF-8) and digits ("第101中学"), at most `max_chars` long, starting after
// the last word that introduces it.
std::string NameBefore(const std::string& s, size_t end, size_t max_chars) {
  size_t start = end;
  size_t n = 0;
  while (start > 0 && n < max_chars) {
    if (start >= 3 && IsHanLead(static_cast<unsigned char>(s[start - 3]))) {
      start -= 3;
    } else if (std::isdigit(static_cast<unsigned char>(s[start - 1]))) {
      start -= 1;
    } else {
      break;
    }
    ++n;
  }
  std::string name = s.substr(start, end - start);
  size_t cut = 0;
  for (const char* w : kNameBreaks) {
    size_t pos = name.rfind(w);
    if (pos != std::string::npos) cut = std::max(cut, pos + 3);
  }
  return name.substr(cut);
}

std::string Strip(std::string s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\t') out += c;
  }
  return out;
}

// Drops a leading "XX市" / "XX区" / "XX县" part from an institution name.
std::string WithoutPlace(const std::string& name) {
  size_t cut = 0;
  for (const char* marker : {"市", "区", "县", "省"}) {
    size_t pos = name.rfind(marker);
    if (pos != std::string::npos && pos + 3 < name.size() - 6)
      cut = std::max(cut, pos + 3);
  }
  return name.substr(cut);
}

void Add(std::vector<Hint>& hints, std::string field, std::string value,
         double strength, const OcrLine& line, int index) {
  hints.push_back({std::move(field), std::move(value),
                   std::clamp(line.confidence / 100.0, 0.0, 1.0) * strength,
                   index});
}

// The grade's number written right before `pos` (where 年 starts): one
// digit, or else the character there ("三"), for CanonicalGrade to judge.
std::string GradeNumberBefore(const std::string& s, size_t pos) {
  if (pos >= 1 && std::isdigit(static_cast<unsigned char>(s[pos - 1])))
    return s.substr(pos - 1, 1);
  return pos >= 3 ? s.substr(pos - 3, 3) : "";
}

// The length of a class number in brackets at `pos` ("(2)", "（2）",
// "【2]": OCR mixes the kinds), or 0.
size_t ClassNumberAt(const std::string& s, size_t pos) {
  auto bracket = [&](size_t at, std::initializer_list<const char*> kinds) {
    for (const char* k : kinds) {
      if (s.compare(at, std::strlen(k), k) == 0) return std::strlen(k);
    }
    return size_t{0};
  };
  size_t open = bracket(pos, {"(", "[", "（", "【"});
  if (open == 0) return 0;
  size_t d = pos + open, end = d;
  while (end < s.size() && end - d < 3 &&
         std::isdigit(static_cast<unsigned char>(s[end])))
    ++end;
  if (end == d || end - d > 2) return 0;
  size_t close = bracket(end, {")", "]", "）", "】"});
  return close == 0 ? 0 : end + close - pos;
}

// Weakly, "三年猎(2)班" where OCR misread 级: a numeral, 年, one other
// Chinese character, then a class number in brackets.
void FindMisreadGrades(const std::string& s, const OcrLine& line, int i,
                       std::vector<Hint>& out) {
  for (size_t pos = s.find("年"); pos != std::string::npos;
       pos = s.find("年", pos + 3)) {
    if (pos + 6 > s.size() ||
        !IsHanLead(static_cast<unsigned char>(s[pos + 3])) ||
        ClassNumberAt(s, pos + 6) == 0) {
      continue;
    }
    // 级 itself, or a word that makes the years a duration or a time.
    static const std::string kNotMisreadJi[] = {
        "级", "了", "多", "来", "前", "后", "的", "半", "里", "内", "间", "中"};
    std::string next = s.substr(pos + 3, 3);
    if (std::find(std::begin(kNotMisreadJi), std::end(kNotMisreadJi), next) !=
        std::end(kNotMisreadJi)) {
      continue;
    }
    std::string g = CanonicalGrade(GradeNumberBefore(s, pos) + "年级");
    if (!g.empty()) Add(out, "grade", g, 0.5, line, i);
  }
}

// Whether 初一…初三 or 高一…高三 at `pos` is a day of a lunar month (大年初一,
// 正月初二) or a degree (声音高一点, 高一些) rather than a grade.
bool IsDateOrDegree(const std::string& s, size_t pos) {
  if (pos >= 3 &&
      (s.compare(pos - 3, 3, "年") == 0 || s.compare(pos - 3, 3, "月") == 0)) {
    return true;
  }
  for (const char* after : {"点", "些", "倍", "度"}) {
    if (s.compare(pos + 6, 3, after) == 0) return true;
  }
  return false;
}

void FindGrades(const std::string& s, const OcrLine& line, int i,
                std::vector<Hint>& out) {
  for (size_t pos = s.find("年级"); pos != std::string::npos;
       pos = s.find("年级", pos + 6)) {
    std::string g = CanonicalGrade(GradeNumberBefore(s, pos) + "年级");
    if (!g.empty()) Add(out, "grade", g, 0.95, line, i);
  }
  for (const char* stage : {"初", "高"}) {
    for (size_t pos = s.find(stage); pos != std::string::npos;
         pos = s.find(stage, pos + 3)) {
      std::string g = CanonicalGrade(s.substr(pos, 6));
      if (g.empty() || IsDateOrDegree(s, pos)) continue;
      Add(out, "grade", g, 0.8, line, i);
    }
  }
  for (const char* k : {"小班", "中班", "大班"}) {
    if (s.find(k) != std::string::npos) Add(out, "grade", k, 0.7, line, i);
  }
  FindMisreadGrades(s, line, i, out);
  std::string lower = s;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  size_t gpos = lower.find("grade");
  if (gpos != std::string::npos) {
    size_t d = gpos + 5;
    while (d < lower.size() && lower[d] == ' ') ++d;
    if (d < lower.size() && lower[d] >= '1' && lower[d] <= '9') {
      std::string g = CanonicalGrade(std::string(1, lower[d]) + "年级");
      if (!g.empty()) Add(out, "grade", g, 0.85, line, i);
    }
  }
}

void FindPhones(const std::string& s, const OcrLine& line, int i,
                std::vector<Hint>& out) {
  // Only a number that takes all the digit groups written together: "138
  // 1234 5678", "135- 6258-2256", "+86 138…" (core/phone.h).
  for (const MobileInText& m : FindMobilesInText(s)) {
    if (m.whole) Add(out, "phone", m.digits, 0.98, line, i);
  }
}

// A school's or company's name is whatever characters precede its suffix,
// checked against no list, so from an unsure line it is more often garbled
// than right: on the OCR bench's photos, garbled names (左江只春史小学)
// came from lines at 43-51 confidence, right ones from 73 up.
constexpr double kMinNameLineConfidence = 60;

void FindSuffixed(const std::string& s, const OcrLine& line, int i,
                  const char* field,
                  std::initializer_list<const char*> suffixes, double strength,
                  std::vector<Hint>& out) {
  if (line.confidence < kMinNameLineConfidence) return;
  for (const char* suffix : suffixes) {
    size_t len = std::string(suffix).size();
    for (size_t pos = s.find(suffix); pos != std::string::npos;
         pos = s.find(suffix, pos + len)) {
      std::string name = NameBefore(s, pos, 14);
      if (name.size() < 6) continue;  // At least two characters before it.
      Add(out, field, WithoutPlace(name + suffix), strength, line, i);
    }
  }
}

}  // namespace

std::string CanonicalGrade(const std::string& phrase) {
  std::string p = Strip(phrase);
  for (const char* k : {"小班", "中班", "大班"})
    if (p == k) return p;
  for (int n = 1; n <= 9; ++n) {
    std::string han = std::string(kHanDigits[n - 1]) + "年级";
    std::string arabic = std::to_string(n) + "年级";
    if (p == han || p == arabic) {
      if (n <= 6) return kPrimary[n - 1];
      return std::string("初") + kHanDigits[n - 7];
    }
  }
  for (const char* stage : {"初", "高"}) {
    for (int n = 1; n <= 3; ++n) {
      if (p == std::string(stage) + kHanDigits[n - 1] ||
          p == std::string(stage) + std::to_string(n)) {
        return std::string(stage) + kHanDigits[n - 1];
      }
    }
  }
  return "";
}

// "N岁"; and, weakly, "今年N?了" where OCR misread 岁 (孩子今年8凤了),
// unless the misread character is a unit that makes it a date or a count,
// or "今年N了" where 岁 was lost or left out (孩子今年9了).
void FindAges(const std::string& s, const OcrLine& line, int i,
              std::vector<Hint>& out) {
  auto digits_before = [&](size_t pos) {
    size_t start = pos;
    while (start > 0 && std::isdigit(static_cast<unsigned char>(s[start - 1])))
      --start;
    return start;
  };
  for (size_t pos = s.find("岁"); pos != std::string::npos;
       pos = s.find("岁", pos + 3)) {
    size_t start = digits_before(pos);
    if (start < pos && pos - start <= 2)
      Add(out, "age", s.substr(start, pos - start), 0.8, line, i);
  }
  static const std::vector<std::string> kUnits = {
      "岁", "月", "天", "年", "次", "本", "个", "点", "号", "周", "级", "期"};
  for (size_t pos = s.find("今年"); pos != std::string::npos;
       pos = s.find("今年", pos + 6)) {
    size_t d = pos + 6, end = d;
    while (end < s.size() && end - d < 3 &&
           std::isdigit(static_cast<unsigned char>(s[end])))
      ++end;
    if (end == d || end - d > 2) continue;
    // 了 right after the number, or after one character that is not a unit.
    size_t le = end;
    if (s.compare(le, 3, "了") != 0 && le + 3 <= s.size() &&
        IsHanLead(static_cast<unsigned char>(s[le])) &&
        std::find(kUnits.begin(), kUnits.end(), s.substr(le, 3)) ==
            kUnits.end()) {
      le += 3;
    }
    if (s.compare(le, 3, "了") == 0)
      Add(out, "age", s.substr(d, end - d), 0.5, line, i);
  }
}

std::vector<Hint> ExtractHints(const OcrText& text) {
  std::vector<Hint> all;
  for (size_t i = 0; i < text.lines.size(); ++i) {
    const OcrLine& line = text.lines[i];
    std::string s = Strip(line.text);
    int idx = static_cast<int>(i);
    FindGrades(s, line, idx, all);
    FindPhones(line.text, line, idx, all);
    FindSuffixed(s, line, idx, "school",
                 {"小学", "中学", "幼儿园", "附小", "附中", "学校"}, 0.9, all);
    FindSuffixed(s, line, idx, "company",
                 {"有限公司", "银行", "医院", "事务所"}, 0.85, all);
    for (const PlaceMatch& m : Gazetteer::Default().Find(s))
      Add(all, m.field, m.value, m.strength, line, idx);
    FindAges(s, line, idx, all);
    // One occupation per line: the first named ("我是一名公务员，在…会计师
    // 事务所" is a civil servant), the longest word where several start there.
    size_t best_pos = std::string::npos, best_len = 0;
    const std::string* best = nullptr;
    for (const auto& [word, canonical] : Occupations()) {
      size_t pos = s.find(word);
      if (pos == std::string::npos) continue;
      if (pos < best_pos || (pos == best_pos && word.size() > best_len)) {
        best_pos = pos;
        best_len = word.size();
        best = &canonical;
      }
    }
    if (best) {
      bool self = s.find("我是") != std::string::npos ||
                  s.find("职业") != std::string::npos ||
                  s.find("一名") != std::string::npos;
      Add(all, "occupation", *best, self ? 0.85 : 0.5, line, idx);
    }
  }
  // Merge duplicates (same field and value): keep the strongest.
  std::map<std::pair<std::string, std::string>, Hint> best;
  for (auto& h : all) {
    auto key = std::make_pair(h.field, h.value);
    auto it = best.find(key);
    if (it == best.end() || h.confidence > it->second.confidence) best[key] = h;
  }
  std::vector<Hint> out;
  for (auto& [key, h] : best) out.push_back(h);
  std::sort(out.begin(), out.end(), [](const Hint& a, const Hint& b) {
    return a.field != b.field ? a.field < b.field : a.confidence > b.confidence;
  });
  return out;
}

std::vector<Hint> HintsInTypedText(const std::string& text) {
  OcrText lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.lines.push_back(
        {text.substr(start, end - start), kTypedLineConfidence});
    start = end + 1;
  }
  std::vector<Hint> hints = ExtractHints(lines);
  constexpr double kLine = kTypedLineConfidence / 100.0;
  std::erase_if(hints, [&](const Hint& h) {
    return h.confidence < kMinTypedStrength * kLine - 1e-9;
  });
  return hints;
}

}  // namespace qunying::ocr
