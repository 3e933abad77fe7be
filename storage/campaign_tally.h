// CampaignTally: one campaign's check-ins counted per member (check-ins and
// time, for the leaderboard) and per campaign day (on time and make-ups),
// kept between requests and brought up to date from the check-ins added
// since (ids above the highest read). Aggregating every check-in on every
// request took 0.5–0.7 s for a 100,000-member campaign on its last day
// (1.4M check-ins; bench/engagement_bench.cc, docs/benchmarks.md), and
// every participant who opens the mini-program's leaderboard asks for it.
//
// Check-ins are only ever inserted, with growing ids, except when a merge
// moves them to another member or one is deleted: the campaign's epoch of
// check-ins then changes (migration 35). When every change since the last
// read was a move of all of one member's counted check-ins to another (a
// merge, and most undos; migration 36 logs each), the tally moves that
// member's figures: the days of two members merged are distinct (one
// check-in a day), so the counts per day stand. Else the next Refresh reads the
// campaign's check-ins again whole. Another campaign's changes leave it
// as it is; so do enrollments, but for the enrolled count.
//
// Not thread-safe: its owner (PerCampaign's slot) serialises Refresh and
// the reads after it.
#ifndef QUNYING_STORAGE_CAMPAIGN_TALLY_H_
#define QUNYING_STORAGE_CAMPAIGN_TALLY_H_

#include <cstdint>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/status.h"
#include "storage/sqlite.h"

namespace qunying::storage {

class CampaignTally {
 public:
  // The campaign days a member's on-time check-ins can be told apart for
  // (Member::on_time_days); a longer campaign's summary reads its
  // check-ins instead.
  static constexpr int kMaskedDays = 64;

  struct Member {
    int64_t member_id = 0;
    int64_t checkins = 0;  // Make-ups included.
    int64_t duration_s = 0;
    // Bit d-1 for day d in 1..kMaskedDays: a check-in on time that day, and
    // any check-in for that day (make-ups too).
    uint64_t on_time_days = 0, checked_days = 0;
  };
  struct Day {
    int64_t on_time = 0;
    int64_t makeups = 0;
  };

  // Brings the tally of `campaign_id` up to date with `c`'s snapshot (read
  // in one transaction). A snapshot older than what the tally has already
  // read leaves it as it is.
  [[nodiscard]] Status Refresh(Connection& c, int64_t campaign_id);

  // The first `n` members in leaderboard order: most check-ins, then most
  // time, then the lowest id.
  std::vector<Member> Top(size_t n) const;
  // `member_id`'s rank (from 1) and tally; rank 0 when they have no
  // check-in in the campaign.
  std::pair<int64_t, Member> Place(int64_t member_id) const;
  // Check-ins by campaign day (any day a check-in names).
  const std::map<int64_t, Day>& days() const { return days_; }
  // Brings enrolled() up to date with `c`'s snapshot. Refresh does not:
  // the leaderboard needs no count, and after a refund in the campaign it
  // is a count of the campaign's enrollments (120 ms at 500,000 members),
  // which each participant's next leaderboard request paid.
  [[nodiscard]] Status CountEnrolled(Connection& c);
  // Members enrolled and not refunded, as of the last CountEnrolled.
  int64_t enrolled() const { return enrolled_; }
  // Every member with a check-in, in no particular order.
  const std::vector<Member>& members() const { return members_; }

 private:
  Status Update(Connection& c, int64_t campaign_id);
  void Reset(int64_t campaign_id, int64_t epoch);
  // Applies the moves logged since the last read, when they are all the
  // changes the epoch counts (`changes`) and each moved all of a member's
  // check-ins. False, having changed nothing, when the tally must be read
  // again whole.
  Result<bool> ApplyMoves(Connection& c, int64_t changes);
  // All of `from`'s figures to `into` (with `into`'s own, if any).
  void MoveMember(int64_t from, int64_t into);
  void Add(int64_t member_id, int64_t day, bool makeup, int64_t duration_s);

  int64_t campaign_id_ = 0;
  int64_t epoch_ = -1;     // The check-ins' epoch read; -1: nothing yet.
  int64_t high_id_ = 0;    // Every check-in up to this id is counted.
  int64_t high_move_ = 0;  // checkin_moves read up to this id.
  std::vector<Member> members_;
  std::unordered_map<int64_t, uint32_t> index_;  // member_id -> members_.
  std::map<int64_t, Day> days_;
  int64_t enrollments_epoch_ = -1, high_enrollment_ = 0, enrolled_ = 0;
};

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_CAMPAIGN_TALLY_H_
