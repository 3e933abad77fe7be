#include "core/utf8.h"

#include <gtest/gtest.h>

#include "core/result.h"

namespace qunying {
namespace {

TEST(Utf8Test, AcceptsChineseAndEmoji) {
  EXPECT_TRUE(IsValidUtf8("王小明妈妈🌸"));
  EXPECT_EQ(Utf8Length("王小明妈妈🌸"), 6u);
}

TEST(Utf8Test, RejectsMalformedSequences) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // Overlong '/'.
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // Surrogate.
  EXPECT_FALSE(IsValidUtf8("\xE7\x8E"));          // Truncated.
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // Above U+10FFFF.
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

TEST(Utf8Test, PrefixNeverCutsACharacter) {
  EXPECT_EQ(Utf8Prefix("王小明妈妈🌸", 3), "王小明");
  EXPECT_EQ(Utf8Prefix("王小明妈妈🌸", 6), "王小明妈妈🌸");
  EXPECT_EQ(Utf8Prefix("ab🌸c", 3), "ab🌸");
  EXPECT_EQ(Utf8Prefix("abc", 0), "");
}

TEST(Utf8Test, FindsControlCharacters) {
  EXPECT_TRUE(HasControlChars(std::string("a\0b", 3)));
  EXPECT_TRUE(HasControlChars("a\x1b[31m"));
  EXPECT_TRUE(HasControlChars("a\xC2\x85"));  // U+0085 NEL.
  EXPECT_FALSE(HasControlChars("line one\nline two\t!"));
}

TEST(ResultTest, CarriesValueOrStatus) {
  Result<int> good = 7;
  Result<int> bad = Status::NotFound("nope");
  EXPECT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(bad.status().ToString(), "NotFound: nope");
}

Result<int> Twice(Result<int> in) {
  QY_ASSIGN_OR_RETURN(int v, std::move(in));
  return v * 2;
}

TEST(ResultTest, AssignOrReturnPropagatesErrors) {
  EXPECT_EQ(*Twice(21), 42);
  EXPECT_EQ(Twice(Status::Conflict("dup")).status().code(),
            StatusCode::kConflict);
}

}  // namespace
}  // namespace qunying
