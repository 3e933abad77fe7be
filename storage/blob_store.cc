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
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  QY_RETURN_IF_ERROR(RenameDurably(tmp, PathFor(sha)));
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
