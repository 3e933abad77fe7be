// A fresh SQLite database file in a temporary directory, removed afterwards.
#ifndef QUNYING_TESTS_STORAGE_TEST_DB_H_
#define QUNYING_TESTS_STORAGE_TEST_DB_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "storage/database.h"
#include "storage/file_util.h"
#include "storage/migrations.h"
#include "storage/sqlite.h"

namespace qunying::storage {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("qunying-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline std::string NormalPath(const std::string& p) {
  return std::filesystem::path(p).lexically_normal().string();
}

// The parent of every level of `dir` but the root, top down.
inline std::vector<std::string> ParentsOfEachLevel(const std::string& dir) {
  std::vector<std::string> out;
  for (std::filesystem::path p = NormalPath(dir); p != p.parent_path();
       p = p.parent_path()) {
    out.insert(out.begin(), p.parent_path().string());
  }
  return out;
}

// A DirSyncFn that syncs for real and remembers which directories it
// synced, in order (as NormalPath gives them).
class SyncRecorder {
 public:
  DirSyncFn Fn() {
    return [this](const std::string& dir) {
      std::lock_guard lock(mu_);
      dirs_.push_back(NormalPath(dir));
      return SyncDir(dir);
    };
  }
  // The directories synced since the last call.
  std::vector<std::string> Take() {
    std::lock_guard lock(mu_);
    return std::exchange(dirs_, {});
  }

 private:
  std::mutex mu_;
  std::vector<std::string> dirs_;
};

inline std::unique_ptr<Database> OpenTestDb(const std::string& path) {
  DatabaseOptions o;
  o.path = path;
  auto db = Database::Open(o);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

// A connection to a new database at `path` migrated only up to `version`:
// the old form a migration test fills in. Null (with a failure recorded)
// if opening or migrating fails.
inline std::unique_ptr<Connection> OpenAtVersion(const std::string& path,
                                                 int version) {
  auto conn = Connection::Open(path, false, true, 1000, true);
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return nullptr;
  auto v = ApplyMigrationsUpTo(**conn, version);
  EXPECT_TRUE(v.ok() && *v == version) << v.status().ToString();
  if (!v.ok() || *v != version) return nullptr;
  return std::move(conn).value();
}

// The database at `path` made at schema `version`, filled in with `sql`
// there, then opened as the server opens it (so migrated to the latest).
inline std::unique_ptr<Database> UpgradedTestDb(const std::string& path,
                                                int version,
                                                const std::string& sql) {
  {
    auto conn = OpenAtVersion(path, version);
    if (!conn) return nullptr;
    Status s = conn->Exec(sql);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (!s.ok()) return nullptr;
  }
  return OpenTestDb(path);
}

// The number `sql` (a SELECT COUNT(*) or the like, no parameters) answers
// in `db`; -1 if it fails.
inline int64_t CountOf(Database* db, const std::string& sql) {
  int64_t n = -1;
  Status s = db->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Statement * st, c.Prepare(sql));
    QY_ASSIGN_OR_RETURN(bool row, st->Step());
    n = row ? st->Int(0) : -1;
    st->Reset();
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << sql << ": " << s.ToString();
  return s.ok() ? n : -1;
}

// What `sql` (as for CountOf) answers in a copy of the database file at
// `path` alone, without its WAL: what checkpoints have copied into the
// file. -1 if it fails.
inline int64_t CountInFileAlone(const std::string& path,
                                const std::string& sql) {
  const std::string copy = path + ".alone";
  std::error_code ec;
  std::filesystem::copy_file(
      path, copy, std::filesystem::copy_options::overwrite_existing, ec);
  EXPECT_FALSE(ec) << ec.message();
  std::filesystem::remove(copy + "-wal", ec);
  auto c =
      Connection::Open(copy, /*read_only=*/false, /*create=*/false, 1000, true);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  if (!c.ok()) return -1;
  auto n = QueryInt(**c, sql);
  EXPECT_TRUE(n.ok()) << sql << ": " << n.status().ToString();
  return n.ok() ? *n : -1;
}

// The writer's PRAGMA wal_autocheckpoint; -1 if it fails.
inline int64_t WriterAutocheckpoint(Database* db) {
  int64_t pages = -1;
  Status s = db->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(pages, QueryInt(c, "PRAGMA wal_autocheckpoint"));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return pages;
}

// Whether `db` has the pool's score index (leads_pool).
inline bool PoolIndexExists(Database* db) {
  return CountOf(db,
                 "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND"
                 " name = 'leads_pool'") == 1;
}

}  // namespace qunying::storage

#endif  // QUNYING_TESTS_STORAGE_TEST_DB_H_
