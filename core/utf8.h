// UTF-8 checks for text that comes from outside. Pure functions, thread-safe.
#ifndef QUNYING_CORE_UTF8_H_
#define QUNYING_CORE_UTF8_H_

#include <cstddef>
#include <string_view>

namespace qunying {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Number of code points in well-formed UTF-8.
size_t Utf8Length(std::string_view s);

// The first `max_chars` code points of well-formed UTF-8 (never cuts a
// character in half).
std::string_view Utf8Prefix(std::string_view s, size_t max_chars);

// True when `s` holds a C0/C1 control character other than tab and newline.
bool HasControlChars(std::string_view s);

}  // namespace qunying

#endif  // QUNYING_CORE_UTF8_H_
