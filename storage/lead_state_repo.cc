// SqliteLeadStore's state file: what LoadFeatures has read, written by
// SaveState and read back by the first LoadFeatures after a start
// (storage/state_file.h for the format, docs/leads.md for why).
//
// Body: the format version; the database's instance id (migration 17);
// for check-ins, events and enrollments the highest id read and that
// row's member; the enrollments read; then the check-in, event and facts
// digests; the lead_scores epoch (migration 17); and, to the end of the
// body, the engine's memory (LeadEngine::SaveState). A file is used only when
// the instance id matches and each of those rows still exists with the same
// member: a state file beside a database created afresh, or restored from an
// older backup, is ignored.
#include <functional>
#include <memory>
#include <utility>

#include "storage/lead_load_scratch.h"

namespace qunying::storage {
namespace {

// 2: the engine's memory runs to the end of the body, without a length
//    (it is written straight to the file, its length not known before).
// 3: a phrase inside a longer phrase's match no longer counts, and a
//    negation stays in its clause (scoring::FindIntentIn), so the check-in
//    digest's phrases found in a file of 2 differ: such a file is not used.
// 4: a `*` at either end of a phrase is ignored (a leading one matched
//    from up to ten characters before), so a set that has one finds other
//    phrases than a file of 3 holds.
constexpr uint32_t kStateVersion = 4;

struct Watermark {
  const char* table;
  int64_t high_id = 0;
  int64_t member_id = -1;  // Of the row high_id; -1: none such.
};

Result<std::string> InstanceId(Connection& c) {
  QY_ASSIGN_OR_RETURN(Statement * st,
                      c.Prepare("SELECT id FROM db_instance LIMIT 1"));
  QY_ASSIGN_OR_RETURN(bool row, st->Step());
  std::string id = row ? st->Text(0) : "";
  st->Reset();
  return id;
}

// The member of row `high_id` of the watermark's table (-1 when none).
Result<int64_t> MemberAt(Connection& c, const Watermark& w) {
  QY_ASSIGN_OR_RETURN(Statement * st,
                      c.Prepare(std::string("SELECT member_id FROM ") +
                                w.table + " WHERE id = ?"));
  st->Bind(1, w.high_id);
  QY_ASSIGN_OR_RETURN(bool row, st->Step());
  int64_t member = row ? st->Int(0) : -1;
  st->Reset();
  return member;
}

std::vector<Watermark> Watermarks(const SqliteLeadStore::LoadScratch& b) {
  return {{"checkins", b.digest.high_id()},
          {"events", b.events.high_id()},
          {"enrollments", b.rows_high_id}};
}

// Why the file's header does not fit the database ("" when it does).
Result<std::string> CheckHeader(Connection& c, const std::string& instance,
                                const std::vector<Watermark>& marks,
                                int64_t facts_seq) {
  QY_ASSIGN_OR_RETURN(std::string own, InstanceId(c));
  if (own.empty() || own != instance)
    return std::string("it belongs to another database");
  for (const Watermark& w : marks) {
    if (w.high_id == 0) continue;
    QY_ASSIGN_OR_RETURN(int64_t member, MemberAt(c, w));
    if (member != w.member_id)
      return std::string("the last ") + w.table + " row it read is not there";
  }
  QY_ASSIGN_OR_RETURN(int64_t seq, TableEpoch(c, "profiles"));
  if (facts_seq > seq) return std::string("its profile changes are ahead");
  return std::string();
}

}  // namespace

// The file is written as it is encoded (StateWriter): encoded into memory
// first, the body (235 MB on a million members) took 1.1 s, mostly in page
// faults, and the write 0.4 s more (docs/benchmarks.md).
Result<size_t> SqliteLeadStore::SaveState(
    const std::function<void(ByteWriter&)>& engine) {
  if (options_.state_path.empty()) return size_t{0};
  std::unique_ptr<StateWriter> file;
  {
    std::lock_guard lock(load_mu_);
    const LoadScratch& b = *scratch_;
    if (!b.loaded) return size_t{0};
    QY_ASSIGN_OR_RETURN(file, StateWriter::Create(options_.state_path));
    StateWriter& w = *file;
    std::vector<Watermark> marks = Watermarks(b);
    std::string instance;
    int64_t scored = 0;
    QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
      QY_ASSIGN_OR_RETURN(instance, InstanceId(c));
      QY_ASSIGN_OR_RETURN(scored, TableEpoch(c, "lead_scores"));
      for (Watermark& m : marks) {
        if (m.high_id == 0) continue;
        QY_ASSIGN_OR_RETURN(m.member_id, MemberAt(c, m));
      }
      return Status::Ok();
    }));
    w.Put<uint32_t>(kStateVersion);
    w.PutBytes(instance);
    for (const Watermark& m : marks) {
      w.Put<int64_t>(m.high_id);
      w.Put<int64_t>(m.member_id);
    }
    w.Put<int64_t>(b.rows_epoch);
    w.Put<uint64_t>(b.rows.size());
    for (const auto& r : b.rows) {
      w.Put<int64_t>(r.member);
      w.Put<int64_t>(r.campaign);
      w.Put<int64_t>(r.paid);
    }
    b.digest.Save(w);
    b.events.Save(w);
    b.facts.Save(w);
    w.Put<int64_t>(scored);
  }
  // The engine's part and the sync without holding up the next load.
  if (engine) engine(*file);
  QY_RETURN_IF_ERROR(file->Commit());
  return file->size();
}

