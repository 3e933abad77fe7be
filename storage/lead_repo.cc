// SqliteLeadStore: leads, their events, claims, imports, models and rules.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <span>
#include <string_view>

#include "core/clock.h"
#include "core/time_util.h"
#include "storage/lead_formula.h"
#include "storage/lead_rows.h"
#include "storage/sqlite_lead_store.h"

namespace qunying::storage {
namespace {

// The creation event's note: the points score with one decimal ("score 46.5").
std::string ScoreNote(double total) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "score %.1f", total);
  return buf;
}

using scoring::Lead;

// Returns to the pool the leads no one will work: assigned before `before`
// and not contacted (the SLA), and open leads whose owner was disabled or
// is no longer a sales rep. Each keeps its history, with why it came back.
// Two indexed reads (leads_assigned; users then leads_owner): this runs
// on every claim.
Result<int> ReleaseIn(Connection& c, int64_t before, int64_t now) {
  struct Release {
    int64_t id;
    std::string status, kind, why;
  };
  std::vector<Release> due;
  QY_ASSIGN_OR_RETURN(
      Statement * overdue,
      c.Prepare("SELECT id FROM leads WHERE status = 'assigned' AND"
                " assigned_at_ms < ?"));
  overdue->Bind(1, before);
  QY_RETURN_IF_ERROR(ForEachRow(overdue, [&](const Statement& s) {
    due.push_back(
        {s.Int(0), "assigned", "sla_release", "not contacted within the SLA"});
  }));
  QY_ASSIGN_OR_RETURN(
      Statement * orphaned,
      // CROSS JOIN keeps users first: left to choose, SQLite walked every
      // open lead through leads_pool, which doubled a claim's latency.
      c.Prepare("SELECT l.id, l.status FROM users u CROSS JOIN leads l ON"
                " l.owner_id = u.id WHERE (u.disabled != 0 OR u.role !="
                " 'sales') AND l.status IN ('assigned', 'contacted',"
                " 'qualified')"));
  QY_RETURN_IF_ERROR(ForEachRow(orphaned, [&](const Statement& s) {
    due.push_back({s.Int(0), s.Text(1), "owner_release",
                   "its rep was disabled or is no longer in sales"});
  }));
  int released = 0;
  for (const Release& r : due) {
    QY_ASSIGN_OR_RETURN(
        Statement * up,
        c.Prepare("UPDATE leads SET status = 'new', owner_id = NULL,"
                  " assigned_at_ms = NULL, contacted_at_ms = NULL,"
                  " follow_up_at_ms = NULL, updated_at_ms = ?"
                  " WHERE id = ? AND owner_id IS NOT NULL"));
    QY_RETURN_IF_ERROR(up->Bind(1, now).Bind(2, r.id).Run());
    if (c.Changes() == 0) continue;  // Overdue and orphaned: done once.
    ++released;
    QY_RETURN_IF_ERROR(
        AddEvent(c, r.id, now, 0, r.kind, r.status, "new", r.why));
  }
  return released;
}

// A scored member's lead as stored, for ApplyScores to tell what changed.
struct KnownLead : scoring::HeldLead {
  int64_t id = 0;
  bool open = false;
  int64_t texts_digest = 0;  // Of the stored texts (0: not known).
  // Of the stored intent factors: 0 for none in lead_intent (none at all,
  // or a lead stored before migration 24, with them in lead_texts).
  int64_t intent_digest = 0;
};

// Stores a lead's texts, leaving any that is null as it was ('' when new).
Status PutLeadTexts(Connection& c, int64_t lead_id,
                    std::optional<std::string_view> attributes,
                    std::optional<std::string_view> factors) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("INSERT INTO lead_texts (lead_id, attributes, factors) VALUES"
                " (?1, COALESCE(?2, ''), COALESCE(?3, '')) ON CONFLICT"
                " (lead_id) DO UPDATE SET attributes = COALESCE(?2,"
                " attributes), factors = COALESCE(?3, factors)"));
  st->Bind(1, lead_id);
  if (attributes)
    st->Bind(2, *attributes);
  else
    st->BindNull(2);
  if (factors)
    st->Bind(3, *factors);
  else
    st->BindNull(3);
  return st->Run();
}

// Stores a lead's intent factors (none: no row).
Status PutIntentFactors(Connection& c, int64_t lead_id,
                        std::string_view factors) {
  if (factors.empty()) {
    QY_ASSIGN_OR_RETURN(Statement * del,
                        c.Prepare("DELETE FROM lead_intent WHERE lead_id = ?"));
    return del->Bind(1, lead_id).Run();
  }
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("INSERT INTO lead_intent (lead_id, factors) VALUES (?1, ?2)"
                " ON CONFLICT (lead_id) DO UPDATE SET factors = ?2"));
  return st->Bind(1, lead_id).Bind(2, factors).Run();
}

