// CommunityStore on the embedded SQLite Database. Thread-safe; each call is
// one transaction (writes through the group-committing writer).
#ifndef QUNYING_STORAGE_SQLITE_COMMUNITY_STORE_H_
#define QUNYING_STORAGE_SQLITE_COMMUNITY_STORE_H_

#include "community/community_store.h"
#include "community/identity_admin.h"
#include "storage/database.h"

namespace qunying::storage {

class SqliteCommunityStore : public community::CommunityStore {
 public:
  explicit SqliteCommunityStore(Database* db) : db_(db) {}

  Result<int64_t> CreateCampaign(const community::Campaign& c) override;
  Result<community::Campaign> GetCampaign(int64_t id) override;
  Status UpdateCampaign(const community::Campaign& c, int64_t actor,
                        int64_t now_ms) override;
  Result<std::vector<community::Campaign>> ListCampaigns(int64_t after_id,
                                                         int limit) override;
  Result<int64_t> CreateGroup(const community::Group& g) override;
  Status UpdateGroup(const community::Group& g, int64_t actor,
                     int64_t now_ms) override;
  Result<community::Group> GetGroup(int64_t id) override;
  Result<std::vector<community::Group>> ListGroups(int64_t after_id,
                                                   int limit) override;
  Status SetRefunded(int64_t campaign_id, int64_t member_id, bool refunded,
                     const std::string& reason, int64_t actor,
                     int64_t now_ms) override;
  Result<community::EnrollResult> Enroll(
      int64_t campaign_id, const std::vector<community::EnrollmentInput>& rows,
      int64_t now_ms) override;
  Result<community::RosterImport> ImportRoster(
      int64_t group_id, int64_t as_of_ms,
      const std::vector<community::RosterRow>& rows, int64_t now_ms,
      const std::function<void(size_t, size_t)>& progress = nullptr) override;
  Result<community::CheckinOutcome> CreateCheckin(
      const community::CheckinInput& in) override;
  Result<community::CheckinRecord> GetCheckin(int64_t id) override;
  Result<bool> IsEnrolled(int64_t member_id, int64_t campaign_id) override;
  Result<community::GroupTimeline> GetGroupTimeline(int64_t group_id, int limit,
                                                    int64_t before_at_ms,
                                                    int64_t before_id) override;
  Result<std::vector<community::CheckinRecord>> MemberCheckins(
      int64_t member_id, int limit) override;
  Result<std::vector<community::Campaign>> MemberCampaigns(
      int64_t member_id) override;
  Result<int64_t> AddEvents(int64_t member_id,
                            const std::vector<community::EventInput>& events,
                            int64_t now_ms) override;
  Result<community::RetentionInputs> LoadRetention(
      int64_t campaign_id, int64_t next_id, int64_t as_of_ms,
      int64_t active_from_ms, int64_t active_to_ms) override;
  Result<std::vector<community::GroupStats>> GroupMatrix(
      int64_t now_ms) override;

 private:
  Database* db_;
};

// "WITH m AS (…)": the members of group ?1 — its latest roster snapshot,
// or, before any roster, the enrollments that named it — but for the
// members marked as staff (Member::staff; a few, read through the partial
// index members_staff). Shared by the community matrix and the dormant list
// so both count the same people.
inline constexpr char kGroupMembersCte[] =
    "WITH m AS (SELECT id FROM ("
    " SELECT e.member_id AS id FROM roster_entries e WHERE"
    " e.member_id IS NOT NULL AND e.snapshot_id = (SELECT id FROM"
    " roster_snapshots WHERE group_id = ?1 ORDER BY as_of_ms DESC,"
    " id DESC LIMIT 1)"
    " UNION SELECT member_id FROM enrollments WHERE group_id = ?1"
    " AND NOT EXISTS (SELECT 1 FROM roster_snapshots WHERE group_id = ?1))"
    " WHERE id NOT IN (SELECT id FROM members WHERE staff = 1))";

// Row readers shared by the store's files.
Result<community::Campaign> LoadCampaign(Connection& c, int64_t id);
Result<community::Group> LoadGroup(Connection& c, int64_t id);
// The names the group's rosters match by a settlement in review
// (roster_aliases), newest first, each as the member it is now (the
// survivor of any merge since); member_nickname is left empty.
Result<std::vector<community::SettledNameEntry>> LoadSettledNameEntries(
    Connection& c, int64_t group_id);

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_SQLITE_COMMUNITY_STORE_H_
