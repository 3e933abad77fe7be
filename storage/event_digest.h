// EventDigest: what a lead-scoring pass needs of the mini-program events,
// kept between passes: per member the time of the latest event, and the
// dwell time and content reads of the events in a sliding window (the
// last 30 days). Each Update reads only the events added since the last
// one (ids above the highest read) and those that left the window since
// (a range of the ts index), instead of aggregating every event: with
// 5M events over a million members that aggregation took 45 s per pass
// (docs/benchmarks.md).
//
// The window sums hold, after each Update, the events with an id up to
// the highest read and a time at or after the window's start. Events are
// only inserted, except when a merge moves them to another member: a
// trigger then bumps the table's epoch (migration 13), and the next
// Update reads them all again; so does a window that moved backwards.
//
// Not thread-safe: its owner serialises Update and the reads after it.
#ifndef QUNYING_STORAGE_EVENT_DIGEST_H_
#define QUNYING_STORAGE_EVENT_DIGEST_H_

#include <cstdint>
#include <limits>

#include "core/status.h"
#include "storage/member_slots.h"
#include "storage/sqlite.h"
#include "storage/state_file.h"

namespace qunying::storage {

class EventDigest {
 public:
  struct Member {
    int64_t last_ms = -1;  // ts of the latest event; -1: none.
    int64_t dwell_ms = 0;  // Over the events in the window.
    int64_t reads = 0;     // content_read events in the window.
  };

  // Brings the digest up to date with the events table and moves the
  // window to start at `window_start_ms`. `c` must be inside a read
  // transaction.
  [[nodiscard]] Status Update(Connection& c, int64_t window_start_ms);
  // Null when the member has no event.
  const Member* Find(int64_t member_id) const {
    return members_.Find(member_id);
  }
  // Whether the last Update read every event again.
  bool rebuilt() const { return rebuilt_; }
  // The highest event id read (0: none).
  int64_t high_id() const { return high_id_; }

  // As CheckinDigest::Save and Load.
  void Save(StateWriter& w) const;
  [[nodiscard]] bool Load(StateReader& r);

 private:
  // Takes out of the window sums the events read so far whose time is in
  // [window_start_, start).
  Status Expire(Connection& c, int64_t start);

  MemberSlots<Member> members_;
  int64_t epoch_ = -1;
  int64_t high_id_ = 0;  // Highest event id read.
  int64_t window_start_ = std::numeric_limits<int64_t>::min();
  bool rebuilt_ = false;
};

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_EVENT_DIGEST_H_