// A lead stored before its fit factors (migration 21) or its intent
// factors (24) were kept apart holds them in lead_texts. When a pass
// writes those alone (ScoredMember::texts_kept), the stored ones go: they
// would show twice. A lead's texts_digest says it was split (0: not
// known); a frozen lead's is always 0. Returns the intent factors taken
// out ('' if none).
Result<std::string> DropMovedFactors(Connection& c, int64_t lead_id) {
  QY_ASSIGN_OR_RETURN(
      Statement * sel,
      c.Prepare("SELECT factors FROM lead_texts WHERE lead_id = ?"));
  sel->Bind(1, lead_id);
  QY_ASSIGN_OR_RETURN(bool found, sel->Step());
  if (!found) return std::string();
  const std::string stored = sel->Text(0);
  sel->Reset();
  scoring::StoredFactors parts =
      scoring::SplitFactors(scoring::DecodeFactors(stored));
  if (parts.engagement == stored) return std::string();
  QY_RETURN_IF_ERROR(PutLeadTexts(c, lead_id, std::nullopt, parts.engagement));
  return std::move(parts.intent);
}

Status InsertScoredLead(Connection& c, const scoring::ScoredMember& m,
                        int64_t now) {
  const auto& p = m.points;
  QY_ASSIGN_OR_RETURN(
      Statement * ins,
      c.Prepare("INSERT INTO leads (member_id, source, fit, engagement,"
                " intent, created_at_ms, updated_at_ms, digest, fit_factors,"
                " texts_digest, intent_input, intent_digest) VALUES (?,"
                " 'score', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ins->Bind(1, m.member_id).Bind(2, p.fit).Bind(3, p.engagement);
  ins->Bind(4, p.intent).Bind(5, now).Bind(6, now).Bind(7, m.digest);
  ins->Bind(8, m.fit_factors_text).Bind(9, m.texts_digest);
  ins->Bind(10, p.intent_raw).Bind(11, m.intent_digest);
  QY_RETURN_IF_ERROR(ins->Run());
  int64_t id = c.LastInsertId();
  if (!m.intent_factors_text.empty())
    QY_RETURN_IF_ERROR(PutIntentFactors(c, id, m.intent_factors_text));
  if (m.probability)
    QY_RETURN_IF_ERROR(PutProbability(c, id, *m.probability, m.model_id, now));
  QY_RETURN_IF_ERROR(PutLeadTexts(c, id, m.attributes_text, m.factors_text));
  return AddEvent(c, id, now, 0, "created", "", "new", ScoreNote(p.total));
}

// Frozen leads keep their model inputs (the intent input in the row too)
// and probability as of contact. The texts are written when their digest
// differs from the stored one (a frozen lead's is 0: its model inputs are
// not the pass's), and not when the engine kept them
// (ScoredMember::texts_kept); the intent factors when theirs does.
Status UpdateScoredLead(Connection& c, const scoring::ScoredMember& m,
                        const KnownLead& k, int64_t now) {
  const auto& p = m.points;
  int64_t intent_digest = m.intent_kept ? k.intent_digest : m.intent_digest;
  if (m.texts_kept && (k.frozen || k.texts_digest == 0)) {
    QY_ASSIGN_OR_RETURN(std::string intent, DropMovedFactors(c, k.id));
    // Kept by the engine, but still in lead_texts: they move. (The
    // upgrade to migration 24 rewrites every open lead before the engine
    // remembers writing it; this keeps the words if one was not.)
    if (m.intent_kept && !intent.empty()) {
      QY_RETURN_IF_ERROR(PutIntentFactors(c, k.id, intent));
      intent_digest = scoring::FactorsDigest(intent);
    }
  }
  if (k.digest != m.digest) {
    QY_ASSIGN_OR_RETURN(
        Statement * up,
        c.Prepare("UPDATE leads SET fit = ?, engagement = ?, intent = ?,"
                  " updated_at_ms = ?, digest = ?, fit_factors = ?,"
                  " texts_digest = ?, intent_input = COALESCE(?, intent_input),"
                  " intent_digest = ? WHERE id = ?"));
    up->Bind(1, p.fit).Bind(2, p.engagement).Bind(3, p.intent);
    up->Bind(4, now).Bind(5, m.digest).Bind(6, m.fit_factors_text);
    up->Bind(7, k.frozen ? 0 : m.texts_kept ? k.texts_digest : m.texts_digest);
    if (k.frozen)
      up->BindNull(8);
    else
      up->Bind(8, p.intent_raw);
    up->Bind(9, intent_digest);
    QY_RETURN_IF_ERROR(up->Bind(10, k.id).Run());
    if (!m.intent_kept && k.intent_digest != m.intent_digest)
      QY_RETURN_IF_ERROR(PutIntentFactors(c, k.id, m.intent_factors_text));
  }
  if (k.ProbabilityChanges(m))
    QY_RETURN_IF_ERROR(
        PutProbability(c, k.id, *m.probability, m.model_id, now));
  if (k.digest == m.digest || m.texts_kept) return Status::Ok();
  if (k.frozen) return PutLeadTexts(c, k.id, std::nullopt, m.factors_text);
  if (k.texts_digest == m.texts_digest) return Status::Ok();
  return PutLeadTexts(c, k.id, m.attributes_text, m.factors_text);
}

// What a pass has written so far, and the time it took.
struct PassCounts {
  int created = 0;                   // New leads.
  int64_t scored = 0;                // Leads inserted or given a new score.
  int64_t members = 0;               // Scored members looked at.
  double read_ms = 0, apply_ms = 0;  // See SqliteLeadStore::WriteStats.
};

// Writes what changed of one scored member's lead (see ApplyScores),
// `known` as stored (null: the member has none).
Status ApplyScore(Connection& c, const KnownLead* known,
                  const scoring::ScoredMember& m, int64_t now,
                  PassCounts* counts) {
  ++counts->members;
  if (!known) {
    // Its lead has gone since (and a new one needs every text).
    if (m.probability_only || m.texts_kept) return Status::Ok();
    QY_RETURN_IF_ERROR(InsertScoredLead(c, m, now));
    ++counts->created, ++counts->scored;
    return Status::Ok();
  }
  const KnownLead& k = *known;
  if (!k.open) return Status::Ok();
  if (m.probability_only) {
    if (!k.ProbabilityChanges(m)) return Status::Ok();
    return PutProbability(c, k.id, *m.probability, m.model_id, now);
  }
  if (k.digest == m.digest && !k.ProbabilityChanges(m)) return Status::Ok();
  ++counts->scored;
  return UpdateScoredLead(c, m, k, now);
}

// Writes `n` scored members from `m` on: reads their leads, then writes
// what changed. Members close together (a pass that rescores most leads)
// are read as one range of the member index; scattered ones (a pass after
// a few check-ins) one by one, or a slice of 512 would read every lead in
// between: tens of thousands of rows. Either way the leads come in the
// members' order, and are matched to them by walking both (a hash map of
// them cost ~70 of ~290 ms of reading on 240,000 leads).
Status ApplySlice(Connection& c, const scoring::ScoredMember* m, size_t n,
                  int64_t now, PassCounts* counts) {
  auto t0 = std::chrono::steady_clock::now();
  const int64_t lo = m[0].member_id, hi = m[n - 1].member_id;  // In order.
  const bool scattered = static_cast<uint64_t>(hi - lo) >= 8 * n;
  std::vector<KnownLead> known;
  known.reserve(n);
  QY_ASSIGN_OR_RETURN(
      Statement * sel,
      c.Prepare(std::string("SELECT l.member_id, l.id, l.status NOT IN"
                            " ('won', 'lost'), l.frozen, l.digest,"
                            " p.probability, COALESCE(p.model_id, 0),"
                            " l.texts_digest, l.intent_digest FROM leads l"
                            " LEFT JOIN"
                            " lead_probabilities p ON p.lead_id = l.id WHERE"
                            " l.member_id ") +
                (scattered ? "= ?" : "BETWEEN ? AND ? ORDER BY l.member_id")));
  auto read = [&](const Statement& s) {
    KnownLead& k = known.emplace_back();
    k.member_id = s.Int(0);
    k.id = s.Int(1);
    k.open = s.Int(2) != 0;
    k.frozen = s.Int(3) != 0;
    k.digest = s.Int(4);
    if (!s.IsNull(5)) k.probability = s.Double(5);
    k.model_id = s.Int(6);
    k.texts_digest = s.Int(7);
    k.intent_digest = s.Int(8);
  };
  if (scattered) {
    for (size_t i = 0; i < n; ++i) {
      sel->Reset();
      sel->Bind(1, m[i].member_id);
      QY_RETURN_IF_ERROR(ForEachRow(sel, read));
    }
  } else {
    sel->Bind(1, lo).Bind(2, hi);
    QY_RETURN_IF_ERROR(ForEachRow(sel, read));
  }
  counts->read_ms += MsSince(t0);
  t0 = std::chrono::steady_clock::now();
  size_t at = 0;
  for (size_t i = 0; i < n; ++i) {
    while (at < known.size() && known[at].member_id < m[i].member_id) ++at;
    const bool found =
        at < known.size() && known[at].member_id == m[i].member_id;
    QY_RETURN_IF_ERROR(
        ApplyScore(c, found ? &known[at] : nullptr, m[i], now, counts));
  }
  counts->apply_ms += MsSince(t0);
  return Status::Ok();
}

// Walks a pass's scored members in order, part by part, reading a part
// only once the scoring has filled it (ScoringProgress; all are filled
// without one).
class ScoredCursor {
 public:
  ScoredCursor(const scoring::ScoredParts& parts,
               scoring::ScoringProgress* progress)
      : parts_(parts), progress_(progress) {}

  // Whether a member is left to write at the cursor, moving past parts
  // done. False also when (without `wait`) its part is not filled yet.
  Result<bool> Advance(bool wait) {
    while (part_ < parts_.size()) {
      if (part_ == filled_) {
        QY_ASSIGN_OR_RETURN(bool filled, FillNext(wait));
        if (!filled) return false;
      }
      if (at_ < parts_[part_].members.size()) return true;
      ++part_, at_ = 0;
    }
    return false;
  }
  // Advance(true), after waiting until `n` members from the cursor on are
  // filled, or every part is: a transaction then writes a slice's worth,
  // not a few members of each part as it comes (new weights leave most
  // parts nearly empty).
  Result<bool> AwaitMembers(size_t n) {
    while (filled_ < parts_.size() && filled_members_ - taken_ < n) {
      QY_RETURN_IF_ERROR(FillNext(/*wait=*/true).status());
    }
    return Advance(/*wait=*/true);
  }
  // Up to `n` members from the cursor on, within its part (after Advance
  // answered true), and moves past them.
  std::span<const scoring::ScoredMember> Take(size_t n) {
    const auto& members = parts_[part_].members;
    size_t end = std::min(members.size(), at_ + n);
    std::span<const scoring::ScoredMember> out(&members[at_], end - at_);
    taken_ += end - at_;
    at_ = end;
    return out;
  }
  // The pass's scored members: exact once every part is filled, else the
  // filled parts' mean times the parts (runs of as many members of the
  // features each).
  size_t EstimatedTotal() const {
    return filled_ == 0 ? 0 : filled_members_ * parts_.size() / filled_;
  }

 private:
  // Whether the first part not known filled is, now (waiting for it with
  // `wait`).
  Result<bool> FillNext(bool wait) {
    if (progress_) {
      QY_ASSIGN_OR_RETURN(bool filled, progress_->Ready(filled_, wait));
      if (!filled) return false;
    }
    filled_members_ += parts_[filled_].members.size();
    ++filled_;
    return true;
  }

  const scoring::ScoredParts& parts_;
  scoring::ScoringProgress* progress_;
  size_t part_ = 0, at_ = 0;   // The next member to write.
  size_t taken_ = 0;           // Members before it.
  size_t filled_ = 0;          // Parts known to be filled (a prefix).
  size_t filled_members_ = 0;  // Their members.
};

// Whether a pass that has written `counts` of `total` members will move
// more than `limit` leads in the pool index from here on, at the rate
// seen so far (after a sample of a few slices).
bool PoolIndexWorthDropping(const PassCounts& counts, size_t total,
                            int64_t limit) {
  constexpr int64_t kSample = 2048;
  if (limit <= 0 || counts.members < kSample) return false;
  double rate = static_cast<double>(counts.scored) / counts.members;
  return rate * (static_cast<double>(total) - counts.members) > limit;
}

// SQLite copies the WAL into the database file at every commit that
// finds it past 1,000 pages (wal_autocheckpoint). A pass that drops the
// pool index rewrites most leads in ~10 transactions of ~5 MB, each
// commit checkpointing on the writer. Held off, with one checkpoint of
// them all at the end on a connection of its own (Database::Checkpoint,
// ~30 ms), the pass took ~80 ms less: 972 against 1,053 ms, means of six
// alternating runs (docs/benchmarks.md). Other writes commit without a
// checkpoint meanwhile. `*pages` gets the setting to resume.
Status HoldCheckpoints(Connection& c, int64_t* pages) {
  QY_ASSIGN_OR_RETURN(int64_t was, QueryInt(c, "PRAGMA wal_autocheckpoint"));
  QY_RETURN_IF_ERROR(c.Exec("PRAGMA wal_autocheckpoint = 0"));
  *pages = was;
  return Status::Ok();
}

Status ResumeCheckpoints(Connection& c, int64_t pages) {
  return c.Exec("PRAGMA wal_autocheckpoint = " + std::to_string(pages));
}

}  // namespace

Status SqliteLeadStore::EnsureFormula() {
  if (formula_loaded_.load()) return Status::Ok();
  std::lock_guard<std::mutex> lock(formula_load_mu_);
  if (formula_loaded_.load()) return Status::Ok();
  std::optional<scoring::ScoreFormula> stored;
  bool indexed = false;
  auto read = [&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(stored, ReadFormula(c));
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'"
                  " AND name = 'leads_pool'"));
    QY_ASSIGN_OR_RETURN(bool row, st->Step());
    indexed = row && st->Int(0) > 0;
    st->Reset();
    return Status::Ok();
  };
  QY_RETURN_IF_ERROR(db_->Read(read));
  // The open makes both (ApplyMigrations); a pass whose index creation
  // failed since leaves the index missing.
  if (!stored || !indexed) {
    QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
      QY_RETURN_IF_ERROR(EnsurePoolIndex(c));
      return read(c);
    }));
  }
  {
    std::lock_guard<std::mutex> l(formula_mu_);
    formula_ = *stored;
  }
  formula_loaded_ = true;
  return Status::Ok();
}

