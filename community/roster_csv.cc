#include "community/roster_csv.h"

#include <iconv.h>

#include <cctype>
#include <cstdlib>
#include <cstring>

#include "community/member.h"
#include "core/time_util.h"
#include "core/utf8.h"

namespace qunying::community {
namespace {

Status CsvError(size_t row, size_t col, const std::string& what) {
  return Status::InvalidArgument("row " + std::to_string(row) + ", column " +
                                 std::to_string(col) + ": " + what);
}

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

enum class Column {
  kIgnore,
  kNickname,
  kGroupNickname,
  kWechatId,
  kUnionid,
  kJoinedAt
};

Column ColumnFor(const std::string& header) {
  std::string h = Lower(Trim(header));
  if (h == "群昵称" || h == "group_nickname" || h == "群名片")
    return Column::kGroupNickname;
  if (h == "昵称" || h == "nickname" || h == "微信昵称" || h == "name")
    return Column::kNickname;
  if (h == "微信号" || h == "wechat_id" || h == "wechat" || h == "wxid")
    return Column::kWechatId;
  if (h == "unionid" || h == "union_id") return Column::kUnionid;
  if (h == "入群时间" || h == "joined_at" || h == "join_time" ||
      h == "加入时间") {
    return Column::kJoinedAt;
  }
  return Column::kIgnore;
}

}  // namespace

Result<std::vector<std::vector<std::string>>> ParseCsv(std::string_view text,
                                                       const CsvLimits& limits,
                                                       char delimiter) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, was_quoted = false;
  size_t line = 1, quote_line = 0, quote_col = 0;
  auto end_field = [&]() -> Status {
    if (row.size() >= limits.max_columns) {
      return CsvError(
          line, row.size() + 1,
          "more than " + std::to_string(limits.max_columns) + " columns");
    }
    row.push_back(std::move(field));
    field.clear();
    was_quoted = false;
    return Status::Ok();
  };
  auto end_row = [&]() -> Status {
    QY_RETURN_IF_ERROR(end_field());
    bool blank = row.size() == 1 && row[0].empty();
    if (!blank) {
      if (rows.size() >= limits.max_rows) {
        return CsvError(
            line, 1, "more than " + std::to_string(limits.max_rows) + " rows");
      }
      rows.push_back(std::move(row));
    }
    row.clear();
    ++line;
    return Status::Ok();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"') {
      if (!field.empty() || was_quoted) {
        return CsvError(line, row.size() + 1,
                        "a quote inside an unquoted field");
      }
      quoted = was_quoted = true;
      quote_line = line;
      quote_col = row.size() + 1;
    } else if (c == delimiter) {
      QY_RETURN_IF_ERROR(end_field());
    } else if (c == '\n') {
      QY_RETURN_IF_ERROR(end_row());
    } else if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') continue;
      QY_RETURN_IF_ERROR(end_row());
    } else {
      if (was_quoted) {
        return CsvError(line, row.size() + 1, "text after a closing quote");
      }
      field += c;
    }
    if (field.size() > limits.max_field_bytes) {
      return CsvError(line, row.size() + 1,
                      "a field longer than " +
                          std::to_string(limits.max_field_bytes) + " bytes");
    }
  }
  if (quoted)
    return CsvError(quote_line, quote_col, "a quote that never closes");
  if (!field.empty() || !row.empty() || was_quoted)
    QY_RETURN_IF_ERROR(end_row());
  return rows;
}

char SniffDelimiter(std::string_view text) {
  size_t counts[3] = {0, 0, 0};
  static constexpr char kCandidates[3] = {',', '\t', ';'};
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n' || c == '\r') break;
    for (int i = 0; i < 3; ++i) counts[i] += c == kCandidates[i];
  }
  int best = 0;
  for (int i = 1; i < 3; ++i)
    if (counts[i] > counts[best]) best = i;
  return kCandidates[best];
}

