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

}  // namespace
}  // namespace qunying::community
