// Content-addressed files on disk (check-in photos): a blob is stored once
// under its SHA-256, written to a temporary file, fsynced and renamed into
// place, so a blob that Put() acknowledged is complete and durable: its
// directory is synced after the rename, and the entries of the store's
// directory and of each subdirectory in their parents once per process,
// before the first blob goes in.
// Thread-safe (concurrent Puts of the same bytes are harmless).
#ifndef QUNYING_STORAGE_BLOB_STORE_H_
#define QUNYING_STORAGE_BLOB_STORE_H_

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

#include "core/result.h"
#include "storage/file_util.h"

namespace qunying::storage {

class BlobStore {
 public:
  // `dir` is created on first Put. `sync_dir` syncs a directory (tests
  // pass one that records the directories).
  explicit BlobStore(std::string dir, DirSyncFn sync_dir = SyncDir)
      : dir_(std::move(dir)), sync_dir_(std::move(sync_dir)) {}

  // Stores `bytes` durably; returns their SHA-256 (hex), the blob's name.
  // Bytes already stored are not written again, but their directory is
  // synced before Put returns: the file may have been renamed in by a Put
  // still syncing, or by a process killed before it synced.
  Result<std::string> Put(std::string_view bytes);
  // NotFound for an unknown or malformed name.
  Result<std::string> Get(const std::string& sha256) const;
  bool Contains(const std::string& sha256) const;

  // dir/ab/abcdef… — exposed for tests and backups.
  std::string PathFor(const std::string& sha256) const;

 private:
  // Creates `sub` (a directory in dir_) if missing and, the first time in
  // this process, syncs dir_, so that its entry survives a power loss: a
  // directory that exists may have been made by a process killed before
  // it synced it. dir_ itself goes through CreateDirsDurably, once.
  Status EnsureDurableDir(const std::string& sub);
  bool Synced(const std::string& dir);  // Its entry synced by this process.
  void MarkSynced(const std::string& dir);

  std::string dir_;
  DirSyncFn sync_dir_;
  std::mutex mu_;
  // dir_ and the subdirectories whose entries this process has synced.
  std::unordered_set<std::string> durable_dirs_;  // Under mu_.
};

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_BLOB_STORE_H_