Result<std::string> ToUtf8(std::string_view bytes) {
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF")
    bytes.remove_prefix(3);
  const char* from = "GB18030";
  if (bytes.size() >= 2 &&
      (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF")) {
    from = bytes[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE";
    bytes.remove_prefix(2);
  } else if (IsValidUtf8(bytes)) {
    return std::string(bytes);
  }
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return Status::Internal(std::string(from) + " conversion is not available");
  }
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in_ptr = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* out_ptr = out.data();
  size_t out_left = out.size();
  size_t rc = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  iconv_close(cd);
  if (rc == static_cast<size_t>(-1) || in_left != 0) {
    return Status::InvalidArgument(
        std::string(from[0] == 'U' ? "the file is not valid UTF-16"
                                   : "the file is neither UTF-8 nor GB18030") +
        " (bad byte at offset " + std::to_string(bytes.size() - in_left) + ")");
  }
  out.resize(out.size() - out_left);
  return out;
}

Result<int64_t> ParseRosterTime(std::string_view text) {
  std::string s = Trim(std::string(text));
  if (s.find('T') != std::string::npos) return ParseRfc3339(s);
  // An Excel date cell: days since 1899-12-30 with the time as a fraction,
  // in the exporter's (China) time.
  if (!s.empty() && s.find_first_not_of("0123456789.") == std::string::npos) {
    double serial = std::strtod(s.c_str(), nullptr);
    if (serial < 25569 || serial > 120000) {  // 1970 … 2228.
      return Status::InvalidArgument("unreadable time '" + s.substr(0, 40) +
                                     "'");
    }
    return static_cast<int64_t>((serial - 25569) * 86400000.0 + 0.5) -
           8 * 3600 * 1000LL;
  }
  // Normalise separators: 年/月 and '/' to '-', 日 to nothing.
  std::string n;
  for (size_t i = 0; i < s.size();) {
    if (s.compare(i, 3, "年") == 0 || s.compare(i, 3, "月") == 0) {
      n += '-';
      i += 3;
    } else if (s.compare(i, 3, "日") == 0) {
      i += 3;
    } else {
      n += s[i] == '/' ? '-' : s[i];
      ++i;
    }
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  char tail = 0;
  int got = std::sscanf(n.c_str(), "%d-%d-%d %d:%d:%d%c", &y, &mo, &d, &h, &mi,
                        &sec, &tail);
  if (got < 3 || got == 4 || got == 7 || y < 1970 || y > 2200 || mo < 1 ||
      mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) {
    return Status::InvalidArgument("unreadable time '" + s.substr(0, 40) +
                                   "' (use 2026-03-01 20:15)");
  }
  char iso[16];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, mo, d);
  QY_ASSIGN_OR_RETURN(int64_t days, ParseIsoDate(iso));
  return ((days * 86400 + h * 3600 + mi * 60 + sec) - 8 * 3600) * 1000LL;
}

Result<std::vector<RosterRow>> RosterFromTable(
    const std::vector<std::vector<std::string>>& table) {
  if (table.empty()) return Status::InvalidArgument("the roster file is empty");
  std::vector<Column> cols;
  size_t name_col = 0;
  bool has_name = false;
  for (size_t c = 0; c < table[0].size(); ++c) {
    cols.push_back(ColumnFor(table[0][c]));
    bool is_name = cols.back() == Column::kNickname ||
                   cols.back() == Column::kGroupNickname;
    if (is_name && !has_name) name_col = c;
    has_name = has_name || is_name;
  }
  if (!has_name) {
    return Status::InvalidArgument(
        "row 1: no nickname column (expected 群昵称, 昵称 or nickname)");
  }
  std::vector<RosterRow> rows;
  for (size_t r = 1; r < table.size(); ++r) {
    RosterRow row;
    std::string nickname, group_nickname;
    for (size_t c = 0; c < table[r].size() && c < cols.size(); ++c) {
      std::string v = Trim(table[r][c]);
      switch (cols[c]) {
        case Column::kNickname:
          nickname = v;
          break;
        case Column::kGroupNickname:
          group_nickname = v;
          break;
        case Column::kWechatId:
          row.wechat_id = v;
          break;
        case Column::kUnionid:
          row.unionid = v;
          break;
        case Column::kJoinedAt:
          if (!v.empty()) {
            auto t = ParseRosterTime(v);
            if (!t.ok()) return CsvError(r + 1, c + 1, t.status().message());
            row.joined_at_ms = *t;
          }
          break;
        case Column::kIgnore:
          break;
      }
    }
    // The group nickname is what the group shows; fall back to the WeChat one.
    row.nickname = group_nickname.empty() ? nickname : group_nickname;
    Status ok = CheckNickname(row.nickname);
    if (!ok.ok()) return CsvError(r + 1, name_col + 1, ok.message());
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::vector<RosterRow>> ParseRosterCsv(std::string_view bytes,
                                              const CsvLimits& limits) {
  QY_ASSIGN_OR_RETURN(std::string text, ToUtf8(bytes));
  QY_ASSIGN_OR_RETURN(auto table, ParseCsv(text, limits, SniffDelimiter(text)));
  return RosterFromTable(table);
}

}  // namespace qunying::community
