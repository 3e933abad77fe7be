#include <gtest/gtest.h>
#include <zip.h>

#include <string>
#include <vector>

#include "community/roster_csv.h"
#include "community/roster_xlsx.h"
#include "core/time_util.h"

namespace qunying::community {
namespace {

// Builds an .xlsx in memory from (path, content) parts.
std::string Zip(const std::vector<std::pair<std::string, std::string>>& parts) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
  zip_source_keep(src);
  zip_t* z = zip_open_from_source(src, ZIP_TRUNCATE, &err);
  for (const auto& [path, content] : parts) {
    zip_source_t* part =
        zip_source_buffer(z, content.data(), content.size(), 0);
    zip_file_add(z, path.c_str(), part, ZIP_FL_ENC_UTF_8);
  }
  zip_close(z);
  zip_source_open(src);
  zip_source_seek(src, 0, SEEK_END);
  zip_int64_t size = zip_source_tell(src);
  zip_source_seek(src, 0, SEEK_SET);
  std::string out(static_cast<size_t>(size), '\0');
  zip_source_read(src, out.data(), size);
  zip_source_close(src);
  zip_source_free(src);
  return out;
}

std::string Workbook(const std::string& sheet, const std::string& shared) {
  const std::string ns =
      "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"";
  return Zip({
      {"[Content_Types].xml", "<Types/>"},
      {"xl/workbook.xml",
       "<workbook " + ns +
           " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/"
           "relationships\"><sheets><sheet name=\"群成员\" sheetId=\"1\" "
           "r:id=\"rId1\"/></sheets></workbook>"},
      {"xl/_rels/workbook.xml.rels",
       "<Relationships><Relationship Id=\"rId1\" "
       "Target=\"worksheets/members.xml\"/></Relationships>"},
      {"xl/sharedStrings.xml", "<sst " + ns + ">" + shared + "</sst>"},
      {"xl/worksheets/members.xml", "<worksheet " + ns + "><sheetData>" +
                                        sheet + "</sheetData></worksheet>"},
  });
}

TEST(RosterXlsxTest, ReadsSharedInlineAndSerialDateCells) {
  std::string shared =
      "<si><t>群昵称</t></si><si><t>微信号</t></si><si><t>入群时间</t></si>"
      "<si><r><t>王小明</t></r><r><t>妈妈</t></r></si>";
  std::string sheet =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" "
      "t=\"s\"><v>1</v></c>"
      "<c r=\"C1\" t=\"s\"><v>2</v></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>3</v></c><c "
      "r=\"C2\"><v>46082.84375</v></c></row>"
      "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>李欣怡 &amp; "
      "妈妈</t></is></c>"
      "<c r=\"B3\" t=\"str\"><v>wx_2</v></c></row>";
  auto rows = ParseRosterXlsx(Workbook(sheet, shared));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].nickname, "王小明妈妈");
  EXPECT_EQ((*rows)[0].wechat_id, "");
  // 46082.84375 = 2026-03-01 20:15 in the exporter's (China) time.
  EXPECT_EQ(FormatRfc3339((*rows)[0].joined_at_ms),
            "2026-03-01T20:15:00+08:00");
  EXPECT_EQ((*rows)[1].nickname, "李欣怡 & 妈妈");
  EXPECT_EQ((*rows)[1].wechat_id, "wx_2");
}

TEST(RosterXlsxTest, RefusesNonWorkbooksAndInflationBombs) {
  EXPECT_EQ(ParseRosterXlsx("PK\x03\x04 not really").status().code(),
            StatusCode::kUnsupportedMedia);
  EXPECT_EQ(ParseRosterXlsx("").status().code(), StatusCode::kUnsupportedMedia);
  EXPECT_EQ(ParseRosterXlsx(Zip({{"hello.txt", "hi"}})).status().code(),
            StatusCode::kUnsupportedMedia);
  std::string huge =
      "<sst><si><t>" + std::string(3 << 20, 'a') + "</t></si></sst>";
  XlsxLimits small;
  small.max_part_bytes = 1 << 20;
  auto bomb = ReadXlsxTable(Zip({{"xl/sharedStrings.xml", huge},
                                 {"xl/worksheets/sheet1.xml", "<worksheet/>"}}),
                            small);
  EXPECT_EQ(bomb.status().code(), StatusCode::kTooLarge);
}

