#include "auth/unique_ids.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace qunying::auth {
namespace {

UniqueIds::Key KeyOf(unsigned char first) {
  UniqueIds::Key key{};
  for (size_t i = 0; i < key.size(); ++i)
    key[i] = static_cast<unsigned char>(first + 17 * i);
  return key;
}

bool IsLowerHex(const std::string& s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

TEST(UniqueIdsTest, IdsAreSixteenLowerCaseHexDigits) {
  UniqueIds ids(KeyOf(1), 42);
  for (int i = 0; i < 1000; ++i) {
    std::string id = ids.Next();
    EXPECT_EQ(id.size(), 16u) << id;
    EXPECT_TRUE(IsLowerHex(id)) << id;
  }
}

TEST(UniqueIdsTest, NoIdRepeatsAcrossThreadsOfOneSource) {
  // Started just below the counter's wrap: it passes through 0 on the way.
  UniqueIds ids(KeyOf(2), ~uint64_t{0} - 50000);
  constexpr int kThreads = 4, kEach = 50000;
  std::vector<std::vector<std::string>> got(kThreads);
  std::vector<std::thread> pool;
  pool.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) got[t].push_back(ids.Next());
    });
  }
  for (auto& th : pool) th.join();
  std::unordered_set<std::string> seen;
  for (const auto& part : got) seen.insert(part.begin(), part.end());
  EXPECT_EQ(seen.size(), size_t{kThreads} * kEach);
}

TEST(UniqueIdsTest, NeighbouringCountsGiveUnrelatedIds) {
  // A counter shown as is, or mixed without a key, would let a client
  // tell how many requests came between two ids. Here one count more
  // flips about half the bits.
  UniqueIds ids(KeyOf(3), 0);
  int total = 0;
  constexpr int kPairs = 2000;
  uint64_t prev = std::stoull(ids.Next(), nullptr, 16);
  for (int i = 0; i < kPairs; ++i) {
    uint64_t id = std::stoull(ids.Next(), nullptr, 16);
    total += __builtin_popcountll(prev ^ id);
    prev = id;
  }
  double mean = static_cast<double>(total) / kPairs;
  EXPECT_GT(mean, 28.0);
  EXPECT_LT(mean, 36.0);
}

TEST(UniqueIdsTest, TheKeyDecidesTheIds) {
  // Under another key the same counts give other ids, and the ids of one
  // key cannot be turned into the other's by a fixed difference.
  UniqueIds a(KeyOf(4), 0), b(KeyOf(5), 0);
  std::set<uint64_t> diffs;
  int same = 0;
  for (int n = 0; n < 1000; ++n) {
    uint64_t x = std::stoull(a.Next(), nullptr, 16);
    uint64_t y = std::stoull(b.Next(), nullptr, 16);
    same += x == y;
    diffs.insert(x - y);
  }
  EXPECT_EQ(same, 0);
  EXPECT_GT(diffs.size(), 990u);
}

TEST(UniqueIdsTest, TheProcessSourceIsOneSource) {
  std::string a = UniqueIds::Process().Next();
  std::string b = UniqueIds::Process().Next();
  EXPECT_NE(a, b);
  EXPECT_EQ(&UniqueIds::Process(), &UniqueIds::Process());
}

}  // namespace
}  // namespace qunying::auth