scoring::ScoreFormula SqliteLeadStore::formula() const {
  std::lock_guard<std::mutex> lock(formula_mu_);
  return formula_;
}

// A pass writes in transactions of a slice of members or more, until
// options_.write_slice_ms have gone: each holds the single writer that
// long, so check-ins and claims queued meanwhile wait for one slice, not
// for the whole write (seconds after new rules; docs/benchmarks.md). Each
// slice reads its members' leads in its own transaction, so a lead claimed
// between two slices is seen frozen. A pass that will rescore many leads
// writes without the pool index and creates it again at the end, also
// when a slice fails. A new formula is taken up at the end, with the
// index made for it, in one transaction: until then claims follow the
// old one.
Result<int> SqliteLeadStore::ApplyScores(const scoring::ScoredParts& scored,
                                         const scoring::ScoreFormula& formula,
                                         int64_t now,
                                         scoring::ScoringProgress* progress) {
  QY_RETURN_IF_ERROR(EnsureFormula());
  const bool new_formula = !(formula == this->formula());
  PassCounts counts;
  ScoredCursor next(scored, progress);
  bool dropped = false;
  int64_t held_pages = -1;  // While checkpoints are held: their setting.
  const size_t slice = std::max<size_t>(1, options_.write_slice_members);
  const auto budget = std::chrono::milliseconds(options_.write_slice_ms);
  Status status;
  bool counted = false;  // The pass bumped the lead_scores epoch.
  int transactions = 0;
  double wait_ms = 0, transactions_ms = 0;
  while (status.ok()) {
    // Outside a transaction: waiting for a part holds up no other write.
    const auto wait_start = std::chrono::steady_clock::now();
    Result<bool> more = next.AwaitMembers(slice);
    wait_ms += MsSince(wait_start);
    if (!more.ok()) status = more.status();
    if (!more.ok() || !*more) break;
    // A new formula makes the index again at the end: leads written before
    // then need not move in the old one (when they are more than a slice;
    // else the drop goes with the creation, one transaction fewer).
    const size_t total = next.EstimatedTotal();
    if (!dropped && ((new_formula && total > slice) ||
                     PoolIndexWorthDropping(
                         counts, total, options_.rebuild_pool_index_leads))) {
      status = db_->Write([&](Connection& c) -> Status {
        QY_RETURN_IF_ERROR(c.Exec(kDropPoolIndex));
        return HoldCheckpoints(c, &held_pages);
      });
      if (!status.ok()) break;
      dropped = true;
    }
    ++transactions;
    const auto write_start = std::chrono::steady_clock::now();
    status = db_->Write([&](Connection& c) -> Status {
      auto start = std::chrono::steady_clock::now();
      // With the first slice: a pass wrote leads since any engine state
      // saved before (lead_state_repo.cc).
      if (!counted) {
        QY_RETURN_IF_ERROR(
            c.Exec("UPDATE table_epochs SET epoch = epoch + 1"
                   " WHERE name = 'lead_scores'"));
        counted = true;
      }
      do {
        std::span<const scoring::ScoredMember> members = next.Take(slice);
        QY_RETURN_IF_ERROR(
            ApplySlice(c, members.data(), members.size(), now, &counts));
        // A part still being scored, or a scoring error (Advance answers it
        // again above), ends the transaction.
        Result<bool> again = next.Advance(/*wait=*/false);
        if (!again.ok() || !*again) break;
      } while (std::chrono::steady_clock::now() - start < budget);
      return Status::Ok();
    });
    transactions_ms += MsSince(write_start);
  }
  // Also after a failed slice. If the creation itself fails (a full disk),
  // the pass fails with it, and the store's next use (EnsureFormula) makes
  // the index again.
  const auto index_start = std::chrono::steady_clock::now();
  if (dropped || new_formula) {
    Status rebuilt = db_->Write([&](Connection& c) -> Status {
      QY_RETURN_IF_ERROR(c.Exec(kDropPoolIndex));  // Unless dropped above.
      // SQLite's sorter may use a second thread for the index: 0.40 s
      // against 0.37–0.60 s alone on 278,000 leads (docs/benchmarks.md).
      QY_RETURN_IF_ERROR(c.Exec("PRAGMA threads = 2"));
      Status created = c.Exec(CreatePoolIndexSql(formula));
      QY_RETURN_IF_ERROR(c.Exec("PRAGMA threads = 0"));
      QY_RETURN_IF_ERROR(created);
      if (!new_formula) return Status::Ok();
      QY_RETURN_IF_ERROR(SaveFormula(c, formula));
      // Writes after this one in the writer's queue (claims) must order
      // by the index just made.
      std::lock_guard<std::mutex> lock(formula_mu_);
      formula_ = formula;
      return Status::Ok();
    });
    // Its batch may fail after the callback ran: read the formula in force,
    // and make any missing index, again before the next use.
    if (!rebuilt.ok()) formula_loaded_ = false;
    if (status.ok()) status = rebuilt;
  }
  const double index_ms = MsSince(index_start);
  const auto checkpoint_start = std::chrono::steady_clock::now();
  // Also after a failure: the WAL must not grow without end. A failed
  // checkpoint leaves it to the writer's next automatic one.
  if (held_pages >= 0) {
    (void)db_->Checkpoint();
    Status resumed = db_->Write(
        [&](Connection& c) { return ResumeCheckpoints(c, held_pages); });
    if (status.ok()) status = resumed;
  }
  pool_index_rebuilt_ = dropped || new_formula;
  {
    std::lock_guard<std::mutex> lock(stats_mu_);
    write_stats_ = {counts.read_ms,
                    counts.apply_ms,
                    dropped || new_formula ? index_ms : 0.0,
                    MsSince(checkpoint_start),
                    wait_ms,
                    transactions_ms,
                    transactions};
  }
  if (!status.ok()) return status;
  return counts.created;
}

