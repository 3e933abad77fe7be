#include "ocr/ocr_eval.h"

#include <algorithm>
#include <set>

namespace qunying::ocr {
namespace {

// Code points of well-formed-enough UTF-8, without whitespace.
std::vector<char32_t> CodePoints(const std::string& s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : c & (0x3F >> (n - 1));
    for (int k = 1; k < n && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += n;
    if (cp == ' ' || cp == '\n' || cp == '\t' || cp == '\r' || cp == 0x3000)
      continue;
    out.push_back(cp);
  }
  return out;
}

}  // namespace

CharErrors CountCharErrors(const std::string& truth, const std::string& got) {
  std::vector<char32_t> a = CodePoints(truth), b = CodePoints(got);
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1,
                         prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return {prev[b.size()], a.size()};
}

double FieldScore::Precision() const {
  int n = true_pos + false_pos;
  return n ? static_cast<double>(true_pos) / n : 1.0;
}

double FieldScore::Recall() const {
  int n = true_pos + false_neg;
  return n ? static_cast<double>(true_pos) / n : 1.0;
}

double FieldScore::F1() const {
  double p = Precision(), r = Recall();
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

void HintScore::Add(const std::vector<TruthHint>& truth,
                    const std::vector<Hint>& got) {
  std::set<std::pair<std::string, std::string>> want, have;
  for (const auto& t : truth) want.insert({t.field, t.value});
  for (const auto& h : got) have.insert({h.field, h.value});
  for (const auto& h : have) {
    FieldScore& f = fields_[h.first];
    want.count(h) ? ++f.true_pos : ++f.false_pos;
  }
  for (const auto& t : want) {
    if (!have.count(t)) ++fields_[t.first].false_neg;
  }
}

FieldScore HintScore::Overall() const {
  FieldScore all;
  for (const auto& [name, f] : fields_) {
    all.true_pos += f.true_pos;
    all.false_pos += f.false_pos;
    all.false_neg += f.false_neg;
  }
  return all;
}

}  // namespace qunying::ocr
