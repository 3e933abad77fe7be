// AccountStore: where staff users and sign-in sessions live. An interface so
// the account logic does not know SQL (storage/ implements it for SQLite, and
// a later PostgreSQL store can too). Implementations must be thread-safe.
#ifndef QUNYING_AUTH_ACCOUNT_STORE_H_
#define QUNYING_AUTH_ACCOUNT_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace qunying::auth {

enum class Role { kAdmin, kOperator, kSales, kParticipant };

// "admin", "operator", "sales", "participant".
std::string_view RoleName(Role role);
// Staff roles only; nullopt for anything else (including "participant").
std::optional<Role> ParseStaffRole(std::string_view name);

struct StaffUser {
  int64_t id = 0;
  std::string username;
  std::string password_hash;
  Role role = Role::kOperator;
  std::string display_name;
  int64_t created_at_ms = 0;
  bool disabled = false;
};

enum class SessionKind { kStaff, kParticipant };

struct SessionRecord {
  std::string token_hash;
  SessionKind kind = SessionKind::kStaff;
  int64_t subject_id = 0;  // users.id for staff, members.id for participants.
  int64_t created_at_ms = 0;
  int64_t last_seen_ms = 0;
  int64_t expires_at_ms = 0;  // Absolute expiry.
  bool revoked = false;
  // The store's own key for the row, when it has one and said it (0: not
  // known). Lets a touch skip the lookup by token hash.
  int64_t row_id = 0;
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // Conflict when the username is taken.
  virtual Result<int64_t> CreateUser(const StaffUser& user) = 0;
  // NotFound when absent.
  virtual Result<StaffUser> FindUserByUsername(const std::string& name) = 0;
  virtual Result<StaffUser> FindUserById(int64_t id) = 0;
  // Users with id > after_id, by id, at most `limit`.
  virtual Result<std::vector<StaffUser>> ListUsers(int64_t after_id,
                                                   int limit) = 0;
  virtual Result<int64_t> CountUsersWithRole(Role role) = 0;
  // Writes `u`'s role, display name, disabled flag and password hash (by
  // id), audited as `actor` (a new password as "password", never its hash).
  // When the role or the password changes or the user is disabled, their
  // sessions are revoked. Conflict (nothing written) if no enabled admin
  // would remain.
  virtual Status UpdateUser(const StaffUser& u, int64_t actor,
                            int64_t now_ms) = 0;

  virtual Status CreateSession(const SessionRecord& session) = 0;
  // NotFound when absent (revoked sessions are returned with revoked=true).
  virtual Result<SessionRecord> FindSession(const std::string& token_hash) = 0;
  // Moves last_seen forward. May return before the change is durable
  // (SqliteAccountStore does not wait for the commit). `row_id` is the
  // session's SessionRecord::row_id (0 if unknown).
  virtual Status TouchSession(const std::string& token_hash, int64_t row_id,
                              int64_t now_ms) = 0;
  virtual Status RevokeSession(const std::string& token_hash,
                               int64_t now_ms) = 0;
  // Sessions neither revoked nor expired at `now_ms`, most recently seen
  // first, at most `limit`.
  virtual Result<std::vector<SessionRecord>> LiveSessions(int64_t now_ms,
                                                          size_t limit) = 0;
};

}  // namespace qunying::auth

#endif  // QUNYING_AUTH_ACCOUNT_STORE_H_
