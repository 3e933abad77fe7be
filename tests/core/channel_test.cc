#include "core/channel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace qunying {
namespace {

TEST(ChannelTest, DeliversEveryItemInOrderAndNeverHoldsMoreThanItsCapacity) {
  Channel<int> ch(2);
  std::atomic<int> pushed{0}, popped{0};
  int most_ahead = 0;
  std::thread producer([&] {
    for (int i = 0; i < 200; ++i) {
      ASSERT_TRUE(ch.Push(i));
      ++pushed;
    }
    ch.Close();
  });
  std::vector<int> got;
  while (auto v = ch.Pop()) {
    // Pushed but not yet taken: at most the capacity, plus the one whose
    // Push returned before this Pop's count went up.
    most_ahead = std::max(most_ahead, pushed.load() - popped.load());
    got.push_back(*v);
    ++popped;
    if (got.size() % 50 == 0) std::this_thread::yield();
  }
  producer.join();
  ASSERT_EQ(got.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(got[i], i);
  EXPECT_LE(most_ahead, 3);
}

TEST(ChannelTest, AFullChannelHoldsItsProducerUntilAnItemIsTaken) {
  Channel<int> ch(1);
  ASSERT_TRUE(ch.Push(1));
  std::atomic<bool> second_in{false};
  std::thread producer([&] {
    EXPECT_TRUE(ch.Push(2));
    second_in = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(second_in);  // Still waiting for room.
  EXPECT_EQ(ch.Pop(), 1);
  producer.join();
  EXPECT_TRUE(second_in);
  EXPECT_EQ(ch.Pop(), 2);
}

TEST(ChannelTest, CloseFailsWaitingPushesAndDrainsBeforeEndingPops) {
  Channel<int> full(1);
  ASSERT_TRUE(full.Push(7));
  std::atomic<int> refused{0};
  std::thread blocked([&] { refused += full.Push(8) ? 0 : 1; });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  full.Close();
  blocked.join();
  EXPECT_EQ(refused, 1);
  EXPECT_FALSE(full.Push(9));
  EXPECT_EQ(full.Pop(), 7);  // Pushed before the close: still delivered.
  EXPECT_EQ(full.Pop(), std::nullopt);

  Channel<int> empty(4);
  std::thread waiting([&] { EXPECT_EQ(empty.Pop(), std::nullopt); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  empty.Close();
  waiting.join();
}

}  // namespace
}  // namespace qunying
