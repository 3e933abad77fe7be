// The mini-program's /mp/login and /mp/me, with WeChat stubbed on loopback.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "core/time_util.h"
#include "tests/server/test_server.h"

namespace qunying::server {
namespace {

// Plays WeChat on 127.0.0.1: jscode2session (js_code decides the answer),
// /cgi-bin/token and getuserphonenumber ("phone-<11 digits>" is that
// number, "phone-foreign" a US one, anything else refused).
class WeChatStub {
 public:
  WeChatStub() {
    server_.Get("/sns/jscode2session", [this](const httplib::Request& req,
                                              httplib::Response& res) {
      ++calls_;
      last_appid_ = req.get_param_value("appid");
      std::string code = req.get_param_value("js_code");
      if (code == "slow") std::this_thread::sleep_for(std::chrono::seconds(2));
      nlohmann::json body;
      if (code.rfind("good-", 0) == 0) {
        body = {{"openid", "wx-openid-" + code.substr(5)},
                {"session_key", "SECRET_SESSION_KEY"},
                {"unionid", "wx-union-" + code.substr(5)}};
      } else if (code.rfind("other-", 0) == 0) {  // Another app, same person.
        body = {{"openid", "wx-other-openid-" + code.substr(6)},
                {"session_key", "SECRET_SESSION_KEY"},
                {"unionid", "wx-union-" + code.substr(6)}};
      } else if (code == "busy") {
        body = {{"errcode", 45011}, {"errmsg", "api minute-quota reach limit"}};
      } else {
        body = {{"errcode", 40029}, {"errmsg", "invalid code"}};
      }
      res.set_content(body.dump(), "application/json");
    });
    server_.Get("/cgi-bin/token", [this](const httplib::Request& req,
                                         httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      ++token_calls_;
      nlohmann::json body = {{"errcode", 40013}, {"errmsg", "invalid appid"}};
      if (req.get_param_value("grant_type") == "client_credential" &&
          req.get_param_value("secret") == "test-secret") {
        token_ = "tok-" + std::to_string(token_calls_);
        body = {{"access_token", token_}, {"expires_in", 7200}};
      }
      res.set_content(body.dump(), "application/json");
    });
    server_.Post(
        "/wxa/business/getuserphonenumber",
        [this](const httplib::Request& req, httplib::Response& res) {
          std::lock_guard<std::mutex> lock(mu_);
          auto in = nlohmann::json::parse(req.body, nullptr, false);
          std::string code = in.value("code", "");
          last_phone_openid_ = in.value("openid", "");
          nlohmann::json body;
          if (req.get_param_value("access_token") != token_ || revoke_token_) {
            revoke_token_ = false;
            token_.clear();
            body = {{"errcode", 40001}, {"errmsg", "access_token is invalid"}};
          } else if (code == "phone-foreign") {
            body = {
                {"errcode", 0},
                {"phone_info",
                 {{"purePhoneNumber", "2025550123"}, {"countryCode", "1"}}}};
          } else if (code.rfind("phone-", 0) == 0) {
            body = {{"errcode", 0},
                    {"phone_info",
                     {{"phoneNumber", code.substr(6)},
                      {"purePhoneNumber", code.substr(6)},
                      {"countryCode", 86}}}};
          } else {
            body = {{"errcode", 40029}, {"errmsg", "invalid code"}};
          }
          res.set_content(body.dump(), "application/json");
        });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~WeChatStub() {
    server_.stop();
    thread_.join();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
  }
  int calls() const { return calls_; }
  std::string last_appid() const { return last_appid_; }
  int token_calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return token_calls_;
  }
  std::string last_phone_openid() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_phone_openid_;
  }
  // WeChat revokes the token it gave (another server fetched a new one).
  void RevokeToken() {
    std::lock_guard<std::mutex> lock(mu_);
    revoke_token_ = true;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> calls_{0};
  std::string last_appid_;
  std::mutex mu_;
  int token_calls_ = 0;            // Guarded by mu_.
  std::string token_;              // Guarded by mu_.
  std::string last_phone_openid_;  // Guarded by mu_.
  bool revoke_token_ = false;      // Guarded by mu_.
};

class MpApiTest : public ServerTest {
 protected:
  void SetUp() override {
    options_.wechat.base_url = stub_.url();
    options_.wechat.appid = "wx-test-app";
    options_.wechat.secret = "test-secret";
    options_.wechat.timeout_ms = 500;
    Start();
  }
  WeChatStub stub_;
};

TEST_F(MpApiTest, CodeLoginCreatesTheMemberOnceAndReturnsAToken) {
  auto first = client_->Post("/api/v1/mp/login", {{"code", "good-abc"}});
  ASSERT_EQ(first.status, 200) << first.body.dump();
  EXPECT_EQ(stub_.last_appid(), "wx-test-app");
  auto again = client_->Post("/api/v1/mp/login", {{"code", "good-abc"}});
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(first.data()["member_id"], again.data()["member_id"]);
  auto other = client_->Post("/api/v1/mp/login", {{"code", "good-xyz"}});
  EXPECT_NE(first.data()["member_id"], other.data()["member_id"]);
  auto me = client_->Get("/api/v1/mp/me", first.data()["token"]);
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.data()["member_id"], first.data()["member_id"]);
}

TEST_F(MpApiTest, AFirstSignInJoinsTheMemberARosterKnewByUnionid) {
  // The group's roster came first: 王小明妈妈 with her unionid, a member
  // the mini-program has not seen.
  std::string op = CreateStaff("yunying", "operator");
  std::string group = client_
                          ->Post("/api/v1/groups",
                                 {{"name", "长期群"},
                                  {"campaign_id", nullptr},
                                  {"theme", "阅读"},
                                  {"series", "阅读"}},
                                 op)
                          .data()["id"];
  auto roster = client_->Post(
      "/api/v1/groups/" + group + "/rosters",
      {{"members",
        {{{"nickname", "王小明妈妈"}, {"unionid", "wx-union-abc"}},
         {{"nickname", "李欣怡妈妈"}, {"unionid", "wx-union-xyz"}}}}},
      op);
  ASSERT_EQ(roster.status, 200) << roster.body.dump();
  auto found =
      client_->Get("/api/v1/members?q=%E7%8E%8B%E5%B0%8F%E6%98%8E", op);
  ASSERT_EQ(found.data()["items"].size(), 1u) << found.body.dump();
  std::string known = found.data()["items"][0]["id"];
  auto login = client_->Post("/api/v1/mp/login", {{"code", "good-abc"}});
  ASSERT_EQ(login.status, 200) << login.body.dump();
  EXPECT_EQ(login.data()["member_id"], known);
  auto me = client_->Get("/api/v1/mp/me", login.data()["token"]);
  EXPECT_EQ(me.data()["nickname"], "王小明妈妈");
  // Signed in again: the same; another roster row of hers still finds her.
  EXPECT_EQ(client_->Post("/api/v1/mp/login", {{"code", "good-abc"}})
                .data()["member_id"],
            known);
  auto again = client_->Post(
      "/api/v1/groups/" + group + "/rosters",
      {{"members", {{{"nickname", "小明妈妈🌸"}, {"unionid", "wx-union-abc"}}}}},
      op);
  EXPECT_EQ(again.data()["matched_by"]["unionid"], 1) << again.body.dump();
  EXPECT_EQ(again.data()["review"], 0);
  // Another openid with her unionid does not take her record over.
  auto other = client_->Post("/api/v1/mp/login", {{"code", "other-abc"}});
  ASSERT_EQ(other.status, 200) << other.body.dump();
  EXPECT_NE(other.data()["member_id"], known);
  EXPECT_EQ(client_->Post("/api/v1/mp/login", {{"code", "good-abc"}})
                .data()["member_id"],
            known);
}

TEST_F(MpApiTest, APhoneFromWeChatJoinsTheRecordTheOrderListMade) {
  // The shop's order list came first: 王小明妈妈 paid, with her phone.
  std::string op = CreateStaff("yunying", "operator");
  std::string campaign = CreateRunningCampaign(op, 3);
  auto orders = client_->Call(
      "POST", "/api/v1/campaigns/" + campaign + "/enrollments",
      "微信昵称,手机号,实付金额\n王小明妈妈,13800000001,99\n", op, "text/csv");
  ASSERT_EQ(orders.data()["created"], 1) << orders.body.dump();
  // She opens the mini-program: a record of her WeChat account, which the
  // campaign does not know.
  auto login = client_->Post("/api/v1/mp/login", {{"code", "good-abc"}});
  ASSERT_EQ(login.status, 200) << login.body.dump();
  std::string token = login.data()["token"];
  nlohmann::json checkin = {{"campaign_id", campaign}, {"client_id", "c1"}};
  EXPECT_EQ(client_->Post("/api/v1/mp/checkins", checkin, token).status, 403);
  // She looks around for ten minutes first; the campaign's dwell report
  // (kept between requests) does not count her yet.
  nlohmann::json look = {{"type", "page_view"},
                         {"dwell_ms", 600000},
                         {"ts", FormatRfc3339(clock_.NowMillis())},
                         {"client_id", "e1"}};
  ASSERT_EQ(
      client_->Post("/api/v1/mp/events", {{"events", {look}}}, token).status,
      202);
  const std::string dwell = "/api/v1/campaigns/" + campaign + "/dwell";
  EXPECT_EQ(client_->Get(dwell, op).data()["days"].size(), 0u);
  // She shares her phone.
  auto bound =
      client_->Post("/api/v1/mp/phone", {{"code", "phone-13800000001"}}, token);
  ASSERT_EQ(bound.status, 200) << bound.body.dump();
  EXPECT_EQ(stub_.last_phone_openid(), "wx-openid-abc");
  EXPECT_TRUE(bound.data()["joined_record"].get<bool>());
  EXPECT_EQ(bound.data()["phone"], "138****0001");
  ASSERT_EQ(bound.data()["campaigns"].size(), 1u);
  std::string record = bound.data()["member_id"];
  EXPECT_NE(record, login.data()["member_id"]);
  // Her ten minutes are the record's now, and the campaign's.
  auto days = client_->Get(dwell, op);
  ASSERT_EQ(days.data()["days"].size(), 1u) << days.body.dump();
  EXPECT_EQ(days.data()["days"][0]["active"], 1);
  EXPECT_DOUBLE_EQ(days.data()["days"][0]["avg_dwell_s"].get<double>(), 600.0);
  // The same session now checks in to what she paid for, and signing in
  // again finds the record.
  EXPECT_EQ(client_->Post("/api/v1/mp/checkins", checkin, token).status, 201);
  EXPECT_EQ(client_->Get("/api/v1/mp/me", token).data()["member_id"], record);
  EXPECT_EQ(client_->Post("/api/v1/mp/login", {{"code", "good-abc"}})
                .data()["member_id"],
            record);
  // The join is an audited merge an operator can undo.
  bool audited = false;
  auto audit =
      client_->Get("/api/v1/audit", AdminToken());  // Held: read below.
  for (const auto& a : audit.data()["items"])
    audited |= a["action"] == "member.merge" && a["actor_user_id"].is_null();
  EXPECT_TRUE(audited);
  EXPECT_EQ(stub_.token_calls(), 1);

  // Her husband shares the number from his own WeChat: the record already
  // signs in (her account was merged into it), so he is not joined to it.
  std::string husband =
      client_->Post("/api/v1/mp/login", {{"code", "good-dad"}}).data()["token"];
  auto shared = client_->Post("/api/v1/mp/phone",
                              {{"code", "phone-13800000001"}}, husband);
  ASSERT_EQ(shared.status, 200) << shared.body.dump();
  EXPECT_FALSE(shared.data()["joined_record"].get<bool>());
  EXPECT_NE(shared.data()["member_id"], record);

  // Someone the order list does not know: the phone is recorded as theirs,
  // with the token kept from before.
  std::string other =
      client_->Post("/api/v1/mp/login", {{"code", "good-xyz"}}).data()["token"];
  auto own =
      client_->Post("/api/v1/mp/phone", {{"code", "phone-13900000002"}}, other);
  ASSERT_EQ(own.status, 200) << own.body.dump();
  EXPECT_FALSE(own.data()["joined_record"].get<bool>());
  EXPECT_EQ(client_->Get("/api/v1/mp/me", other).data()["phone"],
            "139****0002");
  auto twice =  // Shared again: still theirs, nobody to join.
      client_->Post("/api/v1/mp/phone", {{"code", "phone-13900000002"}}, other);
  EXPECT_EQ(twice.status, 200) << twice.body.dump();
  EXPECT_FALSE(twice.data()["joined_record"].get<bool>());
  EXPECT_EQ(stub_.token_calls(), 1);  // Kept since the first phone.
  // A token WeChat revoked is fetched again, once.
  stub_.RevokeToken();
  EXPECT_EQ(
      client_->Post("/api/v1/mp/phone", {{"code", "phone-13900000003"}}, other)
          .status,
      200);
  EXPECT_EQ(stub_.token_calls(), 2);
  // Codes WeChat refuses, numbers outside the mainland, wrong types.
  auto refused = client_->Post("/api/v1/mp/phone", {{"code", "used"}}, other);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.data()["field"], "code");
  EXPECT_EQ(
      client_->Post("/api/v1/mp/phone", {{"code", "phone-foreign"}}, other)
          .status,
      400);
  EXPECT_EQ(client_->Post("/api/v1/mp/phone", {{"code", 12}}, other).status,
            400);
  EXPECT_EQ(client_
                ->Post("/api/v1/mp/phone", {{"code", "phone-13900000004"}},
                       "no-such-token")
                .status,
            401);
  // With --dev-login (this fixture), a typed phone is taken as verified.
  auto typed =
      client_->Post("/api/v1/mp/phone", {{"phone", "139 0000 0005"}}, other);
  EXPECT_EQ(typed.data()["phone"], "139****0005") << typed.body.dump();
  EXPECT_EQ(
      client_->Post("/api/v1/mp/phone", {{"phone", "12345"}}, other).status,
      400);
}

