#include "community/enrollment_csv.h"

#include <gtest/gtest.h>

namespace qunying::community {
namespace {

TEST(EnrollmentCsvTest, ReadsAnOrderExportWithChineseHeadersAndYuan) {
  auto rows = ParseEnrollmentCsv(
      "\xEF\xBB\xBF订单号,微信昵称,手机号,实付金额,渠道,群\r\n"
      "A001,小明妈妈,138 1234 5678,¥99.00,抖音,7\r\n"
      "A002,\"李, 欣怡妈妈\",+86-13900001111,\"1,299.5\",,\r\n"
      "A003,王老师,,0,公众号,\r\n");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].nickname, "小明妈妈");
  EXPECT_EQ((*rows)[0].phone, "13812345678");
  EXPECT_EQ((*rows)[0].paid_fen, 9900);
  EXPECT_EQ((*rows)[0].channel, "抖音");
  EXPECT_EQ((*rows)[0].group_id, 7);
  EXPECT_EQ((*rows)[0].order_no, "A001");
  EXPECT_EQ((*rows)[2].order_no, "A003");
  EXPECT_EQ((*rows)[1].nickname, "李, 欣怡妈妈");
  EXPECT_EQ((*rows)[1].phone, "13900001111");
  EXPECT_EQ((*rows)[1].paid_fen, 129950);
  EXPECT_EQ((*rows)[1].group_id, 0);
  EXPECT_EQ((*rows)[2].phone, "");
  EXPECT_EQ((*rows)[2].paid_fen, 0);
}

TEST(EnrollmentCsvTest, AmountsInFenAndTabSeparatedFilesAreRead) {
  auto rows = ParseEnrollmentCsv("nickname\topenid\tpaid_fen\nA\to-1\t19900\n");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ((*rows)[0].openid, "o-1");
  EXPECT_EQ((*rows)[0].paid_fen, 19900);
}

TEST(EnrollmentCsvTest, ABadCellIsNamedByRowAndColumn) {
  auto where = [](const char* csv) {
    auto rows = ParseEnrollmentCsv(csv);
    return rows.ok() ? std::string("ok") : rows.status().message();
  };
  EXPECT_NE(where("昵称,手机号\n小明妈妈,12345\n").find("row 2, column 2"),
            std::string::npos);
  EXPECT_NE(where("昵称,金额\n小明妈妈,99.999\n").find("row 2, column 2"),
            std::string::npos);
  EXPECT_NE(where("昵称,金额\n小明妈妈,-5\n").find("row 2, column 2"),
            std::string::npos);
  EXPECT_NE(where("昵称,群\n小明妈妈,第一群\n").find("row 2, column 2"),
            std::string::npos);
  EXPECT_NE(where("手机号,昵称\n13812345678,\n").find("row 2, column 2"),
            std::string::npos);
  EXPECT_NE(where("手机号\n13812345678\n").find("no nickname column"),
            std::string::npos);
  EXPECT_NE(
      where(("昵称,order_id\n小明妈妈," + std::string(65, '7') + "\n").c_str())
          .find("row 2, column 2"),
      std::string::npos);
  EXPECT_EQ(
      where(("昵称,订单编号\n小明妈妈," + std::string(64, '7') + "\n").c_str()),
      "ok");
}

TEST(EnrollmentCsvTest, YuanAndPhoneCellsAreReadAsExportsWriteThem) {
  EXPECT_EQ(*YuanToFen("99"), 9900);
  EXPECT_EQ(*YuanToFen("99.9"), 9990);
  EXPECT_EQ(*YuanToFen("￥1,299.00"), 129900);
  EXPECT_EQ(*YuanToFen("199元"), 19900);
  EXPECT_EQ(*YuanToFen(""), 0);
  EXPECT_FALSE(YuanToFen("99.").ok());
  EXPECT_FALSE(YuanToFen("1e3").ok());
  EXPECT_FALSE(YuanToFen("123456789").ok());  // Over 10^8 yuan.
  EXPECT_EQ(*YuanToFen("100000000"), 10'000'000'000);
  EXPECT_EQ(*PhoneFromCell("8613812345678"), "13812345678");
  EXPECT_FALSE(PhoneFromCell("1.38123E+10").ok());
  EXPECT_FALSE(PhoneFromCell("23812345678").ok());
}

}  // namespace
}  // namespace qunying::community
