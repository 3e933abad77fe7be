// ByteWriter's hand-over to a sink and ByteReader's length-prefixed reads
// (see the header).
#include "core/byte_codec.h"

namespace qunying {

void ByteWriter::PutRaw(std::string_view s) {
  if (sink_ && s.size() >= buffer_) {
    Flush();
    sink_->Append(s);
    handed_ += s.size();
    return;
  }
  bytes_.append(s);
  if (sink_ && bytes_.size() >= buffer_) Flush();
}

void ByteWriter::Flush() {
  if (!sink_ || bytes_.empty()) return;
  sink_->Append(bytes_);
  handed_ += bytes_.size();
  bytes_.clear();
}

bool ByteReader::GetBytes(std::string* s) {
  std::string_view v;
  if (!GetView(&v)) return false;
  s->assign(v);
  return true;
}

bool ByteReader::GetView(std::string_view* s) {
  uint64_t n = 0;
  if (!GetCount(&n, 1)) return false;
  *s = bytes_.substr(at_, n);
  at_ += n;
  return true;
}

bool ByteReader::GetRest(std::string_view* s) {
  if (!ok_) return false;
  *s = bytes_.substr(at_);
  at_ = bytes_.size();
  return true;
}

bool ByteReader::GetCount(uint64_t* n, size_t min_bytes) {
  uint64_t v = 0;
  if (!Get(&v)) return false;
  if (min_bytes && v > (bytes_.size() - at_) / min_bytes) ok_ = false;
  if (ok_) *n = v;
  return ok_;
}

}  // namespace qunying
