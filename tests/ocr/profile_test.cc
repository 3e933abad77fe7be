#include "ocr/profile.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace qunying::ocr
