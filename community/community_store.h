// CommunityStore: campaigns, groups, enrollments, rosters, check-ins and
// events, as the server needs them. An interface (storage/ implements it on
// SQLite; a PostgreSQL store can follow). Implementations are thread-safe and
// make every call atomic: a call that fails has changed nothing.
#ifndef QUNYING_COMMUNITY_COMMUNITY_STORE_H_
#define QUNYING_COMMUNITY_COMMUNITY_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "community/campaign.h"
#include "community/identity.h"
#include "community/retention.h"
#include "core/result.h"

namespace qunying::community {

struct EnrollmentInput {
  std::string openid, phone, nickname, channel;
  // The shop's order number (empty: none). A row whose order was imported
  // before goes to the member it went to then.
  std::string order_no;
  int64_t group_id = 0;  // 0: none.
  int64_t paid_fen = 0;
};
struct EnrollResult {
  int64_t created = 0;  // New members created.
  // Matched by openid, then phone, then nickname: the one member going by
  // it (now, or else before), when the nickname is on one row of the
  // batch and no phone or openid of the row contradicts the member's.
  int64_t matched_existing = 0;
  // Rows (matched_existing or already_enrolled) found by nickname alone.
  int64_t matched_by_nickname = 0;
  // Enrolled before: left as they were, but for a group_id given, which
  // assigns them to that group (an order list first, groups later).
  int64_t already_enrolled = 0;
  int64_t regrouped = 0;  // Of those, how many changed group.
};

struct RosterImport {
  int64_t snapshot_id = 0;
  int64_t rows = 0, matched = 0, unmatched = 0, review = 0;
  std::array<int64_t, kMatchMethodCount> matched_by{};  // By MatchMethod.
  int64_t joined = 0, left = 0;  // Against the previous snapshot.
};

struct CheckinInput {
  int64_t member_id = 0, campaign_id = 0;
  std::string text;
  int duration_s = 0;
  std::string client_id;
  int makeup_day = 0;  // > 0: a make-up check-in (补卡) for that day.
  std::string photo_sha256, photo_type;
  int64_t now_ms = 0;
};
struct CheckinRecord {
  int64_t id = 0, member_id = 0, campaign_id = 0;
  int day = 0;
  std::string text;
  int duration_s = 0;
  std::string client_id;
  bool makeup = false;
  std::string photo_sha256;
  std::string ocr_status = "none";  // none|queued|done|failed
  int64_t created_at_ms = 0;
  std::string ocr_text;  // When done.
  double ocr_confidence = 0;
  std::string ocr_error;  // When failed: why.
};
struct CheckinOutcome {
  CheckinRecord checkin;
  bool created = false;  // False: the same client_id was sent before.
  int streak = 0;
};

struct EventInput {
  std::string type, page, client_id;
  int64_t dwell_ms = 0, ts_ms = 0;
};

// A group's roster history: its snapshots (newest first) and who joined
// or left between them.
struct RosterSnapshotSummary {
  int64_t id = 0, as_of_ms = 0, rows = 0, joined = 0, left = 0;
};
struct GroupEvent {
  int64_t id = 0;  // Ties on at_ms are ordered by it (newest first).
  int64_t member_id = 0, at_ms = 0, snapshot_id = 0;
  std::string kind;  // join|leave
  std::string nickname;
};
struct GroupTimeline {
  std::vector<RosterSnapshotSummary> snapshots;
  std::vector<GroupEvent> events;  // Newest first.
};

struct GroupStats {
  Group group;
  int64_t members = 0;         // In the latest roster (or enrolled).
  int64_t active_7d = 0;       // Of those, active in the last 7 days.
  double checkin_rate_7d = 0;  // Check-ins / (enrolled × 7 days).
};

// How far ahead of the server's clock a roster snapshot's as_of may be.
inline constexpr int64_t kRosterClockSkewMs = 24LL * 3600 * 1000;

class CommunityStore {
 public:
  virtual ~CommunityStore() = default;

