#include "server/static_files.h"

#include <fstream>
#include <sstream>
#include <utility>

namespace qunying::server {
namespace {

bool SafeChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '/';
}

// True for a relative path made of plain segments (no "", ".", "..", no
// dot files).
bool SafePath(const std::string& rel) {
  if (rel.empty() || rel.size() > 200) return false;
  size_t start = 0;
  while (start <= rel.size()) {
    size_t slash = rel.find('/', start);
    if (slash == std::string::npos) slash = rel.size();
    std::string seg = rel.substr(start, slash - start);
    if (seg.empty() || seg[0] == '.') return false;
    for (char c : seg) {
      if (!SafeChar(c)) return false;
    }
    start = slash + 1;
  }
  return true;
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = std::move(ss).str();
  return !in.bad();
}

}  // namespace

std::string StaticFiles::ContentType(const std::string& name) {
  auto ends = [&](const char* ext) {
    std::string e(ext);
    return name.size() >= e.size() &&
           name.compare(name.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json")) return "application/json; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".jpg") || ends(".jpeg")) return "image/jpeg";
  if (ends(".webp")) return "image/webp";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".woff2")) return "font/woff2";
  if (ends(".woff")) return "font/woff";
  if (ends(".ttf")) return "font/ttf";
  if (ends(".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

Result<StaticFile> StaticFiles::Load(const std::string& url_path) const {
  if (root_.empty() || url_path.empty() || url_path[0] != '/')
    return Status::NotFound("no such route: " + url_path);
  std::string rel = url_path.substr(1);
  size_t last_slash = rel.rfind('/');
  std::string leaf =
      last_slash == std::string::npos ? rel : rel.substr(last_slash + 1);
  // "/" and client-side routes ("/leads") answer the console's shell.
  bool shell = rel.empty() || leaf.find('.') == std::string::npos;
  if (shell) rel = "index.html";
  if (!SafePath(rel)) return Status::NotFound("no such route: " + url_path);
  StaticFile f;
  if (!ReadFile(root_ + "/" + rel, &f.body)) {
    if (shell) {
      return Status::Unavailable(
          "the web console is not built (run scripts/build, which builds "
          "web/ with npm)");
    }
    return Status::NotFound("no such file: " + url_path);
  }
  f.content_type = ContentType(rel);
  f.cache_control = rel.rfind("assets/", 0) == 0
                        ? "public, max-age=31536000, immutable"
                        : "no-cache";
  return f;
}

}  // namespace qunying::server
