// Members: the people of the community, and the store they live in.
// MemberStore is an interface (storage/ implements it); implementations must
// be thread-safe.
#ifndef QUNYING_COMMUNITY_MEMBER_H_
#define QUNYING_COMMUNITY_MEMBER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace qunying::community {

struct Member {
  int64_t id = 0;
  std::string openid;     // Per mini-program WeChat id; may be empty.
  std::string unionid;    // Per company WeChat id; may be empty.
  std::string wechat_id;  // 微信号, from rosters; may be empty.
  std::string phone;      // 11 digits or empty. Personal data: mask on output.
  std::string nickname;   // Current nickname.
  int64_t created_at_ms = 0;
  // The member this record was merged into by an operator (0: none). A
  // merged record keeps its identifiers; whatever they match belongs to the
  // member at the end of its merges.
  int64_t merged_into = 0;
  // One of the company's own accounts in its groups (班主任, 助教, the
  // owner), marked by an operator: matched in rosters like anyone, left out
  // of group figures and of the dormant and reactivation lists.
  bool staff = false;
};

// Where a nickname came from.
enum class NicknameSource { kMiniProgram, kEnrollment, kRoster, kOperator };
std::string_view NicknameSourceName(NicknameSource s);

struct NicknameChange {
  std::string nickname;
  NicknameSource source = NicknameSource::kMiniProgram;
  int64_t changed_at_ms = 0;
};

// Checks a nickname from outside: 1–64 characters of valid UTF-8 without
// control characters, not only spaces. `field` names it in the error.
[[nodiscard]] Status CheckNickname(const std::string& nickname,
                                   const std::string& field = "nickname");

// What an operator's member search looks for: `text` as a part of a
// nickname (current, earlier, or as a group roster showed it; ASCII letters
// in any case) or a whole 微信号; `phone` (11 digits, or empty) as a whole
// phone number.
struct MemberQuery {
  std::string text;
  std::string phone;
};

// A member found by a search, and the best way it matched: "phone",
// "wechat_id", "nickname", "nickname_history" or "group_nickname".
struct MemberMatch : Member {
  std::string matched_on;
};

class MemberStore {
 public:
  virtual ~MemberStore() = default;
  // The member with this openid, created (with `nickname`) if new. A unionid
  // given is recorded when the member has none.
  virtual Result<Member> FindOrCreateByOpenid(const std::string& openid,
                                              const std::string& unionid,
                                              const std::string& nickname,
                                              int64_t now_ms) = 0;
  virtual Result<Member> FindMember(int64_t id) = 0;
  // Sets the current nickname; the previous one goes into the history.
  // A rename to the current nickname changes nothing.
  virtual Status RenameMember(int64_t id, const std::string& nickname,
                              NicknameSource source, int64_t now_ms) = 0;
  // Earlier nicknames, oldest first (the current one is not included).
  virtual Result<std::vector<NicknameChange>> NicknameHistory(int64_t id) = 0;
  // Members matching `q` with an id above `after_id`, by id, at most
  // `limit`. Merged records are included (their merged_into says so).
  virtual Result<std::vector<MemberMatch>> SearchMembers(const MemberQuery& q,
                                                         int64_t after_id,
                                                         int limit) = 0;
  // The record a participant who proved `phone` (11 digits) is: the one
  // member (at the end of its merges) holding it that does not sign in —
  // made by an order list or an operator before they did. 0 when there is
  // none, more than one, or it signs in (an openid on it or on a record
  // merged into it: another WeChat account sharing the number, as families
  // do; or the participant's own).
  virtual Result<int64_t> RecordOfPhone(const std::string& phone) = 0;
  // Records `phone` as the member's own (verified: it replaces any other).
  virtual Status SetPhone(int64_t id, const std::string& phone,
                          int64_t now_ms) = 0;
  // Marks the member as one of the company's staff in its groups, or not
  // (see Member::staff), audited as member.staff / member.unstaff by
  // `actor`. Marking as it already is changes nothing and is not audited.
  // NotFound for an unknown member; Conflict for a record merged into
  // another (the survivor is the one to mark).
  virtual Status SetStaff(int64_t id, bool staff, int64_t actor,
                          int64_t now_ms) = 0;
};

}  // namespace qunying::community

#endif  // QUNYING_COMMUNITY_MEMBER_H_
