#include "auth/account_service.h"

#include <algorithm>

#include "auth/token.h"

namespace qunying::auth {
namespace {

Status CheckUsername(const std::string& name) {
  if (name.size() < 3 || name.size() > 32) {
    return Status::InvalidArgument("username must be 3 to 32 characters",
                                   "username");
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) {
      return Status::InvalidArgument(
          "username may hold only letters, digits, '_', '.' and '-'",
          "username");
    }
  }
  return Status::Ok();
}

Status CheckDisplayName(const std::string& name) {
  if (name.size() > 64) {
    return Status::InvalidArgument("display_name must be at most 64 bytes",
                                   "display_name");
  }
  return Status::Ok();
}

const Status& BadCredentials() {
  static const Status kStatus =
      Status::Unauthenticated("wrong username or password");
  return kStatus;
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kOperator:
      return "operator";
    case Role::kSales:
      return "sales";
    case Role::kParticipant:
      return "participant";
  }
  return "participant";
}

std::optional<Role> ParseStaffRole(std::string_view name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "operator") return Role::kOperator;
  if (name == "sales") return Role::kSales;
  return std::nullopt;
}

namespace {

// A staff role from a request field, or InvalidArgument naming "role".
Result<Role> RoleField(const std::string& name) {
  auto role = ParseStaffRole(name);
  if (!role) {
    return Status::InvalidArgument("role must be one of admin, operator, sales",
                                   "role");
  }
  return *role;
}

}  // namespace

AccountService::AccountService(AccountStore* store, const Clock* clock,
                               AccountOptions options)
    : store_(store),
      clock_(clock),
      options_(options),
      limiter_(clock, options.rate_limits) {
  auto dummy = HashPassword(RandomHex(16), options_.hash_strength);
  if (dummy.ok()) dummy_hash_ = *dummy;
}

Result<LoginResult> AccountService::Login(const std::string& username,
                                          const std::string& password,
                                          const std::string& client_address) {
  QY_RETURN_IF_ERROR(limiter_.Check(username, client_address));
  auto user = store_->FindUserByUsername(username);
  if (!user.ok() && user.status().code() != StatusCode::kNotFound) {
    return user.status();
  }
  if (!user.ok()) {
    // Spend the same time as a real check so timing tells nothing.
    (void)VerifyPassword(dummy_hash_, password);
    limiter_.RecordFailure(username, client_address);
    return BadCredentials();
  }
  if (!VerifyPassword(user->password_hash, password) || user->disabled) {
    limiter_.RecordFailure(username, client_address);
    return BadCredentials();
  }
  limiter_.RecordSuccess(username);
  QY_ASSIGN_OR_RETURN(std::string token,
                      StartSession(SessionKind::kStaff, user->id));
  return LoginResult{std::move(token), user->role, user->id};
}

Result<std::string> AccountService::StartSession(SessionKind kind,
                                                 int64_t subject_id) {
  SessionRecord s;
  std::string token = NewToken();
  s.token_hash = TokenHash(token);
  s.kind = kind;
  s.subject_id = subject_id;
  s.created_at_ms = s.last_seen_ms = clock_->NowMillis();
  s.expires_at_ms = s.created_at_ms + (kind == SessionKind::kStaff
                                           ? options_.staff_absolute_ms
                                           : options_.participant_absolute_ms);
  QY_RETURN_IF_ERROR(store_->CreateSession(s));
  if (kind == SessionKind::kParticipant)  // Staff roles load on first use.
    Remember(s.token_hash, {s, Role::kParticipant, s.created_at_ms});
  return token;
}

Result<std::string> AccountService::StartParticipantSession(int64_t member_id) {
  return StartSession(SessionKind::kParticipant, member_id);
}

Result<AccountService::CachedSession> AccountService::LoadSession(
    const std::string& hash, int64_t now) {
  int64_t seen_ms = 0;  // The cached last use, if the entry is stale.
  if (options_.session_cache_ms > 0) {
    std::lock_guard lock(cache_mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end()) {
      if (now - it->second.cached_at_ms < options_.session_cache_ms &&
          now >= it->second.cached_at_ms) {
        return it->second;
      }
      seen_ms = it->second.record.last_seen_ms;
    }
  }
  CachedSession cached;
  QY_ASSIGN_OR_RETURN(cached.record, store_->FindSession(hash));
  cached.cached_at_ms = now;
  // A touch is queued, not waited for (AccountStore::TouchSession): the
  // store may not hold it yet, so the later of the two last uses counts.
  cached.record.last_seen_ms = std::max(cached.record.last_seen_ms, seen_ms);
  // The role is cached whatever kind of route first saw the token.
  if (cached.record.kind == SessionKind::kStaff) {
    auto user = store_->FindUserById(cached.record.subject_id);
    if (!user.ok() || user->disabled) return Status::NotFound("no such user");
    cached.role = user->role;
  }
  Remember(hash, cached);
  return cached;
}

void AccountService::Remember(const std::string& hash, CachedSession cached) {
  if (options_.session_cache_ms <= 0 || options_.session_cache_entries == 0)
    return;
  cached.record.token_hash.clear();  // The key holds it.
  std::lock_guard lock(cache_mu_);
  if (cache_.size() >= options_.session_cache_entries && !cache_.count(hash))
    cache_.erase(cache_.begin());
  cache_.insert_or_assign(hash, std::move(cached));
}

