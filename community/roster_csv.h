// Group roster exports as CSV: RFC 4180 quoting, UTF-8 with or without BOM
// or GB18030 (as Excel on Chinese Windows saves it), headers in Chinese or
// English, several date formats. A bad file is refused whole, naming the row
// and column of the first error. Pure functions, thread-safe.
#ifndef QUNYING_COMMUNITY_ROSTER_CSV_H_
#define QUNYING_COMMUNITY_ROSTER_CSV_H_

#include <string>
#include <string_view>
#include <vector>

#include "community/identity.h"
#include "core/result.h"

namespace qunying::community {

// Limits that keep a hostile file from exhausting memory.
struct CsvLimits {
  size_t max_rows = 200000;
  size_t max_field_bytes = 1024;
  size_t max_columns = 64;
};

// Splits CSV text into rows of fields separated by `delimiter`.
// InvalidArgument "row R, column C: …" for an unterminated quote, stray
// quote, or a limit exceeded.
Result<std::vector<std::vector<std::string>>> ParseCsv(
    std::string_view text, const CsvLimits& limits = {}, char delimiter = ',');

// The delimiter of delimited text: whichever of ',', '\t' and ';' occurs
// most often (outside quotes) in its first line, ',' on a tie or when none
// does. Excel's "Unicode text" is tab-separated; some locales' CSV uses ';'.
char SniffDelimiter(std::string_view text);

// Returns UTF-8: strips a UTF-8 BOM, passes valid UTF-8 through, converts
// UTF-16 with a byte-order mark (Excel's "Unicode text") and GB18030 (which
// includes GBK/GB2312) otherwise. InvalidArgument when it is none of them.
Result<std::string> ToUtf8(std::string_view bytes);

// Parses "2026-03-01 20:15[:00]", "2026/3/1 20:15", "2026-03-01",
// "2026年3月1日 20:15", RFC 3339, or an Excel serial date (46082.84), as
// China time when no offset is given.
Result<int64_t> ParseRosterTime(std::string_view text);

// Rows of cells (header first) to roster rows: recognises the header row
// and reads every row; errors name row and column (1-based).
Result<std::vector<RosterRow>> RosterFromTable(
    const std::vector<std::vector<std::string>>& table);

// A whole roster export, comma-, tab- or semicolon-separated (sniffed):
// recognises the header row (群昵称/昵称/nickname, 微信号/wechat_id, unionid,
// 入群时间/joined_at …) and reads every row.
Result<std::vector<RosterRow>> ParseRosterCsv(std::string_view bytes,
                                              const CsvLimits& limits = {});

}  // namespace qunying::community

#endif  // QUNYING_COMMUNITY_ROSTER_CSV_H_
