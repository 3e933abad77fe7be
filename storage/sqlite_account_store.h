// AccountStore on the embedded SQLite Database. Thread-safe (Database is).
#ifndef QUNYING_STORAGE_SQLITE_ACCOUNT_STORE_H_
#define QUNYING_STORAGE_SQLITE_ACCOUNT_STORE_H_

#include "auth/account_store.h"
#include "storage/database.h"

namespace qunying::storage {

class SqliteAccountStore : public auth::AccountStore {
 public:
  explicit SqliteAccountStore(Database* db) : db_(db) {}

  Result<int64_t> CreateUser(const auth::StaffUser& user) override;
  Result<auth::StaffUser> FindUserByUsername(const std::string& name) override;
  Result<auth::StaffUser> FindUserById(int64_t id) override;
  Result<std::vector<auth::StaffUser>> ListUsers(int64_t after_id,
                                                 int limit) override;
  Result<int64_t> CountUsersWithRole(auth::Role role) override;
  Status UpdateUser(const auth::StaffUser& u, int64_t actor,
                    int64_t now_ms) override;

  Status CreateSession(const auth::SessionRecord& session) override;
  Result<auth::SessionRecord> FindSession(
      const std::string& token_hash) override;
  Status TouchSession(const std::string& token_hash, int64_t row_id,
                      int64_t now_ms) override;
  Status RevokeSession(const std::string& token_hash, int64_t now_ms) override;
  Result<std::vector<auth::SessionRecord>> LiveSessions(int64_t now_ms,
                                                        size_t limit) override;

 private:
  Result<auth::StaffUser> FindUserWhere(const std::string& where,
                                        const std::string& text, int64_t id);
  Database* db_;
};

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_SQLITE_ACCOUNT_STORE_H_
