// SqliteLeadStore: training rows, probabilities, stored models and rules,
// and the sales KPIs.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include "storage/audit.h"
#include "storage/lead_rows.h"
#include "storage/sqlite_lead_store.h"

namespace qunying::storage {
namespace {

constexpr char kModelCols[] =
    "SELECT id, kind, schema, calibration, n_train, n_won, auc_cv,"
    " created_at_ms, settings";

scoring::StoredModel ModelFromRow(const Statement& s) {
  scoring::StoredModel m;
  m.id = s.Int(0);
  m.kind = s.Text(1);
  m.schema = s.Text(2);
  m.calibration = s.Text(3);
  m.n_train = static_cast<size_t>(s.Int(4));
  m.n_won = static_cast<size_t>(s.Int(5));
  m.auc_cv = s.Double(6);
  m.created_at_ms = s.Int(7);
  m.settings = s.Text(8);
  return m;
}

}  // namespace

Result<int64_t> SqliteLeadStore::OutcomeCount() {
  int64_t n = 0;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        n, QueryInt(c,
                    "SELECT (SELECT COUNT(*) FROM leads WHERE status IN"
                    " ('won', 'lost')) + (SELECT COUNT(*) FROM"
                    " lead_past_outcomes)"));
    return Status::Ok();
  }));
  return n;
}

Result<std::vector<std::pair<scoring::Attributes, bool>>>
SqliteLeadStore::TrainingRows() {
  std::vector<std::pair<scoring::Attributes, bool>> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("SELECT * FROM (SELECT t.attributes, l.status = 'won',"
                  " l.intent_input FROM leads l JOIN lead_texts t ON"
                  " t.lead_id = l.id WHERE l.status IN ('won', 'lost')"
                  " ORDER BY l.id) UNION ALL SELECT * FROM (SELECT"
                  " attributes, won, intent_input FROM lead_past_outcomes"
                  " ORDER BY id)"));
    return ForEachRow(st, [&](const Statement& s) {
      auto& row =
          out.emplace_back(scoring::DecodeAttributes(s.Text(0)), s.Int(1) != 0);
      if (!s.IsNull(2))
        row.first[std::string(scoring::kIntentInput)] = s.Double(2);
    });
  }));
  return out;
}

Status SqliteLeadStore::HeldOpenLeads(bool digests, int64_t* moved,
                                      std::vector<scoring::HeldLead>* out) {
  out->clear();
  return db_->Read([&](Connection& c) -> Status {
    if (moved) {
      QY_ASSIGN_OR_RETURN(int64_t now_moved, TableEpoch(c, "lead_members"));
      digests = digests || now_moved != *moved;
      *moved = now_moved;
    }
    constexpr char kOpen[] =
        " WHERE l.member_id IS NOT NULL AND l.status NOT IN ('won', 'lost')";
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare(std::string(digests
                                  ? "SELECT l.member_id, l.digest, l.frozen,"
                                    " p.probability, COALESCE(p.model_id, 0)"
                                    " FROM leads l LEFT JOIN"
                                    " lead_probabilities p ON p.lead_id ="
                                    " l.id"
                                  : "SELECT l.member_id FROM leads l") +
                  kOpen));
    return ForEachRow(st, [&](const Statement& s) {
      scoring::HeldLead& h = out->emplace_back();
      h.member_id = s.Int(0);
      if (!digests) return;
      h.digest = s.Int(1);
      h.frozen = s.Int(2) != 0;
      if (!s.IsNull(3)) h.probability = s.Double(3);
      h.model_id = s.Int(4);
    });
  });
}

Status SqliteLeadStore::OpenLeadInputs(int64_t after_id, size_t limit,
                                       scoring::LeadInputs* out) {
  out->Clear();
  return db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("SELECT l.id, t.attributes, l.intent_input FROM leads l"
                  " JOIN lead_texts t ON t.lead_id = l.id WHERE l.id > ? AND"
                  " l.status NOT IN ('won', 'lost') ORDER BY l.id LIMIT ?"));
    st->Bind(1, after_id);
    st->Bind(2, limit == 0 ? int64_t{-1} : static_cast<int64_t>(limit));
    std::string intent;
    return ForEachRow(st, [&](const Statement& s) {
      intent.clear();
      if (!s.IsNull(2)) scoring::AppendIntentInput(intent, s.Double(2));
      out->Add(s.Int(0), s.TextView(1), intent);
    });
  });
}

