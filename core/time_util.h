// Time and date text in the contract's formats: RFC 3339 with an offset
// ("2026-03-01T20:15:00+08:00") and ISO dates ("2026-03-01"). Pure functions,
// thread-safe.
#ifndef QUNYING_CORE_TIME_UTIL_H_
#define QUNYING_CORE_TIME_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace qunying {

// China Standard Time, the offset used for output unless told otherwise.
inline constexpr int kDefaultUtcOffsetMinutes = 8 * 60;

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
int64_t DaysFromCivil(int year, unsigned month, unsigned day);
void CivilFromDays(int64_t days, int* year, unsigned* month, unsigned* day);

// "2026-03-01T20:15:00+08:00" for a Unix time in milliseconds, shown at the
// given offset from UTC.
std::string FormatRfc3339(int64_t unix_millis,
                          int offset_minutes = kDefaultUtcOffsetMinutes);

// Parses RFC 3339 ("…T…Z", "…T…+08:00", optional fractional seconds) into
// Unix milliseconds. A time without an offset is refused.
Result<int64_t> ParseRfc3339(std::string_view text);

// "2026-03-01" ⇄ days since the epoch. Refuses impossible dates.
Result<int64_t> ParseIsoDate(std::string_view text);
std::string FormatIsoDate(int64_t days);

}  // namespace qunying

#endif  // QUNYING_CORE_TIME_UTIL_H_
