#include "core/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

namespace qunying {
namespace {

TEST(RunOnThreadsTest, RunsEveryIndexOnceTheFirstOnTheCallingThread) {
  std::mutex mu;
  std::multiset<size_t> seen;
  std::thread::id first;
  Status s = RunOnThreads(5, [&](size_t t) {
    std::lock_guard<std::mutex> lock(mu);
    seen.insert(t);
    if (t == 0) first = std::this_thread::get_id();
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(seen, (std::multiset<size_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(first, std::this_thread::get_id());
}

TEST(RunOnThreadsTest, ZeroThreadsRunsOnceAndErrorsComeInThreadOrder) {
  std::atomic<int> calls{0};
  EXPECT_TRUE(RunOnThreads(0, [&](size_t) {
                ++calls;
                return Status::Ok();
              }).ok());
  EXPECT_EQ(calls, 1);
  Status s = RunOnThreads(4, [&](size_t t) {
    return t >= 2 ? Status::Internal("part " + std::to_string(t))
                  : Status::Ok();
  });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "part 2");
}

}  // namespace
}  // namespace qunying
