#include "core/phone.h"

namespace qunying {

bool IsMainlandMobile(std::string_view d) {
  if (d.size() != 11 || d[0] != '1') return false;
  for (char c : d) {
    if (c < '0' || c > '9') return false;
  }
  char b = d[1], c = d[2];
  switch (b) {
    case '3':
    case '8':
      return true;
    case '4':
      return c == '5' || c == '7' || c == '9';
    case '5':
      return c != '4';
    case '6':
      return c == '2' || c == '5' || c == '6' || c == '7';
    case '7':
      return c != '9';
    case '9':
      return c != '4';
    default:
      return false;
  }
}

Result<std::string> NormalizeMobile(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c != ' ' && c != '-' && c != '+') digits += c;
  }
  if (digits.size() == 13 && digits.compare(0, 2, "86") == 0)
    digits.erase(0, 2);
  if (!IsMainlandMobile(digits)) {
    return Status::InvalidArgument(
        "is not a mainland mobile number (11 digits, such as 13812345678)");
  }
  return digits;
}

}  // namespace qunying
