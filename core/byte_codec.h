// ByteWriter and ByteReader: values put into bytes and read back in the
// same order, for state kept in files (storage/state_file.h) and the
// parts of it other modules encode (scoring/lead_engine_state.cc).
//
// Values are fixed-width integers and floats as the host lays them out
// (little-endian on every host this project builds for: x86, arm),
// length-prefixed bytes, and arrays of trivially copyable structs. The
// reader must ask for them in the order they were put; once it runs out
// of bytes, that Get and every later one return false.
//
// A ByteWriter keeps what it is given (bytes(), Take()), or, made with a
// ByteSink, hands it on a buffer at a time: a state file of hundreds of MB
// is written as it is encoded, without a copy of it in memory.
//
// Not thread-safe.
#ifndef QUNYING_CORE_BYTE_CODEC_H_
#define QUNYING_CORE_BYTE_CODEC_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace qunying {

// Where a ByteWriter made with one hands its bytes, in order.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void Append(std::string_view bytes) = 0;
};

class ByteWriter {
 public:
  // Keeps every byte.
  ByteWriter() = default;
  // Hands the bytes to `sink` whenever it holds `buffer` or more, and at
  // Flush; a PutBytes or PutArray of `buffer` bytes or more goes straight
  // through. `sink` must outlive the writer. bytes() then holds only what
  // was not handed on yet.
  ByteWriter(ByteSink* sink, size_t buffer) : sink_(sink), buffer_(buffer) {}

  template <typename T>
  void Put(T v) {
    static_assert(std::is_integral_v<T> || std::is_floating_point_v<T>);
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    bytes_.append(b, sizeof(T));
    if (sink_ && bytes_.size() >= buffer_) Flush();
  }
  void PutBytes(std::string_view s) {
    Put<uint64_t>(s.size());
    PutRaw(s);
  }
  // `n` structs as they lie in memory, without a count (put one first).
  template <typename T>
  void PutArray(const T* items, size_t n) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (n) PutRaw({reinterpret_cast<const char*>(items), n * sizeof(T)});
  }
  // Bytes as they are, without a length (a reader takes them with GetRest,
  // or knows their length).
  void PutRaw(std::string_view s);
  // Hands what it holds to the sink (none: does nothing).
  void Flush();

  // Every byte put so far, handed on or not.
  size_t size() const { return handed_ + bytes_.size(); }
  const std::string& bytes() const { return bytes_; }
  std::string Take() { return std::move(bytes_); }

 private:
  ByteSink* sink_ = nullptr;
  size_t buffer_ = 0;
  size_t handed_ = 0;  // Bytes given to the sink.
  std::string bytes_;
};

class ByteReader {
 public:
  ByteReader() = default;
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}

  // On false `*v` is unchanged.
  template <typename T>
  bool Get(T* v) {
    static_assert(std::is_integral_v<T> || std::is_floating_point_v<T>);
    if (!Need(sizeof(T))) return false;
    std::memcpy(v, bytes_.data() + at_, sizeof(T));
    at_ += sizeof(T);
    return true;
  }
  bool GetBytes(std::string* s);
  // A view of every byte not read yet (what PutRaw put last), moving to
  // the end.
  bool GetRest(std::string_view* s);
  // As GetBytes, without a copy: a view into the bytes being read.
  bool GetView(std::string_view* s);
  // A count of items about to be read, each at least `min_bytes` long:
  // false (and the reader failed) when the rest cannot hold them, so that
  // a corrupt count never allocates.
  bool GetCount(uint64_t* n, size_t min_bytes);
  // `n` structs put with PutArray into `items` (room for n).
  template <typename T>
  bool GetArray(T* items, size_t n) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (n > (bytes_.size() - at_) / sizeof(T)) ok_ = false;
    if (!ok_) return false;
    if (n) std::memcpy(items, bytes_.data() + at_, n * sizeof(T));
    at_ += n * sizeof(T);
    return true;
  }
  bool ok() const { return ok_; }
  bool at_end() const { return ok_ && at_ == bytes_.size(); }

 protected:
  void Reset(std::string_view bytes) {
    bytes_ = bytes;
    at_ = 0;
    ok_ = true;
  }

 private:
  bool Need(size_t n) {
    ok_ = ok_ && bytes_.size() - at_ >= n;
    return ok_;
  }

  std::string_view bytes_;
  size_t at_ = 0;
  bool ok_ = true;
};

}  // namespace qunying

#endif  // QUNYING_CORE_BYTE_CODEC_H_