Result<size_t> AccountService::WarmSessionCache() {
  if (options_.session_cache_ms <= 0) return size_t{0};
  int64_t now = clock_->NowMillis();
  QY_ASSIGN_OR_RETURN(
      auto live, store_->LiveSessions(now, options_.session_cache_entries));
  size_t loaded = 0;
  for (auto& rec : live) {
    // Staff sessions are few and need their user's role: LoadSession reads
    // them on first use, as it does after a sign-in.
    if (rec.kind != SessionKind::kParticipant) continue;
    std::string hash = rec.token_hash;
    Remember(hash, {std::move(rec), Role::kParticipant, now});
    ++loaded;
  }
  return loaded;
}

void AccountService::ForgetSessionsOf(SessionKind kind, int64_t subject_id) {
  std::lock_guard lock(cache_mu_);
  std::erase_if(cache_, [&](const auto& entry) {
    const SessionRecord& r = entry.second.record;
    return r.kind == kind && r.subject_id == subject_id;
  });
}

Result<Principal> AccountService::Authenticate(const std::string& token,
                                               SessionKind kind) {
  static const Status kDead =
      Status::Unauthenticated("sign-in required: token missing or expired");
  if (token.empty() || token.size() > 256) return kDead;
  std::string hash = TokenHash(token);
  int64_t now = clock_->NowMillis();
  auto session = LoadSession(hash, now);
  if (!session.ok()) {
    if (session.status().code() == StatusCode::kNotFound) return kDead;
    return session.status();
  }
  const SessionRecord& rec = session->record;
  int64_t idle = kind == SessionKind::kStaff ? options_.staff_idle_ms
                                             : options_.participant_idle_ms;
  if (rec.kind != kind || rec.revoked || now >= rec.expires_at_ms ||
      now - rec.last_seen_ms >= idle) {
    return kDead;
  }
  Principal p;
  p.kind = kind;
  p.id = rec.subject_id;
  p.role = kind == SessionKind::kStaff ? session->role : Role::kParticipant;
  if (now - rec.last_seen_ms >= options_.touch_interval_ms) {
    QY_RETURN_IF_ERROR(store_->TouchSession(hash, rec.row_id, now));
    std::lock_guard lock(cache_mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end()) it->second.record.last_seen_ms = now;
  }
  return p;
}

Status AccountService::Logout(const std::string& token) {
  std::string hash = TokenHash(token);
  {
    std::lock_guard lock(cache_mu_);
    cache_.erase(hash);
  }
  return store_->RevokeSession(hash, clock_->NowMillis());
}

Result<StaffUser> AccountService::UpdateUser(const UserUpdate& in,
                                             int64_t actor) {
  QY_ASSIGN_OR_RETURN(StaffUser user, store_->FindUserById(in.id));
  if (in.role) {
    QY_ASSIGN_OR_RETURN(user.role, RoleField(*in.role));
  }
  if (in.display_name) {
    QY_RETURN_IF_ERROR(CheckDisplayName(*in.display_name));
    user.display_name = *in.display_name;
  }
  if (in.disabled) user.disabled = *in.disabled;
  if (in.password) {
    QY_RETURN_IF_ERROR(CheckPasswordPolicy(*in.password));
    QY_ASSIGN_OR_RETURN(user.password_hash,
                        HashPassword(*in.password, options_.hash_strength));
  }
  QY_RETURN_IF_ERROR(store_->UpdateUser(user, actor, clock_->NowMillis()));
  // Cached sessions carry the old role and the old disabled flag.
  ForgetSessionsOf(SessionKind::kStaff, user.id);
  return user;
}

Result<LoginResult> AccountService::ChangeOwnPassword(
    int64_t user_id, const std::string& current, const std::string& replacement,
    const std::string& client_address) {
  QY_ASSIGN_OR_RETURN(StaffUser user, store_->FindUserById(user_id));
  QY_RETURN_IF_ERROR(limiter_.Check(user.username, client_address));
  if (!VerifyPassword(user.password_hash, current)) {
    limiter_.RecordFailure(user.username, client_address);
    // Not 401: the caller's session is fine, and clients take a 401 to
    // mean they must sign in again.
    return Status::InvalidArgument("current_password is wrong",
                                   "current_password");
  }
  if (current == replacement) {
    return Status::InvalidArgument(
        "new_password must differ from the current one", "new_password");
  }
  UserUpdate update;
  update.id = user_id;
  update.password = replacement;
  QY_ASSIGN_OR_RETURN(user, UpdateUser(update, user_id));
  QY_ASSIGN_OR_RETURN(std::string token,
                      StartSession(SessionKind::kStaff, user.id));
  return LoginResult{std::move(token), user.role, user.id};
}

Result<int64_t> AccountService::CreateUser(const NewUser& in) {
  QY_RETURN_IF_ERROR(CheckUsername(in.username));
  QY_ASSIGN_OR_RETURN(Role role, RoleField(in.role));
  QY_RETURN_IF_ERROR(CheckPasswordPolicy(in.password));
  QY_RETURN_IF_ERROR(CheckDisplayName(in.display_name));
  StaffUser user;
  user.username = in.username;
  user.role = role;
  user.display_name = in.display_name.empty() ? in.username : in.display_name;
  user.created_at_ms = clock_->NowMillis();
  QY_ASSIGN_OR_RETURN(user.password_hash,
                      HashPassword(in.password, options_.hash_strength));
  return store_->CreateUser(user);
}

Result<bool> AccountService::EnsureAdmin(const std::string& username,
                                         const std::string& password) {
  QY_ASSIGN_OR_RETURN(int64_t admins, store_->CountUsersWithRole(Role::kAdmin));
  if (admins > 0) return false;
  auto id = CreateUser({username, password, "admin", "Administrator"});
  if (!id.ok()) return id.status();
  return true;
}

}  // namespace qunying::auth