// After training, every open lead's probability (LeadEngine::Train), in
// slices as ApplyScores writes: one transaction for 303,000 leads held the
// writer for 1.65 s, and a check-in or claim queued meanwhile waited that
// long (docs/benchmarks.md). Probabilities live in lead_probabilities; an
// imported lead's score (import_score, 100 p) in its row, where the pool's
// index orders by it.
Status SqliteLeadStore::SetProbabilities(
    const std::vector<std::pair<int64_t, double>>& p, int64_t model_id,
    int64_t now_ms) {
  // Imported leads are few (an index of their own): their ids, to give
  // them their score too.
  std::vector<int64_t> imported;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Statement * st,
                        c.Prepare("SELECT id FROM leads WHERE source ="
                                  " 'import' ORDER BY id"));
    QY_ASSIGN_OR_RETURN(imported, Ids(st));
    return Status::Ok();
  }));
  const size_t slice = std::max<size_t>(1, options_.write_slice_members);
  const auto budget = std::chrono::milliseconds(options_.write_slice_ms);
  size_t next = 0;
  while (next < p.size()) {
    size_t written = next;
    QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
      QY_ASSIGN_OR_RETURN(
          Statement * score,
          c.Prepare("UPDATE leads SET import_score = ?1 WHERE id = ?2 AND"
                    " source = 'import'"));
      auto start = std::chrono::steady_clock::now();
      size_t i = next;
      do {
        const size_t end = std::min(p.size(), i + slice);
        for (; i < end; ++i) {
          const auto& [id, prob] = p[i];
          QY_RETURN_IF_ERROR(PutProbability(c, id, prob, model_id, now_ms));
          if (!std::binary_search(imported.begin(), imported.end(), id))
            continue;
          score->Reset();
          score->Bind(1, std::round(prob * 1000) / 10).Bind(2, id);
          QY_RETURN_IF_ERROR(score->Run());
        }
      } while (i < p.size() &&
               std::chrono::steady_clock::now() - start < budget);
      written = i;
      return Status::Ok();
    }));
    next = written;  // Committed.
  }
  return Status::Ok();
}

Result<int64_t> SqliteLeadStore::SaveModel(const scoring::StoredModel& m) {
  int64_t id = 0;
  QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("INSERT INTO scoring_models (kind, schema, bytes,"
                  " calibration, n_train, n_won, auc_cv, created_at_ms,"
                  " settings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    st->Bind(1, m.kind).Bind(2, m.schema).Bind(3, m.bytes);
    st->Bind(4, m.calibration).Bind(5, static_cast<int64_t>(m.n_train));
    st->Bind(6, static_cast<int64_t>(m.n_won)).Bind(7, m.auc_cv);
    QY_RETURN_IF_ERROR(st->Bind(8, m.created_at_ms).Bind(9, m.settings).Run());
    id = c.LastInsertId();
    if (!m.by_user_id) return Status::Ok();  // Trained on the schedule.
    return WriteAudit(c, m.by_user_id, "scoring.train", std::to_string(id),
                      m.kind, m.created_at_ms);
  }));
  return id;
}

Result<std::optional<scoring::StoredModel>> SqliteLeadStore::LatestModel() {
  std::optional<scoring::StoredModel> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare(std::string(kModelCols) +
                  ", bytes FROM scoring_models ORDER BY id DESC LIMIT 1"));
    return ForEachRow(st, [&](const Statement& s) {
      out = ModelFromRow(s);
      out->bytes = s.Text(9);
    });
  }));
  return out;
}

Result<std::vector<scoring::StoredModel>> SqliteLeadStore::Models(int limit) {
  std::vector<scoring::StoredModel> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare(std::string(kModelCols) +
                  " FROM scoring_models ORDER BY id DESC LIMIT ?"));
    st->Bind(1, limit);
    return ForEachRow(
        st, [&](const Statement& s) { out.push_back(ModelFromRow(s)); });
  }));
  return out;
}

Result<int> SqliteLeadStore::SaveRules(const std::string& text, int64_t actor,
                                       int64_t now) {
  int version = 0;
  QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        int64_t last,
        // Version 1 is the shipped defaults; saved rules start at 2.
        QueryInt(c, "SELECT COALESCE(MAX(version), 1) FROM scoring_rules"));
    version = static_cast<int>(last + 1);
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("INSERT INTO scoring_rules (version, rules, by_user_id,"
                  " at_ms) VALUES (?, ?, ?, ?)"));
    st->Bind(1, version).Bind(2, text).Bind(3, actor).Bind(4, now);
    QY_RETURN_IF_ERROR(st->Run());
    return WriteAudit(c, actor, "scoring.rules", std::to_string(version), "",
                      now);
  }));
  return version;
}

