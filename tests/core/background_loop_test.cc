#include "core/background_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace qunying {
namespace {

using std::chrono::milliseconds;

// Polls `done` for up to ten seconds.
template <typename Fn>
bool Eventually(Fn done) {
  for (int i = 0; i < 1000 && !done(); ++i)
    std::this_thread::sleep_for(milliseconds(10));
  return done();
}

TEST(BackgroundLoopTest, RunsStepsAtOnceUntilOneAsksToWaitAndStopWakesIt) {
  std::atomic<int> steps{0};
  BackgroundLoop loop;
  // Five steps back to back, then a wait of an hour: Stop must cut it
  // short (else the test times out).
  loop.Start(
      [&] { return ++steps < 5 ? milliseconds(0) : std::chrono::hours(1); });
  ASSERT_TRUE(Eventually([&] { return steps >= 5; }));
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(steps, 5);  // Waiting, not stepping.
  loop.Stop();
  EXPECT_EQ(steps, 5);
}

TEST(BackgroundLoopTest, StartsOnceAndAgainAfterStop) {
  std::atomic<int> first{0}, second{0};
  BackgroundLoop loop;
  loop.Start([&] {
    ++first;
    return milliseconds(5);
  });
  loop.Start([&] {  // Running already: ignored.
    ++second;
    return milliseconds(5);
  });
  ASSERT_TRUE(Eventually([&] { return first >= 3; }));
  loop.Stop();
  loop.Stop();  // Idempotent.
  EXPECT_EQ(second, 0);
  const int before = first;
  loop.Start([&] {
    ++second;
    return milliseconds(5);
  });
  ASSERT_TRUE(Eventually([&] { return second >= 1; }));
  loop.Stop();
  EXPECT_EQ(first, before);
}

}  // namespace
}  // namespace qunying
