// Enrollment lists as CSV: the paid orders of a campaign as a shop or order
// system exports them (昵称, 手机号, 实付金额 …), read with the roster's CSV
// rules (quoting, UTF-8/GB18030/UTF-16, comma/tab/semicolon). A bad file is
// refused whole, naming the row and column of the first error. Pure
// functions, thread-safe.
#ifndef QUNYING_COMMUNITY_ENROLLMENT_CSV_H_
#define QUNYING_COMMUNITY_ENROLLMENT_CSV_H_

#include <string>
#include <string_view>
#include <vector>

#include "community/community_store.h"
#include "community/roster_csv.h"
#include "core/result.h"

namespace qunying::community {

// A phone as exports write it ("138 1234 5678", "+86-138…") as 11 digits
// (core/phone.h), or InvalidArgument. An empty cell stays empty.
Result<std::string> PhoneFromCell(std::string_view cell);

// An amount in yuan ("99", "99.9", "¥1,299.00", "99元") as fen, or
// InvalidArgument (negative, more than two decimals, over kMaxMoneyFen).
Result<int64_t> YuanToFen(std::string_view cell);

// Headers (Chinese or English): 昵称/微信昵称/nickname (required),
// openid, 手机号/手机/电话/phone, 群/group_id (a group's id),
// 渠道/来源/channel, 订单号/订单编号/order_no/order_id (at most 64
// bytes), and the amount paid either in yuan
// (实付金额/支付金额/金额/paid) or in fen (paid_fen). Other columns are
// ignored.
Result<std::vector<EnrollmentInput>> ParseEnrollmentCsv(
    std::string_view bytes, const CsvLimits& limits = {});

}  // namespace qunying::community

#endif  // QUNYING_COMMUNITY_ENROLLMENT_CSV_H_