Result<std::optional<std::pair<int, std::string>>>
SqliteLeadStore::LatestRules() {
  std::optional<std::pair<int, std::string>> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Statement * st,
                        c.Prepare("SELECT version, rules FROM scoring_rules"
                                  " ORDER BY version DESC LIMIT 1"));
    return ForEachRow(st, [&](const Statement& s) {
      out = std::make_pair(static_cast<int>(s.Int(0)), s.Text(1));
    });
  }));
  return out;
}

Result<std::vector<scoring::RepKpi>> SqliteLeadStore::Kpis(int64_t from,
                                                           int64_t to,
                                                           int64_t sla_ms,
                                                           int64_t now) {
  std::map<int64_t, scoring::RepKpi> by_user;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * users,
        c.Prepare("SELECT id, display_name, disabled FROM users WHERE role ="
                  " 'sales'"));
    QY_RETURN_IF_ERROR(ForEachRow(users, [&](const Statement& s) {
      auto& k = by_user[s.Int(0)];
      k.user_id = s.Int(0);
      k.name = s.Text(1);
      k.disabled = s.Int(2) != 0;
    }));
    QY_ASSIGN_OR_RETURN(
        Statement * claims,
        c.Prepare("SELECT actor_user_id, COUNT(*) FROM lead_events WHERE"
                  " kind = 'claim' AND at_ms >= ? AND at_ms < ?"
                  " GROUP BY actor_user_id"));
    claims->Bind(1, from).Bind(2, to);
    QY_RETURN_IF_ERROR(ForEachRow(claims, [&](const Statement& s) {
      auto it = by_user.find(s.Int(0));
      if (it != by_user.end()) it->second.claimed = static_cast<int>(s.Int(1));
    }));
    QY_ASSIGN_OR_RETURN(
        Statement * leads,
        c.Prepare(
            "SELECT owner_id, SUM(status NOT IN ('won', 'lost')),"
            " SUM(contacted_at_ms IS NOT NULL),"
            " SUM(contacted_at_ms IS NOT NULL AND"
            "     contacted_at_ms - assigned_at_ms <= ?3),"
            " SUM(status = 'won'), SUM(status = 'lost'),"
            " SUM(CASE WHEN status = 'won' THEN amount_fen ELSE 0 END)"
            " FROM leads WHERE owner_id IS NOT NULL AND assigned_at_ms >= ?1"
            " AND assigned_at_ms < ?2 GROUP BY owner_id"));
    leads->Bind(1, from).Bind(2, to).Bind(3, sla_ms);
    QY_ASSIGN_OR_RETURN(
        Statement * overdue,
        c.Prepare("SELECT owner_id, COUNT(*) FROM leads WHERE owner_id IS NOT"
                  " NULL AND follow_up_at_ms < ? GROUP BY owner_id"));
    overdue->Bind(1, now);
    QY_RETURN_IF_ERROR(ForEachRow(overdue, [&](const Statement& s) {
      auto it = by_user.find(s.Int(0));
      if (it != by_user.end())
        it->second.follow_ups_overdue = static_cast<int>(s.Int(1));
    }));
    return ForEachRow(leads, [&](const Statement& s) {
      auto it = by_user.find(s.Int(0));
      if (it == by_user.end()) return;
      auto& k = it->second;
      k.open = static_cast<int>(s.Int(1));
      k.contacted = static_cast<int>(s.Int(2));
      k.contacted_in_sla = static_cast<int>(s.Int(3));
      k.won = static_cast<int>(s.Int(4));
      k.lost = static_cast<int>(s.Int(5));
      k.revenue_fen = s.Int(6);
    });
  }));
  std::vector<scoring::RepKpi> out;
  for (auto& [id, k] : by_user) {
    // A rep who has left still counts for what they did in the window
    // (their won leads stay theirs), and is not listed otherwise.
    bool active = k.claimed || k.open || k.contacted || k.won || k.lost;
    if (!k.disabled || active) out.push_back(std::move(k));
  }
  return out;
}

}  // namespace qunying::storage
