#include "storage/state_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "storage/file_util.h"

namespace qunying::storage {
namespace {

constexpr char kMagic[8] = {'Q', 'Y', 'S', 'T', 'A', 'T', 'E', '2'};
constexpr char kOldMagic[8] = {'Q', 'Y', 'S', 'T', 'A', 'T', 'E', '1'};
constexpr size_t kHeader = sizeof(kMagic) + 2 * sizeof(uint64_t);

uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

std::string Header(uint64_t length, uint64_t hash) {
  std::string header(kMagic, sizeof kMagic);
  header.append(reinterpret_cast<const char*>(&length), sizeof length);
  header.append(reinterpret_cast<const char*>(&hash), sizeof hash);
  return header;
}

}  // namespace

void StateHasher::Mix(const char* word) {
  h_ = (h_ ^ Load64(word)) * 0xff51afd7ed558ccdULL;
  h_ = (h_ << 31) | (h_ >> 33);
}

void StateHasher::Update(std::string_view bytes) {
  length_ += bytes.size();
  if (carried_ > 0) {
    size_t take = std::min(bytes.size(), sizeof carry_ - carried_);
    std::memcpy(carry_ + carried_, bytes.data(), take);
    carried_ += take;
    bytes.remove_prefix(take);
    if (carried_ < sizeof carry_) return;
    Mix(carry_);
    carried_ = 0;
  }
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) Mix(bytes.data() + i);
  carried_ = bytes.size() - i;
  if (carried_ > 0) std::memcpy(carry_, bytes.data() + i, carried_);
}

uint64_t StateHasher::Finish() const {
  uint64_t tail = 0;
  std::memcpy(&tail, carry_, carried_);
  uint64_t h = (h_ ^ tail) * 0xc4ceb9fe1a85ec53ULL;
  h = (h ^ length_) * 0xff51afd7ed558ccdULL;
  return h ^ (h >> 29);
}

uint64_t StateHash(std::string_view body) {
  StateHasher h;
  h.Update(body);
  return h.Finish();
}

Result<std::unique_ptr<StateWriter>> StateWriter::Create(
    const std::string& path) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return Errno("create " + tmp);
  std::unique_ptr<StateWriter> w(new StateWriter(path, fd));
  // Room for the header, written once the body's length and hash are known.
  QY_RETURN_IF_ERROR(WriteAll(fd, std::string(kHeader, '\0'), tmp));
  return w;
}

StateWriter::StateWriter(std::string path, int fd)
    : ByteWriter(this, kBuffer),
      path_(std::move(path)),
      tmp_(path_ + ".tmp"),
      fd_(fd) {}

StateWriter::~StateWriter() {
  if (done_) return;
  ::close(fd_);
  ::unlink(tmp_.c_str());
}

void StateWriter::Append(std::string_view bytes) {
  if (!status_.ok()) return;
  hash_.Update(bytes);
  status_ = WriteAll(fd_, bytes, tmp_);
}

Status StateWriter::Commit() {
  if (done_) return Status::Internal("state file " + path_ + " committed");
  done_ = true;
  Flush();
  Status s = status_;
  if (s.ok()) {
    std::string header = Header(size(), hash_.Finish());
    if (::pwrite(fd_, header.data(), header.size(), 0) !=
        static_cast<ssize_t>(header.size())) {
      s = Errno("write " + tmp_);
    }
  }
  if (s.ok() && ::fsync(fd_) != 0) s = Errno("fsync " + tmp_);
  if (::close(fd_) != 0 && s.ok()) s = Errno("close " + tmp_);
  if (!s.ok()) {
    ::unlink(tmp_.c_str());
    return s;
  }
  return RenameDurably(tmp_, path_);
}

StateReader::StateReader(std::string body) {
  auto owned = std::make_shared<const std::string>(std::move(body));
  Reset(*owned);
  owner_ = std::move(owned);
}

Result<StateReader> StateReader::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    return Status::NotFound("no state file " + path);
  if (fd < 0) return Errno("open " + path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return Errno("stat " + path);
  }
  size_t size = static_cast<size_t>(st.st_size);
  if (size < kHeader) {
    ::close(fd);
    return Status::InvalidArgument(path + " is not a state file");
  }
  // Read from the page cache in place: reading ~140 MB into fresh memory
  // took 0.6 s here, mostly in page faults (docs/benchmarks.md).
  void* map =
      ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return Errno("mmap " + path);
  ::madvise(map, size, MADV_SEQUENTIAL);
  std::shared_ptr<const void> owner(
      map, [size](const void* p) { ::munmap(const_cast<void*>(p), size); });
  const char* bytes = static_cast<const char*>(map);
  if (std::memcmp(bytes, kOldMagic, sizeof kOldMagic) == 0)
    return Status::InvalidArgument(path + " is of an older layout");
  if (std::memcmp(bytes, kMagic, sizeof kMagic) != 0)
    return Status::InvalidArgument(path + " is not a state file");
  uint64_t len = Load64(bytes + sizeof kMagic);
  uint64_t hash = Load64(bytes + sizeof kMagic + 8);
  if (len != size - kHeader)
    return Status::InvalidArgument(path + " is truncated");
  std::string_view body(bytes + kHeader, len);
  if (StateHash(body) != hash)
    return Status::InvalidArgument(path + " does not match its hash");
  return StateReader(std::move(owner), body);
}

}  // namespace qunying::storage
