// What operators do about identity: settle the review queue that roster
// imports leave, merge two member records that are one person, and undo a
// merge. Every action is audited. IdentityAdminStore is an interface
// (storage/ implements it); implementations are thread-safe and atomic.
#ifndef QUNYING_COMMUNITY_IDENTITY_ADMIN_H_
#define QUNYING_COMMUNITY_IDENTITY_ADMIN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace qunying::community {

// A member a review row may be, with what tells two of one nickname apart.
struct ReviewCandidate {
  int64_t member_id = 0;
  std::string nickname;
  std::string phone;                   // Personal data: mask on output.
  std::string wechat_id;               // May be empty.
  std::vector<std::string> campaigns;  // Enrolled, latest start first (≤ 3).
  int64_t last_checkin_ms = 0;         // 0: never.
};

// A roster nickname the group remembers as a member (see
// IdentityAdminStore::ResolveReview).
struct SettledNameEntry {
  std::string nickname;
  int64_t member_id = 0;        // Now: the survivor of any merge since.
  std::string member_nickname;  // Its current nickname.
  int64_t review_id = 0;
  int64_t settled_at_ms = 0;
};

struct IdentityReview {
  int64_t id = 0;
  int64_t group_id = 0, snapshot_id = 0, entry_id = 0;
  std::string group_name;
  int64_t as_of_ms = 0;
  std::string nickname, wechat_id, unionid;  // The roster row.
  std::string reason, status;                // open | resolved | dismissed
  int64_t resolved_member_id = 0;
  std::vector<ReviewCandidate> candidates;
};

enum class ReviewAction { kMatch, kNew, kDismiss };

struct MergeRecord {
  int64_t id = 0, from_member_id = 0, into_member_id = 0, by_user_id = 0;
  int64_t at_ms = 0, undone_at_ms = 0;
  int64_t rows_moved = 0;
};

// One thing that happened to a member. Besides `detail` (one line in
// English), its parts, so that a page can say it in the reader's language:
//   enrolled   ref_id, name: the campaign; number: paid fen
//   refunded   ref_id, name: the campaign; text: the reason
//   checkin    ref_id, name: the campaign; number: the campaign day;
//              makeup; item_id: the check-in
//   joined, left  ref_id, name: the group
//   renamed    text: the nickname the member had until then
//   feedback   item_id: the ticket; name: its kind; text: its start
struct TimelineEntry {
  int64_t at_ms = 0;
  std::string kind;
  std::string detail;
  int64_t ref_id = 0, item_id = 0, number = 0;
  std::string name, text;
  bool makeup = false;
};

struct AuditEntry {
  int64_t id = 0, at_ms = 0, actor_user_id = 0;
  std::string action, target, detail;
};

class IdentityAdminStore {
 public:
  virtual ~IdentityAdminStore() = default;

  virtual Result<std::vector<IdentityReview>> ListReviews(
      const std::string& status, int64_t after_id, int limit) = 0;
  // kMatch: `member_id` must not already be in the same snapshot (Conflict).
  // kNew: creates a member from the row. kDismiss: leaves it unmatched.
  // Conflict when the review is not open. A match or a new member is the
  // group's name for the row from then on: its other open reviews of rows
  // so called are settled the same way, and their ids returned.
  virtual Result<std::vector<int64_t>> ResolveReview(int64_t review_id,
                                                     ReviewAction action,
                                                     int64_t member_id,
                                                     int64_t user_id,
                                                     int64_t now_ms) = 0;

  // The group's remembered settlements (newest first): the roster
  // nickname, the member it is now (the survivor of any merge), and the
  // review that settled it. NotFound for an unknown group.
  virtual Result<std::vector<SettledNameEntry>> SettledNames(
      int64_t group_id) = 0;
  // Forgets one, so that the group's next roster asks about that name
  // again (a settlement made in error). Audited; NotFound if the group has
  // no such name.
  virtual Status ForgetSettledName(int64_t group_id,
                                   const std::string& nickname, int64_t user_id,
                                   int64_t now_ms) = 0;

  // Moves everything of `from` to `into`. Conflict when the two were seen
  // together in one roster snapshot (two people), are in the same campaign,
  // checked in on the same day, or either is already merged.
  virtual Result<int64_t> Merge(int64_t from, int64_t into, int64_t user_id,
                                const std::string& reason, int64_t now_ms) = 0;
  // Merge by nobody (user 0) of a participant's sign-in record `from` into
  // a record nobody signs in with (MemberStore::RecordOfPhone), in one
  // transaction with the check: Conflict, merging nothing, when `into` (or
  // a record merged into it) has come to sign in since it was found.
  virtual Result<int64_t> JoinSignIn(int64_t from, int64_t into,
                                     const std::string& reason,
                                     int64_t now_ms) = 0;
  virtual Status Unmerge(int64_t merge_id, int64_t user_id, int64_t now_ms) = 0;
  virtual Result<MergeRecord> GetMerge(int64_t merge_id) = 0;

  virtual Result<std::vector<TimelineEntry>> Timeline(int64_t member_id,
                                                      int limit) = 0;
  virtual Result<std::vector<AuditEntry>> Audit(int64_t before_id,
                                                int limit) = 0;
};

}  // namespace qunying::community

#endif  // QUNYING_COMMUNITY_IDENTITY_ADMIN_H_