  virtual Result<int64_t> CreateCampaign(const Campaign& c) = 0;
  virtual Result<Campaign> GetCampaign(int64_t id) = 0;
  // Replaces campaign `c.id`'s fields (not created_at), audited as `actor`.
  // Conflict when the dates or time zone would change under existing
  // check-ins (their campaign days would shift).
  virtual Status UpdateCampaign(const Campaign& c, int64_t actor,
                                int64_t now_ms) = 0;
  virtual Result<std::vector<Campaign>> ListCampaigns(int64_t after_id,
                                                      int limit) = 0;
  // NotFound (field campaign_id) when the campaign is unknown.
  virtual Result<int64_t> CreateGroup(const Group& g) = 0;
  virtual Result<Group> GetGroup(int64_t id) = 0;
  // Renames a group or moves it in the matrix (name, theme, series; its
  // campaign stays), audited as group.update with the fields that changed.
  virtual Status UpdateGroup(const Group& g, int64_t actor, int64_t now_ms) = 0;
  virtual Result<std::vector<Group>> ListGroups(int64_t after_id,
                                                int limit) = 0;

  virtual Result<EnrollResult> Enroll(int64_t campaign_id,
                                      const std::vector<EnrollmentInput>& rows,
                                      int64_t now_ms) = 0;
  // `progress`, when given, is called now and then with rows done / total.
  // InvalidArgument (field "as_of") when `as_of_ms` is more than
  // kRosterClockSkewMs past `now_ms`: a snapshot says who was in the group
  // then, and one dated ahead (a mistyped year) would stand as the group's
  // latest roster and mark everyone missing from it as gone.
  virtual Result<RosterImport> ImportRoster(
      int64_t group_id, int64_t as_of_ms, const std::vector<RosterRow>& rows,
      int64_t now_ms,
      const std::function<void(size_t, size_t)>& progress = nullptr) = 0;

  // Idempotent per (member, client_id). PermissionDenied when the member is
  // not enrolled; Conflict when the campaign is not running, the day is
  // already checked in, or make-ups are used up.
  virtual Result<CheckinOutcome> CreateCheckin(const CheckinInput& in) = 0;
  virtual Result<CheckinRecord> GetCheckin(int64_t id) = 0;
  // Whether the member is enrolled (and not refunded) in the campaign.
  virtual Result<bool> IsEnrolled(int64_t member_id, int64_t campaign_id) = 0;
  // Refunds a member's enrollment (`refunded`), or restores it: a refunded
  // enrollment is kept but counts nowhere as enrolled (check-ins,
  // retention, the campaign's figures, the lead pass). Audited as
  // enrollment.refund / enrollment.restore with the reason. NotFound when
  // the member is not enrolled in the campaign; Conflict when it already is
  // as asked.
  virtual Status SetRefunded(int64_t campaign_id, int64_t member_id,
                             bool refunded, const std::string& reason,
                             int64_t actor, int64_t now_ms) = 0;
  // The group's snapshots and its join/leave events, newest first: at most
  // `limit` of them, older than the event (before_at_ms, before_id) when
  // before_id > 0.
  virtual Result<GroupTimeline> GetGroupTimeline(int64_t group_id, int limit,
                                                 int64_t before_at_ms = 0,
                                                 int64_t before_id = 0) = 0;
  // A member's latest `limit` check-ins, newest first.
  virtual Result<std::vector<CheckinRecord>> MemberCheckins(int64_t member_id,
                                                            int limit) = 0;
  // The campaigns a member is enrolled in, latest start first.
  virtual Result<std::vector<Campaign>> MemberCampaigns(int64_t member_id) = 0;
  // Returns how many were new (the rest were duplicates by client_id).
  virtual Result<int64_t> AddEvents(int64_t member_id,
                                    const std::vector<EventInput>& events,
                                    int64_t now_ms) = 0;

  // Inputs of the retention report of `campaign_id` against `next_id`.
  virtual Result<RetentionInputs> LoadRetention(int64_t campaign_id,
                                                int64_t next_id,
                                                int64_t as_of_ms,
                                                int64_t active_from_ms,
                                                int64_t active_to_ms) = 0;
  virtual Result<std::vector<GroupStats>> GroupMatrix(int64_t now_ms) = 0;
};

}  // namespace qunying::community

#endif  // QUNYING_COMMUNITY_COMMUNITY_STORE_H_
