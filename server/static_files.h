// StaticFiles: serves the built web console (web/dist) at `/`.
//
// Only GET/HEAD paths that no API route claims reach it. Paths are checked
// before they touch the disk: plain characters only, no `..`, no dot files,
// so nothing outside the directory can be read. `/` and paths without an
// extension (client-side routes) answer index.html; files under `assets/`
// carry a content hash in their names and are cached for a year, index.html
// is revalidated on every load. Thread-safe (reads the disk per request, so
// a rebuilt console is served without a restart).
#ifndef QUNYING_SERVER_STATIC_FILES_H_
#define QUNYING_SERVER_STATIC_FILES_H_

#include <string>

#include "core/result.h"

namespace qunying::server {

struct StaticFile {
  std::string body;
  std::string content_type;
  std::string cache_control;
};

class StaticFiles {
 public:
  // `root` is the directory holding index.html; empty turns serving off.
  explicit StaticFiles(std::string root) : root_(std::move(root)) {}

  // NotFound for unsafe or missing paths (and when serving is off);
  // Unavailable when the console has not been built.
  [[nodiscard]] Result<StaticFile> Load(const std::string& url_path) const;

  // The content type for a file name, by extension.
  static std::string ContentType(const std::string& name);

 private:
  std::string root_;
};

}  // namespace qunying::server

#endif  // QUNYING_SERVER_STATIC_FILES_H_
