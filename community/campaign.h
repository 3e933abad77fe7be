// Campaigns, groups and their rules: campaign days in the campaign's time
// zone, streaks, make-up limits. Pure data and functions, thread-safe.
#ifndef QUNYING_COMMUNITY_CAMPAIGN_H_
#define QUNYING_COMMUNITY_CAMPAIGN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace qunying::community {

// The most a price, a payment or a won deal may be, in fen (10^10: a
// hundred million yuan). Bounded so that sums over a member's payments
// cannot overflow.
inline constexpr int64_t kMaxMoneyFen = 10'000'000'000;

struct Campaign {
  int64_t id = 0;
  std::string name, theme, series;
  int64_t starts_on = 0;  // Days since the epoch, local to `timezone`.
  int days = 21;
  int64_t price_fen = 0;
  std::string timezone = "Asia/Shanghai";
  int64_t created_at_ms = 0;
};

struct Group {
  int64_t id = 0;
  std::string name, theme, series;
  int64_t campaign_id = 0;  // 0: a standing group of the community matrix.
  int64_t created_at_ms = 0;
};

// Make-up check-ins (补卡) a member may file per campaign.
inline constexpr int kMaxMakeupsPerCampaign = 3;

// Minutes east of UTC for the IANA zones campaigns use (China and its
// neighbours, none with daylight saving) or "+08:00"-style offsets.
// InvalidArgument naming `timezone` for anything else.
Result<int> UtcOffsetMinutes(const std::string& timezone);

// The local date (days since the epoch) of an instant in a zone.
int64_t LocalDay(int64_t unix_ms, int offset_minutes);

// When a campaign's first day begins, and when the day after its last one
// begins (its end, exclusive), as Unix ms in a zone `offset_minutes` east
// of UTC (its own: UtcOffsetMinutes(c.timezone)).
int64_t CampaignStartMs(const Campaign& c, int offset_minutes);
int64_t CampaignEndMs(const Campaign& c, int offset_minutes);

// The campaign day (1-based) of an instant; may be < 1 (not started) or
// > days (ended).
int CampaignDay(const Campaign& c, int64_t unix_ms, int offset_minutes);

// Consecutive days with a check-in, ending at `today` (or at today-1 when
// today has none yet: a streak is not broken until the day is over).
int Streak(const std::vector<int>& checked_days, int today);

// Whether members of campaign `campaign_id` may be put in group `g`: its
// own activity group or a standing group. Otherwise InvalidArgument naming
// `field`: another campaign's group would show them its content and count
// them in its matrix cell.
Status CheckEnrollGroup(const Group& g, int64_t campaign_id,
                        const std::string& field);

// Checks a new campaign's fields; the error names the field.
Status ValidateCampaign(const Campaign& c);

}  // namespace qunying::community

#endif  // QUNYING_COMMUNITY_CAMPAIGN_H_
