// CSV export cells: quoting, and no formula a spreadsheet would run.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "server/api.h"

namespace qunying::server {
namespace {

TEST(CsvFieldTest, QuotesWhatNeedsItAndExportsFormulasAsText) {
  // {cell, as written}. Participants choose their nicknames, and operators
  // open exports in spreadsheets, which run a cell starting with = + - @
  // tab or CR as a formula.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"王小明妈妈", "王小明妈妈"},
      {"", ""},
      {"a,b", "\"a,b\""},
      {"say \"hi\"", "\"say \"\"hi\"\"\""},
      {"two\nlines", "\"two\nlines\""},
      {"=1+1", "'=1+1"},
      {"+86 138", "'+86 138"},
      {"-2", "'-2"},
      {"@SUM(A1)", "'@SUM(A1)"},
      {"\tx", "'\tx"},
      {"=HYPERLINK(\"http://x\",\"y\")",
       "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
      {"小明=1", "小明=1"},  // Only at the start of a cell.
  };
  for (const auto& [cell, written] : cases)
    EXPECT_EQ(CsvField(cell), written) << cell;
}

}  // namespace
}  // namespace qunying::server
