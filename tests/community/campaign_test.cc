// Campaign-day arithmetic: streaks.
#include "community/campaign.h"

#include <gtest/gtest.h>

namespace qunying::community {
namespace {

TEST(StreakTest, CountsBackFromTodayWhenTodayIsCheckedIn) {
  EXPECT_EQ(Streak({1, 2, 3, 4}, 4), 4);
}

TEST(StreakTest, CountsBackFromYesterdayWhileTodayIsStillOpen) {
  EXPECT_EQ(Streak({2, 3}, 4), 2);
}

TEST(StreakTest, AMissedDayEndsTheStreak) {
  EXPECT_EQ(Streak({1, 2, 4, 5}, 5), 2);
  EXPECT_EQ(Streak({1, 2}, 5), 0);
}

TEST(StreakTest, DaysInAnyOrderAsAMakeUpArrivesLate) {
  // Day 3 made up after days 4 and 5: the run joins up.
  EXPECT_EQ(Streak({1, 2, 4, 5, 3}, 5), 5);
  EXPECT_EQ(Streak({5, 3, 4}, 6), 3);
}

TEST(StreakTest, NoDaysNoStreak) { EXPECT_EQ(Streak({}, 3), 0); }

TEST(CampaignTest, MembersGoInTheirCampaignsGroupOrAStandingOne) {
  Group own{7, "第3期群", "", "", 5, 0}, standing{8, "交流群", "", "", 0, 0},
      other{9, "第2期群", "", "", 2, 0};
  EXPECT_TRUE(CheckEnrollGroup(own, 5, "group_id").ok());
  EXPECT_TRUE(CheckEnrollGroup(standing, 5, "group_id").ok());
  Status refused = CheckEnrollGroup(other, 5, "enrollments[3].group_id");
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.field(), "enrollments[3].group_id");
  EXPECT_NE(refused.message().find("activity group of campaign 2"),
            std::string::npos)
      << refused.message();
}

}  // namespace
}  // namespace qunying::community
