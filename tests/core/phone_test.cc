#include "core/phone.h"

#include <gtest/gtest.h>

namespace qunying {
namespace {

TEST(PhoneTest, ReadsANumberAsPeopleAndExportsWriteIt) {
  for (const char* written : {"13812345678", "138 1234 5678", "138-1234-5678",
                              "+86 13812345678", "8613812345678"}) {
    auto phone = NormalizeMobile(written);
    ASSERT_TRUE(phone.ok()) << written;
    EXPECT_EQ(*phone, "13812345678") << written;
  }
  // Too short, an unassigned prefix, Excel's scientific form, empty.
  for (const char* bad : {"1381234567", "12012345678", "1.38123E+10", ""})
    EXPECT_FALSE(NormalizeMobile(bad).ok()) << bad;
}

TEST(FindMobilesInTextTest, GivesEveryReadingAndMarksTheWholeOnes) {
  auto found = FindMobilesInText("电话 +86 138 1234 5678，备用135- 6258-2256");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].digits, "13812345678");  // 86 138 1234 5678
  EXPECT_TRUE(found[0].whole);
  EXPECT_EQ(found[1].digits, "13812345678");  // 138 1234 5678
  EXPECT_FALSE(found[1].whole);
  EXPECT_EQ(found[2].digits, "13562582256");
  EXPECT_TRUE(found[2].whole);
  std::string_view text = "QQ 13891234 138 1234 5678";
  found = FindMobilesInText(text);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(text.substr(found[0].begin, found[0].end - found[0].begin),
            "13891234 138");
  EXPECT_EQ(text.substr(found[1].begin, found[1].end - found[1].begin),
            "138 1234 5678");
  EXPECT_FALSE(found[0].whole || found[1].whole);
  EXPECT_TRUE(FindMobilesInText("138****5678 *13812345678").empty());
}

TEST(MaskMobilesInTextTest, MasksEveryWayAPhoneIsWrittenInText) {
  struct Case {
    const char* text;
    const char* masked;
  } cases[] = {
      {"联系电话13812345678", "联系电话138****5678"},
      {"电话 138 1234 5678，谢谢", "电话 138 **** 5678，谢谢"},
      {"138-1234-5678", "138-****-5678"},
      {"135 - 6258 - 2256", "135 - **** - 2256"},
      {"+86 13812345678", "+86 138****5678"},
      {"8613812345678", "86138****5678"},
      {"1381234 5678", "138**** 5678"},
      {"2026-12-06 13812345678 打卡", "2026-12-06 138****5678 打卡"},
      {"妈妈13812345678爸爸13987654321", "妈妈138****5678爸爸139****4321"},
  };
  for (const Case& c : cases) EXPECT_EQ(MaskMobilesInText(c.text), c.masked);
}

// Found by libFuzzer: "13891234 138****5678" masked again read the leftover
// 138 with the group before it as a new number. Groups that can be read two
// ways are both masked, and a masked text stays as it is.
TEST(MaskMobilesInTextTest, MasksEveryReadingAndMaskingTwiceChangesNothing) {
  EXPECT_EQ(MaskMobilesInText("13891234 138 1234 5678"),
            "138****4 138 **** 5678");
  for (const char* text :
       {"8623812345678 138123812345678 13891234 13812345678\x94 1234 5675",
        "1391 1381 2345 678", "13891234 138 1234 5678", "+86 138 1234 5678",
        "138****5678", "1381234 5678 13987654321"}) {
    std::string once = MaskMobilesInText(text);
    EXPECT_EQ(MaskMobilesInText(once), once) << text;
  }
}

TEST(MaskMobilesInTextTest, LeavesOtherDigitsAlone) {
  for (const char* text :
       {"读了 30 分钟", "订单 213812345678", "12012345678", "1381234567",
        "2026-12-06", "1.38123E+10", "138    1234 5678", ""}) {
    EXPECT_EQ(MaskMobilesInText(text), text);
  }
}

}  // namespace
}  // namespace qunying
