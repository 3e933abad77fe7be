#include "scoring/member_id_set.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace qunying::scoring {
namespace {

// Ids added out of order and repeated, as leads come back from a table
// scan; every id from 0 to `top` is asked for, found or not.
TEST(MemberIdSetTest, AnswersAsASetWhateverTheOrderOfIds) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> id(1, 5000);
  std::set<int64_t> want;
  MemberIdSet set;
  for (int i = 0; i < 3000; ++i) {
    int64_t v = id(rng);
    want.insert(v);
    set.Add(v);
  }
  set.Seal();
  EXPECT_EQ(set.size(), want.size());
  MemberIdSet::Cursor ascending(set);
  for (int64_t v = 0; v <= 5001; ++v) {
    bool in = want.count(v) > 0;
    EXPECT_EQ(MemberIdSet::Cursor(set).Contains(v), in) << v;  // Fresh.
    EXPECT_EQ(ascending.Contains(v), in) << v;
  }
}

// A cursor serves lookups in any order: ascending runs with gaps (a
// thread's parts), repeats, and ids below the last one.
TEST(MemberIdSetTest, ACursorFindsIdsInAnyOrder) {
  MemberIdSet set;
  std::vector<int64_t> ids;
  for (int64_t v = 10; v < 100000; v += 7) ids.push_back(v);
  std::reverse(ids.begin(), ids.end());
  for (int64_t v : ids) set.Add(v);
  set.Seal();
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int64_t> id(0, 100010);
  std::vector<int64_t> asks;
  for (int i = 0; i < 20000; ++i) asks.push_back(id(rng));
  std::sort(asks.begin(), asks.begin() + 10000);  // Half in order,
  asks.push_back(asks.back());                    // one repeat,
  asks.push_back(5);                              // and back below all.
  MemberIdSet::Cursor cursor(set);
  for (int64_t v : asks) {
    bool in = v >= 10 && v < 100000 && (v - 10) % 7 == 0;
    ASSERT_EQ(cursor.Contains(v), in) << v;
  }
}

TEST(MemberIdSetTest, ClearedItHoldsNothingUntilFilledAgain) {
  MemberIdSet set;
  for (int64_t id : {3, 1, 2}) set.Add(id);
  set.Seal();
  EXPECT_TRUE(MemberIdSet::Cursor(set).Contains(2));
  set.Clear();
  set.Seal();
  EXPECT_EQ(set.size(), 0u);
  MemberIdSet::Cursor empty(set);
  EXPECT_FALSE(empty.Contains(2));
  set.Add(9);
  set.Seal();
  MemberIdSet::Cursor again(set);
  EXPECT_FALSE(again.Contains(2));
  EXPECT_TRUE(again.Contains(9));
}

}  // namespace
}  // namespace qunying::scoring
