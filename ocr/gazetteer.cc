#include "ocr/gazetteer.h"

#include <algorithm>
#include <map>
#include <set>

namespace qunying::ocr {

extern const char kGazetteerTsv[];  // Generated from data/gazetteer_cn.tsv.

namespace {

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t end = s.find(sep, start);
    out.emplace_back(s.substr(start, end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

// Also false past the end: std::string::compare with a string_view is
// noexcept in libstdc++ 12, so its out_of_range for a `pos` past the end
// ended the process (a line ending in a city's name, "我们住在杭州").
bool StartsWith(const std::string& s, size_t pos, std::string_view prefix) {
  return pos <= s.size() && s.compare(pos, prefix.size(), prefix) == 0;
}

// What may follow a name that is then not a city: a district or county of
// the same name, a street, a park, a mountain …
bool FollowedByNonCity(const std::string& s, size_t pos) {
  for (std::string_view w : {"区", "县", "路", "街", "大道", "公园", "山", "站",
                             "省", "大学", "机场", "港", "湖", "桥"}) {
    if (StartsWith(s, pos, w)) return true;
  }
  return false;
}

// Bare names that are also ordinary words or parts of them.
bool CommonWord(const std::string& name) {
  static const std::set<std::string> kWords = {
      "朝阳", "中山", "三明", "大同", "长治", "白山", "通化", "吉林",
      "黄山", "海东", "永州", "抚州", "新余", "来宾", "白银", "金昌",
      "安康", "延安", "吉安", "泰安", "宣城", "定西", "丽江", "普洱"};
  return kWords.count(name) > 0;
}

// The UTF-8 characters of `s` from byte `pos`, at most `n` of them.
std::vector<std::string_view> Chars(std::string_view s, size_t pos, size_t n) {
  std::vector<std::string_view> out;
  while (pos < s.size() && out.size() < n) {
    unsigned char c = s[pos];
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    len = std::min(len, s.size() - pos);
    out.push_back(s.substr(pos, len));
    pos += len;
  }
  return out;
}

// Characters that, read where a district's 区/市/县 should be, make the
// name a road, a street or a landmark instead (郑州市中原路).
bool NamesSomethingElse(std::string_view ch) {
  static const std::string_view kWords[] = {"路", "街", "道", "巷", "村",
                                            "镇", "乡", "里", "号", "桥",
                                            "湖", "山", "河", "江", "门"};
  for (std::string_view w : kWords) {
    if (ch == w) return true;
  }
  return false;
}

// The one district of `c` written at `pos` with exactly one character
// misread, at least three characters long: a character of the name (OCR's
// 荣阳市 for 荥阳市), or its last character (相城瓜 for 相城区) when that is a
// Chinese character that does not make it a road or a landmark. Empty if
// none or several fit.
std::string MisreadDistrictAt(const GazetteerCity& c, const std::string& s,
                              size_t pos) {
  std::string found;
  for (const std::string& d : c.districts) {
    std::vector<std::string_view> want = Chars(d, 0, 16);
    std::vector<std::string_view> got = Chars(s, pos, want.size());
    if (want.size() < 3 || got.size() != want.size()) continue;
    int differ = 0;
    for (size_t i = 0; i < want.size(); ++i) differ += got[i] != want[i];
    if (differ != 1) continue;
    if (got.back() != want.back() &&
        (got.back().size() != 3 || NamesSomethingElse(got.back()))) {
      continue;  // The suffix misread: only as another Han character.
    }
    if (!found.empty()) return "";  // Two candidates: do not guess.
    found = d;
  }
  return found;
}

}  // namespace

Result<Gazetteer> Gazetteer::Parse(std::string_view tsv) {
  Gazetteer g;
  int line_no = 0;
  for (const std::string& line : Split(tsv, '\n')) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols = Split(line, '\t');
    if (cols.size() < 2 || cols.size() > 3 || cols[0].empty() ||
        cols[1].empty()) {
      return Status::InvalidArgument("gazetteer line " +
                                     std::to_string(line_no) +
                                     ": expected province, city, districts");
    }
    GazetteerCity c{cols[0], cols[1], {}};
    if (cols.size() == 3 && !cols[2].empty()) c.districts = Split(cols[2], ',');
    g.cities_.push_back(std::move(c));
  }
  g.Index();
  return g;
}

namespace {

// The bytes of the UTF-8 character that starts at `pos` (at most 4), packed.
uint32_t FirstChar(std::string_view s, size_t pos, size_t* len) {
  unsigned char b = static_cast<unsigned char>(s[pos]);
  size_t n = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
  n = std::min(n, s.size() - pos);
  uint32_t key = 0;
  for (size_t i = 0; i < n; ++i)
    key = key << 8 | static_cast<unsigned char>(s[pos + i]);
  *len = n;
  return key;
}

}  // namespace

void Gazetteer::Index() {
  size_t len = 0;
  for (size_t ci = 0; ci < cities_.size(); ++ci) {
    const GazetteerCity& c = cities_[ci];
    if (!c.name.empty())
      by_first_[FirstChar(c.name, 0, &len)].push_back({int(ci), -1});
    for (size_t di = 0; di < c.districts.size(); ++di) {
      const std::string& d = c.districts[di];
      if (d.empty()) continue;
      by_first_[FirstChar(d, 0, &len)].push_back({int(ci), int(di)});
      district_owners_[d].push_back(int(ci));
    }
  }
}

const Gazetteer& Gazetteer::Default() {
  static const Gazetteer* g = [] {
    auto parsed = Parse(kGazetteerTsv);
    return new Gazetteer(parsed.ok() ? std::move(*parsed) : Gazetteer());
  }();
  return *g;
}

std::vector<PlaceMatch> Gazetteer::Find(const std::string& s) const {
  std::vector<PlaceMatch> out;
  // Which names occur in `s`: each character's candidates compared there.
  std::vector<char> city_in(cities_.size(), 0);
  std::set<std::string> districts_in;
  for (size_t pos = 0; pos < s.size(); ++pos) {
    if ((static_cast<unsigned char>(s[pos]) & 0xC0) == 0x80) continue;
    size_t len = 0;
    auto it = by_first_.find(FirstChar(s, pos, &len));
    if (it == by_first_.end()) continue;
    for (const auto& [ci, di] : it->second) {
      const std::string& name =
          di < 0 ? cities_[ci].name : cities_[ci].districts[di];
      if (s.compare(pos, name.size(), name) != 0) continue;
      if (di < 0)
        city_in[ci] = 1;
      else
        districts_in.insert(name);
    }
  }
  std::set<std::string> cities_named;
  std::map<const GazetteerCity*, size_t> city_end;  // Where its name ends.
  for (size_t ci = 0; ci < cities_.size(); ++ci) {
    if (!city_in[ci]) continue;
    const GazetteerCity& c = cities_[ci];
    for (size_t pos = s.find(c.name); pos != std::string::npos;
         pos = s.find(c.name, pos + 1)) {
      size_t after = pos + c.name.size();
      double strength = 0;
      bool after_province = pos >= c.province.size() &&
                            (s.compare(pos - c.province.size(),
                                       c.province.size(), c.province) == 0 ||
                             (pos >= 3 && s.compare(pos - 3, 3, "省") == 0));
      bool before_district = std::any_of(
          c.districts.begin(), c.districts.end(), [&](const std::string& d) {
            return StartsWith(s, after, d) ||
                   StartsWith(s, after + 3, d);  // 杭州市西湖区
          });
      if (StartsWith(s, after, "市")) {
        strength = before_district ? 0.97 : 0.92;
      } else if (FollowedByNonCity(s, after)) {
        continue;
      } else if (before_district) {
        strength = 0.92;
      } else if (after_province && c.province != c.name) {
        strength = 0.88;
      } else if (!c.districts.empty() && !CommonWord(c.name)) {
        strength = 0.75;  // A large city's name on its own.
      } else {
        continue;
      }
      out.push_back({"city", c.name, strength});
      cities_named.insert(c.name);
      city_end[&c] = StartsWith(s, after, "市") ? after + 3 : after;
      break;
    }
  }
  // Districts: where a name belongs to several cities, the city named in the
  // same text decides; a unique name implies its city.
  std::map<std::string, std::vector<const GazetteerCity*>> owners;
  for (const std::string& d : districts_in) {
    for (int ci : district_owners_.at(d)) owners[d].push_back(&cities_[ci]);
  }
  for (const auto& [district, cities] : owners) {
    const GazetteerCity* city = nullptr;
    for (const GazetteerCity* c : cities) {
      if (cities_named.count(c->name)) city = c;
    }
    if (city) {
      out.push_back({"district", district, 0.92});
    } else if (cities.size() == 1) {
      out.push_back({"district", district, 0.85});
      out.push_back({"city", cities[0]->name, 0.8});
      cities_named.insert(cities[0]->name);
    } else {
      out.push_back({"district", district, 0.6});
    }
  }
  // A named city followed by one of its districts with one character
  // misread: weak evidence, for an operator to confirm.
  for (const auto& [city, end] : city_end) {
    bool has_district =
        std::any_of(city->districts.begin(), city->districts.end(),
                    [&](const std::string& d) { return owners.count(d) > 0; });
    if (has_district) continue;
    std::string d = MisreadDistrictAt(*city, s, end);
    if (!d.empty()) out.push_back({"district", d, 0.6});
  }
  return out;
}

}  // namespace qunying::ocr
