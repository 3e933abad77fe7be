#include "community/nickname.h"

#include "community/chinese_variants.h"

#include <cstdint>
#include <vector>

namespace qunying::community {
namespace {

// Decodes well-formed-enough UTF-8 into code points (bad bytes are dropped).
std::vector<char32_t> Decode(std::string_view s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<uint8_t>(s[i]);
    int len = c < 0x80             ? 1
              : (c & 0xE0) == 0xC0 ? 2
              : (c & 0xF0) == 0xE0 ? 3
              : (c & 0xF8) == 0xF0 ? 4
                                   : 0;
    if (len == 0 || i + len > s.size()) {
      ++i;
      continue;
    }
    char32_t cp = len == 1 ? c : c & (0xFF >> (len + 1));
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

void Append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool IsHan(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0xF900 && c <= 0xFAFF);
}
bool IsAsciiAlnum(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}
bool IsSeparator(char32_t c) {
  return c == '-' || c == '_' || c == ' ' || c == '/' || c == '|' ||
         c == 0xB7 || c == 0x2014 || c == 0x2013 || c == 0x30FB;
}
char32_t ClosingBracket(char32_t c) {
  switch (c) {
    case '(':
      return ')';
    case '[':
      return ']';
    case '<':
      return '>';
    case '{':
      return '}';
    case 0x3010:
      return 0x3011;  // 【】
    case 0x300C:
      return 0x300D;  // 「」
    case 0x300E:
      return 0x300F;  // 『』
    case 0x3008:
      return 0x3009;  // 〈〉
    case 0x300A:
      return 0x300B;  // 《》
    default:
      return 0;
  }
}
// Kept characters: letters, digits, Han, kana, hangul; brackets and
// separators survive until the tag passes. Everything else — emoji,
// pictographs, dingbats, punctuation, variation selectors — is dropped.
bool IsKept(char32_t c) {
  return IsAsciiAlnum(c) || IsHan(c) || IsSeparator(c) ||
         ClosingBracket(c) != 0 || c == ')' || c == ']' || c == '>' ||
         c == '}' || (c >= 0x3009 && c <= 0x3011 && c != 0x3010) ||
         (c >= 0x3040 && c <= 0x30FF && c != 0x30FB) ||
         (c >= 0xAC00 && c <= 0xD7AF) ||
         (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);
}

// Full-width forms to ASCII, ideographic space to space, lower-case,
// traditional Han characters to simplified.
char32_t Fold(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
  if (c >= 0x4E00 && c <= 0x9FFF) return ToSimplified(c);
  if (c == 0x3000) c = ' ';
  if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
  return c;
}

bool IsBracket(char32_t c) {
  return ClosingBracket(c) != 0 || c == ')' || c == ']' || c == '>' ||
         c == '}' || (c >= 0x3009 && c <= 0x3011);
}

std::vector<char32_t> WithoutBrackets(const std::vector<char32_t>& in) {
  std::vector<char32_t> out;
  for (char32_t c : in) {
    if (!IsBracket(c)) out.push_back(c);
  }
  return out;
}

// Drops "(…)" tags; when that would leave nothing, keeps the inside.
std::vector<char32_t> StripBracketTags(const std::vector<char32_t>& in) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < in.size(); ++i) {
    char32_t close = ClosingBracket(in[i]);
    if (close) {
      size_t j = i + 1;
      while (j < in.size() && in[j] != close) ++j;
      if (j < in.size()) {
        i = j;
        continue;
      }
    }
    out.push_back(in[i]);
  }
  out = WithoutBrackets(out);
  bool meaningful = false;
  for (char32_t c : out) meaningful = meaningful || !IsSeparator(c);
  return meaningful ? out : WithoutBrackets(in);
}

std::vector<char32_t> StripSeparatorTag(const std::vector<char32_t>& in) {
  int han = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    if (IsSeparator(in[i]) && han >= 2) {
      return std::vector<char32_t>(in.begin(), in.begin() + i);
    }
    han += IsHan(in[i]);
  }
  return in;
}

std::vector<char32_t> StripSortPrefix(const std::vector<char32_t>& in) {
  size_t i = 0;
  while (i < in.size() && (IsSeparator(in[i]))) ++i;
  size_t j = i;
  while (j < in.size() && IsAsciiAlnum(in[j]) && j - i < 4) ++j;
  if (j > i && j - i <= 3 && j < in.size() && IsHan(in[j])) i = j;
  while (i < in.size() && IsSeparator(in[i])) ++i;
  return std::vector<char32_t>(in.begin() + i, in.end());
}

}  // namespace

std::string NormalizeNickname(std::string_view nickname) {
  std::vector<char32_t> cps;
  for (char32_t c : Decode(nickname)) {
    c = Fold(c);
    if (IsKept(c)) cps.push_back(c);
  }
  cps = StripBracketTags(cps);
  cps = StripSortPrefix(cps);
  cps = StripSeparatorTag(cps);
  std::string out;
  for (char32_t c : cps) {
    if (!IsSeparator(c)) Append(out, c);
  }
  return out;
}

}  // namespace qunying::community
