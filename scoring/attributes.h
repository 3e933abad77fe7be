// Named lead attributes (numbers, strings or missing) and the schema that
// turns them into model columns: numbers stay numbers, strings become one
// column per frequent category (plus "other"), and missing stays missing
// (NaN) so that trees can route it and linear models can impute it.
// Value types; thread-compatible.
#ifndef QUNYING_SCORING_ATTRIBUTES_H_
#define QUNYING_SCORING_ATTRIBUTES_H_

#include <cstddef>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace qunying::scoring {

// One attribute value: missing, a number or a string.
using AttrValue = std::variant<std::monostate, double, std::string>;
// A lead's attributes by name (ordered, so encodings are deterministic).
using Attributes = std::map<std::string, AttrValue>;
// The largest magnitude an imported number may have: models read columns
// as floats and standardise them, and ±1e308 came out as NaN predictions.
inline constexpr double kMaxAttributeMagnitude = 1e15;
// A missing value in a model column.
inline constexpr float kMissingValue = std::numeric_limits<float>::quiet_NaN();

// The value as text: the string, the number as "3" or "0.25", or "" when
// missing. Categories and explanations use it.
std::string AttrText(const AttrValue& v);

// A dense row-major float matrix; NaN marks a missing value.
struct Matrix {
  size_t rows = 0;
  size_t cols = 0;
  std::vector<float> data;
  float At(size_t r, size_t c) const { return data[r * cols + c]; }
};

struct SchemaOptions {
  // A string value becomes its own column when seen in at least this many
  // rows; rarer values share the attribute's "other" column.
  size_t min_category_count = 3;
  // At most this many category columns per attribute (most frequent first).
  size_t max_categories = 30;
};

// One model column.
struct Column {
  std::string attribute;  // The attribute it comes from.
  std::string category;   // For a categorical column: the value, or "*other".
  bool categorical = false;
  // "grade=三年级", "checkins": how the column is named in explanations.
  std::string Name() const;
};

// How attributes map to columns. Built once from training rows, stored
// with the model, and applied unchanged to every row scored later.
class FeatureSchema {
 public:
  FeatureSchema() = default;
  explicit FeatureSchema(std::vector<Column> columns)
      : columns_(std::move(columns)) {}

  // An attribute is categorical when any of its values is a string.
  static FeatureSchema Fit(const std::vector<Attributes>& rows,
                           const SchemaOptions& options = {});

  const std::vector<Column>& columns() const { return columns_; }
  size_t size() const { return columns_.size(); }

  // One row per input. Unknown attributes are ignored; unseen categories
  // go to "other"; a number where a category is expected is read as text.
  Matrix Encode(const std::vector<Attributes>& rows) const;

  // Writes the one-hot of `category` over a categorical attribute's run
  // of columns [begin, end) ("other" last): 1 in its category's column,
  // or in "other" when it has none; 0 elsewhere.
  void EncodeCategory(size_t begin, size_t end, std::string_view category,
                      float* row) const;

  // "attribute\tcategory\tcategorical" lines, and back.
  std::string Serialize() const;
  [[nodiscard]] static Result<FeatureSchema> Parse(const std::string& text);

 private:
  void EncodeRow(const Attributes& row, float* out) const;
  std::vector<Column> columns_;
};

// "12", "3.5" as a number when the whole text is one; else nullopt-like
// false. Used to read CSV-ish attribute text consistently.
bool ParseNumber(std::string_view text, double* out);

}  // namespace qunying::scoring

#endif  // QUNYING_SCORING_ATTRIBUTES_H_
