#include "server/wechat_http_client.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "core/phone.h"

namespace qunying::server {
namespace {

using Json = nlohmann::json;

// A token is used until this long before WeChat says it expires.
constexpr int64_t kTokenMarginMs = int64_t{5} * 60 * 1000;

// A whole-number field of WeChat's answer, `absent` when it has none and
// -1 when it is not a whole number (read without a throwing accessor:
// WeChat's JSON is outside input).
int64_t NumberIn(const Json& j, const char* field, int64_t absent) {
  auto it = j.find(field);
  if (it == j.end()) return absent;
  return it->is_number_integer() ? it->get<int64_t>() : -1;
}
int64_t ErrCode(const Json& j) { return NumberIn(j, "errcode", 0); }

// WeChat's errcodes for a stale or invalid access token.
bool IsStaleToken(int64_t errcode) {
  return errcode == 40001 || errcode == 42001;
}

httplib::Client ClientFor(const WeChatOptions& o) {
  httplib::Client client(o.base_url);
  time_t sec = o.timeout_ms / 1000;
  time_t usec = static_cast<time_t>(o.timeout_ms % 1000) * 1000;
  client.set_connection_timeout(sec, usec);
  client.set_read_timeout(sec, usec);
  client.set_write_timeout(sec, usec);
  return client;
}

// WeChat's JSON answer to a call (`res`), or Unavailable saying why not;
// its errcode 45011 is RateLimited. Other errcodes are the caller's.
Result<Json> Answer(const httplib::Result& res, const char* what) {
  if (!res) {
    return Status::Unavailable(std::string("WeChat did not answer ") + what +
                               " (" + httplib::to_string(res.error()) + ")");
  }
  if (res->status != 200) {
    return Status::Unavailable(std::string("WeChat answered ") + what +
                               " with HTTP " + std::to_string(res->status));
  }
  Json j = Json::parse(res->body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Unavailable(std::string("WeChat answered ") + what +
                               " with something that is not JSON");
  }
  if (ErrCode(j) == 45011) {
    return Status::RateLimited("WeChat is rate limiting us; retry shortly");
  }
  return j;
}

Status NotConfigured() {
  return Status::Unavailable(
      "WeChat login is not configured (set QUNYING_WECHAT_APPID and "
      "QUNYING_WECHAT_SECRET)");
}

}  // namespace

Result<auth::WeChatSession> WeChatHttpClient::CodeToSession(
    const std::string& code) {
  if (options_.appid.empty()) return NotConfigured();
  httplib::Client client = ClientFor(options_);
  httplib::Params params{{"appid", options_.appid},
                         {"secret", options_.secret},
                         {"js_code", code},
                         {"grant_type", "authorization_code"}};
  QY_ASSIGN_OR_RETURN(
      Json j, Answer(client.Get("/sns/jscode2session", params, {}), "login"));
  int64_t errcode = ErrCode(j);
  if (errcode == 40029 || errcode == 40163 || errcode == 40226) {
    return Status::Unauthenticated(
        "the mini-program login code is invalid or already used");
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

Result<std::string> WeChatHttpClient::AccessToken(const std::string& stale) {
  std::lock_guard<std::mutex> lock(token_mu_);
  int64_t now = clock_->NowMillis();
  if (!token_.empty() && token_ != stale && now < token_until_ms_)
    return token_;
  httplib::Client client = ClientFor(options_);
  httplib::Params params{{"grant_type", "client_credential"},
                         {"appid", options_.appid},
                         {"secret", options_.secret}};
  QY_ASSIGN_OR_RETURN(
      Json j, Answer(client.Get("/cgi-bin/token", params, {}), "for a token"));
  auto token = j.find("access_token");
  if (ErrCode(j) != 0 || token == j.end() || !token->is_string() ||
      token->get_ref<const std::string&>().empty()) {
    return Status::Unavailable("WeChat gave no access token (errcode " +
                               std::to_string(ErrCode(j)) + ")");
  }
  int64_t expires_s = NumberIn(j, "expires_in", 7200);
  if (expires_s <= 0) expires_s = 7200;
  token_ = *token;
  token_until_ms_ = now + expires_s * 1000 - kTokenMarginMs;
  return token_;
}

Result<std::string> WeChatHttpClient::PhoneNumber(const std::string& code,
                                                  const std::string& openid) {
  if (options_.appid.empty()) return NotConfigured();
  Json body = {{"code", code}};
  if (!openid.empty()) body["openid"] = openid;
  std::string stale;
  for (int attempt = 0; attempt < 2; ++attempt) {
    QY_ASSIGN_OR_RETURN(std::string token, AccessToken(stale));
    httplib::Client client = ClientFor(options_);
    QY_ASSIGN_OR_RETURN(Json j,
                        Answer(client.Post("/wxa/business/getuserphonenumber?"
                                           "access_token=" +
                                               token,
                                           body.dump(), "application/json"),
                               "for the phone number"));
    int64_t errcode = ErrCode(j);
    if (IsStaleToken(errcode)) {
      stale = token;  // Fetched anew, once.
      continue;
    }
    if (errcode != 0) {
      return Status::InvalidArgument(
          "WeChat refused the phone code (errcode " + std::to_string(errcode) +
              "): it is invalid, used, expired or another user's",
          "code");
    }
    // Read without a throwing accessor: WeChat's JSON is outside input.
    const Json* info = j.contains("phone_info") && j["phone_info"].is_object()
                           ? &j["phone_info"]
                           : nullptr;
    std::string country = "86", pure;
    if (info && info->contains("countryCode")) {
      const Json& cc = (*info)["countryCode"];
      country = cc.is_string() ? cc.get<std::string>() : cc.dump();
    }
    if (info && info->contains("purePhoneNumber") &&
        (*info)["purePhoneNumber"].is_string()) {
      pure = (*info)["purePhoneNumber"].get<std::string>();
    }
    if (country != "86" || !IsMainlandMobile(pure)) {
      return Status::InvalidArgument(
          "only mainland China mobile numbers can be bound", "code");
    }
    return pure;
  }
  return Status::Unavailable("WeChat kept refusing our access token");
}

}  // namespace qunying::server
