#include "core/time_util.h"

#include <cstdio>

namespace qunying {
namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30,
                                       31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `*pos`, advancing it.
bool ReadDigits(std::string_view s, size_t* pos, int n, int* out) {
  if (*pos + n > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool Expect(std::string_view s, size_t* pos, char c) {
  if (*pos >= s.size() || s[*pos] != c) return false;
  ++*pos;
  return true;
}

bool ParseDateAt(std::string_view s, size_t* pos, int* y, int* m, int* d) {
  return ReadDigits(s, pos, 4, y) && Expect(s, pos, '-') &&
         ReadDigits(s, pos, 2, m) && Expect(s, pos, '-') &&
         ReadDigits(s, pos, 2, d) && *m >= 1 && *m <= 12 && *d >= 1 &&
         static_cast<unsigned>(*d) <= DaysInMonth(*y, *m);
}

}  // namespace

// Howard Hinnant's days_from_civil algorithm (public-domain description).
int64_t DaysFromCivil(int year, unsigned month, unsigned day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int* year, unsigned* month, unsigned* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int>(yoe + era * 400) + (*month <= 2);
}

std::string FormatRfc3339(int64_t unix_millis, int offset_minutes) {
  int64_t local = unix_millis / 1000 + offset_minutes * 60;
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  int64_t secs = local - days * 86400;
  int y;
  unsigned mo, d;
  CivilFromDays(days, &y, &mo, &d);
  char buf[40];
  int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", y,
                mo, d, static_cast<int>(secs / 3600),
                static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60),
                offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  return buf;
}

Result<int64_t> ParseRfc3339(std::string_view s) {
  size_t pos = 0;
  int y, mo, d, h, mi, sec;
  auto bad = [&] {
    return Status::InvalidArgument(
        "expected an RFC 3339 time such as 2026-03-01T20:15:00+08:00, got '" +
        std::string(s.substr(0, 40)) + "'");
  };
  if (!ParseDateAt(s, &pos, &y, &mo, &d)) return bad();
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' '))
    return bad();
  ++pos;
  if (!ReadDigits(s, &pos, 2, &h) || !Expect(s, &pos, ':') ||
      !ReadDigits(s, &pos, 2, &mi) || !Expect(s, &pos, ':') ||
      !ReadDigits(s, &pos, 2, &sec) || h > 23 || mi > 59 || sec > 60)
    return bad();
  int millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 3) millis = millis * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad();
    for (int i = digits; i < 3; ++i) millis *= 10;
  }
  int offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh, om;
    if (!ReadDigits(s, &pos, 2, &oh) || !Expect(s, &pos, ':') ||
        !ReadDigits(s, &pos, 2, &om) || oh > 23 || om > 59)
      return bad();
    offset = sign * (oh * 60 + om);
  } else {
    return bad();
  }
  if (pos != s.size()) return bad();
  int64_t days = DaysFromCivil(y, mo, d);
  int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset * 60;
  return secs * 1000 + millis;
}

Result<int64_t> ParseIsoDate(std::string_view s) {
  size_t pos = 0;
  int y, m, d;
  if (!ParseDateAt(s, &pos, &y, &m, &d) || pos != s.size()) {
    return Status::InvalidArgument("expected a date YYYY-MM-DD, got '" +
                                   std::string(s.substr(0, 40)) + "'");
  }
  return DaysFromCivil(y, m, d);
}

std::string FormatIsoDate(int64_t days) {
  int y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

}  // namespace qunying
