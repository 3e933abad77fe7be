#include "ocr/hints.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace qunying::ocr {
namespace {

OcrText Lines(std::vector<std::string> lines, float conf = 90) {
  OcrText t;
  for (auto& l : lines) t.lines.push_back({l, conf});
  return t;
}

std::string ValueOf(const std::vector<Hint>& hints, const std::string& field) {
  for (const auto& h : hints) {
    if (h.field == field) return h.value;
  }
  return "";
}

// The highest confidence among the field's hints; -1 if there is none.
double TopConfidence(const std::vector<Hint>& hints, const std::string& field) {
  double top = -1;
  for (const auto& h : hints) {
    if (h.field == field) top = std::max(top, h.confidence);
  }
  return top;
}

TEST(HintsTest, GradesAreCanonical) {
  EXPECT_EQ(CanonicalGrade("三年级"), "三年级");
  EXPECT_EQ(CanonicalGrade("3年级"), "三年级");
  EXPECT_EQ(CanonicalGrade("七年级"), "初一");
  EXPECT_EQ(CanonicalGrade("9年级"), "初三");
  EXPECT_EQ(CanonicalGrade("高2"), "高二");
  EXPECT_EQ(CanonicalGrade("十年级"), "");
  EXPECT_EQ(CanonicalGrade("大班"), "大班");
  EXPECT_EQ(CanonicalGrade("大班班"), "");
  EXPECT_EQ(ValueOf(ExtractHints(Lines({"Name: Lily  Grade 5"})), "grade"),
            "五年级");
  EXPECT_EQ(ValueOf(ExtractHints(Lines({"姓名：王小明 8年级"})), "grade"),
            "初二");
}

TEST(HintsTest, PhonesNeedAValidMobilePrefix) {
  EXPECT_TRUE(IsMainlandMobile("13812345678"));
  EXPECT_TRUE(IsMainlandMobile("19912345678"));
  EXPECT_FALSE(IsMainlandMobile("12012345678"));
  EXPECT_FALSE(IsMainlandMobile("1381234567"));
  auto h =
      ExtractHints(Lines({"联系电话 138 1234 5678", "订单号 123456789012345"}));
  EXPECT_EQ(ValueOf(h, "phone"), "13812345678");
  int phones = 0;
  for (const auto& x : h) phones += x.field == "phone";
  EXPECT_EQ(phones, 1);
  // Spaces beside a dash, as OCR sets them; four separators end it.
  EXPECT_EQ(
      ValueOf(ExtractHints(Lines({"家长电话 : 135- 6258-2256"})), "phone"),
      "13562582256");
  EXPECT_EQ(ValueOf(ExtractHints(Lines({"电话 135 - 6258 2256"})), "phone"),
            "13562582256");
  EXPECT_EQ(ValueOf(ExtractHints(Lines({"电话 135 -- 6258 2256"})), "phone"),
            "");
  // With the country code; and not from a longer run of groups.
  EXPECT_EQ(ValueOf(ExtractHints(Lines({"Tel: +86 138 1234 5678"})), "phone"),
            "13812345678");
  EXPECT_EQ(
      ValueOf(ExtractHints(Lines({"QQ 13891234 138 1234 5678"})), "phone"), "");
}

TEST(HintsTest, AnAgeWhoseSuiWasMisreadIsWeak) {
  auto h = ExtractHints(Lines({"孩子今年8凤了"}));
  ASSERT_EQ(ValueOf(h, "age"), "8");
  EXPECT_LT(TopConfidence(h, "age"), 0.6);
  // 岁 lost altogether.
  EXPECT_EQ(ValueOf(ExtractHints(Lines({"孩子今年9了"})), "age"), "9");
  // A month, a count or a plain sentence is no age.
  EXPECT_EQ(ValueOf(ExtractHints(Lines({"今年8月了"})), "age"), "");
  EXPECT_EQ(ValueOf(ExtractHints(Lines({"今年3次了"})), "age"), "");
  EXPECT_EQ(ValueOf(ExtractHints(Lines({"今年好了"})), "age"), "");
  // 岁 read right still counts once, strongly.
  auto sure = ExtractHints(Lines({"孩子今年9岁了"}));
  EXPECT_EQ(ValueOf(sure, "age"), "9");
  EXPECT_EQ(std::count_if(sure.begin(), sure.end(),
                          [](const Hint& x) { return x.field == "age"; }),
            1);
}

TEST(HintsTest, AGradeWhoseJiWasMisreadBeforeItsClassIsWeak) {
  auto h = ExtractHints(Lines({"三年猎 【2] 斑 张小明"}));
  ASSERT_EQ(ValueOf(h, "grade"), "三年级");
  EXPECT_LT(TopConfidence(h, "grade"), 0.6);
  EXPECT_EQ(ValueOf(ExtractHints(Lines({"四年猎（3）班"})), "grade"), "四年级");
  EXPECT_EQ(ValueOf(ExtractHints(Lines({"3年猎(1)班"})), "grade"), "三年级");
  // Without a class number, or with a year that is a duration: nothing.
  EXPECT_EQ(ValueOf(ExtractHints(Lines({"学了三年多了"})), "grade"), "");
  EXPECT_EQ(ValueOf(ExtractHints(Lines({"坚持三年了(1)"})), "grade"), "");
}

TEST(HintsTest, NoSchoolOrCompanyNameFromAnUnsureLine) {
  // Garbled names come from unsure lines; the city and phone on the same
  // line are checked against lists and still count.
  auto unsure = ExtractHints(Lines({"重成市左江只春史小学 13812345678"}, 45));
  EXPECT_EQ(ValueOf(unsure, "school"), "");
  EXPECT_EQ(ValueOf(unsure, "phone"), "13812345678");
  EXPECT_EQ(ValueOf(ExtractHints(Lines({"在招商银行工作"}, 45)), "company"),
            "");
  EXPECT_EQ(
      ValueOf(ExtractHints(Lines({"苏州市相城区求真实验小学"}, 75)), "school"),
      "求真实验小学");
}

TEST(HintsTest, SchoolsCompaniesAgesAndOccupations) {
  auto h = ExtractHints(
      Lines({"杭州市西湖区学军小学", "三年级（2）班 黄思远",
             "我是一名护士，在浙江大学医学院附属第一医院", "孩子今年9岁"}));
  EXPECT_EQ(ValueOf(h, "school"), "学军小学");
  EXPECT_EQ(ValueOf(h, "grade"), "三年级");
  EXPECT_EQ(ValueOf(h, "occupation"), "护士");
  EXPECT_EQ(ValueOf(h, "age"), "9");
  EXPECT_FALSE(ValueOf(h, "company").empty());
  for (const auto& x : h) {
    EXPECT_GT(x.confidence, 0.4) << x.field;
    EXPECT_LE(x.confidence, 1.0) << x.field;
  }
}

TEST(HintsTest, ConfidenceFollowsTheOcrLine) {
  auto sure = ExtractHints(Lines({"三年级"}, 95));
  auto unsure = ExtractHints(Lines({"三年级"}, 40));
  ASSERT_EQ(sure.size(), 1u);
  ASSERT_EQ(unsure.size(), 1u);
  EXPECT_GT(sure[0].confidence, unsure[0].confidence);
  EXPECT_EQ(sure[0].line, 0);
}

TEST(HintsTest, InstitutionNamesStartAfterTheWordsThatIntroduceThem) {
  auto h = ExtractHints(Lines(
      {"我是一名护士，在瑞金医院工作", "孩子在北京市海淀区育英小学读书"}));
  EXPECT_EQ(ValueOf(h, "company"), "瑞金医院");
  EXPECT_EQ(ValueOf(h, "school"), "育英小学");
  EXPECT_EQ(ValueOf(h, "city"), "北京");
  EXPECT_EQ(ValueOf(h, "district"), "海淀区");
  EXPECT_EQ(ValueOf(ExtractHints(Lines({"就读于第101中学"})), "school"),
            "第101中学");
}

TEST(HintsTest, NothingFromPlainText) {
  EXPECT_TRUE(ExtractHints(Lines({"今天读了二十分钟，孩子很开心"})).empty());
}

TEST(HintsTest, ALunarDayOrADegreeIsNoGrade) {
  EXPECT_EQ(ValueOf(ExtractHints(Lines({"大年初一也坚持打卡"})), "grade"), "");
  EXPECT_EQ(ValueOf(ExtractHints(Lines({"正月初三读完了"})), "grade"), "");
  EXPECT_EQ(ValueOf(ExtractHints(Lines({"声音再高一点就好了"})), "grade"), "");
  EXPECT_EQ(ValueOf(ExtractHints(Lines({"孩子初二了，功课多"})), "grade"),
            "初二");
  EXPECT_EQ(ValueOf(ExtractHints(Lines({"高一(3)班 李雷"})), "grade"), "高一");
}

// What participants type into a check-in: what it says of the family is
// kept, at the confidence of a typed line; what leans on context is not.
TEST(TypedHintsTest, KeepsWhatTheWriterStatesAndNotWhatTheyMention) {
  auto grade = HintsInTypedText("孩子五年级，口语比以前流利多了。");
  ASSERT_EQ(grade.size(), 1u);
  EXPECT_EQ(grade[0].field, "grade");
  EXPECT_EQ(grade[0].value, "五年级");
  EXPECT_NEAR(grade[0].confidence, 0.95 * kTypedLineConfidence / 100, 1e-6);
  // A teacher mentioned is not the writer's job; one claimed is.
  EXPECT_EQ(
      ValueOf(HintsInTypedText("孩子写了读后感，老师表扬了。"), "occupation"),
      "");
  EXPECT_EQ(
      ValueOf(HintsInTypedText("我是一名护士，下班后陪孩子读书"), "occupation"),
      "护士");
  // A trip to a city is not where they live; an address is.
  EXPECT_EQ(ValueOf(HintsInTypedText("周末带孩子去北京玩了"), "city"), "");
  auto home = HintsInTypedText("坐标杭州市西湖区");
  EXPECT_EQ(ValueOf(home, "city"), "杭州");
  EXPECT_EQ(ValueOf(home, "district"), "西湖区");
  EXPECT_EQ(ValueOf(HintsInTypedText("大年初一也打卡了"), "grade"), "");
  EXPECT_TRUE(HintsInTypedText("今天读了《小王子》第三章。").empty());
  EXPECT_TRUE(HintsInTypedText("").empty());
}

TEST(TypedHintsTest, EachLineIsItsOwn) {
  auto hints =
      HintsInTypedText("打卡第3天\n我的电话 139 0000 2026\n孩子在学军小学");
  EXPECT_EQ(ValueOf(hints, "phone"), "13900002026");
  EXPECT_EQ(ValueOf(hints, "school"), "学军小学");
  for (const auto& h : hints) {
    if (h.field == "phone") {
      EXPECT_EQ(h.line, 1);
    } else if (h.field == "school") {
      EXPECT_EQ(h.line, 2);
    }
  }
}

}  // namespace
}  // namespace qunying::ocr
