#include "core/time_util.h"

#include <gtest/gtest.h>

namespace qunying {
namespace {

TEST(TimeUtilTest, FormatsAtChinaOffsetByDefault) {
  // 2026-03-01T12:15:00Z is 20:15 in Beijing.
  int64_t ms = (DaysFromCivil(2026, 3, 1) * 86400 + 12 * 3600 + 15 * 60) * 1000;
  EXPECT_EQ(FormatRfc3339(ms), "2026-03-01T20:15:00+08:00");
  EXPECT_EQ(FormatRfc3339(ms, 0), "2026-03-01T12:15:00+00:00");
  EXPECT_EQ(FormatRfc3339(ms, -300), "2026-03-01T07:15:00-05:00");
}

TEST(TimeUtilTest, ParsesOffsetsZuluAndFractions) {
  auto a = ParseRfc3339("2026-03-01T20:15:00+08:00");
  auto b = ParseRfc3339("2026-03-01T12:15:00Z");
  auto c = ParseRfc3339("2026-03-01T12:15:00.250Z");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*c - *b, 250);
}

TEST(TimeUtilTest, RoundTripsAcrossYearsAndLeapDays) {
  for (int64_t ms :
       {0LL, 951782400000LL, 1709164800123LL / 1000 * 1000, -86400000LL}) {
    auto parsed = ParseRfc3339(FormatRfc3339(ms));
    ASSERT_TRUE(parsed.ok()) << FormatRfc3339(ms);
    EXPECT_EQ(*parsed, ms);
  }
}

TEST(TimeUtilTest, RefusesTimesWithoutOffsetOrImpossibleDates) {
  EXPECT_FALSE(ParseRfc3339("2026-03-01T20:15:00").ok());
  EXPECT_FALSE(ParseRfc3339("2026-02-30T20:15:00Z").ok());
  EXPECT_FALSE(ParseRfc3339("2026-03-01T24:00:00Z").ok());
  EXPECT_FALSE(ParseRfc3339("2026-03-01T20:15:00+08:00x").ok());
  EXPECT_FALSE(ParseRfc3339("").ok());
  EXPECT_EQ(ParseRfc3339("yesterday").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(TimeUtilTest, IsoDatesRoundTripAndValidate) {
  auto d = ParseIsoDate("2024-02-29");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(FormatIsoDate(*d), "2024-02-29");
  EXPECT_EQ(*ParseIsoDate("1970-01-02"), 1);
  EXPECT_FALSE(ParseIsoDate("2023-02-29").ok());
  EXPECT_FALSE(ParseIsoDate("2023-2-1").ok());
}

}  // namespace
}  // namespace qunying