Result<std::pair<int, int>> SqliteLeadStore::Import(
    const std::vector<scoring::ImportRow>& rows, int64_t actor, int64_t now) {
  std::pair<int, int> counts{0, 0};
  QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    for (const auto& r : rows) {
      std::string attrs = scoring::EncodeAttributes(r.attributes);
      QY_ASSIGN_OR_RETURN(Statement * sel,
                          c.Prepare("SELECT id, status, frozen FROM leads WHERE"
                                    " external_id = ?"));
      sel->Bind(1, r.external_id);
      QY_ASSIGN_OR_RETURN(bool found, sel->Step());
      if (!found) {
        QY_ASSIGN_OR_RETURN(
            Statement * ins,
            c.Prepare("INSERT INTO leads (external_id, source, status,"
                      " frozen, created_at_ms, updated_at_ms, closed_at_ms)"
                      " VALUES (?, 'import', ?, ?, ?, ?, ?)"));
        std::string status = r.outcome.empty() ? "new" : r.outcome;
        ins->Bind(1, r.external_id).Bind(2, status);
        ins->Bind(3, r.outcome.empty() ? 0 : 1).Bind(4, now).Bind(5, now);
        if (r.outcome.empty())
          ins->BindNull(6);
        else
          ins->Bind(6, now);
        QY_RETURN_IF_ERROR(ins->Run());
        int64_t id = c.LastInsertId();
        QY_RETURN_IF_ERROR(PutLeadTexts(c, id, attrs, std::nullopt));
        QY_RETURN_IF_ERROR(
            AddEvent(c, id, now, actor, "import", "", status, ""));
        ++counts.first;
        continue;
      }
      int64_t id = sel->Int(0);
      std::string status = sel->Text(1);
      bool frozen = sel->Int(2) != 0;
      sel->Reset();
      if (!frozen) {
        QY_ASSIGN_OR_RETURN(
            Statement * up,
            c.Prepare("UPDATE leads SET updated_at_ms = ? WHERE id = ?"));
        QY_RETURN_IF_ERROR(up->Bind(1, now).Bind(2, id).Run());
        QY_RETURN_IF_ERROR(PutLeadTexts(c, id, attrs, std::nullopt));
      }
      if (!r.outcome.empty() && scoring::IsOpenStatus(status)) {
        QY_ASSIGN_OR_RETURN(
            Statement * up,
            c.Prepare("UPDATE leads SET status = ?, frozen = 1,"
                      " closed_at_ms = ?, updated_at_ms = ? WHERE id = ?"));
        QY_RETURN_IF_ERROR(
            up->Bind(1, r.outcome).Bind(2, now).Bind(3, now).Bind(4, id).Run());
        QY_RETURN_IF_ERROR(
            AddEvent(c, id, now, actor, "import", status, r.outcome, ""));
      }
      ++counts.second;
    }
    return Status::Ok();
  }));
  return counts;
}

