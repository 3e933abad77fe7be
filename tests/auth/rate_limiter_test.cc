#include "auth/rate_limiter.h"

#include <gtest/gtest.h>

namespace qunying::auth {
namespace {

TEST(LoginRateLimiterTest, LocksAccountAfterFailuresThenReleasesAfterWindow) {
  FakeClock clock(1000);
  LoginRateLimiter limiter(&clock, {3, 100, 60000, 1000});
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(limiter.Check("alice", "10.0.0.1").ok());
    limiter.RecordFailure("alice", "10.0.0.1");
  }
  EXPECT_EQ(limiter.Check("alice", "10.0.0.2").code(),
            StatusCode::kRateLimited);
  EXPECT_TRUE(limiter.Check("bob", "10.0.0.1").ok());
  clock.Advance(60001);
  EXPECT_TRUE(limiter.Check("alice", "10.0.0.1").ok());
}

TEST(LoginRateLimiterTest, LocksAddressSprayingManyAccounts) {
  FakeClock clock(0);
  LoginRateLimiter limiter(&clock, {100, 5, 60000, 1000});
  for (int i = 0; i < 5; ++i) {
    limiter.RecordFailure("user" + std::to_string(i), "6.6.6.6");
  }
  EXPECT_EQ(limiter.Check("fresh", "6.6.6.6").code(), StatusCode::kRateLimited);
  EXPECT_TRUE(limiter.Check("fresh", "7.7.7.7").ok());
}

TEST(LoginRateLimiterTest, SuccessClearsTheAccount) {
  FakeClock clock(0);
  LoginRateLimiter limiter(&clock, {2, 100, 60000, 1000});
  limiter.RecordFailure("alice", "1.1.1.1");
  limiter.RecordSuccess("alice");
  limiter.RecordFailure("alice", "1.1.1.1");
  EXPECT_TRUE(limiter.Check("alice", "1.1.1.1").ok());
}

TEST(LoginRateLimiterTest, MemoryStaysBoundedUnderAFloodOfNames) {
  FakeClock clock(0);
  LoginRateLimiter limiter(&clock, {5, 1000000, 60000, 100});
  for (int i = 0; i < 10000; ++i) {
    limiter.RecordFailure("u" + std::to_string(i), "2.2.2.2");
  }
  // Still answers; the newest account is tracked.
  for (int i = 0; i < 5; ++i) limiter.RecordFailure("target", "3.3.3.3");
  EXPECT_EQ(limiter.Check("target", "4.4.4.4").code(),
            StatusCode::kRateLimited);
}

}  // namespace
}  // namespace qunying::auth
