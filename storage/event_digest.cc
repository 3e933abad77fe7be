#include "storage/event_digest.h"

#include <algorithm>

namespace qunying::storage {

Status EventDigest::Expire(Connection& c, int64_t start) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT member_id, dwell_ms, type = 'content_read' FROM"
                " events WHERE ts_ms >= ? AND ts_ms < ? AND id <= ?"));
  st->Bind(1, window_start_).Bind(2, start).Bind(3, high_id_);
  return ForEachRow(st, [&](const Statement& s) {
    Member& m = members_.At(s.Int(0));
    m.dwell_ms -= s.Int(1);
    m.reads -= s.Int(2);
  });
}

Status EventDigest::Update(Connection& c, int64_t window_start_ms) {
  QY_ASSIGN_OR_RETURN(int64_t epoch, TableEpoch(c, "events"));
  rebuilt_ = epoch != epoch_ || window_start_ms < window_start_;
  if (rebuilt_) {
    members_.Clear();
    high_id_ = 0;
    epoch_ = epoch;
  } else if (window_start_ms > window_start_) {
    QY_RETURN_IF_ERROR(Expire(c, window_start_ms));
  }
  window_start_ = window_start_ms;
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT id, member_id, ts_ms, dwell_ms,"
                " type = 'content_read' FROM events WHERE id > ? ORDER BY id"));
  st->Bind(1, high_id_);
  return ForEachRow(st, [&](const Statement& s) {
    high_id_ = s.Int(0);
    Member& m = members_.At(s.Int(1));
    int64_t ts = s.Int(2);
    m.last_ms = std::max(m.last_ms, ts);
    if (ts < window_start_) return;
    m.dwell_ms += s.Int(3);
    m.reads += s.Int(4);
  });
}

}  // namespace qunying::storage
