// Values put into bytes come back in order; short or corrupt bytes fail
// every read from the first that runs out, without a huge allocation.
#include "core/byte_codec.h"

#include <gtest/gtest.h>

#include <vector>

namespace qunying {
namespace {

struct Pair {
  int64_t a;
  double b;
};

std::string Sample() {
  ByteWriter w;
  w.Put(uint32_t{7});
  w.Put(int64_t{-42});
  w.Put(2.5);
  w.PutBytes("王小明");
  Pair items[2] = {{1, 0.5}, {-3, 1e9}};
  w.Put(uint64_t{2});
  w.PutArray(items, 2);
  return w.Take();
}

TEST(ByteCodecTest, ReadsBackWhatWasPutInOrder) {
  std::string bytes = Sample();
  ByteReader r(bytes);
  uint32_t u = 0;
  int64_t i = 0;
  double d = 0;
  std::string s;
  uint64_t n = 0;
  ASSERT_TRUE(r.Get(&u) && r.Get(&i) && r.Get(&d) && r.GetBytes(&s) &&
              r.GetCount(&n, sizeof(Pair)));
  EXPECT_EQ(u, 7u);
  EXPECT_EQ(i, -42);
  EXPECT_EQ(d, 2.5);
  EXPECT_EQ(s, "王小明");
  ASSERT_EQ(n, 2u);
  std::vector<Pair> items(n);
  ASSERT_TRUE(r.GetArray(items.data(), n));
  EXPECT_EQ(items[1].a, -3);
  EXPECT_EQ(items[1].b, 1e9);
  EXPECT_TRUE(r.at_end());
}

TEST(ByteCodecTest, EveryPrefixFailsAndLeavesTheValueUnchanged) {
  std::string bytes = Sample();
  for (size_t len = 0; len < bytes.size(); ++len) {
    ByteReader r(std::string_view(bytes).substr(0, len));
    uint32_t u = 0;
    int64_t i = 99;
    double d = 0;
    std::string s;
    uint64_t n = 0;
    bool whole = r.Get(&u) && r.Get(&i) && r.Get(&d) && r.GetBytes(&s) &&
                 r.GetCount(&n, sizeof(Pair));
    Pair items[2];
    if (whole) whole = r.GetArray(items, n);
    EXPECT_FALSE(whole) << len;
    EXPECT_FALSE(r.ok()) << len;
    EXPECT_FALSE(r.at_end()) << len;
    if (len < 12) {
      EXPECT_EQ(i, 99) << len;  // The int64 was not there.
    }
  }
}

TEST(ByteCodecTest, ACountTheRestCannotHoldFails) {
  ByteWriter w;
  w.Put(uint64_t{1} << 60);  // A corrupt count.
  w.Put(int64_t{5});
  std::string bytes = w.Take();
  ByteReader r(bytes);
  uint64_t n = 0;
  EXPECT_FALSE(r.GetCount(&n, 8));
  EXPECT_EQ(n, 0u);
  int64_t after = 0;
  EXPECT_FALSE(r.Get(&after));  // A failed reader stays failed.
  ByteReader views(bytes);
  std::string_view v;
  EXPECT_FALSE(views.GetView(&v));
}

}  // namespace
}  // namespace qunying
