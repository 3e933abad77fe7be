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

}  // namespace qunying::storage

#endif  // QUNYING_TESTS_STORAGE_TEST_DB_H_
