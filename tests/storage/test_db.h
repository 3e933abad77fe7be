// A fresh SQLite database file in a temporary directory, removed afterwards.
#ifndef QUNYING_TESTS_STORAGE_TEST_DB_H_
#define QUNYING_TESTS_STORAGE_TEST_DB_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "storage/database.h"

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

inline std::unique_ptr<Database> OpenTestDb(const std::string& path) {
  DatabaseOptions o;
  o.path = path;
  auto db = Database::Open(o);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
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

// Whether `db` has the pool's score index (leads_pool).
inline bool PoolIndexExists(Database* db) {
  return CountOf(db,
                 "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND"
                 " name = 'leads_pool'") == 1;
}

}  // namespace qunying::storage

#endif  // QUNYING_TESTS_STORAGE_TEST_DB_H_
