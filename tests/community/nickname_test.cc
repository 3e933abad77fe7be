#include "community/nickname.h"

#include "community/chinese_variants.h"

#include <gtest/gtest.h>

namespace qunying::community {
namespace {

TEST(NormalizeNicknameTest, DecorationsMeetTheBareName) {
  const std::string bare = NormalizeNickname("王小明妈妈");
  EXPECT_EQ(bare, "王小明妈妈");
  for (const char* decorated :
       {"A王小明妈妈", "王小明妈妈🌸", "王小明妈妈-北京", "王小明妈妈（三年级）",
        "王小明妈妈(三年级)", "★王小明妈妈★", "01王小明妈妈",
        "王小明妈妈 北京海淀", "【北京】王小明妈妈", "王小明妈妈～",
        "Ａ王小明妈妈", "王小明妈妈—朝阳", "王小明妈妈🌸🌸-北京"}) {
    EXPECT_EQ(NormalizeNickname(decorated), bare) << decorated;
  }
}

TEST(NormalizeNicknameTest, KinshipWordsKeepPeopleApart) {
  EXPECT_NE(NormalizeNickname("王小明爸爸"), NormalizeNickname("王小明妈妈"));
  EXPECT_NE(NormalizeNickname("A王小明爸爸🌸"), NormalizeNickname("王小明妈妈"));
  EXPECT_NE(NormalizeNickname("王小明奶奶-北京"),
            NormalizeNickname("王小明妈妈"));
}

TEST(NormalizeNicknameTest, TraditionalCharactersMeetSimplified) {
  ASSERT_TRUE(SimplifiedTableLoaded());
  EXPECT_EQ(NormalizeNickname("王小明媽媽"), NormalizeNickname("王小明妈妈"));
  EXPECT_EQ(NormalizeNickname("陳浩然爸爸（臺北）"), "陈浩然爸爸");
  EXPECT_NE(NormalizeNickname("王小明爸爸"), NormalizeNickname("王小明媽媽"));
}

TEST(NormalizeNicknameTest, LatinNamesSurviveAndFoldCase) {
  EXPECT_EQ(NormalizeNickname("Lily Chen"), "lilychen");
  EXPECT_EQ(NormalizeNickname("ＬＩＬＹ"), "lily");
  EXPECT_EQ(NormalizeNickname("Amy"), "amy");            // Not a sort prefix.
  EXPECT_EQ(NormalizeNickname("Emma妈妈"), "emma妈妈");  // 4 letters: a name.
}

TEST(NormalizeNicknameTest, NothingMeaningfulLeftIsEmpty) {
  EXPECT_EQ(NormalizeNickname("🌸🌸"), "");
  EXPECT_EQ(NormalizeNickname("   "), "");
  EXPECT_EQ(NormalizeNickname(""), "");
}

TEST(NormalizeNicknameTest, ABracketThatIsTheWholeNameIsKept) {
  EXPECT_EQ(NormalizeNickname("（小明）"), "小明");
}

}  // namespace
}  // namespace qunying::community
