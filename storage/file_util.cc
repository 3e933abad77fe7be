#include "storage/file_util.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace qunying::storage {
namespace {

Status WriteParts(const std::string& path,
                  std::initializer_list<std::string_view> parts) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return Errno("create " + path);
  for (std::string_view bytes : parts) {
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        ::close(fd);
        return Errno("write " + path);
      }
      done += static_cast<size_t>(n);
    }
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return Errno("fsync " + path);
  }
  return ::close(fd) == 0 ? Status::Ok() : Errno("close " + path);
}

}  // namespace

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

Status WriteFileDurably(const std::string& path, std::string_view bytes) {
  return WriteParts(path, {bytes});
}

Status ReplaceFileDurably(const std::string& path,
                          std::initializer_list<std::string_view> parts) {
  std::string tmp = path + ".tmp";
  Status s = WriteParts(tmp, parts);
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0)
    s = Errno("rename " + tmp);
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  return SyncDir(dir.empty() ? "." : dir);
}

}  // namespace qunying::storage
