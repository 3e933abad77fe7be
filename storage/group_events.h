// A group's joins and leaves, derived from its roster snapshots: each
// snapshot's events are the difference between its members and those of the
// snapshot before it (by as_of, then import order). Kept derivable so that a
// snapshot imported out of date order, or a row settled by review later,
// leaves the events as they would have been had everything arrived in order.
// Functions run inside the caller's write transaction.
#ifndef QUNYING_STORAGE_GROUP_EVENTS_H_
#define QUNYING_STORAGE_GROUP_EVENTS_H_

#include <cstdint>
#include <vector>

#include "core/result.h"
#include "storage/sqlite.h"

namespace qunying::storage {

struct GroupEventCounts {
  int64_t joined = 0;
  int64_t left = 0;
};

// Writes the events of `snapshot_id` afresh against its predecessor.
Result<GroupEventCounts> RecomputeGroupEvents(Connection& c,
                                              int64_t snapshot_id);

// After `snapshot_id` was added or its rows changed: its own events and its
// successor's (whose predecessor it is, or whose predecessor's members
// changed).
Result<GroupEventCounts> RecomputeGroupEventsAround(Connection& c,
                                                    int64_t snapshot_id);

// After rows of `members` moved between members (a merge or its undo): the
// events of every snapshot that has any of them, and of its successor.
Status RecomputeGroupEventsOfMembers(Connection& c,
                                     const std::vector<int64_t>& members);

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_GROUP_EVENTS_H_
