#include "ocr/profile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace qunying::ocr {
namespace {

StoredHint H(const char* field, const char* value, double conf,
             int64_t checkin) {
  return {{field, value, conf, 0}, checkin, 7};
}

const ProfileFact* Field(const std::vector<ProfileFact>& f, const char* name) {
  for (const auto& x : f) {
    if (x.field == name) return &x;
  }
  return nullptr;
}

TEST(ProfileTest, RepeatedEvidenceRaisesConfidence) {
  auto once = BuildProfile({H("grade", "三年级", 0.6, 1)}, {});
  auto twice = BuildProfile(
      {H("grade", "三年级", 0.6, 1), H("grade", "三年级", 0.6, 2)}, {});
  ASSERT_EQ(once.size(), 1u);
  EXPECT_NEAR(once[0].best.confidence, 0.6, 1e-9);
  EXPECT_EQ(once[0].status, FactStatus::kReview);
  EXPECT_NEAR(twice[0].best.confidence, 1 - 0.4 * 0.4, 1e-9);
  EXPECT_EQ(twice[0].status, FactStatus::kAuto);
  EXPECT_EQ(twice[0].best.checkin_ids, (std::vector<int64_t>{1, 2}));
  EXPECT_TRUE(twice[0].about_child);
  // The same check-in twice is one piece of evidence.
  auto same =
      BuildProfile({H("city", "杭州", 0.6, 1), H("city", "杭州", 0.5, 1)}, {});
  EXPECT_NEAR(same[0].best.confidence, 0.6, 1e-9);
  EXPECT_FALSE(same[0].about_child);
}

TEST(ProfileTest, ConflictingValuesAreKeptAndContestedOnesWaitForReview) {
  auto f =
      BuildProfile({H("city", "杭州", 0.9, 1), H("city", "湖州", 0.85, 2),
                    H("grade", "三年级", 0.9, 1), H("grade", "四年级", 0.2, 2)},
                   {});
  const ProfileFact* city = Field(f, "city");
  ASSERT_NE(city, nullptr);
  EXPECT_EQ(city->best.value, "杭州");
  ASSERT_EQ(city->conflicts.size(), 1u);
  EXPECT_EQ(city->conflicts[0].value, "湖州");
  EXPECT_EQ(city->status, FactStatus::kReview);
  const ProfileFact* grade = Field(f, "grade");
  EXPECT_EQ(grade->status, FactStatus::kAuto);  // 0.2 is no contest.
  EXPECT_EQ(grade->conflicts.size(), 1u);
}

TEST(ProfileTest, DecisionsOverrideTheEvidence) {
  std::vector<StoredHint> hints = {H("city", "杭州", 0.5, 1),
                                   H("city", "湖州", 0.45, 2)};
  auto rejected = BuildProfile(hints, {{"city", "杭州", false, ""}});
  EXPECT_EQ(Field(rejected, "city")->best.value, "湖州");
  EXPECT_TRUE(Field(rejected, "city")->conflicts.empty());
  auto edited = BuildProfile(hints, {{"city", "湖州", true, "苏州"}});
  const ProfileFact* city = Field(edited, "city");
  EXPECT_EQ(city->status, FactStatus::kAccepted);
  EXPECT_EQ(city->best.value, "苏州");
  EXPECT_DOUBLE_EQ(city->best.confidence, 1.0);
  EXPECT_EQ(city->best.checkin_ids, (std::vector<int64_t>{2}));
  ASSERT_EQ(city->conflicts.size(), 1u);  // 杭州 still shown.
  auto all_rejected =
      BuildProfile({H("age", "9", 0.5, 1)}, {{"age", "9", false, ""}});
  EXPECT_TRUE(all_rejected.empty());
}

// The lead pass reads each member's hints in its index's order (by field),
// not by id (storage/facts_digest.cc): any order must give the same facts.
TEST(ProfileTest, HintsInAnyOrderGiveTheSameFacts) {
  auto text = [](const std::vector<ProfileFact>& facts) {
    std::string out;
    for (const auto& f : facts) {
      out += f.field + "=" + f.best.value + " " +
             std::to_string(f.best.confidence) + " " +
             std::to_string(static_cast<int>(f.status)) + " [";
      for (int64_t id : f.best.checkin_ids) out += std::to_string(id) + ",";
      out += "] vs";
      for (const auto& c : f.conflicts) out += " " + c.value;
      out += ";";
    }
    return out;
  };
  // Ties of confidence between values, repeats (one of a check-in), and a
  // decision.
  std::vector<StoredHint> hints = {
      H("city", "杭州", 0.6, 1),    H("city", "湖州", 0.6, 2),
      H("grade", "三年级", 0.7, 3), H("city", "杭州", 0.5, 4),
      H("grade", "四年级", 0.7, 5), H("school", "实验小学", 0.6, 3),
      H("city", "杭州", 0.4, 1)};
  const std::vector<HintDecision> decided = {{"grade", "四年级", false, ""}};
  const std::string first = text(BuildProfile(hints, decided));
  ASSERT_NE(first.find("city=杭州"), std::string::npos) << first;
  std::vector<size_t> order(hints.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  int permutations = 0;
  do {
    std::vector<StoredHint> shuffled;
    for (size_t i : order) shuffled.push_back(hints[i]);
    ASSERT_EQ(text(BuildProfile(shuffled, decided)), first);
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(permutations, 5040);
}

TEST(ProfileTest, EachValueSaysWhereItWasSeen) {
  StoredHint typed = H("grade", "三年级", 0.8, 2);
  typed.source = "text";
  StoredHint rival = H("grade", "四年级", 0.3, 3);
  rival.source = "text";
  auto facts = BuildProfile({typed, H("grade", "三年级", 0.9, 1), rival}, {});
  const ProfileFact* grade = Field(facts, "grade");
  ASSERT_NE(grade, nullptr);
  EXPECT_EQ(grade->best.sources, (std::vector<std::string>{"photo", "text"}));
  ASSERT_EQ(grade->conflicts.size(), 1u);
  EXPECT_EQ(grade->conflicts[0].sources, std::vector<std::string>{"text"});
  // Accepted, edited: still the evidence's sources.
  auto decided = BuildProfile({typed}, {{"grade", "三年级", true, "四年级"}});
  ASSERT_EQ(decided.size(), 1u);
  EXPECT_EQ(decided[0].best.value, "四年级");
  EXPECT_EQ(decided[0].best.sources, std::vector<std::string>{"text"});
}

TEST(CanonicalFactValueTest, WritesEditsAsTheHintsWouldAndRefusesTheRest) {
  struct Case {
    const char* field;
    const char* typed;
    const char* canonical;  // nullptr: refused.
  };
  const Case kCases[] = {
      {"grade", "3年级", "三年级"},
      {"grade", " 初1\u3000", "初一"},
      {"grade", "高三", "高三"},
      {"grade", "大班", "大班"},
      {"grade", "banana", nullptr},
      {"grade", "十年级", nullptr},
      {"phone", "138-1234-5678", "13812345678"},
      {"phone", "+86 138 1234 5678", "13812345678"},
      {"phone", "12", nullptr},
      {"phone", "12812345678", nullptr},
      {"age", "8岁", "8"},
      {"age", "08", "8"},
      {"age", "0", nullptr},
      {"age", "123", nullptr},
      {"age", "eight", nullptr},
      {"city", "杭州市", "杭州"},
      {"city", "  北京 ", "北京"},
      {"city", "市", "市"},
      {"city", "   ", nullptr},
      {"city", "\u3000", nullptr},
      {"school", "实验小学\n", "实验小学"},
      {"school", "实验\x01小学", nullptr},
      {"school", "\xff", nullptr},
      {"occupation", "医生", "医生"},
  };
  for (const Case& c : kCases) {
    auto got = CanonicalFactValue(c.field, c.typed);
    if (c.canonical == nullptr) {
      EXPECT_FALSE(got.ok()) << c.field << " " << c.typed << " -> " << *got;
      if (!got.ok()) {
        EXPECT_EQ(got.status().field(), "new_value");
      }
    } else {
      ASSERT_TRUE(got.ok())
          << c.field << " " << c.typed << ": " << got.status().ToString();
      EXPECT_EQ(*got, c.canonical) << c.field << " " << c.typed;
    }
  }
  EXPECT_FALSE(CanonicalFactValue("company", std::string(61 * 3, 'x')).ok());
  EXPECT_TRUE(CanonicalFactValue("company", std::string(60, 'x')).ok());
}

}  // namespace
}  // namespace qunying::ocr
