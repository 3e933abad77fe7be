// The HTTP pipeline itself: exceptions, concurrency, logs and metrics.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>

#include "server/http_server.h"
#include "server/logger.h"
#include "tests/server/test_server.h"

namespace qunying::server {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(HttpServerTest, AThrowingHandlerAnswers500AndTheServerLivesOn) {
  storage::TempDir dir;
  Router router;
  router.Add(
      {"GET", "/boom", Access::kPublic, {}, [](Request&) -> Result<Reply> {
         throw std::runtime_error("kaboom");
       }});
  router.Add(
      {"GET", "/fine", Access::kPublic, {}, [](Request&) -> Result<Reply> {
         return Reply{200, {{"ok", 1}}};
       }});
  Metrics metrics;
  Logger logger(dir.File("log"), LogLevel::kInfo);
  ServerOptions o;
  o.port = 0;
  o.threads = 2;
  HttpServer server(o, &router, nullptr, &metrics, &logger);
  auto port = server.Bind();
  ASSERT_TRUE(port.ok());
  std::thread t([&] { server.Serve(); });
  ApiClient client(*port);
  for (int i = 0; i < 3; ++i) {
    auto r = client.Get("/boom");
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.code(), 50001);
    EXPECT_EQ(r.body["msg"], "internal error");  // No internals leak out.
  }
  EXPECT_EQ(client.Get("/fine").status, 200);
  server.Stop();
  t.join();
  logger.Flush();
  EXPECT_NE(ReadFile(dir.File("log")).find("kaboom"), std::string::npos);
}

TEST(LoggerTest, KeepsEveryLineAcrossItsWritebacks) {
  storage::TempDir dir;
  constexpr int kLines = 30000;  // About 3 MiB: several writebacks.
  {
    Logger logger(dir.File("log"), LogLevel::kInfo);
    for (int i = 0; i < kLines; ++i) {
      logger.Info("line", {{"i", i}, {"pad", std::string(40, 'x')}});
    }
    logger.Flush();
  }
  std::string text = ReadFile(dir.File("log"));
  EXPECT_GT(text.size(), size_t{2} << 20);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), kLines);
  size_t last = text.rfind('\n', text.size() - 2);
  auto j = nlohmann::json::parse(text.substr(last + 1));
  EXPECT_EQ(j["i"], kLines - 1);
}

TEST(LoggerTest, ScrubsMobileNumbersButNotOtherDigits) {
  EXPECT_EQ(ScrubPhones("call 13812345678 now"), "call 1********** now");
  EXPECT_EQ(ScrubPhones("order 123456789012"), "order 123456789012");
  EXPECT_EQ(ScrubPhones("id 23812345678"), "id 23812345678");
}

class PipelineTest : public ServerTest {
 protected:
  void SetUp() override { Start(); }

  // Sends `request` as it is on a new connection and returns what comes
  // back within two seconds (the server's read timeout is ten).
  std::string SendRaw(const std::string& request) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(client_->port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval limit{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    std::string reply;
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        send(fd, request.data(), request.size(), 0) ==
            static_cast<ssize_t>(request.size())) {
      // Headers and body may come in separate segments: read until the
      // body's Content-Length is in.
      char buf[4096];
      for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) {
        reply.append(buf, n);
        size_t end = reply.find("\r\n\r\n");
        size_t at = reply.find("Content-Length: ");
        if (end == std::string::npos || at == std::string::npos) continue;
        size_t length = std::stoul(reply.substr(at + 16));
        if (reply.size() >= end + 4 + length) break;
      }
    }
    close(fd);
    return reply;
  }
};

TEST_F(PipelineTest, APostWithoutContentLengthHasAnEmptyBody) {
  // curl -X POST with no data sends neither Content-Length nor
  // Transfer-Encoding: the request has no body (RFC 9112 §6.3).
  std::string token = AdminToken();
  std::string reply = SendRaw(
      "POST /api/v1/auth/logout HTTP/1.1\r\n"
      "Host: 127.0.0.1\r\nAuthorization: Bearer " +
      token + "\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 200", 0), 0u) << reply;
  EXPECT_EQ(client_->Get("/api/v1/auth/me", token).status, 401);
  // An endpoint that needs a body says so at once.
  reply = SendRaw(
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/json\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
  EXPECT_NE(reply.find("body"), std::string::npos) << reply;
}

TEST_F(PipelineTest, ManyConcurrentKeepAliveClientsAllGetAnswers) {
  std::string token = AdminToken();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      ApiClient c(app_->port());
      c.raw().set_keep_alive(true);
      for (int i = 0; i < 50; ++i) {
        auto r =
            c.Get(i % 2 ? "/healthz" : "/api/v1/auth/me", i % 2 ? "" : token);
        if (r.status == 200 && r.code() == 0) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 300);
}

TEST_F(PipelineTest, LogsNeverHoldPasswordsTokensOrPhones) {
  std::string token = AdminToken();
  (void)client_->Post("/api/v1/auth/login",
                      {{"username", "admin"}, {"password", "wrong-secret-77"}});
  (void)client_->Get("/api/v1/auth/me?phone=13812345678", token);
  (void)client_->Post("/api/v1/users",
                      {{"username", "13912345678"},
                       {"password", "p-13700001111"},
                       {"role", "sales"}},
                      token);
  app_->Stop();
  std::string log = ReadFile(options_.log_path);
  ASSERT_NE(log.find("\"event\":\"http\""), std::string::npos);
  EXPECT_EQ(log.find(kAdminPassword), std::string::npos);
  EXPECT_EQ(log.find("wrong-secret-77"), std::string::npos);
  EXPECT_EQ(log.find(token), std::string::npos);
  EXPECT_EQ(log.find("13812345678"), std::string::npos);
  EXPECT_EQ(log.find("13912345678"), std::string::npos);
  EXPECT_EQ(log.find("13700001111"), std::string::npos);
  // Every line is one JSON object with a request id for HTTP events.
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(j.is_object()) << line;
    if (j["event"] == "http") {
      EXPECT_TRUE(j.contains("request_id"));
      // Milliseconds to the microsecond, not 0.41740499999999997.
      double ms = j["ms"].get<double>();
      EXPECT_NEAR(ms * 1000, std::round(ms * 1000), 1e-6) << line;
      std::string number = line.substr(line.find("\"ms\":") + 5);
      EXPECT_LE(number.find_first_of(",}"), 10u) << line;
    }
  }
}

TEST_F(PipelineTest, MetricsCountRequestsByRouteAndStatus) {
  (void)client_->Get("/healthz");
  (void)client_->Get("/healthz");
  (void)client_->Get("/api/v1/users/12345/nothing");
  auto res = client_->raw().Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const std::string& text = res->body;
  EXPECT_NE(text.find("qunying_http_requests_total{route=\"/healthz\",method="
                      "\"GET\",status=\"200\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("status=\"404\""), std::string::npos);
  EXPECT_NE(text.find("qunying_http_request_duration_seconds_bucket{route="
                      "\"/healthz\",method=\"GET\",le=\"+Inf\"} 2"),
            std::string::npos);
  EXPECT_NE(text.find("qunying_db_schema_version"), std::string::npos);
  // Raw paths never become labels.
  EXPECT_EQ(text.find("12345"), std::string::npos);
}

}  // namespace
}  // namespace qunying::server
