// EngagementStore on the embedded SQLite Database. A campaign's
// leaderboard, check-ins per day and dwell report are kept in memory
// between requests for the campaigns last asked for (CampaignTally,
// CampaignDwell). Thread-safe.
#ifndef QUNYING_STORAGE_SQLITE_ENGAGEMENT_STORE_H_
#define QUNYING_STORAGE_SQLITE_ENGAGEMENT_STORE_H_

#include "community/engagement.h"
#include "storage/campaign_cache.h"
#include "storage/campaign_dwell.h"
#include "storage/campaign_tally.h"
#include "storage/database.h"

namespace qunying::storage {

class SqliteEngagementStore : public community::EngagementStore {
 public:
  // Campaigns whose tallies and dwell reports are kept (8.5 and 4.9 MB for
  // a 100,000-member campaign: docs/community.md).
  static constexpr size_t kCachedCampaigns = 8;

  explicit SqliteEngagementStore(Database* db)
      : db_(db), tallies_(kCachedCampaigns), dwell_(kCachedCampaigns) {}

  Result<int64_t> CreateContent(const community::Content& c) override;
  Result<std::vector<community::Content>> ListContents(int64_t after_id,
                                                       int limit) override;
  Result<std::vector<community::Content>> ContentsFor(int64_t member_id,
                                                      size_t limit) override;
  Result<community::Content> GetContent(int64_t id) override;
  Result<bool> IsVisibleTo(int64_t content_id, int64_t member_id) override;
  Status UpdateContent(int64_t id, const std::string& title,
                       const std::string& body, int64_t actor,
                       int64_t now_ms) override;
  Status DeleteContent(int64_t id, int64_t actor, int64_t now_ms) override;
  Result<int64_t> CreateFeedback(int64_t member_id, const std::string& kind,
                                 const std::string& text,
                                 int64_t now_ms) override;
  Result<std::vector<community::Feedback>> ListFeedback(
      const std::string& status, int64_t member_id, int64_t before_id,
      int limit) override;
  Result<community::Feedback> GetFeedback(int64_t id) override;
  Status ReplyFeedback(int64_t id, int64_t user_id, const std::string& text,
                       bool close, int64_t now_ms) override;
  Result<community::FeedbackStats> FeedbackSummary() override;
  Result<community::Calendar> CalendarFor(int64_t member_id,
                                          int64_t campaign_id,
                                          int64_t now_ms) override;
  Result<std::vector<community::LeaderboardRow>> Leaderboard(
      int64_t campaign_id, int limit) override;
  Result<std::pair<int64_t, community::LeaderboardRow>> LeaderboardPlace(
      int64_t campaign_id, int64_t member_id) override;
  Result<std::vector<community::DwellDay>> Dwell(int64_t campaign_id) override;
  Result<community::DailyCheckins> CheckinsPerDay(int64_t campaign_id) override;
  Result<std::vector<community::DwellDay>> MemberDwell(
      int64_t member_id) override;
  Result<std::vector<community::DormantMember>> Dormant(int64_t group_id,
                                                        int64_t now_ms,
                                                        int days) override;
  Result<std::vector<community::CohortRow>> Cohorts(
      const std::string& series) override;
  Result<std::vector<community::Participant>> Participants(
      int64_t campaign_id, const community::ParticipantQuery& q,
      int64_t now_ms) override;
  Result<community::CampaignSummary> Summary(int64_t campaign_id,
                                             int64_t now_ms) override;

  // Brings the kept reports of the campaigns running at `now_ms`, or ended
  // at most kWarmDaysAfterEnd days before, up to date, the latest started
  // first and at most `max` of them, so that the requests after it find
  // them ready (the first read of a 100,000-member campaign takes 0.3–0.7
  // s). Returns the campaigns it brought up to date.
  static constexpr int kWarmDaysAfterEnd = 7;
  Result<std::vector<int64_t>> WarmCampaigns(int64_t now_ms, size_t max);

 private:
  // Runs fn(tally) on `campaign_id`'s tally brought up to date, inside a
  // read transaction, with the campaign (NotFound if there is none); with
  // `count_enrolled`, its enrolled() too.
  Status WithTally(
      int64_t campaign_id,
      const std::function<Status(Connection&, const community::Campaign&,
                                 const CampaignTally&)>& fn,
      bool count_enrolled = false);

  Database* db_;
  PerCampaign<CampaignTally> tallies_;
  PerCampaign<CampaignDwell> dwell_;
};

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_SQLITE_ENGAGEMENT_STORE_H_
