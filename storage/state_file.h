// StateFile: a binary file for state that is kept to save time, not data:
// what the lead pass has read of the community (its digests), so that a
// restarted server does not read every check-in, event and hint again
// before its first pass (docs/leads.md). Losing it costs time only.
//
// Layout: the 8-byte magic "QYSTATE1", the body's length and a 64-bit hash
// of the body (both little-endian u64), then the body, encoded by
// ByteWriter (core/byte_codec.h): read back in the order it was put.
// A truncated, altered or foreign file fails StateReader::Open.
//
// StateWriter and StateReader are not thread-safe.
#ifndef QUNYING_STORAGE_STATE_FILE_H_
#define QUNYING_STORAGE_STATE_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/byte_codec.h"
#include "core/result.h"
#include "core/status.h"

namespace qunying::storage {

// The body is put through ByteWriter's Put, PutBytes and PutArray.
class StateWriter : public ByteWriter {
 public:
  // Writes the file whole, atomically and durably (ReplaceFileDurably).
  [[nodiscard]] Status WriteTo(const std::string& path) const;
};

// The body is read through ByteReader's Get, GetBytes, GetView (views
// valid while this reader, or one moved from it, lives), GetCount and
// GetArray.
class StateReader : public ByteReader {
 public:
  // Maps and checks the whole file. NotFound when there is none;
  // InvalidArgument when it is truncated, altered or not a state file.
  [[nodiscard]] static Result<StateReader> Open(const std::string& path);
  // A reader over a body alone (tests).
  explicit StateReader(std::string body);

  // What keeps the body (and views from GetView) alive.
  std::shared_ptr<const void> owner() const { return owner_; }

 private:
  StateReader(std::shared_ptr<const void> owner, std::string_view body)
      : ByteReader(body), owner_(std::move(owner)) {}

  // What holds the body's bytes: the file's mapping (read-only, from the
  // page cache: no copy, no fresh memory) or a string.
  std::shared_ptr<const void> owner_;
};

// The body's hash, as in the header (exposed for tests).
uint64_t StateHash(std::string_view body);

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_STATE_FILE_H_
