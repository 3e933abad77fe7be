// Envelope, error codes and staff accounts over real HTTP.
#include <gtest/gtest.h>

#include <set>

#include "tests/server/test_server.h"

namespace qunying::server {
namespace {

class AuthApiTest : public ServerTest {
 protected:
  void SetUp() override { Start(); }
};

TEST_F(AuthApiTest, HealthAndReadinessAnswerInTheEnvelope) {
  auto h = client_->Get("/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.code(), 0);
  EXPECT_EQ(h.body["msg"], "ok");
  EXPECT_FALSE(h.body["request_id"].get<std::string>().empty());
  auto r = client_->Get("/readyz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.data()["status"], "ready");
}

TEST_F(AuthApiTest, UnknownRouteIs404AndWrongMethodIs405) {
  auto a = client_->Get("/api/v1/nothing-here");
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(a.code(), 40401);
  auto b = client_->Call("DELETE", "/api/v1/auth/login");
  EXPECT_EQ(b.status, 405);
  EXPECT_EQ(b.code(), 40501);
}

TEST_F(AuthApiTest, LoginReturnsTokenRoleAndUserId) {
  auto r = client_->Post("/api/v1/auth/login",
                         {{"username", "admin"}, {"password", kAdminPassword}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.data()["role"], "admin");
  EXPECT_TRUE(r.data()["user_id"].is_string());
  auto me = client_->Get("/api/v1/auth/me", r.data()["token"]);
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.data()["username"], "admin");
}

TEST_F(AuthApiTest, WrongPasswordIs401) {
  auto r = client_->Post("/api/v1/auth/login",
                         {{"username", "admin"}, {"password", "wrong-pass-1"}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.code(), 40101);
}

TEST_F(AuthApiTest, RepeatedWrongPasswordsAre429) {
  ApiReply r;
  for (int i = 0; i < 6; ++i) {
    r = client_->Post("/api/v1/auth/login",
                      {{"username", "admin"}, {"password", "wrong-pass-1"}});
  }
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.code(), 42901);
}

TEST_F(AuthApiTest, MissingGarbageAndExpiredTokensAre401) {
  EXPECT_EQ(client_->Get("/api/v1/auth/me").code(), 40101);
  EXPECT_EQ(client_->Get("/api/v1/auth/me", "garbage").code(), 40101);
  std::string token = AdminToken();
  ASSERT_EQ(client_->Get("/api/v1/auth/me", token).status, 200);
  clock_.Advance(9LL * 3600 * 1000);  // Past the 8 h idle limit.
  EXPECT_EQ(client_->Get("/api/v1/auth/me", token).code(), 40101);
}

TEST_F(AuthApiTest, LogoutKillsTheToken) {
  std::string token = AdminToken();
  EXPECT_EQ(
      client_->Post("/api/v1/auth/logout", nlohmann::json::object(), token)
          .status,
      200);
  EXPECT_EQ(client_->Get("/api/v1/auth/me", token).status, 401);
}

TEST_F(AuthApiTest, ParticipantTokenNeverReachesAStaffRoute) {
  std::string p = ParticipantToken("openid-1", "王小明妈妈");
  EXPECT_EQ(client_->Get("/api/v1/users", p).status, 401);
  EXPECT_EQ(client_->Get("/api/v1/auth/me", p).status, 401);
  // And a staff token is not a participant token.
  EXPECT_EQ(client_->Get("/api/v1/mp/me", AdminToken()).status, 401);
}

TEST_F(AuthApiTest, OnlyAdminsManageUsers) {
  std::string op = CreateStaff("operator1", "operator");
  auto r = client_->Post(
      "/api/v1/users",
      {{"username", "x1x"}, {"password", "x-pass-12345"}, {"role", "sales"}},
      op);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code(), 40301);
  EXPECT_EQ(client_->Get("/api/v1/users", op).status, 403);
}

TEST_F(AuthApiTest, CreatedUserCanSignInWithTheirRole) {
  std::string sales = CreateStaff("rep1", "sales");
  auto me = client_->Get("/api/v1/auth/me", sales);
  EXPECT_EQ(me.data()["role"], "sales");
  auto dup = client_->Post(
      "/api/v1/users",
      {{"username", "rep1"}, {"password", "rep1-pass-1"}, {"role", "sales"}},
      AdminToken());
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.data()["field"], "username");
}

TEST_F(AuthApiTest, AdminsChangeRolesAndDisableUsersWhoAreSignedOutAtOnce) {
  std::string admin = AdminToken();
  std::string rep = CreateStaff("rep_one", "sales");
  ASSERT_EQ(client_->Get("/api/v1/leads", rep).status, 200);
  auto me = client_->Get("/api/v1/auth/me", rep);
  std::string id = me.data()["id"];
  auto patch = [&](const nlohmann::json& body, const std::string& who = "") {
    return client_->Call("PATCH", "/api/v1/users/" + id, body.dump(),
                         who.empty() ? admin : who);
  };
  // A new role signs the user out; the new sign-in carries the new role.
  auto changed = patch({{"role", "operator"}, {"display_name", "运营小周"}});
  ASSERT_EQ(changed.status, 200) << changed.body.dump();
  EXPECT_EQ(changed.data()["role"], "operator");
  EXPECT_EQ(changed.data()["display_name"], "运营小周");
  EXPECT_EQ(client_->Get("/api/v1/auth/me", rep).status, 401);
  std::string again = LoginAs("rep_one", "rep_one-pass-1");
  EXPECT_EQ(client_->Get("/api/v1/leads", again).status, 403);
  EXPECT_EQ(client_->Get("/api/v1/matrix", again).status, 200);
  // Disabled: signed out and cannot sign in.
  ASSERT_EQ(patch({{"disabled", true}}).status, 200);
  EXPECT_EQ(client_->Get("/api/v1/matrix", again).status, 401);
  auto refused =
      client_->Post("/api/v1/auth/login",
                    {{"username", "rep_one"}, {"password", "rep_one-pass-1"}});
  EXPECT_EQ(refused.status, 401);
  ASSERT_EQ(patch({{"disabled", false}}).status, 200);
  EXPECT_FALSE(LoginAs("rep_one", "rep_one-pass-1").empty());
  // Bad input names the field; others may not; the last admin stays.
  EXPECT_EQ(patch({{"role", "boss"}}).data()["field"], "role");
  EXPECT_EQ(patch({{"disabled", "yes"}}).data()["field"], "disabled");
  EXPECT_EQ(patch({{"role", "admin"}}, again).status, 401);
  std::string admin_id = client_->Get("/api/v1/auth/me", admin).data()["id"];
  auto last = client_->Call("PATCH", "/api/v1/users/" + admin_id,
                            R"({"disabled": true})", admin);
  EXPECT_EQ(last.status, 409);
  EXPECT_EQ(client_->Get("/api/v1/users", admin).status, 200);  // Still in.
  EXPECT_EQ(
      client_
          ->Call("PATCH", "/api/v1/users/999", R"({"disabled": false})", admin)
          .status,
      404);
  auto audit = client_->Get("/api/v1/audit", admin);
  int audited = 0;
  for (const auto& e : audit.data()["items"])
    audited += e["action"] == "user.update";
  EXPECT_EQ(audited, 3);  // Role and name; disabled; enabled.
}

TEST_F(AuthApiTest, AnAdminResetsAPasswordAndTheUserIsSignedOut) {
  std::string admin = AdminToken();
  std::string rep = CreateStaff("rep_two", "sales");
  std::string id = client_->Get("/api/v1/auth/me", rep).data()["id"];
  auto patch = [&](const nlohmann::json& body) {
    return client_->Call("PATCH", "/api/v1/users/" + id, body.dump(), admin);
  };
  auto field = [](const ApiReply& r) {
    return r.status == 400 ? r.data().value("field", "") : "";
  };
  // Fields this endpoint does not change are refused, not ignored.
  EXPECT_EQ(field(patch({{"username", "someone"}})), "username");
  EXPECT_EQ(patch(nlohmann::json::object()).status, 400);
  EXPECT_EQ(field(patch({{"password", "short"}})), "password");
  EXPECT_EQ(client_->Get("/api/v1/auth/me", rep).status, 200);  // Unchanged.
  ASSERT_EQ(patch({{"password", "Fresh-pass-22"}}).status, 200);
  EXPECT_EQ(client_->Get("/api/v1/auth/me", rep).status, 401);
  EXPECT_EQ(client_
                ->Post("/api/v1/auth/login", {{"username", "rep_two"},
                                              {"password", "rep_two-pass-1"}})
                .status,
            401);
  EXPECT_FALSE(LoginAs("rep_two", "Fresh-pass-22").empty());
  std::string audit = client_->Get("/api/v1/audit", admin).body.dump();
  EXPECT_NE(audit.find("password;"), std::string::npos) << audit;
  EXPECT_EQ(audit.find("Fresh-pass-22"), std::string::npos);
  EXPECT_EQ(audit.find("$"), std::string::npos);  // No hash either.
}

TEST_F(AuthApiTest, AUserChangesTheirOwnPasswordAndGetsANewSession) {
  std::string op = CreateStaff("op_three", "operator");
  std::string other = LoginAs("op_three", "op_three-pass-1");
  auto change = [&](const std::string& current, const std::string& next) {
    return client_->Post(
        "/api/v1/auth/password",
        {{"current_password", current}, {"new_password", next}}, op);
  };
  auto wrong = change("not-my-password-1", "Brand-new-pass-3");
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(wrong.data()["field"], "current_password");
  auto weak = change("op_three-pass-1", "short");
  EXPECT_EQ(weak.status, 400);
  EXPECT_EQ(weak.data()["field"], "new_password");
  EXPECT_EQ(change("op_three-pass-1", "op_three-pass-1").status, 400);
  EXPECT_EQ(client_->Get("/api/v1/auth/me", op).status, 200);  // Still in.
  auto done = change("op_three-pass-1", "Brand-new-pass-3");
  ASSERT_EQ(done.status, 200) << done.body.dump();
  std::string fresh = done.data()["token"];
  EXPECT_EQ(client_->Get("/api/v1/auth/me", op).status, 401);
  EXPECT_EQ(client_->Get("/api/v1/auth/me", other).status, 401);
  EXPECT_EQ(client_->Get("/api/v1/auth/me", fresh).status, 200);
  EXPECT_FALSE(LoginAs("op_three", "Brand-new-pass-3").empty());
  // Guessing the current password is limited like signing in.
  int refused = 0;
  for (int i = 0; i < 8; ++i) {
    auto r = client_->Post(
        "/api/v1/auth/password",
        {{"current_password", "guess-" + std::to_string(i) + "-aaaa"},
         {"new_password", "Another-pass-44"}},
        fresh);
    refused += r.status == 429;
  }
  EXPECT_GT(refused, 0);
  // A participant has no password here.
  std::string kid = ParticipantToken("kid", "小明");
  EXPECT_EQ(client_
                ->Post("/api/v1/auth/password",
                       {{"current_password", "x"}, {"new_password", "y"}}, kid)
                .status,
            401);
}

TEST_F(AuthApiTest, UserListPagesThroughEveryUserOnce) {
  std::string admin = AdminToken();
  for (int i = 0; i < 5; ++i)
    CreateStaff("user" + std::to_string(i), "operator");
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto r = client_->Get(
        "/api/v1/users?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor),
        admin);
    ASSERT_EQ(r.status, 200) << r.body.dump();
    ASSERT_LE(r.data()["items"].size(), 2u);
    for (const auto& u : r.data()["items"]) {
      EXPECT_TRUE(seen.insert(u["username"]).second) << u.dump();
      EXPECT_FALSE(u.contains("password_hash"));
    }
    cursor = r.data()["next_cursor"].is_null()
                 ? ""
                 : r.data()["next_cursor"].get<std::string>();
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(seen.size(), 6u);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(client_->Get("/api/v1/users?limit=0", admin).code(), 40001);
  EXPECT_EQ(client_->Get("/api/v1/users?limit=501", admin).code(), 40001);
  EXPECT_EQ(client_->Get("/api/v1/users?cursor=abc", admin).code(), 40001);
}

TEST_F(AuthApiTest, BadBodiesAre400NamingTheProblem) {
  auto malformed =
      client_->Call("POST", "/api/v1/auth/login", "{\"username\":");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.code(), 40001);
  EXPECT_NE(malformed.body["msg"].get<std::string>().find("malformed JSON"),
            std::string::npos);
  // A number no double holds: nlohmann-json reports it as out of range,
  // not as a parse error (it once escaped as a 500).
  auto overflow = client_->Call("POST", "/api/v1/auth/login",
                                "{\"username\":\"a\",\"n\":1e400}");
  EXPECT_EQ(overflow.status, 400);
  EXPECT_EQ(overflow.body["msg"], "malformed JSON: a number is out of range");

