#include "community/chinese_variants.h"

#include <opencc/opencc.h>

#include <string>
#include <vector>

namespace qunying::community {
namespace {

constexpr char32_t kFirst = 0x4E00, kLast = 0x9FFF;

std::string Utf8(char32_t c) {
  std::string s;
  s += static_cast<char>(0xE0 | (c >> 12));
  s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
  s += static_cast<char>(0x80 | (c & 0x3F));
  return s;
}

// Decodes a string that holds exactly one 3-byte UTF-8 character; 0 if not.
char32_t Single(const std::string& s) {
  if (s.size() != 3 || (static_cast<unsigned char>(s[0]) & 0xF0) != 0xE0)
    return 0;
  return ((s[0] & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
}

struct Table {
  std::vector<char32_t> map;  // Index c - kFirst; 0 = unchanged.
  bool loaded = false;
};

const Table& GetTable() {
  static const Table table = [] {
    Table t;
    t.map.assign(kLast - kFirst + 1, 0);
    try {
      opencc::SimpleConverter converter("t2s.json");
      // Convert the whole block in one call: characters are independent.
      std::string all;
      all.reserve((kLast - kFirst + 1) * 4);
      for (char32_t c = kFirst; c <= kLast; ++c) all += Utf8(c) + "\n";
      std::string out = converter.Convert(all);
      size_t pos = 0;
      for (char32_t c = kFirst; c <= kLast && pos < out.size(); ++c) {
        size_t nl = out.find('\n', pos);
        if (nl == std::string::npos) break;
        char32_t s = Single(out.substr(pos, nl - pos));
        if (s && s != c) t.map[c - kFirst] = s;
        pos = nl + 1;
      }
      t.loaded = true;
    } catch (...) {
      // No OpenCC data: leave characters as they are.
    }
    return t;
  }();
  return table;
}

}  // namespace

char32_t ToSimplified(char32_t c) {
  if (c < kFirst || c > kLast) return c;
  char32_t s = GetTable().map[c - kFirst];
  return s ? s : c;
}

bool SimplifiedTableLoaded() { return GetTable().loaded; }

}  // namespace qunying::community
