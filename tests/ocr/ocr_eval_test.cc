#include "ocr/ocr_eval.h"

#include <gtest/gtest.h>

namespace qunying::ocr {
namespace {

TEST(OcrEvalTest, CharErrorsCountCodePointsAndIgnoreSpaces) {
  auto same = CountCharErrors("三年级 二班\n", "三年级二班");
  EXPECT_EQ(same.edits, 0u);
  EXPECT_EQ(same.length, 5u);
  auto one = CountCharErrors("三年级", "二年级");  // One substitution.
  EXPECT_EQ(one.edits, 1u);
  auto missing = CountCharErrors("abc", "");
  EXPECT_EQ(missing.edits, 3u);
  auto extra = CountCharErrors("ab", "xaby");  // Two insertions.
  EXPECT_EQ(extra.edits, 2u);
}

TEST(OcrEvalTest, HintScoreMatchesFieldAndValue) {
  HintScore s;
  s.Add({{"grade", "三年级"}, {"city", "杭州"}},
        {{"grade", "三年级", 0.9, 0},
         {"city", "湖州", 0.8, 1},
         {"phone", "13812345678", 0.9, 2}});
  FieldScore all = s.Overall();
  EXPECT_EQ(all.true_pos, 1);
  EXPECT_EQ(all.false_pos, 2);
  EXPECT_EQ(all.false_neg, 1);
  EXPECT_DOUBLE_EQ(all.Precision(), 1.0 / 3);
  EXPECT_DOUBLE_EQ(all.Recall(), 0.5);
  EXPECT_NEAR(all.F1(), 0.4, 1e-9);
  EXPECT_EQ(s.by_field().at("city").false_pos, 1);
  EXPECT_EQ(s.by_field().at("city").false_neg, 1);
}

}  // namespace
}  // namespace qunying::ocr
