#include "storage/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace qunying::storage {

Status Errno(const std::string& what) {
  return Status::Unavailable(what + ": " + std::strerror(errno));
}

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("write " + path);
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return Errno("open " + dir);
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Errno("fsync " + dir);
}

Status CreateDirsDurably(const std::string& dir, const DirSyncFn& sync_dir) {
  namespace fs = std::filesystem;
  fs::path start = fs::path(dir).lexically_normal();
  if (!start.has_filename()) start = start.parent_path();  // "a/b/" is "a/b".
  std::vector<fs::path> levels;  // Deepest first; not "/" (no parent).
  for (fs::path p = start; !p.empty() && p != p.parent_path();
       p = p.parent_path()) {
    levels.push_back(p);
  }
  for (auto it = levels.rbegin(); it != levels.rend(); ++it) {
    std::error_code ec;
    const bool existed = fs::is_directory(*it, ec);
    // 0777 less the umask, as std::filesystem::create_directories makes it.
    if (!existed && ::mkdir(it->c_str(), 0777) != 0) {
      if (errno != EEXIST) return Errno("mkdir " + it->string());
      // Made by a racer since (fine), or a file in the way.
      if (!fs::is_directory(*it, ec))
        return Status::Unavailable(it->string() + " is not a directory");
    }
    // Also when it was there: another process, killed since, may have made
    // it (or raced us to it) and not synced it. Such a sync is best effort:
    // an old parent may not be ours to open.
    std::string parent = it->parent_path().string();
    Status synced = sync_dir(parent.empty() ? "." : parent);
    if (!synced.ok() && !existed) return synced;
  }
  return Status::Ok();
}

Status RenameDurably(const std::string& tmp, const std::string& path,
                     const DirSyncFn& sync_dir) {
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = Errno("rename " + tmp);
    ::unlink(tmp.c_str());
    return s;
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  return sync_dir(dir.empty() ? "." : dir);
}

Status WriteFileDurably(const std::string& path, std::string_view bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return Errno("create " + path);
  Status s = WriteAll(fd, bytes, path);
  if (s.ok() && ::fsync(fd) != 0) s = Errno("fsync " + path);
  if (::close(fd) != 0 && s.ok()) s = Errno("close " + path);
  return s;
}

}  // namespace qunying::storage
