// The route table: every endpoint with its method, path pattern, who may call
// it, and its handler — declared in one place (server/api.cc) so access rules
// are not scattered through handlers. Build it once, then Match from any
// thread (const after construction).
#ifndef QUNYING_SERVER_ROUTER_H_
#define QUNYING_SERVER_ROUTER_H_

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include <httplib.h>

#include "auth/account_service.h"
#include "core/result.h"
#include "server/json_body.h"

namespace qunying::server {

// Who may call a route.
enum class Access {
  kPublic,       // Anyone, no token.
  kParticipant,  // A participant token from /mp/login.
  kStaff,        // A staff token; `roles` narrows it further.
};

// What a handler sees of a request.
struct Request {
  const httplib::Request& http;
  std::unordered_map<std::string, std::string> params;  // From {name} parts.
  auth::Principal principal;
  std::string token;  // The bearer token, for logout; never logged.
  std::string request_id;
  std::string client_address;

  // The JSON object body (InvalidArgument / UnsupportedMedia if it is not).
  Result<Json> JsonBody() const;
  // A path parameter parsed as a positive id; NotFound if it is not one
  // (an id that cannot exist is simply not found).
  Result<int64_t> IdParam(const std::string& name) const;
  std::string Query(const std::string& name) const {
    return http.get_param_value(name.c_str());
  }
};

// What a handler answers on success: an HTTP status and the envelope's data.
struct Reply {
  int status = 200;
  Json data;
  // When set, `raw` is sent as is with this type instead of the envelope
  // (only for /metrics, whose format Prometheus fixes).
  std::string content_type;
  std::string raw;
};

using Handler = std::function<Result<Reply>(Request&)>;

struct Route {
  std::string method;   // "GET", "POST", …
  std::string pattern;  // "/api/v1/users/{id}"
  Access access = Access::kPublic;
  std::vector<auth::Role> roles;  // kStaff only; empty = every staff role.
  Handler handler;
};

struct Match {
  const Route* route = nullptr;
  std::unordered_map<std::string, std::string> params;
  bool path_exists = false;  // True with route == nullptr means 405.
};

class Router {
 public:
  void Add(Route route);
  Match Find(const std::string& method, const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  static bool MatchPattern(const std::vector<std::string>& pattern,
                           const std::vector<std::string>& path,
                           std::unordered_map<std::string, std::string>* out);
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> split_;  // Pattern segments per route.
};

std::vector<std::string> SplitPath(const std::string& path);

}  // namespace qunying::server

#endif  // QUNYING_SERVER_ROUTER_H_
