#include "scoring/text_arena.h"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace qunying::scoring {
namespace {

std::vector<std::string> Texts(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("text " + std::to_string(i * 37));
  return out;
}

TEST(TextArenaTest, KeepsACopyThatOutlivesItsSource) {
  TextArena arena;
  std::string source = "想报下一期";
  std::string_view copy = arena.Add(source);
  source.assign(source.size(), 'x');
  EXPECT_EQ(copy, "想报下一期");
  EXPECT_TRUE(arena.Add("").empty());
}

TEST(TextArenaTest, ViewsStayWholeAcrossBlocksAndAMove) {
  TextArena arena(/*block_bytes=*/32);
  std::vector<std::string> texts = Texts(100);
  std::vector<std::string_view> views;
  for (const auto& t : texts) views.push_back(arena.Add(t));
  TextArena moved = std::move(arena);
  for (size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(views[i], texts[i]);
  EXPECT_GT(moved.reserved_bytes(), size_t{32});
}

TEST(TextArenaTest, ResetFillsTheSameBlocksAgain) {
  TextArena arena(/*block_bytes=*/64);
  std::vector<std::string> texts = Texts(50);
  std::vector<std::string_view> first;
  for (const auto& t : texts) first.push_back(arena.Add(t));
  size_t reserved = arena.reserved_bytes();
  arena.Reset();
  for (size_t i = 0; i < texts.size(); ++i) {
    std::string_view again = arena.Add(texts[i]);
    EXPECT_EQ(again.data(), first[i].data()) << i;
    EXPECT_EQ(again, texts[i]);
  }
  EXPECT_EQ(arena.reserved_bytes(), reserved);
}

TEST(TextArenaTest, ATextLongerThanABlockGetsItsOwnUntilReset) {
  TextArena arena(/*block_bytes=*/16);
  std::string small = "short";
  std::string big(100, 'b');
  EXPECT_EQ(arena.Add(small), small);
  EXPECT_EQ(arena.Add(big), big);
  EXPECT_EQ(arena.Add(small), small);  // Still in the first block.
  EXPECT_EQ(arena.reserved_bytes(), size_t{16 + 100});
  arena.Reset();
  EXPECT_EQ(arena.reserved_bytes(), size_t{16});
}

}  // namespace
}  // namespace qunying::scoring
