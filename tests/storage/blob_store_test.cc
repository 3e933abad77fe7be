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
