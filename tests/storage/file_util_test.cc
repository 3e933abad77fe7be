#include "storage/file_util.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/storage/test_db.h"

namespace qunying::storage {
namespace {

TEST(CreateDirsDurablyTest, SyncsTheParentOfEachDirectoryItMakes) {
  TempDir dir;
  SyncRecorder recorder;
  DirSyncFn record = recorder.Fn();
  std::string deep = dir.File("var/db/x");
  ASSERT_TRUE(CreateDirsDurably(deep, record).ok());
  EXPECT_TRUE(std::filesystem::is_directory(deep));
  // Top down: each new directory's entry is made durable in its parent.
  std::vector<std::string> synced = recorder.Take();
  std::string root =
      std::filesystem::path(NormalPath(dir.File("var"))).parent_path().string();
  ASSERT_GE(synced.size(), 3u);
  EXPECT_EQ(std::vector<std::string>(synced.end() - 3, synced.end()),
            (std::vector<std::string>{root, NormalPath(dir.File("var")),
                                      NormalPath(dir.File("var/db"))}));
  EXPECT_EQ(synced, ParentsOfEachLevel(deep));
}

TEST(CreateDirsDurablyTest, SyncsDirectoriesThatExistAlready) {
  // As a process killed between its mkdir and its sync leaves them.
  TempDir dir;
  std::string deep = dir.File("var/db/x");
  std::filesystem::create_directories(deep);
  SyncRecorder recorder;
  ASSERT_TRUE(CreateDirsDurably(deep, recorder.Fn()).ok());
  EXPECT_EQ(recorder.Take(), ParentsOfEachLevel(deep));
}

TEST(CreateDirsDurablyTest, OnlyANewDirectorysParentMustSync) {
  TempDir dir;
  std::string old_parent = NormalPath(dir.File("old"));
  std::filesystem::create_directories(old_parent);
  std::vector<std::string> tried;
  DirSyncFn fail_all = [&](const std::string& d) {
    tried.push_back(NormalPath(d));
    return Status::Unavailable("fsync " + d + ": Permission denied");
  };
  // Every level of old/ was there: the failures are only noted.
  EXPECT_TRUE(CreateDirsDurably(old_parent, fail_all).ok());
  EXPECT_EQ(tried, ParentsOfEachLevel(old_parent));
  // old/new is made, and its entry in old/ must be durable.
  Status s = CreateDirsDurably(dir.File("old/new"), fail_all);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find(old_parent), std::string::npos) << s.message();
}

TEST(CreateDirsDurablyTest, ATrailingSlashNamesTheSameDirectory) {
  TempDir dir;
  SyncRecorder recorder;
  DirSyncFn record = recorder.Fn();
  ASSERT_TRUE(CreateDirsDurably(dir.File("data") + "/", record).ok());
  EXPECT_TRUE(std::filesystem::is_directory(dir.File("data")));
  // "data/" is the level "data", its parent synced once: no level "data/"
  // whose parent would be "data".
  EXPECT_EQ(recorder.Take(), ParentsOfEachLevel(dir.File("data")));
}

TEST(CreateDirsDurablyTest, AFileInTheWayIsAClearError) {
  TempDir dir;
  ASSERT_TRUE(WriteFileDurably(dir.File("plain"), "x").ok());
  Status s = CreateDirsDurably(dir.File("plain/sub"));
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(
      s.message().find(NormalPath(dir.File("plain")) + " is not a directory"),
      std::string::npos)
      << s.message();
  EXPECT_FALSE(std::filesystem::exists(dir.File("plain/sub")));
}

}  // namespace
}  // namespace qunying::storage
