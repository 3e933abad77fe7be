#include "server/http_server.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <chrono>
#include <cmath>

#include "auth/unique_ids.h"
#include "server/http_status.h"

namespace qunying::server {
namespace {

constexpr char kJsonType[] = "application/json; charset=utf-8";

// Accepts a caller's X-Request-Id if it is short and plain; else makes one.
std::string RequestIdFor(const httplib::Request& http) {
  std::string id = http.get_header_value("X-Request-Id");
  bool ok = !id.empty() && id.size() <= 64;
  for (char c : id) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
                c == '_' || c == '.');
  }
  return ok ? id : auth::UniqueIds::Process().Next();
}

std::string BearerToken(const httplib::Request& http) {
  std::string h = http.get_header_value("Authorization");
  constexpr std::string_view kPrefix = "Bearer ";
  if (h.size() <= kPrefix.size() || h.compare(0, kPrefix.size(), kPrefix) != 0)
    return {};
  return h.substr(kPrefix.size());
}

bool RoleAllowed(const Route& route, auth::Role role) {
  if (route.roles.empty()) return true;
  for (auth::Role r : route.roles) {
    if (r == role) return true;
  }
  return false;
}

// What to tell a client whose request httplib refused before any handler.
std::string ProtocolErrorMessage(int status, size_t max_body_bytes) {
  switch (status) {
    case 404:
      return "no such route";
    case 413:
      return "request body is larger than " + std::to_string(max_body_bytes) +
             " bytes";
    case 414:
      return "request URL is too long: at most " +
             std::to_string(CPPHTTPLIB_REQUEST_URI_MAX_LENGTH) +
             " bytes with its query";
    case 416:
      return "requested range is not satisfiable";
    default:
      return "malformed HTTP request";
  }
}

}  // namespace

void WriteEnvelope(httplib::Response& res, int http_status, int code,
                   const std::string& msg, Json data,
                   const std::string& request_id) {
  Json body = Json::object();
  body["code"] = code;
  body["msg"] = msg;
  body["data"] = std::move(data);  // A reply's data is not copied again.
  body["request_id"] = request_id;
  res.status = http_status;
  res.set_header("X-Request-Id", request_id);
  res.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace),
                  kJsonType);
}

void WriteError(httplib::Response& res, const Status& status,
                const std::string& request_id) {
  Json data = nullptr;
  if (!status.field().empty()) data = {{"field", status.field()}};
  WriteEnvelope(res, HttpStatusFor(status.code()), ErrorCodeFor(status.code()),
                status.message(), std::move(data), request_id);
}

HttpServer::HttpServer(ServerOptions options, const Router* router,
                       auth::AccountService* accounts, Metrics* metrics,
                       Logger* logger)
    : options_(std::move(options)),
      router_(router),
      accounts_(accounts),
      metrics_(metrics),
      logger_(logger),
      web_(options_.web_dir) {
  int threads = std::max(2, options_.threads);
  http_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http_.set_tcp_nodelay(true);
  http_.set_keep_alive_max_count(options_.keep_alive_max_count);
  http_.set_keep_alive_timeout(options_.keep_alive_timeout_s);
  http_.set_read_timeout(options_.read_timeout_s, 0);
  http_.set_write_timeout(options_.write_timeout_s, 0);
  http_.set_payload_max_length(options_.max_body_bytes);
  // Debian's libcpp-httplib listens with a backlog of 5 (compiled in), so
  // a burst of new connections loses SYNs and waits for the 1 s
  // retransmit. Remember the socket to widen the backlog after binding.
  http_.set_socket_options([this](int sock) {
    httplib::default_socket_options(sock);
    listen_fd_ = sock;
  });

  // RFC 9112 §6.3: a request with neither Content-Length nor
  // Transfer-Encoding has no body. cpp-httplib 0.11 instead reads a POST,
  // PUT, PATCH or DELETE until the read timeout and then answers 400, so
  // `curl -X POST …/undo` hung for 10 s and failed. Say the body is empty.
  // (The Request is httplib's own non-const object; the hook only sees it
  // as const.)
  http_.set_pre_routing_handler(
      [](const httplib::Request& req, httplib::Response&) {
        if (!req.has_header("Content-Length") &&
            !req.has_header("Transfer-Encoding")) {
          const_cast<httplib::Request&>(req).set_header("Content-Length", "0");
        }
        return httplib::Server::HandlerResponse::Unhandled;
      });

  auto dispatch = [this](const httplib::Request& req, httplib::Response& res) {
    Dispatch(req, res);
  };
  http_.Get(".*", dispatch);
  http_.Post(".*", dispatch);
  http_.Put(".*", dispatch);
  http_.Patch(".*", dispatch);
  http_.Delete(".*", dispatch);
  http_.Options(".*", dispatch);

  // Errors raised inside httplib before a handler runs (oversize body,
  // malformed request line) still get the envelope.
  httplib::Server::HandlerWithResponse on_error =
      [this](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty())
          return httplib::Server::HandlerResponse::Unhandled;
        int status = res.status;
        // The contract's code is the HTTP status × 100 + 1 for every status
        // httplib sets itself (400, 404, 413, 414, 416, …), so the code
        // never contradicts the status line.
        WriteEnvelope(res, status, status * 100 + 1,
                      ProtocolErrorMessage(status, options_.max_body_bytes),
                      nullptr, RequestIdFor(req));
        metrics_->ObserveRequest("unmatched", req.method, status, 0);
        return httplib::Server::HandlerResponse::Handled;
      };
  http_.set_error_handler(on_error);
  http_.set_exception_handler([](const httplib::Request& req,
                                 httplib::Response& res, std::exception_ptr) {
    WriteError(res, Status::Internal("internal error"), RequestIdFor(req));
  });
}

