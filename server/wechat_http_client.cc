#include "server/wechat_http_client.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

namespace qunying::server {

Result<auth::WeChatSession> WeChatHttpClient::CodeToSession(
    const std::string& code) {
  if (options_.appid.empty()) {
    return Status::Unavailable(
        "WeChat login is not configured (set QUNYING_WECHAT_APPID and "
        "QUNYING_WECHAT_SECRET)");
  }
  httplib::Client client(options_.base_url);
  time_t sec = options_.timeout_ms / 1000;
  time_t usec = (options_.timeout_ms % 1000) * 1000;
  client.set_connection_timeout(sec, usec);
  client.set_read_timeout(sec, usec);
  client.set_write_timeout(sec, usec);
  httplib::Params params{{"appid", options_.appid},
                         {"secret", options_.secret},
                         {"js_code", code},
                         {"grant_type", "authorization_code"}};
  auto res = client.Get("/sns/jscode2session", params, httplib::Headers{});
  if (!res) {
    return Status::Unavailable("WeChat did not answer (" +
                               httplib::to_string(res.error()) + ")");
  }
  if (res->status != 200) {
    return Status::Unavailable("WeChat answered HTTP " +
                               std::to_string(res->status));
  }
  auto j = nlohmann::json::parse(res->body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Unavailable("WeChat answered something that is not JSON");
  }
  int errcode = j.value("errcode", 0);
  if (errcode == 40029 || errcode == 40163 || errcode == 40226) {
    return Status::Unauthenticated(
        "the mini-program login code is invalid or already used");
  }
  if (errcode == 45011) {
    return Status::RateLimited("WeChat is rate limiting logins; retry shortly");
  }
  if (errcode != 0) {
    return Status::Unavailable("WeChat refused the login (errcode " +
                               std::to_string(errcode) + ")");
  }
  auth::WeChatSession session;
  auto openid = j.find("openid");
  if (openid == j.end() || !openid->is_string() ||
      openid->get_ref<const std::string&>().empty()) {
    return Status::Unavailable("WeChat's answer has no openid");
  }
  session.openid = *openid;
  if (auto u = j.find("unionid"); u != j.end() && u->is_string()) {
    session.unionid = *u;
  }
  // session_key is deliberately dropped: nothing here needs it.
  return session;
}

}  // namespace qunying::server
