#include "scoring/attribute_words.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scoring/attributes.h"
#include "scoring/points.h"
#include "scoring/rules.h"

namespace qunying::scoring {
namespace {

TEST(AttributeWordsTest, EveryInputOfAScoredLeadHasWords) {
  MemberFeatures f;
  f.facts = {{"city", "杭州"},
             {"grade", "三年级"},
             {"occupation", "护士"},
             {"phone", "13800000000"},
             {"school", "实验小学"}};
  f.recency_days = 2;
  std::vector<std::string> names;
  ForEachAttribute(f, ScoringRules::Defaults(), [&](const AttributeView& a) {
    names.emplace_back(a.name);
    std::string value = a.text ? *a.text : AttrText(a.number);
    std::string words = AttributeInWords(a.name, value);
    EXPECT_NE(words, "") << a.name;
    EXPECT_EQ(words.find('_'), std::string::npos) << a.name << ": " << words;
    EXPECT_NE(AttributeNoun(a.name), "") << a.name;
    EXPECT_NE(AttributeInWords(a.name, ""), "") << a.name << " missing";
  });
  EXPECT_GE(names.size(), 15u);
}

TEST(AttributeWordsTest, SaysValuesAsARepReadsThem) {
  EXPECT_EQ(AttributeInWords("completion_rate", "0.6667"), "打卡完成率 67%");
  EXPECT_EQ(AttributeInWords("longest_streak", "9"), "最长连续打卡 9 天");
  EXPECT_EQ(AttributeInWords("paid_yuan", "397.5"), "累计付费 398 元");
  EXPECT_EQ(AttributeInWords("has_phone", "0"), "没有手机号");
  EXPECT_EQ(AttributeInWords("has_phone", "1"), "留有手机号");
  EXPECT_EQ(AttributeInWords("grade", "三年级"), "年级：三年级");
  EXPECT_EQ(AttributeInWords("city", ""), "城市未知");
  EXPECT_EQ(AttributeInWords("recency_days", ""), "从未打卡或浏览");
  EXPECT_EQ(AttributeInWords("recency_days", "-0.2"), "距上次活跃 0 天");
  EXPECT_EQ(AttributeNoun("grade"), "年级");
}

TEST(AttributeWordsTest, AnImportedAttributeHasNone) {
  EXPECT_EQ(AttributeInWords("visits", "3"), "");
  EXPECT_EQ(AttributeNoun("visits"), "");
  EXPECT_EQ(AttributeInWords("", ""), "");
}

}  // namespace
}  // namespace qunying::scoring
