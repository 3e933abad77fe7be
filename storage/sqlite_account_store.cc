#include "storage/sqlite_account_store.h"

#include "storage/audit.h"

namespace qunying::storage {
namespace {

constexpr char kUserColumns[] =
    "SELECT id, username, password_hash, role, display_name, created_at_ms,"
    " disabled FROM users ";

auth::StaffUser UserFromRow(const Statement& st) {
  auth::StaffUser u;
  u.id = st.Int(0);
  u.username = st.Text(1);
  u.password_hash = st.Text(2);
  u.role = auth::ParseStaffRole(st.Text(3)).value_or(auth::Role::kOperator);
  u.display_name = st.Text(4);
  u.created_at_ms = st.Int(5);
  u.disabled = st.Int(6) != 0;
  return u;
}

constexpr char kSessionCols[] =
    "SELECT token_hash, kind, subject_id, created_at_ms, last_seen_ms,"
    " expires_at_ms, revoked_at_ms, rowid FROM sessions ";

auth::SessionRecord SessionFromRow(const Statement& st) {
  auth::SessionRecord rec;
  rec.token_hash = st.Text(0);
  rec.kind = st.Text(1) == "staff" ? auth::SessionKind::kStaff
                                   : auth::SessionKind::kParticipant;
  rec.subject_id = st.Int(2);
  rec.created_at_ms = st.Int(3);
  rec.last_seen_ms = st.Int(4);
  rec.expires_at_ms = st.Int(5);
  rec.revoked = !st.IsNull(6);
  rec.row_id = st.Int(7);
  return rec;
}

}  // namespace

Result<int64_t> SqliteAccountStore::CreateUser(const auth::StaffUser& user) {
  int64_t id = 0;
  Status s = db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("INSERT INTO users (username, password_hash, role,"
                  " display_name, created_at_ms) VALUES (?, ?, ?, ?, ?)"));
    st->Bind(1, user.username)
        .Bind(2, user.password_hash)
        .Bind(3, auth::RoleName(user.role))
        .Bind(4, user.display_name)
        .Bind(5, user.created_at_ms);
    Status run = st->Run();
    if (run.code() == StatusCode::kConflict) {
      return Status::Conflict("username '" + user.username + "' is taken",
                              "username");
    }
    QY_RETURN_IF_ERROR(run);
    id = c.LastInsertId();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return id;
}

Result<auth::StaffUser> SqliteAccountStore::FindUserWhere(
    const std::string& where, const std::string& text, int64_t id) {
  auth::StaffUser user;
  Status s = db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Statement * st, c.Prepare(kUserColumns + where));
    if (text.empty())
      st->Bind(1, id);
    else
      st->Bind(1, text);
    QY_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("no such user");
    user = UserFromRow(*st);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return user;
}

Result<auth::StaffUser> SqliteAccountStore::FindUserByUsername(
    const std::string& name) {
  if (name.empty()) return Status::NotFound("no such user");
  return FindUserWhere("WHERE username = ?", name, 0);
}

Result<auth::StaffUser> SqliteAccountStore::FindUserById(int64_t id) {
  return FindUserWhere("WHERE id = ?", "", id);
}

Result<std::vector<auth::StaffUser>> SqliteAccountStore::ListUsers(
    int64_t after_id, int limit) {
  std::vector<auth::StaffUser> users;
  Status s = db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Statement * st,
                        c.Prepare(std::string(kUserColumns) +
                                  "WHERE id > ? ORDER BY id LIMIT ?"));
    st->Bind(1, after_id).Bind(2, limit);
    for (;;) {
      QY_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      users.push_back(UserFromRow(*st));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return users;
}

Result<int64_t> SqliteAccountStore::CountUsersWithRole(auth::Role role) {
  int64_t n = 0;
  Status s = db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Statement * st,
                        c.Prepare("SELECT COUNT(*) FROM users WHERE role = ?"));
    st->Bind(1, auth::RoleName(role));
    QY_ASSIGN_OR_RETURN(bool row, st->Step());
    n = row ? st->Int(0) : 0;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return n;
}

Status SqliteAccountStore::CreateSession(const auth::SessionRecord& s) {
  return db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("INSERT INTO sessions (token_hash, kind, subject_id,"
                  " created_at_ms, last_seen_ms, expires_at_ms)"
                  " VALUES (?, ?, ?, ?, ?, ?)"));
    st->Bind(1, s.token_hash)
        .Bind(2, s.kind == auth::SessionKind::kStaff ? "staff" : "participant")
        .Bind(3, s.subject_id)
        .Bind(4, s.created_at_ms)
        .Bind(5, s.last_seen_ms)
        .Bind(6, s.expires_at_ms);
    return st->Run();
  });
}

