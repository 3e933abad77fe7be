// CheckinDigest: what a lead-scoring pass needs of every check-in, kept
// between passes and brought up to date from the check-ins added since
// the last one (ids above the highest read), instead of reading every
// check-in again: on a million members with five million check-ins that
// read alone took 0.7 s of SQLite time per pass (docs/benchmarks.md).
//
// Per member it keeps each campaign's check-ins, make-ups and days, the
// time of the latest check-in, and for each intent phrase the last text
// it was found in, so that "the phrases in the member's last N texts" is
// known without keeping the texts.
//
// Check-ins are only ever inserted, with ids that grow, except when a
// merge moves them to another member or one is deleted: a trigger then
// bumps the table's epoch (migration 11, table_epochs), and the next
// Update reads them all again. So does a new intent dictionary.
//
// Not thread-safe: its owner serialises Update and the reads after it.
#ifndef QUNYING_STORAGE_CHECKIN_DIGEST_H_
#define QUNYING_STORAGE_CHECKIN_DIGEST_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "scoring/rules.h"
#include "storage/member_slots.h"
#include "storage/sqlite.h"
#include "storage/state_file.h"

namespace qunying::storage {

class CheckinDigest {
 public:
  struct Campaign {
    int64_t campaign_id = 0;
    int checkins = 0;  // Make-ups included.
    int makeups = 0;
    uint64_t days_low = 0;            // Bit d-1 for each day d in 1..64.
    std::vector<uint16_t> days_high;  // Days above 64, sorted, distinct.

    // The longest run of consecutive checked days among days 1..`days`.
    int LongestRun(int days) const;
  };
  struct Member {
    int64_t last_ms = -1;  // created_at of the latest check-in; -1: none.
    uint32_t texts = 0;    // Check-ins with a text so far.
    std::vector<Campaign> campaigns;
    // (phrase position in the dictionary, ordinal among the member's
    // texts, from 1, of the last text it was found in).
    std::vector<std::pair<uint16_t, uint32_t>> intent;

    const Campaign* Find(int64_t campaign_id) const;
    Campaign& FindOrAdd(int64_t campaign_id);
    // Appends the positions, ascending, of the phrases found in the last
    // `window` texts.
    void IntentIn(uint32_t window, std::vector<uint16_t>* out) const;
  };

  // Reads the check-ins added since the last call; all of them the first
  // time, after a change other than an insert, or when `dict` holds other
  // phrases than the last call's. `c` must be inside a read transaction.
  [[nodiscard]] Status Update(Connection& c,
                              const std::vector<scoring::IntentPhrase>& dict);
  // Null when the member has no check-in.
  const Member* Find(int64_t member_id) const {
    return members_.Find(member_id);
  }

  // Whether the last Update read every check-in again.
  bool rebuilt() const { return rebuilt_; }
  // The highest check-in id read (0: none).
  int64_t high_id() const { return high_id_; }

  // Writes everything the digest holds, for a restarted server
  // (storage/state_file.h). Load replaces the digest with what Save wrote,
  // and returns false, leaving it empty, when the reader fails; the next
  // Update then checks the epoch and reads what is new (or everything).
  void Save(StateWriter& w) const;
  [[nodiscard]] bool Load(StateReader& r);

 private:
  void Add(int64_t member_id, int64_t campaign_id, int64_t day, bool makeup,
           int64_t created_at_ms, std::string_view text);

  // The dictionary the intent was found with.
  std::vector<scoring::IntentPhrase> phrases_;
  int64_t epoch_ = -1;
  int64_t high_id_ = 0;  // Highest check-in id read.
  MemberSlots<Member> members_;
  std::vector<uint16_t> found_;  // Scratch.
  bool rebuilt_ = false;
};

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_CHECKIN_DIGEST_H_
