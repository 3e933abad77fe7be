// Small file helpers for what storage keeps outside SQLite: photos
// (BlobStore) and the lead pass's state file (StateFile). Thread-safe
// (they share nothing).
#ifndef QUNYING_STORAGE_FILE_UTIL_H_
#define QUNYING_STORAGE_FILE_UTIL_H_

#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace qunying::storage {

// Unavailable with `what` and strerror(errno).
Status Errno(const std::string& what);
// Writes all of `bytes` to `fd` (named `path` in an error), retrying short
// writes.
[[nodiscard]] Status WriteAll(int fd, std::string_view bytes,
                              const std::string& path);
// fsyncs a directory, so that a rename into it survives a crash.
[[nodiscard]] Status SyncDir(const std::string& dir);
// How a directory is synced: SyncDir, or in tests a wrapper that records
// which directories were.
using DirSyncFn = std::function<Status(const std::string& dir)>;
// Creates `dir` and its missing parents, and syncs each level's entry in
// its parent (top down, up to the root), so that the directories survive
// a power loss: also those that exist already, which a process killed
// before its sync may have made. A few fsyncs of clean directories, for a
// start-up. Unavailable (with the path) if a directory cannot be made, or
// a new one's parent cannot be synced; syncing an existing one's parent is
// best effort (an old parent may not be ours to open).
[[nodiscard]] Status CreateDirsDurably(const std::string& dir,
                                       const DirSyncFn& sync_dir = SyncDir);
// Renames `tmp` (written and fsynced) over `path` and fsyncs `path`'s
// directory, so that a reader sees the old file or the new, whole, also
// after a crash. If the rename fails, `tmp` is removed.
[[nodiscard]] Status RenameDurably(const std::string& tmp,
                                   const std::string& path,
                                   const DirSyncFn& sync_dir = SyncDir);
// Creates or truncates `path`, writes `bytes` and fsyncs the file.
[[nodiscard]] Status WriteFileDurably(const std::string& path,
                                      std::string_view bytes);

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_FILE_UTIL_H_
