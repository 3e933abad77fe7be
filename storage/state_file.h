// StateFile: a binary file for state that is kept to save time, not data:
// what the lead pass has read of the community (its digests), so that a
// restarted server does not read every check-in, event and hint again
// before its first pass (docs/leads.md). Losing it costs time only.
//
// Layout: the 8-byte magic "QYSTATE1", the body's length and a 64-bit hash
// of the body (both little-endian u64), then the body. Values in the body
// are little-endian fixed-width integers and length-prefixed bytes, in the
// order the writer put them; the reader must ask for them in that order.
// A truncated, altered or foreign file fails StateReader::Open.
//
// StateWriter and StateReader are not thread-safe.
#ifndef QUNYING_STORAGE_STATE_FILE_H_
#define QUNYING_STORAGE_STATE_FILE_H_

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/result.h"
#include "core/status.h"

namespace qunying::storage {

class StateWriter {
 public:
  template <typename T>
  void Put(T v) {
    static_assert(std::is_integral_v<T> || std::is_floating_point_v<T>);
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));  // Little-endian hosts only (x86, arm).
    body_.append(b, sizeof(T));
  }
  void PutBytes(std::string_view s) {
    Put<uint64_t>(s.size());
    body_.append(s);
  }
  size_t size() const { return body_.size(); }
  // Writes the file whole, atomically and durably (ReplaceFileDurably).
  [[nodiscard]] Status WriteTo(const std::string& path) const;

 private:
  std::string body_;
};

class StateReader {
 public:
  // Maps and checks the whole file. NotFound when there is none;
  // InvalidArgument when it is truncated, altered or not a state file.
  [[nodiscard]] static Result<StateReader> Open(const std::string& path);
  // A reader over a body alone (tests).
  explicit StateReader(std::string body);

  // Each Get returns false, and so does every later one, once the body
  // runs out; `*v` is then unchanged.
  template <typename T>
  bool Get(T* v) {
    static_assert(std::is_integral_v<T> || std::is_floating_point_v<T>);
    if (!Need(sizeof(T))) return false;
    std::memcpy(v, body_.data() + at_, sizeof(T));
    at_ += sizeof(T);
    return true;
  }
  bool GetBytes(std::string* s);
  // As GetBytes, without a copy: valid while this reader (or one moved
  // from it) lives.
  bool GetView(std::string_view* s);
  // A count of items about to be read, each at least `min_bytes` long:
  // false (and the reader failed) when the rest of the body cannot hold
  // them, so that a corrupt count never allocates.
  bool GetCount(uint64_t* n, size_t min_bytes);
  bool ok() const { return ok_; }
  // What keeps the body (and views from GetView) alive.
  std::shared_ptr<const void> owner() const { return owner_; }
  bool at_end() const { return ok_ && at_ == body_.size(); }

 private:
  bool Need(size_t n) {
    ok_ = ok_ && body_.size() - at_ >= n;
    return ok_;
  }

  // What holds the body's bytes: the file's mapping (read-only, from the
  // page cache: no copy, no fresh memory) or a string.
  std::shared_ptr<const void> owner_;
  std::string_view body_;
  size_t at_ = 0;
  bool ok_ = true;
};

// The body's hash, as in the header (exposed for tests).
uint64_t StateHash(std::string_view body);

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_STATE_FILE_H_
