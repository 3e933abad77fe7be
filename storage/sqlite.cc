#include "storage/sqlite.h"

#include "storage/wal_gather_vfs.h"

namespace qunying::storage {

Status SqliteStatus(sqlite3* db, int rc, std::string_view what) {
  std::string msg =
      std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xFF) {
    case SQLITE_CONSTRAINT:
      return Status::Conflict(msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(msg);
    case SQLITE_FULL:
      return Status::Unavailable(msg);
    case SQLITE_TOOBIG:
      return Status::TooLarge(msg);
    default:
      return Status::Internal(msg);
  }
}

Result<int64_t> QueryInt(Connection& c, const std::string& sql, int64_t bind1,
                         bool has_bind) {
  QY_ASSIGN_OR_RETURN(Statement * st, c.Prepare(sql));
  if (has_bind) st->Bind(1, bind1);
  QY_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Int(0) : 0;
}

Result<int64_t> TableEpoch(Connection& c, std::string_view table) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT epoch FROM table_epochs WHERE name = ?"));
  st->Bind(1, table);
  QY_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Int(0) : 0;
}

Result<int64_t> CampaignEpoch(Connection& c, int64_t campaign_id,
                              std::string_view what) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare(what == "checkins"
                    ? "SELECT checkins FROM campaign_epochs WHERE"
                      " campaign_id = ?"
                    : "SELECT enrollments FROM campaign_epochs WHERE"
                      " campaign_id = ?"));
  st->Bind(1, campaign_id);
  QY_ASSIGN_OR_RETURN(bool row, st->Step());
  int64_t epoch = row ? st->Int(0) : 0;
  st->Reset();
  return epoch;
}

Statement& Statement::Bind(int index, int64_t v) {
  sqlite3_bind_int64(stmt_, index, v);
  return *this;
}
Statement& Statement::Bind(int index, double v) {
  sqlite3_bind_double(stmt_, index, v);
  return *this;
}
Statement& Statement::Bind(int index, std::string_view v) {
  // An empty view may have no data at all, and SQLite binds a null
  // pointer as NULL: bind '' instead.
  sqlite3_bind_text(stmt_, index, v.data() ? v.data() : "",
                    static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}
Statement& Statement::BindOptional(int index, std::string_view v) {
  return v.empty() ? BindNull(index) : Bind(index, v);
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Status s = SqliteStatus(sqlite3_db_handle(stmt_), rc, "sql");
  sqlite3_reset(stmt_);
  return s;
}

Status Statement::Run() {
  auto r = Step();
  if (!r.ok()) return r.status();
  return Status::Ok();
}

std::string Statement::Text(int col) const {
  auto* p = sqlite3_column_text(stmt_, col);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     sqlite3_column_bytes(stmt_, col));
}

std::string_view Statement::TextView(int col) const {
  auto* p = sqlite3_column_text(stmt_, col);
  if (!p) return {};
  return std::string_view(reinterpret_cast<const char*>(p),
                          sqlite3_column_bytes(stmt_, col));
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                     bool read_only,
                                                     bool create,
                                                     int busy_timeout_ms,
                                                     bool synchronous_full) {
  // Before SQLite initialises (the first open does that): no allocation
  // statistics, which nothing here reads and which take a global mutex on
  // every malloc and free inside SQLite, across all connections.
  static const bool kConfigured = [] {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  }();
  (void)kConfigured;
  int flags = SQLITE_OPEN_NOMUTEX |
              (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
  if (create && !read_only) flags |= SQLITE_OPEN_CREATE;
  // The WAL's writes gathered into one system call per commit
  // (storage/wal_gather_vfs.h); safe only where every commit syncs.
  const char* vfs =
      synchronous_full && !read_only ? WalGatherVfsName() : nullptr;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, vfs);
  if (rc != SQLITE_OK) {
    Status s = SqliteStatus(db, rc, "open " + path);
    sqlite3_close(db);
    return Status::Unavailable(s.message());
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_busy_timeout(db, busy_timeout_ms);
  sqlite3_extended_result_codes(db, 1);
  std::string pragmas = "PRAGMA foreign_keys=ON;";
  if (!read_only) {
    pragmas += "PRAGMA journal_mode=WAL;";
    pragmas += synchronous_full ? "PRAGMA synchronous=FULL;"
                                : "PRAGMA synchronous=NORMAL;";
  }
  QY_RETURN_IF_ERROR(conn->Exec(pragmas));
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt->stmt_);
  sqlite3_close(db_);
}

void Connection::ResetAll() {
  for (Statement* st : used_) {
    sqlite3_reset(st->stmt_);
    st->listed_ = false;
  }
  used_.clear();
}

Status Connection::Exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    Status s = SqliteStatus(nullptr, rc, "exec");
    return Status(s.code(), "exec: " + msg);
  }
  return Status::Ok();
}

void Connection::List(Statement* st) {
  if (st->listed_) return;
  st->listed_ = true;
  used_.push_back(st);
}

Result<Statement*> Connection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    it->second->Reset();
    List(it->second.get());
    return it->second.get();
  }
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(db_, rc, "prepare");
  auto stmt = std::make_unique<Statement>(raw);
  Statement* p = stmt.get();
  List(p);
  cache_.emplace(sql, std::move(stmt));
  return p;
}

}  // namespace qunying::storage
