#include "scoring/inputs_predictor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "scoring/lead_store.h"
#include "scoring/points.h"
#include "scoring/synthetic.h"

namespace qunying::scoring {
namespace {

// Bit for bit, so that NaN (missing) compares equal to NaN.
void ExpectSameRow(const float* got, const float* want, size_t n,
                   const std::string& text) {
  for (size_t c = 0; c < n; ++c) {
    EXPECT_EQ(std::isnan(got[c]), std::isnan(want[c]))
        << "column " << c << " of\n"
        << text;
    if (!std::isnan(want[c])) {
      EXPECT_EQ(std::memcmp(&got[c], &want[c], sizeof(float)), 0)
          << "column " << c << ": " << got[c] << " vs " << want[c] << " of\n"
          << text;
    }
  }
}

void ExpectEncodesAsTheMap(const FeatureSchema& schema,
                           const std::string& text) {
  StoredInputsEncoder encoder(schema);
  std::vector<float> got(schema.size(), 12345.0f);
  encoder.Encode(text, got.data());
  Matrix want = schema.Encode({DecodeAttributes(text)});
  ExpectSameRow(got.data(), want.data.data(), schema.size(), text);
}

FeatureSchema MixedSchema() {
  // city and grade categorical (with "other"), checkins and score numbers.
  std::vector<Attributes> rows;
  for (const char* city : {"上海", "北京", "a\tb", "x\\y", "3.5"}) {
    for (int i = 0; i < 3; ++i) {
      rows.push_back({{"city", std::string(city)},
                      {"grade", std::string(i ? "三年级" : "四年级")},
                      {"checkins", double(i)},
                      {"score", 0.25 * i}});
    }
  }
  return FeatureSchema::Fit(rows, {.min_category_count = 1});
}

TEST(StoredInputsEncoderTest, WritesTheRowTheSchemaWritesFromTheMap) {
  FeatureSchema schema = MixedSchema();
  ASSERT_GT(schema.size(), 6u);
  const std::string texts[] = {
      "checkins\tn\t7\ncity\ts\t上海\ngrade\ts\t三年级\nscore\tn\t0.5\n",
      "city\ts\t深圳\n",                    // Unseen: "other".
      "city\t-\t\ncheckins\t-\t\n",         // Missing.
      "city\tn\t3.50\n",                    // A number read as its text.
      "checkins\ts\t12\nscore\ts\tmany\n",  // Text in number columns.
      "city\ts\ta\\tb\n",                   // Escaped tab.
      "city\ts\tx\\\\y\n",                  // Escaped backslash.
      "city\ts\t北京\ncity\ts\t上海\n",     // The later line wins.
      "checkins\tn\t3\ncheckins\t-\t\n",
      "city\ts\n",                       // Two fields: skipped.
      "city\ts\t北京\textra\n",          // Four: skipped.
      "\n\ncheckins\tn\t2",              // Empty lines, no last newline.
      "checkins\tn\t4abc\n",             // strtod reads the prefix.
      "city\ts\t北京\\",                 // A backslash at the end.
      "unknown\tn\t5\ncity\tq\t北京\n",  // Unknown name, unknown kind.
      "",
  };
  for (const std::string& text : texts) ExpectEncodesAsTheMap(schema, text);
}

TEST(StoredInputsEncoderTest, RandomAttributesEncodeAsTheirMaps) {
  FeatureSchema schema = MixedSchema();
  std::mt19937 rng(11);
  const std::string pieces[] = {"上海", "北京", "a", "\t", "\n",
                                "\\",   "b",    "3", ".5", "x\\y"};
  const std::string names[] = {"city", "grade", "checkins", "score", "other"};
  for (int n = 0; n < 500; ++n) {
    Attributes a;
    for (const std::string& name : names) {
      switch (rng() % 4) {
        case 0:
          break;
        case 1:
          a[name] = std::monostate{};
          break;
        case 2:
          a[name] = double(rng() % 1000) / 8;
          break;
        default: {
          std::string s;
          for (int k = rng() % 3; k >= 0; --k) s += pieces[rng() % 10];
          a[name] = s;
        }
      }
    }
    std::string text = EncodeAttributes(a);
    ASSERT_EQ(DecodeAttributes(text), a) << text;
    ExpectEncodesAsTheMap(schema, text);
  }
}

TEST(EscapedLineReaderTest, KeepsLinesOfItsFieldCountAndUndoesEscapes) {
  EscapedLineReader lines(
      "a\\tb\tx\\\\y\tz\n\nskip\tme\n1\t2\t3\t4\nc\td\\n\te\\", 3);
  ASSERT_TRUE(lines.Next());
  EXPECT_EQ(lines.field(0), "a\tb");  // An escaped tab is no separator.
  EXPECT_EQ(lines.field(1), "x\\y");
  EXPECT_EQ(lines.field(2), "z");
  ASSERT_TRUE(lines.Next());  // Two and four fields skipped.
  EXPECT_EQ(lines.field(0), "c");
  EXPECT_EQ(lines.field(1), "d\n");
  EXPECT_EQ(lines.field(2), "e\\");  // A backslash at the end stays.
  EXPECT_FALSE(lines.Next());
  EscapedLineReader four("1\t2\t3\t4\n5\t6\t7\n", 4);
  ASSERT_TRUE(four.Next());
  EXPECT_EQ(four.field(3), "4");
  EXPECT_FALSE(four.Next());
}

TEST(PredictStoredInputsTest, PredictsEachLeadAsTheModelDoesItsMap) {
  auto rules = ScoringRules::Defaults();
  std::vector<Attributes> rows;
  std::vector<bool> won;
  for (const auto& m : GenerateCommunity(1500, 3)) {
    rows.push_back(ToAttributes(m.features, rules));
    won.push_back(m.won);
  }
  auto model = Train(rows, won);
  ASSERT_TRUE(model.ok()) << model.status().message();
  LeadInputs inputs;
  for (size_t i = 0; i < rows.size(); ++i)
    inputs.Add(int64_t(i) * 3 + 1, EncodeAttributes(rows[i]));
  auto want = model->Predict(rows);
  ASSERT_TRUE(want.ok());
  // Parts that do not divide the leads evenly, on more threads than parts.
  for (PredictInputsOptions o :
       {PredictInputsOptions{}, PredictInputsOptions{3, 128},
        PredictInputsOptions{8, 700}}) {
    auto got = PredictStoredInputs(*model, inputs, o);
    ASSERT_TRUE(got.ok()) << got.status().message();
    ASSERT_EQ(got->size(), rows.size());
    for (size_t i = 0; i < rows.size(); ++i)
      ASSERT_DOUBLE_EQ((*got)[i], (*want)[i]) << "lead " << i;
  }
  EXPECT_EQ(inputs.id(4), 13);
  EXPECT_EQ(inputs.inputs(4), EncodeAttributes(rows[4]));
  inputs.Clear();
  auto none = PredictStoredInputs(*model, inputs, {4, 16});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace qunying::scoring
