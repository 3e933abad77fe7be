#include "storage/group_events.h"

#include <set>
#include <unordered_set>

namespace qunying::storage {
namespace {

struct Snapshot {
  int64_t id = 0, group_id = 0, as_of_ms = 0;
};

Result<Snapshot> LoadSnapshot(Connection& c, int64_t id) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare(
          "SELECT group_id, as_of_ms FROM roster_snapshots WHERE id = ?"));
  st->Bind(1, id);
  QY_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("roster snapshot not found");
  return Snapshot{id, st->Int(0), st->Int(1)};
}

// The snapshot of the same group just before (`after` false) or after `s`
// in (as_of, id) order; 0 when there is none.
Result<int64_t> Neighbour(Connection& c, const Snapshot& s, bool after) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare(after ? "SELECT id FROM roster_snapshots WHERE group_id = ?1"
                        " AND (as_of_ms > ?2 OR (as_of_ms = ?2 AND id > ?3))"
                        " ORDER BY as_of_ms, id LIMIT 1"
                      : "SELECT id FROM roster_snapshots WHERE group_id = ?1"
                        " AND (as_of_ms < ?2 OR (as_of_ms = ?2 AND id < ?3))"
                        " ORDER BY as_of_ms DESC, id DESC LIMIT 1"));
  st->Bind(1, s.group_id).Bind(2, s.as_of_ms).Bind(3, s.id);
  QY_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Int(0) : 0;
}

Result<std::unordered_set<int64_t>> MembersOf(Connection& c,
                                              int64_t snapshot_id) {
  std::unordered_set<int64_t> ids;
  if (!snapshot_id) return ids;
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT member_id FROM roster_entries WHERE snapshot_id = ?"
                " AND member_id IS NOT NULL"));
  st->Bind(1, snapshot_id);
  QY_RETURN_IF_ERROR(
      ForEachRow(st, [&](const Statement& r) { ids.insert(r.Int(0)); }));
  return ids;
}

}  // namespace

Result<GroupEventCounts> RecomputeGroupEvents(Connection& c,
                                              int64_t snapshot_id) {
  QY_ASSIGN_OR_RETURN(Snapshot s, LoadSnapshot(c, snapshot_id));
  QY_ASSIGN_OR_RETURN(int64_t previous, Neighbour(c, s, false));
  QY_ASSIGN_OR_RETURN(auto before, MembersOf(c, previous));
  QY_ASSIGN_OR_RETURN(auto now, MembersOf(c, s.id));
  QY_ASSIGN_OR_RETURN(
      Statement * drop,
      c.Prepare("DELETE FROM group_events WHERE snapshot_id = ?"));
  QY_RETURN_IF_ERROR(drop->Bind(1, s.id).Run());
  QY_ASSIGN_OR_RETURN(
      Statement * ev,
      c.Prepare("INSERT INTO group_events (group_id, member_id, kind, at_ms,"
                " snapshot_id) VALUES (?, ?, ?, ?, ?)"));
  auto record = [&](int64_t member, const char* kind) -> Status {
    ev->Reset();
    return ev->Bind(1, s.group_id)
        .Bind(2, member)
        .Bind(3, kind)
        .Bind(4, s.as_of_ms)
        .Bind(5, s.id)
        .Run();
  };
  GroupEventCounts n;
  for (int64_t id : now) {
    if (before.count(id)) continue;
    QY_RETURN_IF_ERROR(record(id, "join"));
    ++n.joined;
  }
  for (int64_t id : before) {
    if (now.count(id)) continue;
    QY_RETURN_IF_ERROR(record(id, "leave"));
    ++n.left;
  }
  return n;
}

Result<GroupEventCounts> RecomputeGroupEventsAround(Connection& c,
                                                    int64_t snapshot_id) {
  QY_ASSIGN_OR_RETURN(GroupEventCounts own,
                      RecomputeGroupEvents(c, snapshot_id));
  QY_ASSIGN_OR_RETURN(Snapshot s, LoadSnapshot(c, snapshot_id));
  QY_ASSIGN_OR_RETURN(int64_t next, Neighbour(c, s, true));
  if (next) QY_RETURN_IF_ERROR(RecomputeGroupEvents(c, next).status());
  return own;
}

Status RecomputeGroupEventsOfMembers(Connection& c,
                                     const std::vector<int64_t>& members) {
  std::set<int64_t> snapshots;
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT DISTINCT snapshot_id FROM roster_entries"
                " WHERE member_id = ?"));
  for (int64_t m : members) {
    st->Reset();
    st->Bind(1, m);
    QY_RETURN_IF_ERROR(ForEachRow(
        st, [&](const Statement& r) { snapshots.insert(r.Int(0)); }));
  }
  for (int64_t id : snapshots)
    QY_RETURN_IF_ERROR(RecomputeGroupEventsAround(c, id).status());
  return Status::Ok();
}

}  // namespace qunying::storage
