#include "scoring/profile_facts.h"

#include <map>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace qunying::scoring {
namespace {

std::vector<std::pair<std::string, std::string>> Items(const ProfileFacts& f) {
  return {f.begin(), f.end()};
}

std::vector<std::pair<std::string, std::string>> Items(
    const std::map<std::string, std::string>& m) {
  return {m.begin(), m.end()};
}

// The features' fingerprints hash the facts in iteration order, which must
// stay the std::map's (field order, bytewise): random edits to both agree.
TEST(ProfileFactsTest, BehavesAsTheMapItReplaced) {
  const std::vector<std::string> fields = {
      "grade", "city", "phone", "school", "年级", "Zeta", "", "occupation"};
  std::mt19937 rng(3);
  std::uniform_int_distribution<size_t> pick(0, fields.size() - 1);
  std::uniform_int_distribution<int> op(0, 3);
  ProfileFacts facts;
  std::map<std::string, std::string> want;
  for (int i = 0; i < 2000; ++i) {
    const std::string& field = fields[pick(rng)];
    std::string value = "v" + std::to_string(i);
    switch (op(rng)) {
      case 0:
        facts[field] = value;
        want[field] = value;
        break;
      case 1: {
        auto [it, added] = facts.emplace(field, value);
        auto [wit, wadded] = want.emplace(field, value);
        ASSERT_EQ(added, wadded);
        ASSERT_EQ(it->second, wit->second);
        break;
      }
      case 2: {
        auto it = facts.find(field);
        auto wit = want.find(field);
        ASSERT_EQ(it == facts.end(), wit == want.end());
        if (wit != want.end()) {
          auto next = facts.erase(it);
          auto wnext = want.erase(wit);
          ASSERT_EQ(next == facts.end(), wnext == want.end());
          if (wnext != want.end()) {
            ASSERT_EQ(next->first, wnext->first);
          }
        }
        break;
      }
      default:
        ASSERT_EQ(facts.count(field), want.count(field));
    }
    ASSERT_EQ(Items(facts), Items(want)) << "after step " << i;
  }
}

TEST(ProfileFactsTest, KeepsTheFirstOfARepeatedFieldAndClearsToNothing) {
  ProfileFacts facts{
      {"grade", "三年级"}, {"city", "上海"}, {"grade", "四年级"}};
  EXPECT_EQ(facts.size(), 2u);
  EXPECT_EQ(facts.find("grade")->second, "三年级");
  EXPECT_EQ(facts.begin()->first, "city");
  EXPECT_EQ(facts, (ProfileFacts{{"city", "上海"}, {"grade", "三年级"}}));
  facts.clear();
  EXPECT_TRUE(facts.empty());
  EXPECT_EQ(facts.find("grade"), facts.end());
  EXPECT_EQ(facts.count("city"), 0u);
}

}  // namespace
}  // namespace qunying::scoring
