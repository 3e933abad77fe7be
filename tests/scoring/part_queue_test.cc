#include "scoring/part_queue.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace qunying::scoring {
namespace {

TEST(PartQueueTest, HandsOutEveryPartOnceInOrder) {
  PartQueue queue(3);
  std::vector<size_t> taken;
  while (auto p = queue.Take()) taken.push_back(*p);
  EXPECT_EQ(taken, (std::vector<size_t>{0, 1, 2}));
  EXPECT_FALSE(queue.Take().has_value());
}

TEST(PartQueueTest, APartIsReadyOnlyOnceFilled) {
  PartQueue queue(3);
  ASSERT_EQ(*queue.Take(), 0u);
  ASSERT_EQ(*queue.Take(), 1u);
  queue.Finish(1, Status::Ok());  // Parts may finish out of order.
  auto first = queue.Ready(0, /*wait=*/false);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(*first);
  auto second = queue.Ready(1, /*wait=*/false);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(*second);
  EXPECT_FALSE(queue.all_filled_at().has_value());
  EXPECT_FALSE(queue.Ready(3, false).ok());  // No such part.
}

TEST(PartQueueTest, AReaderWaitsForThePartItAsksFor) {
  PartQueue queue(2);
  std::atomic<bool> filled{false};
  std::thread worker([&] {
    while (auto p = queue.Take()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (*p == 1) filled = true;
      queue.Finish(*p, Status::Ok());
    }
  });
  auto ready = queue.Ready(1, /*wait=*/true);
  ASSERT_TRUE(ready.ok());
  EXPECT_TRUE(*ready);
  EXPECT_TRUE(filled.load());  // Not before the worker filled it.
  worker.join();
  EXPECT_TRUE(queue.all_filled_at().has_value());
}

// A worker's error answers a reader waiting for a part no one will fill,
// and no more parts are handed out.
TEST(PartQueueTest, AnErrorAnswersEveryReaderAndStopsTheHandOut) {
  PartQueue queue(4);
  ASSERT_EQ(*queue.Take(), 0u);
  ASSERT_EQ(*queue.Take(), 1u);
  std::thread worker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    queue.Finish(1, Status(StatusCode::kUnavailable, "model failed"));
  });
  auto ready = queue.Ready(0, /*wait=*/true);  // Part 0 is never filled.
  worker.join();
  ASSERT_FALSE(ready.ok());
  EXPECT_EQ(ready.status().message(), "model failed");
  EXPECT_EQ(queue.status().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(queue.Take().has_value());
}

TEST(PartQueueTest, StopEndsTheHandOut) {
  PartQueue queue(3);
  ASSERT_EQ(*queue.Take(), 0u);
  queue.Stop();
  EXPECT_FALSE(queue.Take().has_value());
  EXPECT_TRUE(queue.status().ok());
}

}  // namespace
}  // namespace qunying::scoring
