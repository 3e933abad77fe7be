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

}  // namespace
}  // namespace qunying
