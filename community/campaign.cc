#include "community/campaign.h"

#include <algorithm>
#include <functional>

#include "core/utf8.h"

namespace qunying::community {

Result<int> UtcOffsetMinutes(const std::string& tz) {
  static const std::pair<const char*, int> kZones[] = {
      {"Asia/Shanghai", 480},
      {"Asia/Chongqing", 480},
      {"Asia/Harbin", 480},
      {"Asia/Urumqi", 360},
      {"Asia/Hong_Kong", 480},
      {"Asia/Macau", 480},
      {"Asia/Taipei", 480},
      {"Asia/Singapore", 480},
      {"Asia/Kuala_Lumpur", 480},
      {"Asia/Tokyo", 540},
      {"Asia/Seoul", 540},
      {"UTC", 0},
      {"Etc/UTC", 0},
  };
  for (const auto& [name, offset] : kZones) {
    if (tz == name) return offset;
  }
  if (tz.size() == 6 && (tz[0] == '+' || tz[0] == '-') && tz[3] == ':' &&
      isdigit(tz[1]) && isdigit(tz[2]) && isdigit(tz[4]) && isdigit(tz[5])) {
    int h = (tz[1] - '0') * 10 + (tz[2] - '0');
    int m = (tz[4] - '0') * 10 + (tz[5] - '0');
    if (h <= 14 && m < 60) return (tz[0] == '-' ? -1 : 1) * (h * 60 + m);
  }
  return Status::InvalidArgument(
      "timezone must be an IANA zone without daylight saving such as "
      "Asia/Shanghai, or an offset like +08:00",
      "timezone");
}

int64_t LocalDay(int64_t unix_ms, int offset_minutes) {
  int64_t local_s = unix_ms / 1000 + offset_minutes * 60;
  return local_s >= 0 ? local_s / 86400 : (local_s - 86399) / 86400;
}

int CampaignDay(const Campaign& c, int64_t unix_ms, int offset_minutes) {
  return static_cast<int>(LocalDay(unix_ms, offset_minutes) - c.starts_on + 1);
}

int64_t CampaignStartMs(const Campaign& c, int offset_minutes) {
  return (c.starts_on * 86400 - int64_t{offset_minutes} * 60) * 1000;
}

int64_t CampaignEndMs(const Campaign& c, int offset_minutes) {
  return ((c.starts_on + c.days) * 86400 - int64_t{offset_minutes} * 60) * 1000;
}

Status CheckEnrollGroup(const Group& g, int64_t campaign_id,
                        const std::string& field) {
  if (g.campaign_id == 0 || g.campaign_id == campaign_id) return Status::Ok();
  return Status::InvalidArgument(field + ": group " + std::to_string(g.id) +
                                     " is the activity group of campaign " +
                                     std::to_string(g.campaign_id) +
                                     ", not of this one",
                                 field);
}

int Streak(const std::vector<int>& checked_days, int today) {
  // Newest first, in one sorted copy (a std::set allocated once per day,
  // on every check-in).
  std::vector<int> days(checked_days);
  std::sort(days.begin(), days.end(), std::greater<>());
  auto it = std::lower_bound(days.begin(), days.end(), today, std::greater<>());
  int d = it != days.end() && *it == today ? today : today - 1;
  int streak = 0;
  for (; it != days.end() && *it >= d; ++it) {
    if (*it == d) ++streak, --d;
  }
  return streak;
}

Status ValidateCampaign(const Campaign& c) {
  auto text = [](const std::string& v, const char* field,
                 size_t max) -> Status {
    if (v.find_first_not_of(' ') == std::string::npos) {
      return Status::InvalidArgument(std::string(field) + " must not be empty",
                                     field);
    }
    if (!IsValidUtf8(v) || HasControlChars(v) || Utf8Length(v) > max) {
      return Status::InvalidArgument(std::string(field) +
                                         " must be plain text of at most " +
                                         std::to_string(max) + " characters",
                                     field);
    }
    return Status::Ok();
  };
  QY_RETURN_IF_ERROR(text(c.name, "name", 100));
  QY_RETURN_IF_ERROR(text(c.theme, "theme", 50));
  QY_RETURN_IF_ERROR(text(c.series, "series", 100));
  if (c.days < 1 || c.days > 366) {
    return Status::InvalidArgument("days must be from 1 to 366", "days");
  }
  if (c.price_fen < 0 || c.price_fen > kMaxMoneyFen) {
    return Status::InvalidArgument("price_fen must be from 0 to 10^10",
                                   "price_fen");
  }
  QY_ASSIGN_OR_RETURN(int offset, UtcOffsetMinutes(c.timezone));
  (void)offset;
  return Status::Ok();
}

}  // namespace qunying::community
