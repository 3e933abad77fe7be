// Identity resolution: which known member is behind each row of a group
// roster. Strong identifiers first (unionid, then wechat_id), then the
// current nickname, then a nickname the member used before, then the
// normalised nickname (community/nickname.h) — each step only when exactly
// one candidate remains; a name an operator settled for the group in review
// comes right after the strong identifiers. Precision before recall:
//  - a member is claimed by at most one row of a snapshot;
//  - rows that compete for one member, or a row with several equally good
//    candidates, go to review instead of being guessed;
//  - "妈妈" never meets "爸爸" (normalisation keeps kinship words).
// Every match carries its method and evidence. Build an index once per
// import; ResolveSnapshot is const and thread-safe.
#ifndef QUNYING_COMMUNITY_IDENTITY_H_
#define QUNYING_COMMUNITY_IDENTITY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace qunying::community {

enum class MatchMethod {
  kNone,  // No known member: a new person.
  kUnionid,
  kWechatId,
  kNickname,         // Exactly the member's current nickname.
  kNicknameHistory,  // Exactly a nickname the member used before.
  kFuzzy,            // Equal after normalisation.
  // A name an operator settled in this group's review queue (an earlier
  // snapshot's row with the same nickname), or the settled row itself.
  kReviewed,
};
// MatchMethod's values, for arrays indexed by them (kReviewed is last).
inline constexpr size_t kMatchMethodCount =
    static_cast<size_t>(MatchMethod::kReviewed) + 1;
std::string_view MatchMethodName(MatchMethod m);
// Exact methods count toward "churned_exact"-style reports.
inline bool IsExactMethod(MatchMethod m) {
  return m == MatchMethod::kUnionid || m == MatchMethod::kWechatId ||
         m == MatchMethod::kNickname;
}

// Several entries may share an id: a record an operator merged into a member
// lends that member its unionid and wechat_id (storage/roster_repo.cc).
struct KnownMember {
  int64_t id = 0;
  std::string unionid, wechat_id, nickname;
  std::vector<std::string> earlier_nicknames;
};

struct RosterRow {
  std::string nickname;      // Group nickname as exported.
  std::string wechat_id;     // Optional.
  std::string unionid;       // Optional.
  int64_t joined_at_ms = 0;  // 0 when unknown.
};

// Why a row went to review, as the review's stored text says it (in
// English) and in parts for a page to word: kAmbiguous, `count` members
// fit by `method`; kContested, `count` rows of the snapshot point at one
// member. ReviewReasonText and ParseReviewReason are inverses.
struct ReviewReason {
  enum class Kind { kOther, kAmbiguous, kContested };
  Kind kind = Kind::kOther;
  MatchMethod method = MatchMethod::kNone;  // kAmbiguous only.
  int count = 0;
};
std::string ReviewReasonText(const ReviewReason& r);
// kOther for text neither form of ReviewReasonText.
ReviewReason ParseReviewReason(std::string_view text);

struct RowMatch {
  int64_t member_id = 0;  // 0: unmatched or under review.
  MatchMethod method = MatchMethod::kNone;
  std::string evidence;             // Human-readable: what matched what.
  bool review = false;              // Ambiguous: an operator decides.
  std::vector<int64_t> candidates;  // For review rows.
};

// A roster nickname an operator settled as a member (the survivor of any
// merge since), with the review that did.
struct SettledName {
  int64_t member_id = 0;
  int64_t review_id = 0;
};
// The group's settled names by exact nickname.
using SettledNames = std::unordered_map<std::string, SettledName>;

class IdentityIndex {
 public:
  explicit IdentityIndex(std::vector<KnownMember> members);
  // `names`: the group's names settled in review, tried after unionid
  // and wechat_id and before any nickname match. A settled member is still
  // claimed by one row at most: two rows with the name go to review.
  std::vector<RowMatch> ResolveSnapshot(const std::vector<RosterRow>& rows,
                                        const SettledNames& names = {}) const;
  size_t size() const { return members_.size(); }

 private:
  using Index = std::unordered_map<std::string, std::vector<size_t>>;
  std::vector<int64_t> Candidates(const RosterRow& row, MatchMethod method,
                                  const std::string& normalized,
                                  const SettledNames& settled) const;

  std::vector<KnownMember> members_;
  Index by_unionid_, by_wechat_id_, by_nickname_, by_history_;
  Index by_fuzzy_current_, by_fuzzy_any_;
};

}  // namespace qunying::community

#endif  // QUNYING_COMMUNITY_IDENTITY_H_
