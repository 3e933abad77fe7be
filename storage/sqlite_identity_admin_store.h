// IdentityAdminStore on the embedded SQLite Database. Thread-safe.
#ifndef QUNYING_STORAGE_SQLITE_IDENTITY_ADMIN_STORE_H_
#define QUNYING_STORAGE_SQLITE_IDENTITY_ADMIN_STORE_H_

#include "community/identity_admin.h"
#include "storage/database.h"

namespace qunying::storage {

class SqliteIdentityAdminStore : public community::IdentityAdminStore {
 public:
  explicit SqliteIdentityAdminStore(Database* db) : db_(db) {}

  Result<std::vector<community::IdentityReview>> ListReviews(
      const std::string& status, int64_t after_id, int limit) override;
  Result<std::vector<int64_t>> ResolveReview(int64_t review_id,
                                             community::ReviewAction action,
                                             int64_t member_id, int64_t user_id,
                                             int64_t now_ms) override;
  Result<std::vector<community::SettledNameEntry>> SettledNames(
      int64_t group_id) override;
  Status ForgetSettledName(int64_t group_id, const std::string& nickname,
                           int64_t user_id, int64_t now_ms) override;
  Result<int64_t> Merge(int64_t from, int64_t into, int64_t user_id,
                        const std::string& reason, int64_t now_ms) override;
  Result<int64_t> JoinSignIn(int64_t from, int64_t into,
                             const std::string& reason,
                             int64_t now_ms) override;
  Status Unmerge(int64_t merge_id, int64_t user_id, int64_t now_ms) override;
  Result<community::MergeRecord> GetMerge(int64_t merge_id) override;
  Result<std::vector<community::TimelineEntry>> Timeline(int64_t member_id,
                                                         int limit) override;
  Result<std::vector<community::AuditEntry>> Audit(int64_t before_id,
                                                   int limit) override;

 private:
  Database* db_;
};

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_SQLITE_IDENTITY_ADMIN_STORE_H_
