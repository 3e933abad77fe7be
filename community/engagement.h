// Engagement beyond check-ins: content published to groups or series,
// participants' feedback, calendars, leaderboards, dwell time, dormant
// members and cohorts along a series. EngagementStore is an interface
// (storage/ implements it); implementations are thread-safe.
#ifndef QUNYING_COMMUNITY_ENGAGEMENT_H_
#define QUNYING_COMMUNITY_ENGAGEMENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "community/campaign.h"
#include "core/result.h"

namespace qunying::community {

struct Content {
  int64_t id = 0;
  std::string title, body;
  int64_t group_id = 0;  // Published to a group, or …
  std::string series;    // … to every member of a series.
  int64_t author_user_id = 0;
  int64_t published_at_ms = 0;
  // Members who have opened it in the mini-program, and who can see it
  // (ContentsFor's rule: the group's enrolled members and those in its
  // rosters, or the series' enrolled members). Filled by ListContents and
  // GetContent; ignored on create.
  int64_t readers = 0;
  int64_t audience = 0;
  // ContentsFor only: whether the member it lists for has opened it.
  bool read = false;
};

struct FeedbackReply {
  int64_t user_id = 0;
  std::string text;
  int64_t at_ms = 0;
};

struct Feedback {
  int64_t id = 0, member_id = 0;
  std::string nickname;  // The member's, as it is now (read only).
  std::string kind;      // bug | question | suggestion
  std::string text;
  std::string status;  // open | answered | closed
  int64_t created_at_ms = 0, first_reply_at_ms = 0, closed_at_ms = 0;
  std::vector<FeedbackReply> replies;
};

struct FeedbackStats {
  int64_t total = 0, open = 0, answered = 0, closed = 0;
  double median_response_s = 0;  // Creation to first reply, answered ones.
};

struct CalendarDay {
  int day = 0;
  int64_t date = 0;  // Days since the epoch, local.
  bool checked = false, makeup = false;
};
struct Calendar {
  std::vector<CalendarDay> days;
  int today = 0, streak = 0, makeups_left = 0;
};

struct LeaderboardRow {
  int64_t member_id = 0;
  std::string nickname;
  int64_t checkins = 0;
  int64_t total_duration_s = 0;
};

struct DwellDay {
  int64_t date = 0;        // Local days since the epoch.
  int64_t active = 0;      // Base members with an event that day.
  double avg_dwell_s = 0;  // Dwell per active member.
};

// Check-ins filed for one campaign day (make-ups counted apart).
struct CheckinDay {
  int day = 0;           // Campaign day, 1-based.
  int64_t date = 0;      // Local days since the epoch.
  int64_t checkins = 0;  // On the day itself.
  int64_t makeups = 0;   // Filed later for that day.
};
struct DailyCheckins {
  int64_t enrolled = 0;
  std::vector<CheckinDay> days;  // Day 1 … the campaign's last day.
};

struct DormantMember {
  int64_t member_id = 0;
  std::string nickname;
  int64_t last_active_ms = 0;  // 0: never active.
  int64_t past_checkins = 0;
};

// One enrolled member of a campaign and how they are doing in it.
struct Participant {
  int64_t id = 0;  // The enrollment's id (the list's cursor).
  int64_t member_id = 0;
  std::string nickname;
  std::string phone;  // As stored, unmasked; "" when unknown.
  std::string channel;
  int64_t group_id = 0;  // 0: in no group of the campaign.
  int64_t paid_fen = 0, enrolled_at_ms = 0;
  int checkins = 0;        // On the day itself.
  int makeups = 0;         // Filed later for a missed day.
  int64_t duration_s = 0;  // Summed over both.
  int last_day = 0;        // The latest campaign day checked; 0: none.
  int streak = 0;          // As the participant's calendar shows it.
};

// Which participants to list; the defaults list everyone, a page at a time.
struct ParticipantQuery {
  int64_t group_id = 0;                // 0: any group (or none).
  std::optional<std::string> channel;  // Unset: any; "": those without one.
  // > 0: only those with no check-in for that day, which must have begun
  // (InvalidArgument naming missed_day otherwise).
  int missed_day = 0;
  int64_t after_id = 0;  // Enrollments after this id, in id order.
  int limit = 50;        // At most this many; 0: all (an export).
};

// A campaign's enrollments by channel (where its members came from).
struct ChannelSummary {
  std::string channel;  // "" for enrollments without one.
  int64_t enrolled = 0, paid_fen = 0;
  int64_t checkins = 0;  // On-day check-ins on the completed days.
  int64_t renewed = 0;   // Enrolled in a later campaign of the series.
};

struct GroupSummary {
  int64_t group_id = 0;  // 0: enrollments in no group.
  std::string name;
  int64_t enrolled = 0, checked_today = 0;
};

// Where a campaign stands today: its members, money, and today's check-ins.
struct CampaignSummary {
  Campaign campaign;
  int today = 0;           // Campaign day now: < 1 upcoming, > days ended.
  int completed_days = 0;  // Days over (0 … days): the rates' denominator.
  int64_t enrolled = 0, paid_fen = 0;      // Refunded enrollments not counted.
  int64_t refunded = 0, refunded_fen = 0;  // Those, and what they had paid.
  int64_t checked_today = 0;               // 0 unless the campaign is running.
  std::vector<ChannelSummary> channels;    // Most enrolled first.
  std::vector<GroupSummary> groups;        // Most enrolled first.
};

struct CohortRow {
  Campaign campaign;
  int64_t base = 0;
  std::vector<int64_t> later;  // later[j]: of base, enrolled in campaign k+1+j.
  // Days from the campaign's end to the renewals' enrollments in campaign
  // k+1, their median: negative when most renewed before it ended; none
  // without renewals.
  std::optional<double> median_days_to_renew;
};

class EngagementStore {
 public:
  virtual ~EngagementStore() = default;

