// StateFile: a binary file for state that is kept to save time, not data:
// what the lead pass has read of the community (its digests), so that a
// restarted server does not read every check-in, event and hint again
// before its first pass (docs/leads.md). Losing it costs time only.
//
// Layout: the 8-byte magic "QYSTATE2", the body's length and a 64-bit hash
// of the body (StateHash; both little-endian u64), then the body, encoded
// by ByteWriter (core/byte_codec.h): read back in the order it was put.
// A truncated, altered or foreign file, or one of the first layout
// ("QYSTATE1", whose hash needed the body whole), fails StateReader::Open.
//
// StateWriter, StateHasher and StateReader are not thread-safe.
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

// The body's hash, as in the header, over a body given in pieces: eight
// bytes a step, each mixed by a multiply and a rotation, then the length.
// Enough to catch a torn or altered file, at memory speed.
class StateHasher {
 public:
  void Update(std::string_view bytes);
  // The hash of every byte given so far.
  uint64_t Finish() const;

 private:
  void Mix(const char* word);

  uint64_t h_ = 0x9e3779b97f4a7c15ULL;
  uint64_t length_ = 0;
  char carry_[8] = {};  // The last word's bytes so far.
  size_t carried_ = 0;
};

// StateHasher over a body whole.
uint64_t StateHash(std::string_view body);

// Writes a state file as its body is put through ByteWriter's Put,
// PutBytes, PutArray and PutRaw: to `<path>.tmp`, a buffer of kBuffer bytes
// at a time, hashing as it goes, so that a body of hundreds of MB is never
// whole in memory (docs/benchmarks.md). Commit then writes the header and
// replaces `path` atomically and durably. A writer dropped without a
// successful Commit removes its temporary file; `path` is left as it was.
class StateWriter : private ByteSink, public ByteWriter {
 public:
  static constexpr size_t kBuffer = size_t{1} << 20;

  // Creates `<path>.tmp` (replacing one a crash left behind).
  [[nodiscard]] static Result<std::unique_ptr<StateWriter>> Create(
      const std::string& path);
  ~StateWriter() override;
  StateWriter(const StateWriter&) = delete;
  StateWriter& operator=(const StateWriter&) = delete;

  // Writes out the rest of the body and the header, fsyncs the file,
  // renames it over `path` and fsyncs the directory. The first error of
  // any write since Create, if one failed (the file is then removed).
  [[nodiscard]] Status Commit();

 private:
  StateWriter(std::string path, int fd);
  void Append(std::string_view bytes) override;

  std::string path_, tmp_;
  int fd_;
  bool done_ = false;  // Commit ran (the file is closed, renamed or gone).
  Status status_;      // The first failed write.
  StateHasher hash_;
};

// The body is read through ByteReader's Get, GetBytes, GetView and GetRest
// (views valid while this reader, or one moved from it, lives), GetCount and
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

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_STATE_FILE_H_
