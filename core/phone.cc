#include "core/phone.h"

#include <vector>

namespace qunying {
namespace {

// A run of digits and '*' in the text: [begin, end). A run holding a '*'
// (a number masked already) is no phone, but still counts in a written
// number's length, so that masking again finds nothing new.
struct Run {
  size_t begin, end;
  bool clean;  // Digits only.
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool InRun(char c) { return IsDigit(c) || c == '*'; }

std::vector<Run> Runs(std::string_view text) {
  std::vector<Run> runs;
  for (size_t at = 0; at < text.size();) {
    if (!InRun(text[at])) {
      ++at;
      continue;
    }
    Run run{at, at, true};
    for (; run.end < text.size() && InRun(text[run.end]); ++run.end)
      run.clean = run.clean && text[run.end] != '*';
    runs.push_back(run);
    at = run.end;
  }
  return runs;
}

// Runs joined by 1–3 spaces or dashes belong to one written number.
bool Joined(std::string_view text, const Run& a, const Run& b) {
  size_t gap = b.begin - a.end;
  if (gap < 1 || gap > 3) return false;
  for (size_t at = a.end; at < b.begin; ++at) {
    if (text[at] != ' ' && text[at] != '-') return false;
  }
  return true;
}

// Adds runs[i..j] to `out` if their digits are a mobile number, as
// NormalizeMobile reads one (11 digits, or 13 starting with 86).
void AddIfMobile(std::string_view text, const std::vector<Run>& runs, size_t i,
                 size_t j, bool whole, std::vector<MobileInText>* out) {
  std::string digits;
  for (size_t r = i; r <= j; ++r) {
    if (!runs[r].clean) return;
    digits.append(text.substr(runs[r].begin, runs[r].end - runs[r].begin));
  }
  auto phone = NormalizeMobile(digits);  // Drops a leading 86.
  if (!phone.ok()) return;
  out->push_back({runs[i].begin, runs[j].end, std::move(*phone), whole});
}

}  // namespace

bool IsMainlandMobile(std::string_view d) {
  if (d.size() != 11 || d[0] != '1') return false;
  for (char c : d) {
    if (c < '0' || c > '9') return false;
  }
  char b = d[1], c = d[2];
  switch (b) {
    case '3':
    case '8':
      return true;
    case '4':
      return c == '5' || c == '7' || c == '9';
    case '5':
      return c != '4';
    case '6':
      return c == '2' || c == '5' || c == '6' || c == '7';
    case '7':
      return c != '9';
    case '9':
      return c != '4';
    default:
      return false;
  }
}

Result<std::string> NormalizeMobile(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c != ' ' && c != '-' && c != '+') digits += c;
  }
  if (digits.size() == 13 && digits.compare(0, 2, "86") == 0)
    digits.erase(0, 2);
  if (!IsMainlandMobile(digits)) {
    return Status::InvalidArgument(
        "is not a mainland mobile number (11 digits, such as 13812345678)");
  }
  return digits;
}

std::vector<MobileInText> FindMobilesInText(std::string_view text) {
  std::vector<Run> runs = Runs(text);
  std::vector<MobileInText> out;
  for (size_t first = 0; first < runs.size();) {
    size_t last = first;
    while (last + 1 < runs.size() && Joined(text, runs[last], runs[last + 1]))
      ++last;
    // Every way of reading the joined runs as one number.
    for (size_t i = first; i <= last; ++i) {
      size_t length = 0;
      for (size_t j = i; j <= last && length < 13; ++j) {
        length += runs[j].end - runs[j].begin;
        if (length == 11 || length == 13)
          AddIfMobile(text, runs, i, j, i == first && j == last, &out);
      }
    }
    first = last + 1;
  }
  return out;
}

std::string MaskMobilesInText(std::string_view text) {
  std::string out(text);
  // Overlapping readings ("13891234 138 1234 5678") are all masked: more
  // is masked rather than a phone left whole.
  for (const MobileInText& m : FindMobilesInText(text)) {
    size_t digits = 0;
    for (size_t at = m.begin; at < m.end; ++at) digits += IsDigit(text[at]);
    size_t skip = digits - 11;  // A leading 86.
    size_t n = 0;
    for (size_t at = m.begin; at < m.end; ++at) {
      if (!IsDigit(text[at])) continue;
      if (n >= skip + 3 && n < skip + 7) out[at] = '*';
      ++n;
    }
  }
  return out;
}

}  // namespace qunying
