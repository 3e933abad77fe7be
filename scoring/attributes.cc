#include "scoring/attributes.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>
#include <unordered_map>

namespace qunying::scoring {
namespace {

constexpr char kOther[] = "*other";
constexpr float kMissing = kMissingValue;

}  // namespace

std::string AttrText(const AttrValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* d = std::get_if<double>(&v)) {
    std::ostringstream os;
    os << *d;
    return os.str();
  }
  return "";
}

std::string Column::Name() const {
  if (!categorical) return attribute;
  return attribute + "=" + (category == kOther ? "other" : category);
}

bool ParseNumber(std::string_view text, double* out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && p == end && std::isfinite(*out);
}

FeatureSchema FeatureSchema::Fit(const std::vector<Attributes>& rows,
                                 const SchemaOptions& options) {
  // attribute -> (is categorical, category counts)
  std::map<std::string,
           std::pair<bool, std::unordered_map<std::string, size_t>>>
      seen;
  for (const auto& row : rows) {
    for (const auto& [name, value] : row) {
      auto& entry = seen[name];
      if (std::holds_alternative<std::string>(value)) entry.first = true;
      if (!std::holds_alternative<std::monostate>(value))
        ++entry.second[AttrText(value)];
    }
  }
  std::vector<Column> columns;
  for (const auto& [name, entry] : seen) {
    if (!entry.first) {
      columns.push_back({name, "", false});
      continue;
    }
    std::vector<std::pair<size_t, std::string>> counts;
    for (const auto& [cat, n] : entry.second) {
      if (n >= options.min_category_count) counts.push_back({n, cat});
    }
    std::sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    if (counts.size() > options.max_categories)
      counts.resize(options.max_categories);
    std::sort(counts.begin(), counts.end(),
              [](const auto& a, const auto& b) { return a.second < b.second; });
    for (const auto& c : counts) columns.push_back({name, c.second, true});
    columns.push_back({name, kOther, true});
  }
  return FeatureSchema(std::move(columns));
}

void FeatureSchema::EncodeRow(const Attributes& row, float* out) const {
  size_t i = 0;
  while (i < columns_.size()) {
    const Column& col = columns_[i];
    auto it = row.find(col.attribute);
    bool missing =
        it == row.end() || std::holds_alternative<std::monostate>(it->second);
    if (!col.categorical) {
      double v = 0;
      if (missing) {
        out[i] = kMissing;
      } else if (const auto* d = std::get_if<double>(&it->second)) {
        out[i] = static_cast<float>(*d);
      } else {
        out[i] = ParseNumber(std::get<std::string>(it->second), &v)
                     ? static_cast<float>(v)
                     : kMissing;
      }
      ++i;
      continue;
    }
    // A run of columns for one categorical attribute, "other" last.
    size_t end = i;
    while (end < columns_.size() && columns_[end].attribute == col.attribute)
      ++end;
    if (missing)
      std::fill(out + i, out + end, kMissing);
    else
      EncodeCategory(i, end, AttrText(it->second), out);
    i = end;
  }
}

void FeatureSchema::EncodeCategory(size_t begin, size_t end,
                                   std::string_view category,
                                   float* row) const {
  bool hit = false;
  for (size_t j = begin; j < end; ++j) {
    bool other = columns_[j].category == kOther;
    bool match = other ? !hit : columns_[j].category == category;
    hit = hit || match;
    row[j] = match ? 1.0f : 0.0f;
  }
}

Matrix FeatureSchema::Encode(const std::vector<Attributes>& rows) const {
  Matrix m;
  m.rows = rows.size();
  m.cols = columns_.size();
  m.data.assign(m.rows * m.cols, 0.0f);
  for (size_t r = 0; r < rows.size(); ++r)
    EncodeRow(rows[r], m.data.data() + r * m.cols);
  return m;
}

std::string FeatureSchema::Serialize() const {
  std::string out;
  for (const auto& c : columns_) {
    out += c.attribute + "\t" + c.category + "\t" +
           (c.categorical ? "1" : "0") + "\n";
  }
  return out;
}

Result<FeatureSchema> FeatureSchema::Parse(const std::string& text) {
  std::vector<Column> columns;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    size_t a = line.find('\t');
    size_t b = a == std::string::npos ? a : line.find('\t', a + 1);
    if (b == std::string::npos || line.size() != b + 2) {
      return Status::Internal("stored feature schema is damaged: " + line);
    }
    columns.push_back(
        {line.substr(0, a), line.substr(a + 1, b - a - 1), line[b + 1] == '1'});
  }
  return FeatureSchema(std::move(columns));
}

}  // namespace qunying::scoring
