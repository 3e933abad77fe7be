// scoring::LeadStore on the embedded SQLite Database. Claims, status
// changes and imports run on the single writer, which makes each of them
// atomic. Thread-safe.
#ifndef QUNYING_STORAGE_SQLITE_LEAD_STORE_H_
#define QUNYING_STORAGE_SQLITE_LEAD_STORE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

#include "scoring/lead_store.h"
#include "storage/checkin_digest.h"
#include "storage/database.h"

namespace qunying::storage {

struct SqliteLeadStoreOptions {
  // ApplyScores writes a rescoring pass in transactions of this many
  // scored members at least, adding more until write_slice_ms have gone,
  // so that other writes (check-ins, claims) wait for one transaction, not
  // the whole pass. Smaller slices cost more: a rescored lead moves in the
  // pool's score index, so each transaction rewrites index pages that the
  // next rewrites again. After new rules (278,000 leads), a write beside
  // the pass waited up to 2.4 s unsliced (write phase 2.5 s), 97 ms at 50
  // ms (3.6 s), 48 ms at 10 ms (7.3 s): docs/benchmarks.md.
  size_t write_slice_members = 512;
  int write_slice_ms = 50;
  // A pass that will give more leads than this a new score (the share of
  // members rescored so far times the members left, checked before each
  // slice once 2,048 members are written) drops the pool's score index
  // (leads_pool) and creates it again after its last slice. Every rescored lead
  // moves in that index, so slices of a pass after new rules rewrote most of
  // its pages again and again: two thirds of that write phase
  // (docs/benchmarks.md). Meanwhile a claim sorts the pool instead (80–127 ms
  // for 278,000 leads; an assignment by series ~0.5 s), and creating the index
  // holds the writer once for ~0.35 s. 0 never drops it.
  int64_t rebuild_pool_index_leads = 60000;
  // Where SaveState writes what LoadFeatures has read (the check-in, event
  // and facts digests and the enrollments), and where the first
  // LoadFeatures looks for it, so that a restarted server reads only the
  // rows added since instead of every check-in, event and hint: 4.2 s of
  // the first pass on the bench's million members (docs/benchmarks.md).
  // The file is checked against the database (its instance id, and the
  // last row read of each table) and ignored when it does not match.
  // Empty (the default): no state file.
  std::string state_path;
};

class SqliteLeadStore : public scoring::LeadStore {
 public:
  explicit SqliteLeadStore(Database* db, SqliteLeadStoreOptions options = {});
  ~SqliteLeadStore() override;