Result<std::vector<Lead>> SqliteLeadStore::List(const scoring::LeadFilter& f) {
  QY_RETURN_IF_ERROR(EnsureFormula());
  const scoring::ScoreFormula formula = this->formula();
  // The score filter only when asked: it weighs every row it passes.
  const std::string score = ScoreSql(formula, "l.");
  const std::string min_score =
      f.min_score < 0 ? "" : " AND " + score + " >= ?3";
  // Keyset paging in the list's order: after the last lead of the page.
  const std::string after = f.by_score ? "(?1 = 0 OR " + score + " < ?9 OR (" +
                                             score + " = ?9 AND l.id > ?1))"
                                       : "l.id > ?1";
  const std::string order =
      f.by_score ? PoolOrderSql(formula, "l.") : std::string("l.id");
  // New leads best first (the pool tab): a new lead has no owner (a lead
  // handed back loses it), so saying so lets the pool's index give the
  // order instead of a sort of every pool lead.
  const bool pool =
      f.by_score && f.status == "new" && (f.owner_id == 0 || f.include_pool);
  const std::string no_owner =
      pool ? " AND l.status = 'new' AND l.owner_id IS NULL" : "";
  std::vector<Lead> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare(std::string(kLeadCols) + "WHERE " + after +
                  " AND (?2 = '' OR l.status = ?2 OR (?2 = 'open' AND"
                  "  l.status NOT IN ('won', 'lost')) OR (?2 = 'closed' AND"
                  "  l.status IN ('won', 'lost')))" +
                  no_owner + min_score +
                  " AND (?4 = '' OR l.source = ?4)"
                  " AND (?5 = 0 OR l.owner_id = ?5 OR"
                  "  (?6 AND l.owner_id IS NULL AND l.status = 'new'))"
                  " AND (?8 = 0 OR l.follow_up_at_ms <= ?8)"
                  " AND (?13 = 0 OR (l.status = 'lost' AND EXISTS (SELECT 1"
                  "  FROM checkins k WHERE k.member_id = l.member_id AND"
                  "  k.created_at_ms > l.closed_at_ms)))"
                  " AND (?10 = '' OR instr(lower(m.nickname), lower(?10)) > 0"
                  "  OR instr(lower(l.external_id), lower(?10)) > 0 OR"
                  "  (?11 <> '' AND instr(m.phone, ?11) > 0 AND"
                  "  (?12 = 0 OR l.owner_id = ?12)))"
                  " ORDER BY " +
                  order + " LIMIT ?7"));
    st->Bind(1, f.after_id).Bind(2, f.status).Bind(3, f.min_score);
    st->Bind(4, f.source).Bind(5, f.owner_id).Bind(6, f.include_pool ? 1 : 0);
    st->Bind(7, f.limit).Bind(8, f.follow_up_before_ms);
    if (f.by_score) st->Bind(9, f.after_score);
    st->Bind(10, f.text).Bind(11, f.phone_digits).Bind(12, f.phone_owner_id);
    st->Bind(13, f.active_again ? 1 : 0);
    return ForEachRow(st, [&](const Statement& s) {
      out.push_back(LeadFromRow(s, formula));
    });
  }));
  return out;
}