Result<int> HttpServer::Bind() {
  int port = options_.port == 0 ? http_.bind_to_any_port(options_.host)
             : http_.bind_to_port(options_.host, options_.port) ? options_.port
                                                                : -1;
  if (port <= 0) {
    return Status::Unavailable("cannot listen on " + options_.host + ":" +
                               std::to_string(options_.port));
  }
  if (listen_fd_ >= 0 && ::listen(listen_fd_, SOMAXCONN) != 0) {
    return Status::Unavailable(
        std::string("cannot widen the listen backlog: ") +
        std::strerror(errno));
  }
  return port;
}

void HttpServer::Serve() { http_.listen_after_bind(); }

void HttpServer::Stop() { http_.stop(); }

std::string HttpServer::ClientAddress(const httplib::Request& http) const {
  if (options_.trust_proxy) {
    std::string fwd = http.get_header_value("X-Forwarded-For");
    // The proxy appends the address it saw; anything left of it came from
    // the client and can be forged, so take the last entry.
    if (!fwd.empty()) {
      size_t comma = fwd.rfind(',');
      std::string last =
          comma == std::string::npos ? fwd : fwd.substr(comma + 1);
      size_t b = last.find_first_not_of(' ');
      if (b != std::string::npos) return last.substr(b);
    }
  }
  return http.remote_addr;
}

bool HttpServer::ServeStatic(const httplib::Request& http,
                             httplib::Response& res,
                             const std::string& request_id) {
  if (http.method != "GET" && http.method != "HEAD") return false;
  if (http.path.rfind("/api/", 0) == 0) return false;
  Result<StaticFile> f = web_.Load(http.path);
  if (!f.ok()) {
    WriteError(res, f.status(), request_id);
    return true;
  }
  res.status = 200;
  res.set_header("Cache-Control", f->cache_control);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(f->body, f->content_type);
  return true;
}

Result<Reply> HttpServer::Run(const Match& match, Request& req) {
  const Route& route = *match.route;
  if (route.access != Access::kPublic) {
    req.token = BearerToken(req.http);
    auto kind = route.access == Access::kStaff
                    ? auth::SessionKind::kStaff
                    : auth::SessionKind::kParticipant;
    QY_ASSIGN_OR_RETURN(req.principal,
                        accounts_->Authenticate(req.token, kind));
    if (route.access == Access::kStaff &&
        !RoleAllowed(route, req.principal.role)) {
      return Status::PermissionDenied("your role may not do this");
    }
  }
  try {
    return route.handler(req);
  } catch (const std::exception& e) {
    logger_->Error("handler_exception", {{"request_id", req.request_id},
                                         {"route", route.pattern},
                                         {"what", e.what()}});
    return Status::Internal("internal error");
  }
}

void HttpServer::Dispatch(const httplib::Request& http,
                          httplib::Response& res) {
  auto start = std::chrono::steady_clock::now();
  Request req{http, {}, {}, {}, RequestIdFor(http), ClientAddress(http)};
  Match match = router_->Find(http.method, http.path);
  std::string label = match.route ? match.route->pattern : "unmatched";
  if (!match.route && !match.path_exists &&
      ServeStatic(http, res, req.request_id)) {
    label = "static";
  } else if (!match.route) {
    WriteError(res,
               match.path_exists
                   ? Status(StatusCode::kMethodNotAllowed,
                            "method " + http.method + " is not allowed here")
                   : Status::NotFound("no such route: " + http.path),
               req.request_id);
  } else {
    req.params = std::move(match.params);
    Result<Reply> reply = Run(match, req);
    if (!reply.ok()) {
      WriteError(res, reply.status(), req.request_id);
      if (reply.status().code() == StatusCode::kInternal) {
        logger_->Error("internal_error",
                       {{"request_id", req.request_id},
                        {"route", label},
                        {"detail", reply.status().message()}});
      }
    } else if (!reply->content_type.empty()) {
      res.status = reply->status;
      res.set_content(reply->raw, reply->content_type.c_str());
    } else {
      WriteEnvelope(res, reply->status, 0, "ok", std::move(reply->data),
                    req.request_id);
    }
  }
  double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  metrics_->ObserveRequest(label, http.method, res.status, secs);
  Json line = {{"request_id", req.request_id},
               {"method", http.method},
               {"route", label},
               {"status", res.status},
               {"ms", std::round(secs * 1e6) / 1000},  // To the µs.
               {"remote", req.client_address}};
  if (req.principal.id != 0) {
    line[req.principal.kind == auth::SessionKind::kStaff ? "user_id"
                                                         : "member_id"] =
        req.principal.id;
  }
  logger_->Log(res.status >= 500 ? LogLevel::kError : LogLevel::kInfo, "http",
               std::move(line));
}

}  // namespace qunying::server