  // Keeps what it read of the check-ins (storage/checkin_digest.h) and its
  // working arrays for the next call.
  Status LoadFeatures(int64_t now_ms,
                      const std::vector<scoring::IntentPhrase>& intent,
                      std::vector<scoring::MemberFeatures>* out) override;
  // Whether the last LoadFeatures read every check-in again (the first
  // one, or after a merge or a new dictionary) rather than the new ones.
  bool digest_rebuilt() const;
  // Whether the last LoadFeatures read every event again (EventDigest).
  bool event_digest_rebuilt() const;
  // Whether the last LoadFeatures read every enrollment (the first time,
  // and after one was changed or deleted) rather than the new ones.
  bool enrollments_reread() const;
  // Members whose profile facts the last LoadFeatures built again
  // (FactsDigest): all with hints the first time, then those changed.
  size_t facts_members_rebuilt() const;
  // Writes the state file (options' state_path) from what the last
  // LoadFeatures read, then what `engine` puts, and returns its size in
  // bytes: 0, writing nothing, without a state path or before a pass.
  // Waits for a LoadFeatures in progress; `engine` runs after, without
  // holding up the next. Streams the file: holds ~1 MB of it in memory.
  // On a million members: ~235 MB.
  Result<size_t> SaveState(
      const std::function<void(ByteWriter&)>& engine) override;
  SavedBytes TakeRestoredEngineState() override;
  // How the first LoadFeatures used the state file: "" before it ran,
  // "none" (no path, or no file), "restored", "restored, without the
  // engine's memory" (a pass wrote leads after it was saved), or why the
  // file was not used (then every row was read, as without one).
  std::string state_outcome() const;
  struct LoadScratch;  // What LoadFeatures keeps (lead_load_scratch.h).
  // A `formula` other than the one in force replaces it, with the pool
  // index, in one transaction after the pass's last slice (~0.35 s on
  // 278,000 leads; nothing else is rewritten).
  Result<int> ApplyScores(const scoring::ScoredParts& scored,
                          const scoring::ScoreFormula& formula, int64_t now_ms,
                          scoring::ScoringProgress* progress) override;
  // Whether the last ApplyScores dropped the pool index and created it
  // again (see rebuild_pool_index_leads, and a new formula). Call from the
  // pass's thread.
  bool pool_index_rebuilt() const { return pool_index_rebuilt_.load(); }
  // Where the last ApplyScores spent its time, for benchmarks: reading
  // the slices' leads, writing what changed of them, making the pool
  // index again (0 if it did not), the checkpoint of the pass's writes
  // after it (0 if the writer's own did them), waiting for scored parts outside
  // any transaction, and the slices' transactions in all (reading and writing,
  // the commits, and the wait for the writer), and how many.
  struct WriteStats {
    double read_ms = 0, apply_ms = 0, index_ms = 0, checkpoint_ms = 0;
    double wait_ms = 0, transactions_ms = 0;
    int transactions = 0;
  };
  WriteStats last_write_stats() const {
    std::lock_guard<std::mutex> lock(stats_mu_);
    return write_stats_;
  }
  Status HeldOpenLeads(bool digests, int64_t* moved,
                       std::vector<scoring::HeldLead>* out) override;
  Result<std::pair<int, int>> Import(
      const std::vector<scoring::ImportRow>& rows, int64_t actor,
      int64_t now_ms) override;
  Result<std::vector<scoring::Lead>> List(
      const scoring::LeadFilter& filter) override;
  Result<scoring::Lead> Get(int64_t id) override;
  Result<std::vector<scoring::LeadEvent>> History(int64_t id) override;
  Result<std::vector<scoring::Lead>> Claim(int64_t user, int count,
                                           const scoring::ClaimLimits& limits,
                                           int64_t day_start_ms,
                                           int64_t overdue_before_ms,
                                           int64_t now_ms) override;
  Result<scoring::Lead> ClaimLead(int64_t user, int64_t lead_id,
                                  const scoring::ClaimLimits& limits,
                                  int64_t day_start_ms,
                                  int64_t overdue_before_ms,
                                  int64_t now_ms) override;
  Result<std::vector<std::pair<int64_t, int64_t>>> Assign(
      const scoring::AssignRequest& req, const scoring::ClaimLimits& limits,
      int64_t actor, int64_t now_ms) override;
  Status SetStatus(int64_t id, const scoring::StatusChange& change,
                   int64_t actor, int64_t now_ms) override;
  Result<int> ReleaseOverdue(int64_t overdue_before_ms,
                             int64_t now_ms) override;
  // storage/lead_return_repo.cc.
  Result<int> ReturnActiveLost(int64_t lost_before_ms, int min_checkins,
                               int64_t now_ms) override;
  Result<int64_t> OutcomeCount() override;
  Result<std::vector<std::pair<scoring::Attributes, bool>>> TrainingRows()
      override;
  Status OpenLeadInputs(int64_t after_id, size_t limit,
                        scoring::LeadInputs* out) override;
  Status SetProbabilities(const std::vector<std::pair<int64_t, double>>& p,
                          int64_t model_id, int64_t now_ms) override;
  Result<int64_t> SaveModel(const scoring::StoredModel& m) override;
  Result<std::optional<scoring::StoredModel>> LatestModel() override;
  Result<std::vector<scoring::StoredModel>> Models(int limit) override;
  Result<int> SaveRules(const std::string& text, int64_t actor,
                        int64_t now_ms) override;
  Result<std::optional<std::pair<int, std::string>>> LatestRules() override;
  Result<std::vector<scoring::RepKpi>> Kpis(int64_t from_ms, int64_t to_ms,
                                            int64_t sla_ms,
                                            int64_t now_ms) override;

 private:
  // Reads the state file into the scratch (lead_state_repo.cc).
  void RestoreState();
  // Once: takes up the formula in force (lead_formula; the shipped rules'
  // before any pass saved one) and creates the pool index if it is
  // missing (a crash between a pass's drop and creation). Every method
  // that reads a score calls it first, outside the writer: it writes.
  [[nodiscard]] Status EnsureFormula();
  // The formula in force (after EnsureFormula).
  scoring::ScoreFormula formula() const;

  Database* db_;
  SqliteLeadStoreOptions options_;
  mutable std::mutex load_mu_;            // One LoadFeatures at a time.
  std::unique_ptr<LoadScratch> scratch_;  // Guarded by load_mu_.
  std::atomic<bool> pool_index_rebuilt_{false};
  mutable std::mutex stats_mu_;
  WriteStats write_stats_;      // Guarded by stats_mu_.
  std::mutex formula_load_mu_;  // One EnsureFormula at a time.
  std::atomic<bool> formula_loaded_{false};
  mutable std::mutex formula_mu_;  // Guards formula_ (held only to copy).
  scoring::ScoreFormula formula_;
};

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_SQLITE_LEAD_STORE_H_
