// Mainland China mobile numbers: the one rule for what is one, and for
// reading one as people and exports write it. Pure functions, thread-safe.
#ifndef QUNYING_CORE_PHONE_H_
#define QUNYING_CORE_PHONE_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace qunying {

// True for 11 digits starting with 1 and an assigned prefix (13x, 15x …).
bool IsMainlandMobile(std::string_view digits);

// "138 1234 5678", "138-1234-5678", "+86 13812345678", "8613812345678" →
// "13812345678"; InvalidArgument when what is left is not a mainland
// mobile number.
Result<std::string> NormalizeMobile(std::string_view text);

// A mainland mobile number as written in free text.
struct MobileInText {
  size_t begin = 0, end = 0;  // From its first digit to its last, [begin, end).
  std::string digits;         // Its 11 digits, a leading 86 dropped.
  bool whole = false;         // It takes every digit group written with it.
};

// Every reading of `text`'s digits that is a mainland mobile number, in
// order. A number may be written in groups of ASCII digits joined by up to
// three spaces or dashes ("138 1234 5678", "135- 6258-2256", OCR sets spaces
// beside dashes), after 86 or +86. Groups that can be read more than one way
// give every reading that is a number ("13891234 138 1234 5678": two);
// `whole` marks a reading that takes all the groups joined together, as the
// OCR hints want. Groups touching a '*' (a number masked already) are no
// number. Full-width digits are not read.
std::vector<MobileInText> FindMobilesInText(std::string_view text);

// `text` with the middle four digits of every number FindMobilesInText
// reads masked, as MaskPhone shows a phone: "电话 138 1234 5678" → "电话 138
// **** 5678", "13812345678" → "138****5678", "+86 13812345678" → "+86
// 138****5678". Readings that overlap are all masked; other digits ("订单
// 213812345678", "读了 30 分钟") stay as they are. Masking twice changes
// nothing.
std::string MaskMobilesInText(std::string_view text);

}  // namespace qunying

#endif  // QUNYING_CORE_PHONE_H_
