// End-to-end fixture: the real App (SQLite file, HTTP on 127.0.0.1, port 0)
// and an HTTP client that speaks the contract's envelope.
#ifndef QUNYING_TESTS_SERVER_TEST_SERVER_H_
#define QUNYING_TESTS_SERVER_TEST_SERVER_H_

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "community/campaign.h"
#include "core/time_util.h"
#include "server/app.h"
#include "tests/storage/test_db.h"

namespace qunying::server {

struct ApiReply {
  int status = 0;
  nlohmann::json body;  // The whole envelope.
  int code() const { return body.value("code", -1); }
  const nlohmann::json& data() const { return body["data"]; }
};

class ApiClient {
 public:
  explicit ApiClient(int port) : port_(port), http_("127.0.0.1", port) {
    http_.set_read_timeout(10, 0);
  }
  int port() const { return port_; }
  ApiReply Call(const std::string& method, const std::string& path,
                const std::string& body = "", const std::string& token = "",
                const std::string& type = "application/json") {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    httplib::Result res{nullptr, httplib::Error::Unknown};
    if (method == "GET")
      res = http_.Get(path, headers);
    else if (method == "POST")
      res = http_.Post(path, headers, body, type);
    else if (method == "PUT")
      res = http_.Put(path, headers, body, type);
    else if (method == "PATCH")
      res = http_.Patch(path, headers, body, type);
    else if (method == "DELETE")
      res = http_.Delete(path, headers, body, type);
    ApiReply reply;
    if (!res) {
      ADD_FAILURE() << method << " " << path << ": no answer ("
                    << httplib::to_string(res.error()) << ")";
      return reply;
    }
    reply.status = res->status;
    reply.body = nlohmann::json::parse(res->body, nullptr, false);
    return reply;
  }
  ApiReply Post(const std::string& path, const nlohmann::json& body,
                const std::string& token = "") {
    return Call("POST", path, body.dump(), token);
  }
  ApiReply Get(const std::string& path, const std::string& token = "") {
    return Call("GET", path, "", token);
  }
  httplib::Client& raw() { return http_; }

 private:
  int port_;
  httplib::Client http_;
};

class ServerTest : public ::testing::Test {
 protected:
  static constexpr char kAdminPassword[] = "admin-pass-123";

  // Tests may adjust options_ before calling Start().
  ServerTest() {
    options_.db.path = dir_.File("server.db");
    options_.data_dir = dir_.File("data");
    options_.log_path = dir_.File("server.log");
    options_.http.port = 0;
    options_.http.threads = 8;
    options_.http.max_body_bytes = 64 * 1024;
    options_.dev_login = true;
    options_.accounts.hash_strength = auth::HashStrength::kTestOnly;
    options_.ocr.workers = 0;            // OCR tests turn it on.
    options_.text_hints.poll_ms = 0;     // Likewise the typed texts' scan.
    options_.lead_schedule = {0, 0, 0};  // Tests drive the lead loop.
  }

  void Start(std::unique_ptr<auth::WeChatClient> wechat = nullptr) {
    auto app = App::Create(options_, &clock_, std::move(wechat));
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    app_ = std::move(app).value();
    ASSERT_TRUE(app_->accounts().EnsureAdmin("admin", kAdminPassword).ok());
    auto port = app_->Start();
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    client_ = std::make_unique<ApiClient>(*port);
  }

  void TearDown() override {
    if (app_) app_->Stop();
  }

  std::string LoginAs(const std::string& user, const std::string& password) {
    auto r = client_->Post("/api/v1/auth/login",
                           {{"username", user}, {"password", password}});
    EXPECT_EQ(r.status, 200) << r.body.dump();
    return r.status == 200 ? r.data()["token"].get<std::string>() : "";
  }
  std::string AdminToken() { return LoginAs("admin", kAdminPassword); }
  std::string CreateStaff(const std::string& user, const std::string& role) {
    auto r = client_->Post(
        "/api/v1/users",
        {{"username", user}, {"password", user + "-pass-1"}, {"role", role}},
        AdminToken());
    EXPECT_EQ(r.status, 201) << r.body.dump();
    return LoginAs(user, user + "-pass-1");
  }
  std::string ParticipantToken(const std::string& openid,
                               const std::string& nickname) {
    auto r = client_->Post("/api/v1/mp/login",
                           {{"openid", openid}, {"nickname", nickname}});
    EXPECT_EQ(r.status, 200) << r.body.dump();
    return r.status == 200 ? r.data()["token"].get<std::string>() : "";
  }

  // A 21-day campaign (第1期, series 阅读) that started `days_ago` days
  // before the fake clock's today, created by operator `op`; its id.
  std::string CreateRunningCampaign(const std::string& op, int days_ago) {
    int64_t today = community::LocalDay(clock_.NowMillis(), 480);
    auto c = client_->Post("/api/v1/campaigns",
                           {{"name", "第1期"},
                            {"theme", "阅读"},
                            {"series", "阅读"},
                            {"starts_on", FormatIsoDate(today - days_ago)},
                            {"days", 21}},
                           op);
    EXPECT_EQ(c.status, 201) << c.body.dump();
    return c.status == 201 ? c.data()["id"].get<std::string>() : "";
  }
  // Enrolls the participant (openid, nickname) in `campaign` and signs them
  // in to the mini-program; their token.
  std::string EnrollAndSignIn(const std::string& op,
                              const std::string& campaign,
                              const std::string& openid,
                              const std::string& nickname) {
    auto e = client_->Post(
        "/api/v1/campaigns/" + campaign + "/enrollments",
        {{"enrollments", {{{"openid", openid}, {"nickname", nickname}}}}}, op);
    EXPECT_EQ(e.status, 200) << e.body.dump();
    return ParticipantToken(openid, nickname);
  }

  storage::TempDir dir_;
  FakeClock clock_{1'800'000'000'000};
  AppOptions options_;
  std::unique_ptr<App> app_;
  std::unique_ptr<ApiClient> client_;
};

}  // namespace qunying::server

#endif  // QUNYING_TESTS_SERVER_TEST_SERVER_H_
