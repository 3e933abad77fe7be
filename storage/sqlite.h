// Thin RAII wrappers over the SQLite C API that speak Status. A Connection is
// NOT thread-safe: Database hands each one to a single thread at a time.
#ifndef QUNYING_STORAGE_SQLITE_H_
#define QUNYING_STORAGE_SQLITE_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"

namespace qunying::storage {

// A prepared statement, owned by its Connection's cache. Bind indexes start
// at 1 as in SQLite. Reset automatically when fetched from the cache.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}

  Statement& Bind(int index, int64_t v);
  Statement& Bind(int index, int v) { return Bind(index, int64_t{v}); }
  Statement& Bind(int index, long long v) {
    return Bind(index, static_cast<int64_t>(v));
  }
  Statement& Bind(int index, double v);
  Statement& Bind(int index, std::string_view v);
  Statement& Bind(int index, const char* v) {
    return Bind(index, std::string_view(v));
  }
  Statement& Bind(int index, const std::string& v) {
    return Bind(index, std::string_view(v));
  }
  Statement& BindNull(int index);
  // Binds NULL for an empty string: optional text columns.
  Statement& BindOptional(int index, std::string_view v);

  // Advances: true with a row, false when done. Errors become a Status
  // (a constraint violation is Conflict).
  Result<bool> Step();
  // Runs a statement that returns no rows.
  Status Run();

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string Text(int col) const;
  // The same without a copy: valid until the next Step or Reset.
  std::string_view TextView(int col) const;
  bool IsNull(int col) const {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
  }

  void Reset();

 private:
  friend class Connection;
  sqlite3_stmt* stmt_;
  bool listed_ = false;  // In its Connection's used_ list.
};

class Connection {
 public:
  // Opens (creating if `create`) the database at `path`, read-only when
  // `read_only`. Sets WAL, foreign keys and the busy timeout.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path,
                                                  bool read_only, bool create,
                                                  int busy_timeout_ms,
                                                  bool synchronous_full);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without results.
  Status Exec(const std::string& sql);
  // A cached prepared statement for `sql`, reset and ready to bind.
  Result<Statement*> Prepare(const std::string& sql);
  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }
  // Resets every statement Prepare returned since the last call, ending any
  // read they hold open. Database calls it after each unit of work so no
  // snapshot outlives its task. (Not every cached statement: the writer
  // caches every write of the application, and resetting them all twice
  // per write cost more than most writes.)
  void ResetAll();
  sqlite3* raw() { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  void List(Statement* st);  // Adds to used_ unless listed.
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
  // Returned by Prepare since ResetAll, each once however often (a write
  // that prepares one statement per row of an import lists it once).
  std::vector<Statement*> used_;
};

// Steps through every row, calling fn(const Statement&) for each.
template <typename Fn>
Status ForEachRow(Statement* st, Fn&& fn) {
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
    fn(static_cast<const Statement&>(*st));
  }
}

// Runs a query expected to return one integer (COUNT, MAX …); 0 if no row.
Result<int64_t> QueryInt(Connection& c, const std::string& sql,
                         int64_t bind1 = 0, bool has_bind = false);

// The epoch of `table` in table_epochs (migrations 11, 13-15): a counter
// its triggers bump when a row the digests depend on changes.
Result<int64_t> TableEpoch(Connection& c, std::string_view table);

// What a campaign's kept reports read instead (migration 35): a counter
// of the changes to the campaign's own rows, `what` "enrollments" or
// "checkins"; 0 before any.
Result<int64_t> CampaignEpoch(Connection& c, int64_t campaign_id,
                              std::string_view what);

// Maps an SQLite result code to a Status, with `what` for context.
Status SqliteStatus(sqlite3* db, int rc, std::string_view what);

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_SQLITE_H_