scoring::LeadStore::SavedBytes SqliteLeadStore::TakeRestoredEngineState() {
  std::lock_guard lock(load_mu_);
  return std::exchange(scratch_->engine_state, SavedBytes());
}

std::string SqliteLeadStore::state_outcome() const {
  std::lock_guard lock(load_mu_);
  return scratch_->state_outcome;
}

// Called by the first LoadFeatures, under load_mu_. Leaves `b` as it was
// (nothing read) unless the whole file is read and fits the database.
void SqliteLeadStore::RestoreState() {
  LoadScratch& b = *scratch_;
  b.restore_tried = true;
  b.state_outcome = "none";
  if (options_.state_path.empty()) return;
  auto reader = StateReader::Open(options_.state_path);
  if (!reader.ok()) {
    if (reader.status().code() != StatusCode::kNotFound)
      b.state_outcome = reader.status().message();
    return;
  }
  StateReader& r = *reader;
  uint32_t version = 0;
  std::string instance;
  std::vector<Watermark> marks = Watermarks(b);
  bool ok =
      r.Get(&version) && version == kStateVersion && r.GetBytes(&instance);
  for (Watermark& m : marks)
    ok = ok && r.Get(&m.high_id) && r.Get(&m.member_id);
  uint64_t n = 0;
  ok = ok && r.Get(&b.rows_epoch) && r.GetCount(&n, 24);
  b.rows.resize(ok ? n : 0);
  for (auto& row : b.rows)
    ok = ok && r.Get(&row.member) && r.Get(&row.campaign) && r.Get(&row.paid);
  int64_t scored = -1;
  ok = ok && b.digest.Load(r) && b.events.Load(r) && b.facts.Load(r) &&
       r.Get(&scored) && r.GetRest(&b.engine_state.bytes);
  b.rows_high_id = marks[2].high_id;
  // The digests' own marks must be the header's.
  ok = ok && b.digest.high_id() == marks[0].high_id &&
       b.events.high_id() == marks[1].high_id;
  std::string why = ok ? "" : "it is not a lead state file of this version";
  if (ok) {
    Status s = db_->Read([&](Connection& c) -> Status {
      QY_ASSIGN_OR_RETURN(why, CheckHeader(c, instance, marks, b.facts.seq()));
      QY_ASSIGN_OR_RETURN(int64_t now_scored, TableEpoch(c, "lead_scores"));
      if (now_scored != scored) b.engine_state.bytes = {};
      return Status::Ok();
    });
    if (!s.ok()) why = s.message();
  }
  if (why.empty()) {
    b.state_outcome = b.engine_state.bytes.empty()
                          ? "restored, without the engine's memory"
                          : "restored";
    if (!b.engine_state.bytes.empty()) b.engine_state.owner = r.owner();
    return;
  }
  b.ForgetRead();
  b.engine_state = {};
  b.state_outcome = "not used: " + why;
}

}  // namespace qunying::storage
