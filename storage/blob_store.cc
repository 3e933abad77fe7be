#include "storage/blob_store.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/sha256.h"
#include "storage/file_util.h"

namespace qunying::storage {
namespace {

bool IsSha256Hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string BlobStore::PathFor(const std::string& sha256) const {
  return dir_ + "/" + sha256.substr(0, 2) + "/" + sha256;
}

bool BlobStore::Contains(const std::string& sha256) const {
  std::error_code ec;
  return IsSha256Hex(sha256) && std::filesystem::exists(PathFor(sha256), ec);
}

bool BlobStore::Synced(const std::string& dir) {
  std::lock_guard lock(mu_);
  return durable_dirs_.count(dir) > 0;
}

void BlobStore::MarkSynced(const std::string& dir) {
  std::lock_guard lock(mu_);
  durable_dirs_.insert(dir);
}

Status BlobStore::EnsureDurableDir(const std::string& sub) {
  if (Synced(sub)) return Status::Ok();
  if (!Synced(dir_)) {  // dir_ and its parents' entries, once.
    QY_RETURN_IF_ERROR(CreateDirsDurably(dir_, sync_dir_));
    MarkSynced(dir_);
  }
  std::error_code ec;
  std::filesystem::create_directory(sub, ec);
  if (ec) return Status::Unavailable("mkdir " + sub + ": " + ec.message());
  QY_RETURN_IF_ERROR(sync_dir_(dir_));
  // Only once synced: a concurrent Put that finds it missing syncs too.
  MarkSynced(sub);
  return Status::Ok();
}

Result<std::string> BlobStore::Put(std::string_view bytes) {
  std::string sha = Sha256Hex(bytes);
  std::string sub = dir_ + "/" + sha.substr(0, 2);
  QY_RETURN_IF_ERROR(EnsureDurableDir(sub));
  if (Contains(sha)) {
    QY_RETURN_IF_ERROR(sync_dir_(sub));
    return sha;
  }
  static std::atomic<uint64_t> counter{0};
  std::string tmp = sub + "/.tmp-" + std::to_string(::getpid()) + "-" +
                    std::to_string(counter++);
  Status s = WriteFileDurably(tmp, bytes);
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  QY_RETURN_IF_ERROR(RenameDurably(tmp, PathFor(sha), sync_dir_));
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
