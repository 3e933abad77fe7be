// CSV export cells: quoting, and no formula a spreadsheet would run.
#include <gtest/gtest.h>

#include "server/api.h"

namespace qunying::server {
namespace {

TEST(CsvFieldTest, QuotesCommasQuotesAndLineBreaks) {
  EXPECT_EQ(CsvField("王小明妈妈"), "王小明妈妈");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField(""), "");
}

TEST(CsvFieldTest, AFormulaIsExportedAsText) {
  // A participant chooses their nickname; operators open exports in Excel.
  EXPECT_EQ(CsvField("=1+1"), "'=1+1");
  EXPECT_EQ(CsvField("+86 138"), "'+86 138");
  EXPECT_EQ(CsvField("-2"), "'-2");
  EXPECT_EQ(CsvField("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvField("\tx"), "'\tx");
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  // Only at the start of a cell.
  EXPECT_EQ(CsvField("小明=1"), "小明=1");
}

}  // namespace
}  // namespace qunying::server
