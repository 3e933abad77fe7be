// Row-level helpers shared by the SqliteLeadStore files: reading a lead,
// its events, and handing a lead to a rep. Each runs inside the caller's
// transaction.
#include "storage/lead_rows.h"

namespace qunying::storage {

const char kLeadCols[] =
    "SELECT l.id, COALESCE(l.member_id, 0), COALESCE(l.external_id, ''),"
    " l.source, l.import_score, l.fit, l.engagement, l.intent,"
    " p.probability, l.status, COALESCE(l.owner_id, 0),"
    " COALESCE(m.nickname, ''), COALESCE(m.phone, ''),"
    " COALESCE(t.attributes, ''), COALESCE(t.factors, ''), l.lost_reason,"
    " l.amount_fen, l.created_at_ms, COALESCE(l.assigned_at_ms, 0),"
    " COALESCE(l.contacted_at_ms, 0), COALESCE(l.closed_at_ms, 0),"
    " MAX(l.updated_at_ms, COALESCE(p.updated_at_ms, 0)), l.frozen,"
    " COALESCE(p.model_id, 0),"
    " COALESCE(l.follow_up_at_ms, 0), l.fit_factors, l.intent_input,"
    " COALESCE(i.factors, ''),"
    // A lost lead's member's check-ins since (index checkins_member).
    " CASE WHEN l.status = 'lost' THEN (SELECT COUNT(*) FROM checkins k"
    "  WHERE k.member_id = l.member_id AND k.created_at_ms > l.closed_at_ms)"
    "  ELSE 0 END"
    " FROM leads l LEFT JOIN members m ON m.id = l.member_id"
    " LEFT JOIN lead_texts t ON t.lead_id = l.id"
    " LEFT JOIN lead_intent i ON i.lead_id = l.id"
    " LEFT JOIN lead_probabilities p ON p.lead_id = l.id ";

scoring::Lead LeadFromRow(const Statement& s,
                          const scoring::ScoreFormula& formula) {
  scoring::Lead l;
  l.id = s.Int(0);
  l.member_id = s.Int(1);
  l.external_id = s.Text(2);
  l.source = s.Text(3);
  l.fit = s.Double(5);
  l.engagement = s.Double(6);
  l.intent = s.Double(7);
  if (l.source == "import") {
    l.score = s.Double(4);
  } else {
    l.score = formula.Total(l.fit, l.engagement, l.intent);
    l.tier = formula.Tier(l.fit, l.engagement, l.intent);
  }
  if (!s.IsNull(8)) l.probability = s.Double(8);
  l.status = s.Text(9);
  l.owner_id = s.Int(10);
  l.nickname = s.Text(11);
  l.phone = s.Text(12);
  l.attributes = scoring::DecodeAttributes(s.Text(13));
  if (!s.IsNull(26))
    l.attributes[std::string(scoring::kIntentInput)] = s.Double(26);
  l.factors =
      scoring::JoinFactors({s.TextView(25), s.TextView(14), s.TextView(27)});
  l.lost_reason = s.Text(15);
  l.amount_fen = s.Int(16);
  l.created_at_ms = s.Int(17);
  l.assigned_at_ms = s.Int(18);
  l.contacted_at_ms = s.Int(19);
  l.closed_at_ms = s.Int(20);
  l.updated_at_ms = s.Int(21);
  l.frozen = s.Int(22) != 0;
  l.model_id = s.Int(23);
  l.follow_up_at_ms = s.Int(24);
  l.checkins_since_lost = s.Int(28);
  return l;
}

Status AddEvent(Connection& c, int64_t lead, int64_t at, int64_t actor,
                const std::string& kind, const std::string& from,
                const std::string& to, const std::string& note) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("INSERT INTO lead_events (lead_id, at_ms, actor_user_id, kind,"
                " from_status, to_status, note) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  st->Bind(1, lead).Bind(2, at).Bind(4, kind).Bind(5, from).Bind(6, to).Bind(
      7, note);
  if (actor)
    st->Bind(3, actor);
  else
    st->BindNull(3);
  return st->Run();
}

Status PutProbability(Connection& c, int64_t lead, double probability,
                      int64_t model_id, int64_t now) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("INSERT INTO lead_probabilities (lead_id, probability,"
                " model_id, updated_at_ms) VALUES (?1, ?2, ?3, ?4) ON CONFLICT"
                " (lead_id) DO UPDATE SET probability = ?2, model_id = ?3,"
                " updated_at_ms = ?4"));
  return st->Bind(1, lead)
      .Bind(2, probability)
      .Bind(3, model_id)
      .Bind(4, now)
      .Run();
}

Result<scoring::Lead> GetIn(Connection& c, int64_t id,
                            const scoring::ScoreFormula& formula) {
  QY_ASSIGN_OR_RETURN(Statement * st,
                      c.Prepare(std::string(kLeadCols) + "WHERE l.id = ?"));
  st->Bind(1, id);
  QY_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("lead not found");
  scoring::Lead l = LeadFromRow(*st, formula);
  st->Reset();
  return l;
}

// The first column of every row.
Result<std::vector<int64_t>> Ids(Statement* st) {
  std::vector<int64_t> ids;
  QY_RETURN_IF_ERROR(
      ForEachRow(st, [&](const Statement& s) { ids.push_back(s.Int(0)); }));
  return ids;
}

Status AssignTo(Connection& c, int64_t lead, int64_t rep, int64_t actor,
                const std::string& kind, const std::string& note, int64_t now) {
  QY_ASSIGN_OR_RETURN(
      Statement * up,
      c.Prepare("UPDATE leads SET status = 'assigned', owner_id = ?,"
                " assigned_at_ms = ?, updated_at_ms = ? WHERE id = ?"));
  QY_RETURN_IF_ERROR(
      up->Bind(1, rep).Bind(2, now).Bind(3, now).Bind(4, lead).Run());
  return AddEvent(c, lead, now, actor, kind, "new", "assigned", note);
}

}  // namespace qunying::storage