Result<auth::SessionRecord> SqliteAccountStore::FindSession(
    const std::string& token_hash) {
  auth::SessionRecord rec;
  Status s = db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Statement * st, c.Prepare(std::string(kSessionCols) +
                                                  "WHERE token_hash = ?"));
    st->Bind(1, token_hash);
    QY_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("no such session");
    rec = SessionFromRow(*st);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return rec;
}

Result<std::vector<auth::SessionRecord>> SqliteAccountStore::LiveSessions(
    int64_t now_ms, size_t limit) {
  std::vector<auth::SessionRecord> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare(std::string(kSessionCols) +
                  "WHERE revoked_at_ms IS NULL AND expires_at_ms > ?"
                  " ORDER BY last_seen_ms DESC LIMIT ?"));
    st->Bind(1, now_ms).Bind(2, static_cast<int64_t>(limit));
    return ForEachRow(
        st, [&](const Statement& row) { out.push_back(SessionFromRow(row)); });
  }));
  return out;
}

Status SqliteAccountStore::UpdateUser(const auth::StaffUser& u, int64_t actor,
                                      int64_t now_ms) {
  return db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Statement * find,
                        c.Prepare(std::string(kUserColumns) + "WHERE id = ?"));
    find->Bind(1, u.id);
    QY_ASSIGN_OR_RETURN(bool found, find->Step());
    if (!found) return Status::NotFound("user not found");
    auth::StaffUser old = UserFromRow(*find);
    QY_ASSIGN_OR_RETURN(
        Statement * up,
        c.Prepare("UPDATE users SET role = ?, display_name = ?, disabled = ?,"
                  " password_hash = ? WHERE id = ?"));
    QY_RETURN_IF_ERROR(up->Bind(1, auth::RoleName(u.role))
                           .Bind(2, u.display_name)
                           .Bind(3, u.disabled ? 1 : 0)
                           .Bind(4, u.password_hash)
                           .Bind(5, u.id)
                           .Run());
    QY_ASSIGN_OR_RETURN(
        Statement * admins,
        c.Prepare("SELECT COUNT(*) FROM users WHERE role = 'admin' AND"
                  " disabled = 0"));
    QY_ASSIGN_OR_RETURN(bool row, admins->Step());
    if (!row || admins->Int(0) == 0)
      return Status::Conflict("at least one enabled admin must remain");
    bool new_role = u.role != old.role;
    bool new_password = u.password_hash != old.password_hash;
    if (new_role || new_password || (u.disabled && !old.disabled)) {
      QY_ASSIGN_OR_RETURN(
          Statement * revoke,
          c.Prepare("UPDATE sessions SET revoked_at_ms = ? WHERE kind ="
                    " 'staff' AND subject_id = ? AND revoked_at_ms IS NULL"));
      QY_RETURN_IF_ERROR(revoke->Bind(1, now_ms).Bind(2, u.id).Run());
    }
    std::string detail;
    if (new_role) {
      detail += "role " + std::string(auth::RoleName(old.role)) + "→" +
                std::string(auth::RoleName(u.role)) + ";";
    }
    if (u.disabled != old.disabled)
      detail += u.disabled ? "disabled;" : "enabled;";
    if (u.display_name != old.display_name) detail += "display_name;";
    if (new_password) detail += "password;";
    if (detail.empty()) return Status::Ok();
    return WriteAudit(c, actor, "user.update", std::to_string(u.id), detail,
                      now_ms);
  });
}

Status SqliteAccountStore::TouchSession(const std::string& token_hash,
                                        int64_t row_id, int64_t now_ms) {
  // Not waited for: a request must not wait on a commit for its session's
  // last-seen time, and losing one in a crash only makes the session
  // look idle a little longer (it expires sooner, never later). By rowid
  // when known: the token-hash index is a random walk through a large
  // b-tree, and cost as much as the check-in the touch came with.
  return db_->Submit([token_hash, row_id, now_ms](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare(row_id > 0
                      ? "UPDATE sessions SET last_seen_ms = ?1 WHERE rowid = ?3"
                        " AND token_hash = ?2 AND last_seen_ms < ?1"
                      : "UPDATE sessions SET last_seen_ms = ?1 WHERE"
                        " token_hash = ?2 AND last_seen_ms < ?1"));
    st->Bind(1, now_ms).Bind(2, token_hash);
    if (row_id > 0) st->Bind(3, row_id);
    return st->Run();
  });
}

Status SqliteAccountStore::RevokeSession(const std::string& token_hash,
                                         int64_t now_ms) {
  return db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("UPDATE sessions SET revoked_at_ms = ? WHERE token_hash = ?"
                  " AND revoked_at_ms IS NULL"));
    return st->Bind(1, now_ms).Bind(2, token_hash).Run();
  });
}

}  // namespace qunying::storage
