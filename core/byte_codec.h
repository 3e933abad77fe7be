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
// Not thread-safe.
#ifndef QUNYING_CORE_BYTE_CODEC_H_
#define QUNYING_CORE_BYTE_CODEC_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace qunying {

class ByteWriter {
 public:
  template <typename T>
  void Put(T v) {
    static_assert(std::is_integral_v<T> || std::is_floating_point_v<T>);
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    bytes_.append(b, sizeof(T));
  }
  void PutBytes(std::string_view s) {
    Put<uint64_t>(s.size());
    bytes_.append(s);
  }
  // `n` structs as they lie in memory, without a count (put one first).
  template <typename T>
  void PutArray(const T* items, size_t n) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (n) bytes_.append(reinterpret_cast<const char*>(items), n * sizeof(T));
  }
  size_t size() const { return bytes_.size(); }
  const std::string& bytes() const { return bytes_; }
  std::string Take() { return std::move(bytes_); }

 private:
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
