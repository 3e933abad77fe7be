// Content-addressed files on disk (check-in photos): a blob is stored once
// under its SHA-256, written to a temporary file, fsynced and renamed into
// place, so a blob that Put() acknowledged is complete and durable.
// Thread-safe (concurrent Puts of the same bytes are harmless).
#ifndef QUNYING_STORAGE_BLOB_STORE_H_
#define QUNYING_STORAGE_BLOB_STORE_H_

#include <string>
#include <string_view>

#include "core/result.h"

namespace qunying::storage {

class BlobStore {
 public:
  // `dir` is created on first Put.
  explicit BlobStore(std::string dir) : dir_(std::move(dir)) {}

  // Stores `bytes` durably; returns their SHA-256 (hex), the blob's name.
  Result<std::string> Put(std::string_view bytes);
  // NotFound for an unknown or malformed name.
  Result<std::string> Get(const std::string& sha256) const;
  bool Contains(const std::string& sha256) const;

  // dir/ab/abcdef… — exposed for tests and backups.
  std::string PathFor(const std::string& sha256) const;

 private:
  std::string dir_;
};

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_BLOB_STORE_H_
