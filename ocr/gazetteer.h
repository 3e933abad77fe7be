// The gazetteer of mainland cities and districts (data/gazetteer_cn.tsv,
// compiled into the binary) and the search for places in a line of text.
// Immutable after construction: thread-safe.
#ifndef QUNYING_OCR_GAZETTEER_H_
#define QUNYING_OCR_GAZETTEER_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/result.h"

namespace qunying::ocr {

struct GazetteerCity {
  std::string province;                // 浙江
  std::string name;                    // 杭州 (without 市)
  std::vector<std::string> districts;  // 西湖区, 余杭区, … (may be empty)
};

// A place named in a line, with how strongly the wording says so (0–1).
struct PlaceMatch {
  std::string field;  // city | district
  std::string value;  // 杭州 | 西湖区
  double strength = 0;
};

class Gazetteer {
 public:
  // Parses the TSV format of data/gazetteer_cn.tsv ('#' comments; province,
  // city, comma-separated districts). InvalidArgument names the bad line.
  [[nodiscard]] static Result<Gazetteer> Parse(std::string_view tsv);

  // The compiled-in data/gazetteer_cn.tsv.
  static const Gazetteer& Default();

  const std::vector<GazetteerCity>& cities() const { return cities_; }

  // Cities and districts named in `text` (UTF-8, spaces removed). A city
  // counts when written with 市, after its province, before one of its
  // districts, or bare if it is a large city whose name is not also a
  // common word; never when it is part of a district or street name
  // (朝阳区, 北京路). A district's city is inferred when the district name
  // is unique in the gazetteer or the city is also named.
  std::vector<PlaceMatch> Find(const std::string& text) const;

 private:
  // Fills by_first_ and district_owners_ from cities_.
  void Index();

  std::vector<GazetteerCity> cities_;
  // Every city and district name (city index, district index or -1) by
  // the bytes of its first character: Find looks up each character of a
  // line rather than searching the line for each of ~3,000 names, which
  // took ~95% of the time of reading hints from a typed text (5-20 µs).
  std::unordered_map<uint32_t, std::vector<std::pair<int, int>>> by_first_;
  // A district's name -> the cities that have one of that name, in order.
  std::map<std::string, std::vector<int>> district_owners_;
};

}  // namespace qunying::ocr

#endif  // QUNYING_OCR_GAZETTEER_H_