  auto wrong_type = client_->Post("/api/v1/auth/login",
                                  {{"username", 42}, {"password", "x"}});
  EXPECT_EQ(wrong_type.code(), 40001);
  EXPECT_EQ(wrong_type.data()["field"], "username");

  auto missing = client_->Post("/api/v1/auth/login", {{"username", "admin"}});
  EXPECT_EQ(missing.data()["field"], "password");

  auto not_object = client_->Call("POST", "/api/v1/auth/login", "[1,2]");
  EXPECT_EQ(not_object.code(), 40001);

  auto deep = client_->Call("POST", "/api/v1/auth/login",
                            std::string(10000, '[') + std::string(10000, ']'));
  EXPECT_EQ(deep.code(), 40001);

  auto empty = client_->Call("POST", "/api/v1/auth/login", "");
  EXPECT_EQ(empty.code(), 40001);

  auto form = client_->Call("POST", "/api/v1/auth/login", "a=b", "",
                            "application/x-www-form-urlencoded");
  EXPECT_EQ(form.status, 415);
  EXPECT_EQ(form.code(), 41501);
  // After all that the server is still fine.
  EXPECT_EQ(client_->Get("/healthz").status, 200);
}

TEST_F(AuthApiTest, OversizeBodyIs413AndTheServerStaysUp) {
  std::string big(200 * 1024, 'x');
  auto r = client_->Call("POST", "/api/v1/auth/login", big);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.code(), 41301);
  EXPECT_EQ(client_->Get("/healthz").status, 200);
}

TEST_F(AuthApiTest, OverlongUrlIs414WithTheMatchingCode) {
  // httplib refuses it before any handler; the envelope still follows the
  // status line (the code's first three digits are the status).
  auto r = client_->Get("/api/v1/auth/me?q=" + std::string(9000, 'a'));
  EXPECT_EQ(r.status, 414);
  EXPECT_EQ(r.code(), 41401) << r.body.dump();
  EXPECT_NE(r.body["msg"].get<std::string>().find("too long"),
            std::string::npos);
  EXPECT_EQ(client_->Get("/healthz").status, 200);
}

TEST_F(AuthApiTest, RequestIdFromTheCallerIsEchoed) {
  auto res = client_->raw().Get("/healthz", {{"X-Request-Id", "abc-123"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("X-Request-Id"), "abc-123");
  auto bad = client_->raw().Get("/healthz", {{"X-Request-Id", "<script>"}});
  ASSERT_TRUE(bad);
  EXPECT_NE(bad->get_header_value("X-Request-Id"), "<script>");
}

}  // namespace
}  // namespace qunying::server
