// Lost leads opened again: the outcome they had is kept to train on, and
// those whose parent came back return to the pool by themselves.
#include "storage/lead_rows.h"
#include "storage/sqlite_lead_store.h"

namespace qunying::storage {

Status KeepPastOutcome(Connection& c, int64_t lead, int64_t now) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("INSERT INTO lead_past_outcomes (lead_id, won, attributes,"
                " intent_input, lost_reason, closed_at_ms, reopened_at_ms)"
                " SELECT l.id, l.status = 'won', COALESCE(t.attributes, ''),"
                " l.intent_input, l.lost_reason, COALESCE(l.closed_at_ms, ?2),"
                " ?2 FROM leads l LEFT JOIN lead_texts t ON t.lead_id = l.id"
                " WHERE l.id = ?1 AND l.status IN ('won', 'lost')"));
  return st->Bind(1, lead).Bind(2, now).Run();
}

Result<int> SqliteLeadStore::ReturnActiveLost(int64_t lost_before_ms,
                                              int min_checkins,
                                              int64_t now_ms) {
  struct Due {
    int64_t id, checkins;
    std::string reason;
  };
  std::vector<Due> due;
  // Found on a read connection: this runs every minute, and most minutes
  // return nothing, so it should not hold the writer. Lost leads by
  // leads_assigned (status), each member's check-ins since by
  // checkins_member, counted once per lead.
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    due.clear();
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("SELECT l.id, l.lost_reason, COUNT(*) AS n FROM leads l"
                  " JOIN checkins k ON k.member_id = l.member_id AND"
                  " k.created_at_ms > l.closed_at_ms WHERE l.status = 'lost'"
                  " AND l.closed_at_ms < ?1 GROUP BY l.id HAVING n >= ?2"
                  " ORDER BY l.id"));
    st->Bind(1, lost_before_ms).Bind(2, int64_t{min_checkins});
    return ForEachRow(st, [&](const Statement& s) {
      due.push_back({s.Int(0), s.Int(2), s.Text(1)});
    });
  }));
  if (due.empty()) return 0;
  int returned = 0;
  QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    returned = 0;
    QY_ASSIGN_OR_RETURN(
        Statement * up,
        c.Prepare("UPDATE leads SET status = 'new', owner_id = NULL,"
                  " assigned_at_ms = NULL, contacted_at_ms = NULL,"
                  " closed_at_ms = NULL, lost_reason = '',"
                  " follow_up_at_ms = NULL, updated_at_ms = ?"
                  " WHERE id = ? AND status = 'lost'"));
    for (const Due& d : due) {
      // Reopened by its rep since it was read: theirs now.
      QY_ASSIGN_OR_RETURN(int64_t lost,
                          QueryInt(c,
                                   "SELECT COUNT(*) FROM leads WHERE id = ? AND"
                                   " status = 'lost'",
                                   d.id, /*has_bind=*/true));
      if (!lost) continue;
      QY_RETURN_IF_ERROR(KeepPastOutcome(c, d.id, now_ms));
      up->Reset();
      QY_RETURN_IF_ERROR(up->Bind(1, now_ms).Bind(2, d.id).Run());
      QY_RETURN_IF_ERROR(
          AddEvent(c, d.id, now_ms, 0, "lost_return", "lost", "new",
                   std::to_string(d.checkins) +
                       " check-ins since it was lost (lost_reason was " +
                       d.reason + ")"));
      ++returned;
    }
    return Status::Ok();
  }));
  return returned;
}

}  // namespace qunying::storage
