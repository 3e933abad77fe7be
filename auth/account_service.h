// AccountService: staff sign-in, sessions and users, and participant
// sessions. All policy (expiry, rate limits, password rules) lives here;
// storage is behind AccountStore. Thread-safe.
#ifndef QUNYING_AUTH_ACCOUNT_SERVICE_H_
#define QUNYING_AUTH_ACCOUNT_SERVICE_H_

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth/account_store.h"
#include "auth/password.h"
#include "auth/rate_limiter.h"
#include "core/clock.h"

namespace qunying::auth {

struct AccountOptions {
  // A staff session dies after this long without a request.
  int64_t staff_idle_ms = 8LL * 3600 * 1000;
  // ... and this long after sign-in, whatever its use.
  int64_t staff_absolute_ms = 7LL * 24 * 3600 * 1000;
  // Participant sessions (mini-program) live longer: phones stay signed in.
  int64_t participant_idle_ms = 30LL * 24 * 3600 * 1000;
  int64_t participant_absolute_ms = 90LL * 24 * 3600 * 1000;
  // last_seen is written at most this often per session, so authenticated
  // reads do not each cost a write; idle expiry is exact to this granularity.
  int64_t touch_interval_ms = 60 * 1000;
  HashStrength hash_strength = HashStrength::kInteractive;
  // A session is remembered in memory (from its creation, its first check,
  // or WarmSessionCache at start) for this long, saving a database read per
  // request. Changes made through this service (sign-out, user updates,
  // ForgetSessionsOf) apply at once; a change made to the database by
  // anything else shows after at most this long. 0 turns the cache off.
  int64_t session_cache_ms = 10 * 60 * 1000;
  // Sessions remembered at most; when full, an arbitrary one is forgotten
  // to make room.
  size_t session_cache_entries = 200000;
  RateLimiterOptions rate_limits;
};

// Who is calling, once a token has been checked.
struct Principal {
  SessionKind kind = SessionKind::kStaff;
  Role role = Role::kParticipant;
  int64_t id = 0;  // users.id or members.id.
};

struct LoginResult {
  std::string token;
  Role role = Role::kOperator;
  int64_t user_id = 0;
};

struct NewUser {
  std::string username;
  std::string password;
  std::string role;
  std::string display_name;
};

// A change to a staff account; unset fields stay as they are.
struct UserUpdate {
  int64_t id = 0;
  std::optional<std::string> role, display_name;
  std::optional<bool> disabled;
  // A new password set by an admin (checked against the password policy);
  // the user is signed out everywhere.
  std::optional<std::string> password;
};

class AccountService {
 public:
  AccountService(AccountStore* store, const Clock* clock,
                 AccountOptions options = {});

  // Unauthenticated for an unknown user or a wrong password (one message for
  // both, so usernames cannot be probed); RateLimited after repeated failures.
  Result<LoginResult> Login(const std::string& username,
                            const std::string& password,
                            const std::string& client_address);
  // Checks a bearer token of the given kind. A participant token is not a
  // staff token and vice versa: each answers Unauthenticated for the other.
  Result<Principal> Authenticate(const std::string& token, SessionKind kind);
  Status Logout(const std::string& token);

  Result<int64_t> CreateUser(const NewUser& user);
  // Changes a user's role, display name, disabled flag or password; a
  // disabled user, or one whose role or password changed, is signed out at
  // once (cache included).
  Result<StaffUser> UpdateUser(const UserUpdate& update, int64_t actor);
  // A signed-in user changes their own password: InvalidArgument naming
  // current_password when it is wrong (counted by the sign-in rate limiter,
  // RateLimited past it), new_password when it breaks the policy. Every
  // session of theirs ends; the answer is a new session's sign-in.
  Result<LoginResult> ChangeOwnPassword(int64_t user_id,
                                        const std::string& current,
                                        const std::string& replacement,
                                        const std::string& client_address);
  // Creates the first admin when there is none. Returns true if created.
  Result<bool> EnsureAdmin(const std::string& username,
                           const std::string& password);

  // A session for a participant already identified (e.g. through WeChat).
  Result<std::string> StartParticipantSession(int64_t member_id);

  // Loads the most recently seen live participant sessions into the cache
  // (up to session_cache_entries), so that after a restart signed-in
  // participants cost no database read per request. Returns how many.
  Result<size_t> WarmSessionCache();
  // Drops the cached sessions of one subject, for changes made to their
  // sessions outside this service (e.g. a member merge moves sessions).
  void ForgetSessionsOf(SessionKind kind, int64_t subject_id);

  AccountStore* store() { return store_; }

 private:
  Result<std::string> StartSession(SessionKind kind, int64_t subject_id);

  struct CachedSession {
    SessionRecord record;
    Role role = Role::kParticipant;
    int64_t cached_at_ms = 0;
  };
  // The session and its role, from the cache or the store.
  Result<CachedSession> LoadSession(const std::string& hash, int64_t now);
  // Inserts or replaces a cache entry (making room when full).
  void Remember(const std::string& hash, CachedSession cached);

  AccountStore* store_;
  const Clock* clock_;
  AccountOptions options_;
  LoginRateLimiter limiter_;
  std::string dummy_hash_;  // Verified against for unknown users (timing).
  std::mutex cache_mu_;
  std::unordered_map<std::string, CachedSession> cache_;  // By token hash.
};

}  // namespace qunying::auth

#endif  // QUNYING_AUTH_ACCOUNT_SERVICE_H_
