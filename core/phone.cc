#include "core/phone.h"

#include <vector>

namespace qunying {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A run of digits in the text: [begin, end).
struct DigitRun {
  size_t begin, end;
};

// Masks the phone among runs[first..last], whose digits are `digits`, if it
// is one (11 digits, or 13 starting with 86); true if it did.
bool MaskIfMobile(const std::vector<DigitRun>& runs, size_t first, size_t last,
                  const std::string& digits, std::string* text) {
  size_t skip = 0;
  if (digits.size() == 13 && digits.compare(0, 2, "86") == 0) skip = 2;
  if (!IsMainlandMobile(std::string_view(digits).substr(skip))) return false;
  // Digits skip+3 … skip+6 of the chain become '*'.
  size_t n = 0;
  for (size_t r = first; r <= last; ++r) {
    for (size_t at = runs[r].begin; at < runs[r].end; ++at, ++n) {
      if (n >= skip + 3 && n < skip + 7) (*text)[at] = '*';
    }
  }
  return true;
}

// Runs joined by 1–3 spaces or dashes belong to one written number.
bool Joined(std::string_view text, const DigitRun& a, const DigitRun& b) {
  size_t gap = b.begin - a.end;
  if (gap < 1 || gap > 3) return false;
  for (size_t at = a.end; at < b.begin; ++at) {
    if (text[at] != ' ' && text[at] != '-') return false;
  }
  return true;
}

// Finds the phones in one chain of joined runs: from each run on, the runs
// whose digits add up to 11 or 13.
void MaskChain(const std::vector<DigitRun>& runs, size_t first, size_t last,
               std::string_view original, std::string* text) {
  for (size_t i = first; i <= last; ++i) {
    std::string digits;
    for (size_t j = i; j <= last && digits.size() < 13; ++j) {
      digits.append(
          original.substr(runs[j].begin, runs[j].end - runs[j].begin));
      if ((digits.size() == 11 || digits.size() == 13) &&
          MaskIfMobile(runs, i, j, digits, text)) {
        i = j;
        break;
      }
    }
  }
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

std::string MaskMobilesInText(std::string_view text) {
  std::vector<DigitRun> runs;
  for (size_t at = 0; at < text.size();) {
    if (!IsDigit(text[at])) {
      ++at;
      continue;
    }
    size_t end = at;
    while (end < text.size() && IsDigit(text[end])) ++end;
    runs.push_back({at, end});
    at = end;
  }
  std::string out(text);
  for (size_t first = 0; first < runs.size();) {
    size_t last = first;
    while (last + 1 < runs.size() && Joined(text, runs[last], runs[last + 1]))
      ++last;
    MaskChain(runs, first, last, text, &out);
    first = last + 1;
  }
  return out;
}

}  // namespace qunying