Result<Lead> SqliteLeadStore::Get(int64_t id) {
  QY_RETURN_IF_ERROR(EnsureFormula());
  const scoring::ScoreFormula formula = this->formula();
  Lead out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(out, GetIn(c, id, formula));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<scoring::LeadEvent>> SqliteLeadStore::History(int64_t id) {
  std::vector<scoring::LeadEvent> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("SELECT at_ms, COALESCE(actor_user_id, 0), kind,"
                  " from_status, to_status, note FROM lead_events"
                  " WHERE lead_id = ? ORDER BY id"));
    st->Bind(1, id);
    return ForEachRow(st, [&](const Statement& s) {
      out.push_back(
          {s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5)});
    });
  }));
  return out;
}

namespace {

// How many leads `user` may claim now: what is left of the day's cap
// (`day_start` on) and of the open cap; Conflict saying which is reached
// when none.
Result<int64_t> ClaimRoom(Connection& c, int64_t user,
                          const scoring::ClaimLimits& limits,
                          int64_t day_start) {
  QY_ASSIGN_OR_RETURN(
      Statement * today,
      c.Prepare("SELECT COUNT(*) FROM lead_events WHERE actor_user_id = ?"
                " AND kind = 'claim' AND at_ms >= ?"));
  today->Bind(1, user).Bind(2, day_start);
  QY_ASSIGN_OR_RETURN(bool r1, today->Step());
  int64_t claimed = r1 ? today->Int(0) : 0;
  today->Reset();
  QY_ASSIGN_OR_RETURN(int64_t held,
                      QueryInt(c,
                               "SELECT COUNT(*) FROM leads WHERE owner_id = ?"
                               " AND status NOT IN ('won', 'lost')",
                               user, true));
  int64_t n = std::min(limits.daily_cap - claimed, limits.open_cap - held);
  if (n > 0) return n;
  return Status::Conflict(
      claimed >= limits.daily_cap
          ? "daily claim cap of " + std::to_string(limits.daily_cap) +
                " leads reached; claim again tomorrow"
          : "you hold " + std::to_string(held) +
                " open leads, the cap; close some before claiming more");
}

}  // namespace

