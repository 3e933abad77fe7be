// CampaignDwell: a campaign's dwell report — per local day since the
// campaign started, the enrolled members with a mini-program event that day
// and their dwell time — kept between requests and brought up to date
// from the events and enrollments added since (ids above the highest
// read). Aggregating every member's events on every request took 2.5 s for
// a 100,000-member campaign on its last day (8.4M events;
// bench/engagement_bench.cc, docs/benchmarks.md).
//
// The first Refresh reads each enrolled member's events through the
// members' index, as the report's query did, so a small campaign in a
// large community costs what its members did. After that, new events are
// read once by id, and a member enrolled since has their past events read
// alone. When events were moved or deleted (an undone merge; a merge
// copies them, migration 34), the events' epoch changes (migration 13) and
// the report is made again whole; so it is when the campaign's start or
// time zone changes. When one of the campaign's enrollments changed or was
// refunded, the campaign's counter does (migration 35), and the members
// held are compared with those enrolled now: the events of those gone are
// taken out, those of the ones come back read (Reenroll). Another
// campaign's refund leaves the report as it is.
//
// Not thread-safe: its owner (PerCampaign's slot) serialises Refresh and
// the reads after it.
#ifndef QUNYING_STORAGE_CAMPAIGN_DWELL_H_
#define QUNYING_STORAGE_CAMPAIGN_DWELL_H_

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include "community/campaign.h"
#include "community/engagement.h"
#include "core/status.h"
#include "storage/sqlite.h"

namespace qunying::storage {

class CampaignDwell {
 public:
  // Brings the report of `campaign` (whose zone is `offset_minutes` east of
  // UTC) up to date with `c`'s snapshot (read in one transaction). A
  // snapshot older than what the report has already read leaves it as it
  // is.
  [[nodiscard]] Status Refresh(Connection& c,
                               const community::Campaign& campaign,
                               int offset_minutes);

  // The days with an event of an enrolled member, oldest first.
  std::vector<community::DwellDay> Days() const;

 private:
  Status Update(Connection& c, const community::Campaign& campaign,
                int offset_minutes);
  struct Day {
    int64_t dwell_ms = 0;
    int64_t active = 0;
    std::vector<uint64_t> seen;  // Bit per member slot: active that day.
  };
  void Reset(const community::Campaign& campaign, int offset_minutes,
             int64_t events_epoch, int64_t enrollments_epoch);
  // The members enrolled (and not refunded) with an enrollment id in
  // (after, upto].
  Result<std::vector<int64_t>> EnrolledIn(Connection& c, int64_t after,
                                          int64_t upto);
  // Adds the members enrolled (and not refunded) since the last read; with
  // `backfill_to`, also their events up to that id.
  Status ReadEnrollments(Connection& c, int64_t max_enrollment,
                         int64_t backfill_to);
  // Gives each of `added` a slot; with `backfill_to`, adds their events up
  // to that id.
  Status Enroll(Connection& c, const std::vector<int64_t>& added,
                int64_t backfill_to);
  // After the campaign's enrollments changed: takes out the events of the
  // members no longer enrolled and reads those of the members enrolled
  // since. False when the report must be read again whole instead (a
  // member gone by a merge, whose events went with it; a mass change).
  Result<bool> Reenroll(Connection& c, int64_t max_enrollment);
  // Calls fn(ts_ms, dwell_ms) for `member`'s events since the campaign
  // started, up to id `max_event`.
  Status ForEachEventOf(Connection& c, int64_t member, int64_t max_event,
                        const std::function<void(int64_t, int64_t)>& fn);
  // Adds the events of enrolled members above the last read, up to
  // `max_event`.
  Status ReadEvents(Connection& c, int64_t max_event);
  void Add(uint32_t slot, int64_t ts_ms, int64_t dwell_ms);
  void Remove(uint32_t slot, int64_t ts_ms, int64_t dwell_ms);

  int64_t campaign_id_ = 0, starts_on_ = 0;
  int offset_s_ = 0;
  int64_t start_ms_ = 0, first_day_ = 0;
  int64_t events_epoch_ = -1, enrollments_epoch_ = -1;  // -1: nothing yet.
  int64_t high_event_ = 0, high_enrollment_ = 0;        // Read up to these.
  bool built_ = false;  // The members and their events have been read.
  std::unordered_map<int64_t, uint32_t> slots_;  // member_id -> bit.
  uint32_t next_slot_ = 0;  // A slot is not given again until a reset.
  std::vector<Day> days_;   // days_[i]: local day first_day_ + i.
};

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_CAMPAIGN_DWELL_H_
