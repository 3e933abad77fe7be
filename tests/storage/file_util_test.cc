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
  std::string root =
      std::filesystem::path(NormalPath(dir.File("var"))).parent_path().string();
  EXPECT_EQ(recorder.Take(),
            (std::vector<std::string>{root, NormalPath(dir.File("var")),
                                      NormalPath(dir.File("var/db"))}));
  ASSERT_TRUE(CreateDirsDurably(deep, record).ok());
  EXPECT_TRUE(recorder.Take().empty()) << "an existing directory costs no sync";
}

TEST(CreateDirsDurablyTest, ATrailingSlashNamesTheSameDirectory) {
  TempDir dir;
  SyncRecorder recorder;
  DirSyncFn record = recorder.Fn();
  ASSERT_TRUE(CreateDirsDurably(dir.File("data") + "/", record).ok());
  EXPECT_TRUE(std::filesystem::is_directory(dir.File("data")));
  std::vector<std::string> synced = recorder.Take();
  ASSERT_EQ(synced.size(), 1u) << "one directory made, one parent synced";
  EXPECT_EQ(synced[0] + "/data", NormalPath(dir.File("data")));
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