Result<std::vector<Lead>> SqliteLeadStore::Claim(
    int64_t user, int count, const scoring::ClaimLimits& limits,
    int64_t day_start, int64_t overdue_before, int64_t now) {
  QY_RETURN_IF_ERROR(EnsureFormula());
  std::vector<Lead> out;
  QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    // Read in the writer: the formula that the pool index was made with.
    const scoring::ScoreFormula formula = this->formula();
    QY_RETURN_IF_ERROR(ReleaseIn(c, overdue_before, now).status());
    QY_ASSIGN_OR_RETURN(int64_t room, ClaimRoom(c, user, limits, day_start));
    int64_t n = std::min<int64_t>(count, room);
    QY_ASSIGN_OR_RETURN(
        Statement * pick,
        c.Prepare("SELECT id FROM leads WHERE status = 'new' AND owner_id IS"
                  " NULL ORDER BY " +
                  PoolOrderSql(formula, "") + " LIMIT ?"));
    pick->Bind(1, n);
    QY_ASSIGN_OR_RETURN(std::vector<int64_t> ids, Ids(pick));
    for (int64_t id : ids) {
      QY_RETURN_IF_ERROR(AssignTo(c, id, user, user, "claim", "", now));
      QY_ASSIGN_OR_RETURN(Lead l, GetIn(c, id, formula));
      out.push_back(std::move(l));
    }
    return Status::Ok();
  }));
  return out;
}

