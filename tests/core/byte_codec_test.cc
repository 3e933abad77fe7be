// Values put into bytes come back in order; short or corrupt bytes fail
// every read from the first that runs out, without a huge allocation.
#include "core/byte_codec.h"

#include <gtest/gtest.h>

#include <algorithm>
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

// Collects what a writer hands on, and the most it ever held at once.
class Collect : public ByteSink {
 public:
  void Append(std::string_view bytes) override {
    bytes_.append(bytes);
    ++calls_;
  }
  std::string bytes_;
  int calls_ = 0;
};

TEST(ByteCodecTest, AWriterWithASinkHandsOnWhatItWouldHaveKept) {
  auto put = [](ByteWriter& w, size_t* most_held) {
    std::string big(100, 'z');
    for (int i = 0; i < 50; ++i) {
      w.Put(int64_t{i});
      w.PutBytes("王小明");
      if (i % 10 == 0) w.PutRaw(big);  // Past the buffer: straight through.
      *most_held = std::max(*most_held, w.bytes().size());
    }
    for (int i = 0; i < 40; ++i) {  // Values alone, past the buffer.
      w.Put(int32_t{i});
      *most_held = std::max(*most_held, w.bytes().size());
    }
    Pair items[2] = {{1, 0.5}, {-3, 1e9}};
    w.PutArray(items, 2);
    w.Put(uint8_t{9});  // Held until Flush.
  };
  ByteWriter kept;
  size_t unused = 0;
  put(kept, &unused);
  Collect sink;
  ByteWriter handed(&sink, 64);
  size_t most_held = 0;
  put(handed, &most_held);
  EXPECT_EQ(handed.size(), kept.bytes().size());
  EXPECT_LT(sink.bytes_.size(), kept.bytes().size());  // Some still held.
  handed.Flush();
  EXPECT_EQ(sink.bytes_, kept.bytes());
  EXPECT_EQ(handed.size(), kept.bytes().size());
  EXPECT_TRUE(handed.bytes().empty());
  EXPECT_LT(most_held, size_t{64});
  EXPECT_GT(sink.calls_, 10);
  ByteReader rest(sink.bytes_);
  int64_t first = -1;
  std::string_view all;
  ASSERT_TRUE(rest.Get(&first) && rest.GetRest(&all));
  EXPECT_EQ(first, 0);
  EXPECT_EQ(all.size(), sink.bytes_.size() - 8);
  EXPECT_TRUE(rest.at_end());
}

}  // namespace
}  // namespace qunying
