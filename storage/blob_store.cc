#include "storage/blob_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/sha256.h"

namespace qunying::storage {
namespace {

bool IsSha256Hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status Errno(const std::string& what) {
  return Status::Unavailable(what + ": " + std::strerror(errno));
}

Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return Errno("open " + dir);
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Errno("fsync " + dir);
}

Status WriteFileDurably(const std::string& tmp, std::string_view bytes) {
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return Errno("create " + tmp);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return Errno("write " + tmp);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return Errno("fsync " + tmp);
  }
  return ::close(fd) == 0 ? Status::Ok() : Errno("close " + tmp);
}

}  // namespace

std::string BlobStore::PathFor(const std::string& sha256) const {
  return dir_ + "/" + sha256.substr(0, 2) + "/" + sha256;
}

bool BlobStore::Contains(const std::string& sha256) const {
  std::error_code ec;
  return IsSha256Hex(sha256) && std::filesystem::exists(PathFor(sha256), ec);
}

Result<std::string> BlobStore::Put(std::string_view bytes) {
  std::string sha = Sha256Hex(bytes);
  if (Contains(sha)) return sha;
  std::string sub = dir_ + "/" + sha.substr(0, 2);
  std::error_code ec;
  std::filesystem::create_directories(sub, ec);
  if (ec) return Status::Unavailable("mkdir " + sub + ": " + ec.message());
  static std::atomic<uint64_t> counter{0};
  std::string tmp = sub + "/.tmp-" + std::to_string(::getpid()) + "-" +
                    std::to_string(counter++);
  Status s = WriteFileDurably(tmp, bytes);
  if (s.ok() && ::rename(tmp.c_str(), PathFor(sha).c_str()) != 0) {
    s = Errno("rename " + tmp);
  }
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  QY_RETURN_IF_ERROR(SyncDir(sub));
  return sha;
}

Result<std::string> BlobStore::Get(const std::string& sha256) const {
  if (!IsSha256Hex(sha256)) return Status::NotFound("no such blob");
  std::ifstream in(PathFor(sha256), std::ios::binary);
  if (!in) return Status::NotFound("no such blob");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace qunying::storage
