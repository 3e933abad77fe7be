// HttpServer: cpp-httplib set up for real traffic, and the request pipeline
// every route goes through — request id, routing (404/405), authentication
// and role checks from the route table, the contract's envelope, metrics and
// an access log line. Bind, then Serve on one thread; Stop from another.
#ifndef QUNYING_SERVER_HTTP_SERVER_H_
#define QUNYING_SERVER_HTTP_SERVER_H_

#include <httplib.h>

#include <memory>
#include <string>

#include "auth/account_service.h"
#include "core/result.h"
#include "server/logger.h"
#include "server/metrics.h"
#include "server/router.h"
#include "server/static_files.h"

namespace qunying::server {

struct ServerOptions {
  // Address to listen on; 127.0.0.1 behind a local nginx.
  std::string host = "127.0.0.1";
  // Port; 0 picks a free one (tests).
  int port = 8080;
  // Worker threads. cpp-httplib holds one thread per open keep-alive
  // connection, so this is the number of connections served at once.
  int threads = 64;
  // Largest request body accepted (check-in photos included): 12 MiB.
  size_t max_body_bytes = 12u << 20;
  // Requests per keep-alive connection before it is closed (httplib's default
  // of 5 churns connections under load).
  int keep_alive_max_count = 100000;
  // Seconds an idle keep-alive connection is kept.
  int keep_alive_timeout_s = 10;
  // Seconds to wait on a slow client while reading a request / writing.
  int read_timeout_s = 10;
  int write_timeout_s = 10;
  // Take the client address from X-Forwarded-For (only behind a trusted
  // reverse proxy such as the nginx in README).
  bool trust_proxy = false;
  // The built web console, served at `/` for GET paths outside the API;
  // empty turns it off. Relative to the working directory.
  std::string web_dir = "web/dist";
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, const Router* router,
             auth::AccountService* accounts, Metrics* metrics, Logger* logger);

  // Binds the listening socket; returns the port (useful with port 0).
  Result<int> Bind();
  // Serves until Stop(); returns after in-flight requests have finished.
  void Serve();
  // Stops accepting and lets in-flight requests finish. Thread-safe.
  void Stop();

 private:
  void Dispatch(const httplib::Request& http, httplib::Response& res);
  Result<Reply> Run(const Match& match, Request& req);
  std::string ClientAddress(const httplib::Request& http) const;
  // Answers a GET outside the API from the web console; false if not one.
  bool ServeStatic(const httplib::Request& http, httplib::Response& res,
                   const std::string& request_id);

  ServerOptions options_;
  const Router* router_;
  auth::AccountService* accounts_;
  Metrics* metrics_;
  Logger* logger_;
  int listen_fd_ = -1;  // The listening socket, once bound.
  StaticFiles web_;
  httplib::Server http_;
};

// Writes the contract's envelope. `data` is null on errors without details.
void WriteEnvelope(httplib::Response& res, int http_status, int code,
                   const std::string& msg, Json data,
                   const std::string& request_id);
void WriteError(httplib::Response& res, const Status& status,
                const std::string& request_id);

}  // namespace qunying::server

#endif  // QUNYING_SERVER_HTTP_SERVER_H_