  virtual Result<int64_t> CreateContent(const Content& c) = 0;
  virtual Result<std::vector<Content>> ListContents(int64_t after_id,
                                                    int limit) = 0;
  // Contents of the member's groups and of the series they enrolled in.
  // The content the member can see, newest first, at most `limit`.
  virtual Result<std::vector<Content>> ContentsFor(int64_t member_id,
                                                   size_t limit) = 0;
  // One content; NotFound if there is none.
  virtual Result<Content> GetContent(int64_t id) = 0;
  // Whether ContentsFor(member_id) would list the content (false for an
  // unknown one).
  virtual Result<bool> IsVisibleTo(int64_t content_id, int64_t member_id) = 0;
  // Corrects a published content's title and body (where it was published
  // stays), audited as content.update; NotFound if there is none.
  virtual Status UpdateContent(int64_t id, const std::string& title,
                               const std::string& body, int64_t actor,
                               int64_t now_ms) = 0;
  // Withdraws a content: participants no longer see it. Audited as
  // content.delete with its title; NotFound if there is none.
  virtual Status DeleteContent(int64_t id, int64_t actor, int64_t now_ms) = 0;

  virtual Result<int64_t> CreateFeedback(int64_t member_id,
                                         const std::string& kind,
                                         const std::string& text,
                                         int64_t now_ms) = 0;
  // status "" for all; newest first after `before_id` (0: from the newest).
  virtual Result<std::vector<Feedback>> ListFeedback(const std::string& status,
                                                     int64_t member_id,
                                                     int64_t before_id,
                                                     int limit) = 0;
  virtual Result<Feedback> GetFeedback(int64_t id) = 0;
  virtual Status ReplyFeedback(int64_t id, int64_t user_id,
                               const std::string& text, bool close,
                               int64_t now_ms) = 0;
  virtual Result<FeedbackStats> FeedbackSummary() = 0;

  virtual Result<Calendar> CalendarFor(int64_t member_id, int64_t campaign_id,
                                       int64_t now_ms) = 0;
  virtual Result<std::vector<LeaderboardRow>> Leaderboard(int64_t campaign_id,
                                                          int limit) = 0;
  // One member's place on the campaign's leaderboard (ranked as
  // Leaderboard ranks); rank 0 when they have no check-in there.
  virtual Result<std::pair<int64_t, LeaderboardRow>> LeaderboardPlace(
      int64_t campaign_id, int64_t member_id) = 0;
  virtual Result<std::vector<DwellDay>> Dwell(int64_t campaign_id) = 0;
  // Check-ins per campaign day, every day of the campaign (zeros kept).
  virtual Result<DailyCheckins> CheckinsPerDay(int64_t campaign_id) = 0;
  // One member's dwell per local (China) day: `active` is 1 on days with
  // events, `avg_dwell_s` the day's total.
  virtual Result<std::vector<DwellDay>> MemberDwell(int64_t member_id) = 0;
  // Members of the group inactive (no check-in, no event) for `days` days.
  virtual Result<std::vector<DormantMember>> Dormant(int64_t group_id,
                                                     int64_t now_ms,
                                                     int days) = 0;
  virtual Result<std::vector<CohortRow>> Cohorts(const std::string& series) = 0;
  // The campaign's enrolled members with their progress; NotFound if there
  // is no such campaign.
  virtual Result<std::vector<Participant>> Participants(
      int64_t campaign_id, const ParticipantQuery& q, int64_t now_ms) = 0;
  // NotFound if there is no such campaign.
  virtual Result<CampaignSummary> Summary(int64_t campaign_id,
                                          int64_t now_ms) = 0;
};

}  // namespace qunying::community

#endif  // QUNYING_COMMUNITY_ENGAGEMENT_H_
