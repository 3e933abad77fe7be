// Mainland China mobile numbers: the one rule for what is one, and for
// reading one as people and exports write it. Pure functions, thread-safe.
#ifndef QUNYING_CORE_PHONE_H_
#define QUNYING_CORE_PHONE_H_

#include <string>
#include <string_view>

#include "core/result.h"

namespace qunying {

// True for 11 digits starting with 1 and an assigned prefix (13x, 15x …).
bool IsMainlandMobile(std::string_view digits);

// "138 1234 5678", "138-1234-5678", "+86 13812345678", "8613812345678" →
// "13812345678"; InvalidArgument when what is left is not a mainland
// mobile number.
Result<std::string> NormalizeMobile(std::string_view text);

// `text` with the middle four digits of every mainland mobile number in it
// masked, as MaskPhone shows a phone: "电话 138 1234 5678" → "电话 138 ****
// 5678", "13812345678" → "138****5678", "+86 13812345678" → "+86
// 138****5678". A number may be written in groups of ASCII digits split by
// up to three spaces or dashes (as FindPhones reads them on photos); digits
// that are no mobile number ("订单 213812345678", "读了 30 分钟") stay as
// they are. When groups can be read as more than one number, every reading
// that is a mobile number is masked. Digits touching a '*' are left as they
// are, so masking twice changes nothing. Full-width digits are not read.
std::string MaskMobilesInText(std::string_view text);

}  // namespace qunying

#endif  // QUNYING_CORE_PHONE_H_
