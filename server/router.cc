#include "server/router.h"

#include <charconv>

namespace qunying::server {

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

void Router::Add(Route route) {
  split_.push_back(SplitPath(route.pattern));
  routes_.push_back(std::move(route));
}

bool Router::MatchPattern(const std::vector<std::string>& pattern,
                          const std::vector<std::string>& path,
                          std::unordered_map<std::string, std::string>* out) {
  if (pattern.size() != path.size()) return false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const std::string& p = pattern[i];
    if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
      (*out)[p.substr(1, p.size() - 2)] = path[i];
    } else if (p != path[i]) {
      return false;
    }
  }
  return true;
}

Match Router::Find(const std::string& method, const std::string& path) const {
  Match m;
  std::vector<std::string> parts = SplitPath(path);
  for (size_t i = 0; i < routes_.size(); ++i) {
    std::unordered_map<std::string, std::string> params;
    if (!MatchPattern(split_[i], parts, &params)) continue;
    m.path_exists = true;
    if (routes_[i].method == method ||
        (method == "HEAD" && routes_[i].method == "GET")) {
      m.route = &routes_[i];
      m.params = std::move(params);
      return m;
    }
  }
  return m;
}

Result<Json> Request::JsonBody() const {
  std::string type = http.get_header_value("Content-Type");
  if (!type.empty() && type.find("json") == std::string::npos) {
    return Status::UnsupportedMedia(
        "expected Content-Type application/json, got " + type.substr(0, 80));
  }
  return ParseJsonObject(http.body);
}

Result<int64_t> Request::IdParam(const std::string& name) const {
  auto it = params.find(name);
  int64_t id = 0;
  if (it != params.end()) {
    const std::string& s = it->second;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
    if (ec == std::errc() && ptr == s.data() + s.size() && id > 0) return id;
  }
  return Status::NotFound(name + " not found");
}

}  // namespace qunying::server
