// FactsDigest: every member's profile facts from OCR hints and operators'
// decisions (ocr::BuildProfile, as GET /members/{id} shows them), kept
// between lead-scoring passes. After the first Update reads every hint,
// each one rebuilds only the members whose hints or decisions changed
// since: triggers (migration 14) stamp a member in profile_changes with
// a rising sequence on every insert, update or delete of their hints or
// hint reviews, so a re-read OCR or a merge is seen too.
//
// Not thread-safe: its owner serialises Update and the reads after it.
#ifndef QUNYING_STORAGE_FACTS_DIGEST_H_
#define QUNYING_STORAGE_FACTS_DIGEST_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "storage/member_slots.h"
#include "storage/sqlite.h"
#include "storage/state_file.h"

namespace qunying::storage {

class FactsDigest {
 public:
  // (field, value) of the facts that are not waiting for review.
  using Facts = std::vector<std::pair<std::string, std::string>>;

  // Brings the facts up to date. `c` must be inside a read transaction.
  [[nodiscard]] Status Update(Connection& c);
  // Null or empty when the member has no fact.
  const Facts* Find(int64_t member_id) const { return facts_.Find(member_id); }
  // Members rebuilt by the last Update (all of them the first time).
  size_t members_rebuilt() const { return rebuilt_; }
  // The change sequence read up to (-1: nothing read yet).
  int64_t seq() const { return seq_; }

  // As CheckinDigest::Save and Load.
  void Save(StateWriter& w) const;
  [[nodiscard]] bool Load(StateReader& r);

 private:
  Status ReadAll(Connection& c);
  Status ReadChanged(Connection& c);

  MemberSlots<Facts> facts_;
  int64_t seq_ = -1;  // The change sequence read up to; -1: nothing read.
  size_t rebuilt_ = 0;
};

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_FACTS_DIGEST_H_