Result<Lead> SqliteLeadStore::ClaimLead(int64_t user, int64_t lead_id,
                                        const scoring::ClaimLimits& limits,
                                        int64_t day_start,
                                        int64_t overdue_before, int64_t now) {
  QY_RETURN_IF_ERROR(EnsureFormula());
  Lead out;
  QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    const scoring::ScoreFormula formula = this->formula();
    QY_RETURN_IF_ERROR(ReleaseIn(c, overdue_before, now).status());
    auto lead = GetIn(c, lead_id, formula);
    if (lead.ok() && lead->owner_id == user &&
        scoring::IsOpenStatus(lead->status)) {
      out = std::move(*lead);  // Claimed twice (a double click): still yours.
      return Status::Ok();
    }
    if (!lead.ok() || lead->status != "new" || lead->owner_id != 0) {
      if (!lead.ok() && lead.status().code() != StatusCode::kNotFound)
        return lead.status();
      return Status::NotFound(
          "lead not found in the pool: another rep may have claimed it");
    }
    QY_RETURN_IF_ERROR(ClaimRoom(c, user, limits, day_start).status());
    QY_RETURN_IF_ERROR(AssignTo(c, lead_id, user, user, "claim", "", now));
    QY_ASSIGN_OR_RETURN(out, GetIn(c, lead_id, formula));
    return Status::Ok();
  }));
  return out;
}

Status SqliteLeadStore::SetStatus(int64_t id,
                                  const scoring::StatusChange& change,
                                  int64_t actor, int64_t now) {
  const std::string& status = change.status;
  QY_RETURN_IF_ERROR(EnsureFormula());
  return db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Lead l, GetIn(c, id, formula()));
    // Won is final (its amount and note can still be corrected); a lost
    // lead comes back when the parent does (reopened, with why it was
    // lost kept in the history).
    if (l.status == "won" && status != l.status) {
      return Status::Conflict(
          "lead is closed as won; it cannot become " + status, "status");
    }
    std::string note = change.note;
    if (l.status == "lost" && status != l.status) {
      note = (note.empty() ? "" : note + " ") + "(reopened; lost_reason was " +
             l.lost_reason + ")";
      QY_RETURN_IF_ERROR(KeepPastOutcome(c, id, now));
    }
    if (status == "assigned" && !l.owner_id) {
      return Status::InvalidArgument(
          "a pool lead is assigned by claiming it (POST /leads/claim)",
          "status");
    }
    bool pool = status == "new";
    bool closes = !scoring::IsOpenStatus(status);
    bool freezes = status != "new" && status != "assigned";
    if ((pool || closes) && change.follow_up_at_ms.value_or(0) != 0) {
      return Status::Conflict(
          "a lead that is " + status + " has no follow-up to schedule",
          "follow_up_at");
    }
    // Closing a lead or handing it back ends its follow-up.
    int64_t follow_up =
        pool || closes ? 0 : change.follow_up_at_ms.value_or(l.follow_up_at_ms);
    QY_ASSIGN_OR_RETURN(
        Statement * up,
        c.Prepare(
            "UPDATE leads SET status = ?1, updated_at_ms = ?2,"
            " owner_id = CASE WHEN ?3 THEN NULL ELSE owner_id END,"
            " assigned_at_ms = CASE WHEN ?3 THEN NULL ELSE assigned_at_ms END,"
            " frozen = MAX(frozen, ?4),"
            " contacted_at_ms = CASE WHEN ?4 AND contacted_at_ms IS NULL"
            "  AND owner_id IS NOT NULL THEN ?2 ELSE contacted_at_ms END,"
            // SET reads the row as it was: a note on a closed lead keeps
            // when it closed and why.
            " closed_at_ms = CASE WHEN ?5 AND status <> ?1 THEN ?2"
            "  WHEN NOT ?5 THEN NULL ELSE closed_at_ms END,"
            " lost_reason = CASE WHEN ?1 <> 'lost' THEN ''"
            "  WHEN ?6 <> '' THEN ?6 ELSE lost_reason END,"
            " amount_fen = CASE WHEN ?1 = 'won' THEN ?7 ELSE amount_fen END,"
            " follow_up_at_ms = NULLIF(?9, 0)"
            " WHERE id = ?8"));
    up->Bind(1, status).Bind(2, now).Bind(3, pool ? 1 : 0);
    up->Bind(4, freezes ? 1 : 0).Bind(5, closes ? 1 : 0);
    up->Bind(6, change.lost_reason).Bind(7, change.amount_fen);
    QY_RETURN_IF_ERROR(up->Bind(8, id).Bind(9, follow_up).Run());
    if (status != l.status || !note.empty()) {
      QY_RETURN_IF_ERROR(AddEvent(c, id, now, actor,
                                  status == l.status ? "note" : "status",
                                  l.status, status, note));
    }
    if (follow_up == l.follow_up_at_ms || !change.follow_up_at_ms) {
      return Status::Ok();  // Unchanged, or ended by the new status.
    }
    return AddEvent(c, id, now, actor, "follow_up", "", "",
                    follow_up ? FormatRfc3339(follow_up) : "");
  });
}

Result<int> SqliteLeadStore::ReleaseOverdue(int64_t before, int64_t now) {
  int n = 0;
  QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(n, ReleaseIn(c, before, now));
    return Status::Ok();
  }));
  return n;
}

}  // namespace qunying::storage