TEST(RosterXlsxTest, ErrorsNameRowAndColumn) {
  std::string sheet =
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>nickname</t></is></c>"
      "<c r=\"B1\" t=\"inlineStr\"><is><t>joined_at</t></is></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>小明妈妈</t></is></c>"
      "<c r=\"B2\" t=\"inlineStr\"><is><t>someday</t></is></c></row>";
  auto rows = ParseRosterXlsx(Workbook(sheet, ""));
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("row 2, column 2"), std::string::npos)
      << rows.status().message();
}

TEST(RosterCsvTest, QuotesBomsAndLineEndings) {
  auto rows = ParseRosterCsv(
      "\xEF\xBB\xBFnickname,wechat_id\r\n\"王, 小明\",wx1\r\n\"a\"\"b\",\r\n");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].nickname, "王, 小明");
  EXPECT_EQ((*rows)[1].nickname, "a\"b");
}

// UTF-16LE bytes with a byte-order mark, as Excel saves "Unicode text".
std::string Utf16LeWithBom(const std::u16string& text) {
  std::string out = "\xFF\xFE";
  for (char16_t c : text) {
    out += static_cast<char>(c & 0xFF);
    out += static_cast<char>(c >> 8);
  }
  return out;
}

TEST(RosterCsvTest, ReadsExcelUnicodeTextAndSemicolonSeparatedFiles) {
  auto tsv = ParseRosterCsv(Utf16LeWithBom(
      u"群昵称\t微信号\t入群时间\r\n王, 小明妈妈\twx1\t2026/3/1 20:15\r\n"));
  ASSERT_TRUE(tsv.ok()) << tsv.status().ToString();
  ASSERT_EQ(tsv->size(), 1u);
  EXPECT_EQ((*tsv)[0].nickname, "王, 小明妈妈");  // The comma is text here.
  EXPECT_EQ((*tsv)[0].wechat_id, "wx1");
  EXPECT_EQ((*tsv)[0].joined_at_ms, *ParseRosterTime("2026-03-01 20:15"));

  auto semi = ParseRosterCsv("昵称;微信号\n\"张;三\";wx3\n");
  ASSERT_TRUE(semi.ok()) << semi.status().ToString();
  EXPECT_EQ((*semi)[0].nickname, "张;三");
  EXPECT_EQ((*semi)[0].wechat_id, "wx3");

  // The header decides: one comma against one semicolon stays CSV, and a
  // delimiter inside a quoted header cell does not count.
  EXPECT_EQ(SniffDelimiter("nickname,备注;说明\n"), ',');
  EXPECT_EQ(SniffDelimiter("\"a;b;c\",nickname\n"), ',');
  EXPECT_EQ(SniffDelimiter("nickname\n"), ',');
  EXPECT_EQ(SniffDelimiter("nickname\twechat_id\na,b,c,d\n"), '\t');

  // Big-endian too; an odd byte out is an error that says UTF-16.
  auto be =
      ParseRosterCsv(std::string("\xFE\xFF\0n\0i\0c\0k\0n\0a\0m\0e"
                                 "\0\n\0a",
                                 22));
  ASSERT_TRUE(be.ok()) << be.status().ToString();
  EXPECT_EQ((*be)[0].nickname, "a");
  auto odd = ParseRosterCsv(Utf16LeWithBom(u"nickname\na") + "x");
  ASSERT_FALSE(odd.ok());
  EXPECT_NE(odd.status().message().find("UTF-16"), std::string::npos)
      << odd.status().message();
}

TEST(RosterCsvTest, RefusesBrokenFilesNamingWhere) {
  EXPECT_NE(ParseRosterCsv("nickname\nab\"c\n")
                .status()
                .message()
                .find("row 2, column 1"),
            std::string::npos);
  EXPECT_NE(ParseRosterCsv("wechat_id\nx\n")
                .status()
                .message()
                .find("no nickname column"),
            std::string::npos);
  EXPECT_FALSE(ParseRosterCsv("nickname\n\xFF\xFE\xFD\n").ok());
  CsvLimits tiny;
  tiny.max_rows = 2;
  EXPECT_FALSE(ParseRosterCsv("nickname\na\nb\nc\n", tiny).ok());
}

TEST(RosterCsvTest, ReadsTheCommonTimeFormats) {
  auto a = ParseRosterTime("2026-03-01 20:15");
  auto b = ParseRosterTime("2026/3/1 20:15:00");
  auto c = ParseRosterTime("2026年3月1日 20:15");
  auto d = ParseRosterTime("2026-03-01T12:15:00Z");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok() && d.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*a, *c);
  EXPECT_EQ(*a, *d);
  EXPECT_FALSE(ParseRosterTime("2026-13-01").ok());
  EXPECT_FALSE(ParseRosterTime("3").ok());
}

}  // namespace
}  // namespace qunying::community
