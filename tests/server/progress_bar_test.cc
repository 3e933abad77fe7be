#include "server/progress_bar.h"

#include <gtest/gtest.h>

namespace qunying::server {
namespace {

TEST(ProgressLineTest, ShowsBarPercentCountsRateAndTimeLeft) {
  EXPECT_EQ(ProgressLine(15, 60, "photos", 5.0),
            "[#######.......................]  25%  15 / 60 photos  3.0/s  "
            "15 s left");
}

TEST(ProgressLineTest, NoRateBeforeAnythingIsDoneAndNoneWhenFinished) {
  EXPECT_EQ(ProgressLine(0, 10, "rows", 3.0),
            "[..............................]   0%  0 / 10 rows");
  EXPECT_EQ(ProgressLine(10, 10, "rows", 3.0),
            "[##############################] 100%  10 / 10 rows");
  // An empty job is complete, not a division by zero.
  EXPECT_EQ(ProgressLine(0, 0, "rows", 0.0),
            "[##############################] 100%  0 / 0 rows");
}

}  // namespace
}  // namespace qunying::server
