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

namespace qunying::storage {

void EventDigest::Save(StateWriter& w) const {
  w.Put<int64_t>(epoch_);
  w.Put<int64_t>(high_id_);
  w.Put<int64_t>(window_start_);
  w.Put<uint64_t>(members_.size());
  members_.ForEach([&](int64_t id, const Member& m) {
    w.Put<int64_t>(id);
    w.Put<int64_t>(m.last_ms);
    w.Put<int64_t>(m.dwell_ms);
    w.Put<int64_t>(m.reads);
  });
}

bool EventDigest::Load(StateReader& r) {
  members_.Clear();
  epoch_ = -1;
  high_id_ = 0;
  window_start_ = std::numeric_limits<int64_t>::min();
  int64_t epoch = -1, high = 0, start = 0;
  uint64_t n = 0;
  bool ok =
      r.Get(&epoch) && r.Get(&high) && r.Get(&start) && r.GetCount(&n, 32);
  for (uint64_t i = 0; ok && i < n; ++i) {
    int64_t id = 0;
    ok = r.Get(&id) && !members_.Find(id);
    if (!ok) break;
    Member& m = members_.At(id);
    ok = r.Get(&m.last_ms) && r.Get(&m.dwell_ms) && r.Get(&m.reads);
  }
  if (!ok || !r.ok()) {
    members_.Clear();
    return false;
  }
  epoch_ = epoch;
  high_id_ = high;
  window_start_ = start;
  return true;
}

}  // namespace qunying::storage
