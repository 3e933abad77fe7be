#include "community/enrollment_csv.h"

#include <charconv>
#include <climits>
#include <cstdlib>
#include <optional>

#include "community/campaign.h"
#include "community/member.h"
#include "core/phone.h"
#include "core/utf8.h"

namespace qunying::community {
namespace {

enum class Field {
  kIgnore,
  kNickname,
  kOpenid,
  kPhone,
  kGroup,
  kChannel,
  kPaidYuan,
  kPaidFen,
  kOrder
};

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  return b == std::string::npos
             ? ""
             : s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// A whole number in [lo, hi] (an empty cell is `lo`), or nothing.
std::optional<int64_t> WholeIn(const std::string& v, int64_t lo, int64_t hi) {
  if (v.empty()) return lo;
  int64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n < lo || n > hi)
    return std::nullopt;
  return n;
}

Field FieldFor(std::string h) {
  h = Trim(h);
  for (char& c : h)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  struct Name {
    const char* header;
    Field field;
  };
  static constexpr Name kNames[] = {
      {"昵称", Field::kNickname},     {"微信昵称", Field::kNickname},
      {"用户昵称", Field::kNickname}, {"nickname", Field::kNickname},
      {"openid", Field::kOpenid},     {"手机号", Field::kPhone},
      {"手机", Field::kPhone},        {"电话", Field::kPhone},
      {"联系电话", Field::kPhone},    {"phone", Field::kPhone},
      {"mobile", Field::kPhone},      {"群", Field::kGroup},
      {"群id", Field::kGroup},        {"group_id", Field::kGroup},
      {"渠道", Field::kChannel},      {"来源", Field::kChannel},
      {"channel", Field::kChannel},   {"实付金额", Field::kPaidYuan},
      {"支付金额", Field::kPaidYuan}, {"金额", Field::kPaidYuan},
      {"paid", Field::kPaidYuan},     {"paid_yuan", Field::kPaidYuan},
      {"paid_fen", Field::kPaidFen},  {"订单号", Field::kOrder},
      {"订单编号", Field::kOrder},    {"order_no", Field::kOrder},
      {"order_id", Field::kOrder},
  };
  for (const Name& n : kNames)
    if (h == n.header) return n.field;
  return Field::kIgnore;
}

Status CellError(size_t row, size_t col, const std::string& what) {
  return Status::InvalidArgument("row " + std::to_string(row) + ", column " +
                                 std::to_string(col) + ": " + what);
}

// One cell into `in`; an error says what is wrong with the value.
Status ReadCell(Field f, const std::string& v, EnrollmentInput& in) {
  switch (f) {
    case Field::kNickname:
      in.nickname = v;
      return CheckNickname(v);
    case Field::kOpenid:
      if (v.size() > 128 || HasControlChars(v))
        return Status::InvalidArgument("an openid is 1–128 plain characters");
      in.openid = v;
      return Status::Ok();
    case Field::kPhone: {
      QY_ASSIGN_OR_RETURN(in.phone, PhoneFromCell(v));
      return Status::Ok();
    }
    case Field::kGroup: {
      auto id = WholeIn(v, 0, INT64_MAX);
      if (!id || (!v.empty() && *id == 0))
        return Status::InvalidArgument("'" + v.substr(0, 40) +
                                       "' is not a group id");
      in.group_id = *id;
      return Status::Ok();
    }
    case Field::kChannel:
      if (Utf8Length(v) > 64 || HasControlChars(v))
        return Status::InvalidArgument(
            "a channel is at most 64 plain characters");
      in.channel = v;
      return Status::Ok();
    case Field::kPaidYuan: {
      QY_ASSIGN_OR_RETURN(in.paid_fen, YuanToFen(v));
      return Status::Ok();
    }
    case Field::kPaidFen: {
      auto fen = WholeIn(v, 0, kMaxMoneyFen);
      if (!fen)
        return Status::InvalidArgument(
            "paid_fen is a whole number of fen from 0 to 10^10");
      in.paid_fen = *fen;
      return Status::Ok();
    }
    case Field::kOrder:
      if (v.size() > 64 || HasControlChars(v))
        return Status::InvalidArgument(
            "an order number is at most 64 bytes of plain text");
      in.order_no = v;
      return Status::Ok();
    case Field::kIgnore:
      return Status::Ok();
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> PhoneFromCell(std::string_view cell) {
  if (cell.empty()) return std::string();
  auto phone = NormalizeMobile(cell);
  if (!phone.ok()) {
    return Status::InvalidArgument("'" + std::string(cell.substr(0, 40)) +
                                   "' " + phone.status().message());
  }
  return phone;
}

Result<int64_t> YuanToFen(std::string_view cell) {
  std::string s;
  for (size_t i = 0; i < cell.size(); ++i) {
    if (cell.compare(i, 2, "\xC2\xA5") == 0 ||
        cell.compare(i, 3, "\xEF\xBF\xA5") == 0 ||
        cell.compare(i, 3, "元") == 0) {  // ¥, full-width ￥, 元.
      i += cell[i] == '\xC2' ? 1 : 2;
      continue;
    }
    if (cell[i] == ',' || cell[i] == ' ') continue;
    s += cell[i];
  }
  if (s.empty()) return int64_t{0};
  size_t dot = s.find('.');
  std::string whole = s.substr(0, dot);
  std::string cents = dot == std::string::npos ? "" : s.substr(dot + 1);
  bool digits = !whole.empty() && whole.size() <= 9 &&
                whole.find_first_not_of("0123456789") == std::string::npos &&
                cents.size() <= 2 &&
                cents.find_first_not_of("0123456789") == std::string::npos &&
                (dot == std::string::npos || !cents.empty());
  if (!digits) {
    return Status::InvalidArgument("'" + std::string(cell.substr(0, 40)) +
                                   "' is not an amount in yuan (like 99.00)");
  }
  while (cents.size() < 2) cents += '0';
  int64_t fen = std::stoll(whole) * 100 + std::stoll(cents);
  if (fen > kMaxMoneyFen)
    return Status::InvalidArgument("an amount is at most 10^8 yuan");
  return fen;
}

Result<std::vector<EnrollmentInput>> ParseEnrollmentCsv(
    std::string_view bytes, const CsvLimits& limits) {
  QY_ASSIGN_OR_RETURN(std::string text, ToUtf8(bytes));
  QY_ASSIGN_OR_RETURN(auto table, ParseCsv(text, limits, SniffDelimiter(text)));
  if (table.empty()) return Status::InvalidArgument("the file is empty");
  std::vector<Field> fields;
  bool has_nickname = false;
  for (const std::string& h : table[0]) {
    fields.push_back(FieldFor(h));
    has_nickname = has_nickname || fields.back() == Field::kNickname;
  }
  if (!has_nickname) {
    return Status::InvalidArgument(
        "row 1: no nickname column (expected 昵称, 微信昵称 or nickname)");
  }
  std::vector<EnrollmentInput> out;
  for (size_t r = 1; r < table.size(); ++r) {
    EnrollmentInput in;
    for (size_t c = 0; c < fields.size(); ++c) {
      std::string v = c < table[r].size() ? Trim(table[r][c]) : "";
      Status s = ReadCell(fields[c], v, in);
      if (!s.ok()) return CellError(r + 1, c + 1, s.message());
    }
    out.push_back(std::move(in));
  }
  return out;
}

}  // namespace qunying::community