TEST_F(MpApiTest, TypedOpenidsAndPhonesNeedDevLogin) {
  std::string token =
      client_->Post("/api/v1/mp/login", {{"code", "good-abc"}}).data()["token"];
  app_->Stop();
  options_.dev_login = false;  // As in production.
  Start();
  auto openid = client_->Post("/api/v1/mp/login",
                              {{"openid", "dev-9"}, {"nickname", "小明妈妈"}});
  EXPECT_EQ(openid.status, 400);
  EXPECT_EQ(openid.data()["field"], "code");
  // The session survived the restart; a typed phone does not pass.
  auto typed =
      client_->Post("/api/v1/mp/phone", {{"phone", "13900000005"}}, token);
  EXPECT_EQ(typed.status, 400) << typed.body.dump();
  EXPECT_EQ(typed.data()["field"], "code");
  EXPECT_EQ(client_->Get("/api/v1/mp/me", token).data()["phone"], "");
  EXPECT_EQ(
      client_->Post("/api/v1/mp/phone", {{"code", "phone-13900000005"}}, token)
          .status,
      200);
}

TEST_F(MpApiTest, InvalidCodeIs401) {
  auto r = client_->Post("/api/v1/mp/login", {{"code", "expired"}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.code(), 40101);
}

TEST_F(MpApiTest, WeChatRateLimitIs429) {
  auto r = client_->Post("/api/v1/mp/login", {{"code", "busy"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.code(), 42901);
}

TEST_F(MpApiTest, WeChatTimeoutIs503AndTheServerStaysResponsive) {
  auto r = client_->Post("/api/v1/mp/login", {{"code", "slow"}});
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.code(), 50301);
  EXPECT_EQ(client_->Get("/healthz").status, 200);
}

TEST_F(MpApiTest, EmptyOrWrongTypedCodeIs400) {
  EXPECT_EQ(client_->Post("/api/v1/mp/login", {{"code", ""}}).code(), 40001);
  auto r = client_->Post("/api/v1/mp/login", {{"code", 12}});
  EXPECT_EQ(r.code(), 40001);
  EXPECT_EQ(r.data()["field"], "code");
  EXPECT_EQ(stub_.calls(), 0);
}

TEST_F(MpApiTest, DevLoginWorksOnlyWithTheFlag) {
  auto r = client_->Post("/api/v1/mp/login",
                         {{"openid", "dev-1"}, {"nickname", "小明妈妈"}});
  EXPECT_EQ(r.status, 200);
}

TEST_F(MpApiTest, RenameKeepsHistoryAndRefusesBadNicknames) {
  std::string p = ParticipantToken("dev-2", "王小明妈妈");
  auto r = client_->Call("PUT", "/api/v1/mp/me",
                         nlohmann::json{{"nickname", "王小明妈妈🌸"}}.dump(), p);
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.data()["nickname"], "王小明妈妈🌸");
  ASSERT_EQ(r.data()["nickname_history"].size(), 1u);
  EXPECT_EQ(r.data()["nickname_history"][0]["nickname"], "王小明妈妈");
  auto bad = client_->Call("PUT", "/api/v1/mp/me",
                           nlohmann::json{{"nickname", "   "}}.dump(), p);
  EXPECT_EQ(bad.code(), 40001);
  EXPECT_EQ(bad.data()["field"], "nickname");
  auto wrong = client_->Call("PUT", "/api/v1/mp/me", R"({"nickname": 5})", p);
  EXPECT_EQ(wrong.code(), 40001);
  // Nothing changed by the refused requests.
  EXPECT_EQ(client_->Get("/api/v1/mp/me", p).data()["nickname"], "王小明妈妈🌸");
}

class MpWithoutDevLoginTest : public ServerTest {
 protected:
  void SetUp() override {
    options_.dev_login = false;
    Start();
  }
};

TEST_F(MpWithoutDevLoginTest, OpenidLoginIsRefused) {
  auto r = client_->Post("/api/v1/mp/login",
                         {{"openid", "dev-1"}, {"nickname", "小明妈妈"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code(), 40001);
}

TEST_F(MpWithoutDevLoginTest, CodeLoginWithoutAppIdIs503) {
  auto r = client_->Post("/api/v1/mp/login", {{"code", "good-1"}});
  EXPECT_EQ(r.status, 503);
}

}  // namespace
}  // namespace qunying::server
