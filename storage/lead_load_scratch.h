// SqliteLeadStore's working memory for LoadFeatures, kept between passes
// (storage/lead_features_repo.cc) and written to and read from its state
// file (storage/lead_state_repo.cc). Internal to storage/. Not
// thread-safe: SqliteLeadStore guards it with load_mu_.
#ifndef QUNYING_STORAGE_LEAD_LOAD_SCRATCH_H_
#define QUNYING_STORAGE_LEAD_LOAD_SCRATCH_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "scoring/points.h"
#include "storage/checkin_digest.h"
#include "storage/event_digest.h"
#include "storage/facts_digest.h"
#include "storage/sqlite_lead_store.h"

namespace qunying::storage {
namespace lead_load {

struct Latest {  // The member's latest campaign.
  int64_t campaign_id = 0;
  int64_t starts_on = 0;
  int64_t end_ms = 0;
  int days = 0;
};

// Member id -> position in the output. Dense (an array indexed by id) when
// ids are compact, as SQLite's rowids are; a hash map otherwise.
class SlotIndex {
 public:
  static constexpr int64_t kMaxDense = 16'000'000;
  // Forgets every id; ids up to `max_id` go in the dense array.
  void Reset(int64_t max_id) {
    sparse_.clear();
    if (max_id >= 0 && max_id <= kMaxDense)
      dense_.assign(max_id + 1, -1);
    else
      dense_.clear();
  }
  int64_t Get(int64_t id) const {
    if (id >= 0 && id < static_cast<int64_t>(dense_.size())) return dense_[id];
    if (sparse_.empty()) return -1;
    auto it = sparse_.find(id);
    return it == sparse_.end() ? -1 : it->second;
  }
  void Set(int64_t id, int64_t slot) {
    if (id >= 0 && id < static_cast<int64_t>(dense_.size()))
      dense_[id] = static_cast<int32_t>(slot);
    else
      sparse_[id] = slot;
  }
  // Numbers `ids` (any order, repeats allowed) 0, 1, … in id order and
  // returns them in that order.
  void Number(const std::vector<int64_t>& ids, std::vector<int64_t>* sorted) {
    sorted->clear();
    std::vector<int64_t> rest;  // Ids outside the dense array.
    for (int64_t id : ids) {
      if (id >= 0 && id < static_cast<int64_t>(dense_.size()))
        dense_[id] = 0;
      else
        rest.push_back(id);
    }
    std::sort(rest.begin(), rest.end());
    rest.erase(std::unique(rest.begin(), rest.end()), rest.end());
    auto r = rest.begin();
    for (; r != rest.end() && *r < 0; ++r) sorted->push_back(*r);
    for (size_t id = 0; id < dense_.size(); ++id)
      if (dense_[id] == 0) sorted->push_back(static_cast<int64_t>(id));
    sorted->insert(sorted->end(), r, rest.end());
    for (size_t i = 0; i < sorted->size(); ++i) Set((*sorted)[i], int64_t(i));
  }

 private:
  std::vector<int32_t> dense_;
  std::unordered_map<int64_t, int64_t> sparse_;
};

struct EnrollmentRow {
  int64_t member, campaign, paid;
};

}  // namespace lead_load

// A pass's working memory, kept for the next pass: on this machine a page
// touched for the first time costs ~11 µs (docs/benchmarks.md), so fresh
// arrays for a million members cost more than filling them.
struct SqliteLeadStore::LoadScratch {
  std::vector<scoring::MemberFeatures>* out = nullptr;  // The caller's.
  lead_load::SlotIndex index;
  std::vector<lead_load::Latest> latest;
  std::vector<int64_t> last_active;
  // Every enrollment read so far, up to rows_high_id, at rows_epoch (the
  // table's, migration 15): a pass reads only the rows added since,
  // unless one was changed or deleted.
  std::vector<lead_load::EnrollmentRow> rows;
  int64_t rows_high_id = 0, rows_epoch = -1;
  bool rows_reread = false;  // The last pass read every enrollment.
  std::vector<int64_t> ids, members;
  // Members' phones (id, phone), read by every pass.
  std::vector<std::pair<int64_t, std::string>> phones;
  CheckinDigest digest;
  EventDigest events;
  FactsDigest facts;
  // Whether a LoadFeatures has succeeded (SaveState has something to
  // write), and how the first one used the state file
  // (SqliteLeadStore::state_outcome).
  bool loaded = false;
  bool restore_tried = false;
  std::string state_outcome;
  // The engine's bytes in the state file the first LoadFeatures restored
  // (with the file's mapping), until the engine takes them.
  scoring::LeadStore::SavedBytes engine_state;

  // Forgets every row read, so that the next pass reads them all.
  void ForgetRead() {
    rows.clear();
    rows_high_id = 0;
    rows_epoch = -1;
    digest = CheckinDigest();
    events = EventDigest();
    facts = FactsDigest();
  }

  scoring::MemberFeatures* Find(int64_t member) {
    int64_t slot = index.Get(member);
    return slot < 0 ? nullptr : &(*out)[slot];
  }
};

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_LEAD_LOAD_SCRATCH_H_
