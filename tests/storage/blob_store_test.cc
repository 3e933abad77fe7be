#include "storage/blob_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>
#include <vector>

#include "core/sha256.h"
#include "tests/storage/test_db.h"

namespace qunying::storage {
namespace {

TEST(BlobStoreTest, StoresUnderTheSha256AndReadsBack) {
  TempDir dir;
  BlobStore blobs(dir.File("blobs"));
  static const char kBytes[] = "\xFF\xD8\xFF photo bytes \0 with nul";
  std::string bytes(kBytes, sizeof kBytes - 1);
  auto sha = blobs.Put(bytes);
  ASSERT_TRUE(sha.ok()) << sha.status().ToString();
  EXPECT_EQ(*sha, Sha256Hex(bytes));
  EXPECT_TRUE(blobs.Contains(*sha));
  auto back = blobs.Get(*sha);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, bytes);
}

TEST(BlobStoreTest, SameBytesTwiceIsOneFileAndNoTempFilesRemain) {
  TempDir dir;
  BlobStore blobs(dir.File("blobs"));
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] { EXPECT_TRUE(blobs.Put("same").ok()); });
  }
  for (auto& t : threads) t.join();
  int files = 0;
  for (const auto& e :
       std::filesystem::recursive_directory_iterator(dir.File("blobs"))) {
    if (e.is_regular_file()) {
      ++files;
      EXPECT_EQ(e.path().filename().string().rfind(".tmp", 0),
                std::string::npos);
    }
  }
  EXPECT_EQ(files, 1);
}

TEST(BlobStoreTest, FirstPutSyncsEachNewDirectoryIntoItsParent) {
  TempDir dir;
  SyncRecorder synced;
  std::string root = dir.File("data/blobs");
  BlobStore blobs(root, synced.Fn());
  auto sha = blobs.Put("a photo");
  ASSERT_TRUE(sha.ok()) << sha.status().ToString();
  std::string sub = root + "/" + sha->substr(0, 2);
  // Each parent up to data/ holds the next level's entry (data/ holds
  // blobs/'s), blobs/ holds the subdirectory's, and the subdirectory the
  // photo's: without the first ones a power loss could take the
  // directories, photo and all, after Put answered.
  std::vector<std::string> want = ParentsOfEachLevel(root);
  ASSERT_EQ(want.back(), NormalPath(dir.File("data")));
  want.push_back(NormalPath(root));
  want.push_back(NormalPath(sub));
  EXPECT_EQ(synced.Take(), want);
}

TEST(BlobStoreTest, StoringBytesAlreadyThereStillSyncsTheirDirectory) {
  TempDir dir;
  SyncRecorder synced;
  BlobStore blobs(dir.File("blobs"), synced.Fn());
  auto first = blobs.Put("same photo");
  ASSERT_TRUE(first.ok());
  (void)synced.Take();
  auto again = blobs.Put("same photo");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *first);
  // The file was there, but its rename may not have been synced yet (a
  // Put in progress, or a process killed after the rename).
  EXPECT_EQ(synced.Take(),
            (std::vector<std::string>{
                NormalPath(dir.File("blobs") + "/" + first->substr(0, 2))}));
}

TEST(BlobStoreTest, ParentsAreSyncedOncePerDirectory) {
  TempDir dir;
  SyncRecorder synced;
  BlobStore blobs(dir.File("blobs"), synced.Fn());
  // Two contents whose names share the subdirectory.
  std::string a = "photo 0";
  std::string b;
  for (int i = 1; b.empty(); ++i) {
    std::string c = "photo " + std::to_string(i);
    if (Sha256Hex(c).substr(0, 2) == Sha256Hex(a).substr(0, 2)) b = c;
  }
  ASSERT_TRUE(blobs.Put(a).ok());
  EXPECT_EQ(synced.Take().size(),
            ParentsOfEachLevel(dir.File("blobs")).size() + 2);
  ASSERT_TRUE(blobs.Put(b).ok());
  EXPECT_EQ(synced.Take(),
            (std::vector<std::string>{NormalPath(dir.File("blobs") + "/" +
                                                 Sha256Hex(b).substr(0, 2))}));
  // Another subdirectory: its entry in blobs/, then the photo's rename;
  // blobs/'s own entry was synced with the first.
  std::string c;
  for (int i = 1; c.empty(); ++i) {
    std::string d = "other " + std::to_string(i);
    if (Sha256Hex(d).substr(0, 2) != Sha256Hex(a).substr(0, 2)) c = d;
  }
  ASSERT_TRUE(blobs.Put(c).ok());
  EXPECT_EQ(synced.Take(),
            (std::vector<std::string>{NormalPath(dir.File("blobs")),
                                      NormalPath(dir.File("blobs") + "/" +
                                                 Sha256Hex(c).substr(0, 2))}));
}

TEST(BlobStoreTest, UnknownOrMalformedNamesAreNotFound) {
  TempDir dir;
  BlobStore blobs(dir.File("blobs"));
  EXPECT_EQ(blobs.Get(std::string(64, 'a')).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(blobs.Get("../../etc/passwd").status().code(),
            StatusCode::kNotFound);
  EXPECT_FALSE(blobs.Contains("../x"));
}

}  // namespace
}  // namespace qunying::storage
