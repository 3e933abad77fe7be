#include "server/request_id.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace qunying::server {
namespace {

bool IsLowerHex(const std::string& s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

TEST(RequestIdTest, IdsAreSixteenLowerCaseHexDigits) {
  RequestIdSource ids(42);
  for (int i = 0; i < 1000; ++i) {
    std::string id = ids.Next();
    EXPECT_EQ(id.size(), 16u) << id;
    EXPECT_TRUE(IsLowerHex(id)) << id;
  }
}

TEST(RequestIdTest, NoIdRepeatsAcrossThreadsOfOneSource) {
  // Seeded just below the counter's wrap: it passes through 0 on the way.
  RequestIdSource ids(~uint64_t{0} - 50000);
  constexpr int kThreads = 4, kEach = 50000;
  std::vector<std::vector<std::string>> got(kThreads);
  std::vector<std::thread> pool;
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

TEST(RequestIdTest, ConsecutiveIdsDoNotLookConsecutive) {
  // A counter shown as is would share its first 14 digits with the next id
  // nearly always, and tell a client how many requests came in between.
  RequestIdSource ids(7);
  std::string prev = ids.Next();
  int shared_prefix = 0;
  for (int i = 0; i < 1000; ++i) {
    std::string id = ids.Next();
    if (id.compare(0, 4, prev, 0, 4) == 0) ++shared_prefix;
    prev = id;
  }
  // By chance 1000 / 65536 pairs would; a fixed seed makes this exact.
  EXPECT_LE(shared_prefix, 2);
}

TEST(RequestIdTest, SourcesWithOtherSeedsGiveOtherIds) {
  RequestIdSource a(1), b(1 + (uint64_t{1} << 40));
  std::set<std::string> from_a;
  for (int i = 0; i < 10000; ++i) from_a.insert(a.Next());
  int common = 0;
  for (int i = 0; i < 10000; ++i) common += from_a.count(b.Next());
  EXPECT_EQ(common, 0);
}

TEST(RequestIdTest, TheProcessSourceIsOneSource) {
  std::string a = RequestIdSource::Process().Next();
  std::string b = RequestIdSource::Process().Next();
  EXPECT_NE(a, b);
  EXPECT_EQ(&RequestIdSource::Process(), &RequestIdSource::Process());
}

}  // namespace
}  // namespace qunying::server
