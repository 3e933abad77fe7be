// Small file helpers for what storage keeps outside SQLite: photos
// (BlobStore) and the lead pass's state file (StateFile). Thread-safe
// (they share nothing).
#ifndef QUNYING_STORAGE_FILE_UTIL_H_
#define QUNYING_STORAGE_FILE_UTIL_H_

#include <initializer_list>
#include <string>
#include <string_view>

#include "core/status.h"

namespace qunying::storage {

// Unavailable with `what` and strerror(errno).
Status Errno(const std::string& what);
// fsyncs a directory, so that a rename into it survives a crash.
[[nodiscard]] Status SyncDir(const std::string& dir);
// Creates or truncates `path`, writes `bytes` and fsyncs the file.
[[nodiscard]] Status WriteFileDurably(const std::string& path,
                                      std::string_view bytes);
// Writes `parts`, one after another, to `path` + ".tmp", fsyncs it, renames
// it over `path` and fsyncs the directory: a reader sees the old file or
// the new, whole.
[[nodiscard]] Status ReplaceFileDurably(
    const std::string& path, std::initializer_list<std::string_view> parts);

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_FILE_UTIL_H_
