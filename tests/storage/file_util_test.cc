#include "storage/file_util.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/storage/test_db.h"

namespace qunying::storage {
namespace {

std::string Norm(const std::string& p) {
  return std::filesystem::path(p).lexically_normal().string();
}

// Syncs for real and appends each directory to `synced`.
DirSyncFn Recorder(std::vector<std::string>* synced) {
  return [synced](const std::string& d) {
    synced->push_back(Norm(d));
    return SyncDir(d);
  };
}

TEST(CreateDirsDurablyTest, SyncsTheParentOfEachDirectoryItMakes) {
  TempDir dir;
  std::vector<std::string> synced;
  DirSyncFn record = Recorder(&synced);
  std::string deep = dir.File("var/db/x");
  ASSERT_TRUE(CreateDirsDurably(deep, record).ok());
  EXPECT_TRUE(std::filesystem::is_directory(deep));
  // Top down: each new directory's entry is made durable in its parent.
  std::string root =
      std::filesystem::path(Norm(dir.File("var"))).parent_path().string();
  EXPECT_EQ(synced, (std::vector<std::string>{root, Norm(dir.File("var")),
                                              Norm(dir.File("var/db"))}));
  synced.clear();
  ASSERT_TRUE(CreateDirsDurably(deep, record).ok());
  EXPECT_TRUE(synced.empty()) << "an existing directory costs no sync";
}

TEST(CreateDirsDurablyTest, ATrailingSlashNamesTheSameDirectory) {
  TempDir dir;
  std::vector<std::string> synced;
  DirSyncFn record = Recorder(&synced);
  ASSERT_TRUE(CreateDirsDurably(dir.File("data") + "/", record).ok());
  EXPECT_TRUE(std::filesystem::is_directory(dir.File("data")));
  ASSERT_EQ(synced.size(), 1u) << "one directory made, one parent synced";
  EXPECT_EQ(synced[0] + "/data", Norm(dir.File("data")));
}

TEST(CreateDirsDurablyTest, AFileInTheWayIsAClearError) {
  TempDir dir;
  ASSERT_TRUE(WriteFileDurably(dir.File("plain"), "x").ok());
  Status s = CreateDirsDurably(dir.File("plain/sub"));
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("plain/sub"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace qunying::storage
