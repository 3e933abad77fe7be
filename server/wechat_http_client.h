// WeChatClient over HTTP(S): calls WeChat's /sns/jscode2session and
// /wxa/business/getuserphonenumber, the latter with an access token from
// /cgi-bin/token kept until shortly before it expires (and fetched again
// once when WeChat says it is stale). The base URL is configurable so tests
// (and staging) point it at a loopback stub. Thread-safe: each call uses
// its own connection; the token is behind a mutex.
#ifndef QUNYING_SERVER_WECHAT_HTTP_CLIENT_H_
#define QUNYING_SERVER_WECHAT_HTTP_CLIENT_H_

#include <cstdint>
#include <mutex>
#include <string>

#include "auth/wechat_client.h"
#include "core/clock.h"

namespace qunying::server {

struct WeChatOptions {
  // Where jscode2session lives. WeChat's own host in production.
  std::string base_url = "https://api.weixin.qq.com";
  // The mini-program's AppID and AppSecret. Empty: code login is disabled
  // and answers Unavailable (dev login may still be on).
  std::string appid;
  std::string secret;
  // Connect + read deadline for one call.
  int timeout_ms = 3000;
};

class WeChatHttpClient : public auth::WeChatClient {
 public:
  // `clock` (not owned, outlives this) times the access token.
  WeChatHttpClient(WeChatOptions options, const Clock* clock)
      : options_(std::move(options)), clock_(clock) {}
  Result<auth::WeChatSession> CodeToSession(const std::string& code) override;
  Result<std::string> PhoneNumber(const std::string& code,
                                  const std::string& openid) override;

 private:
  // The access token, fetched if none is kept or `stale` is the one kept.
  Result<std::string> AccessToken(const std::string& stale);

  WeChatOptions options_;
  const Clock* clock_;
  std::mutex token_mu_;
  std::string token_;           // Guarded by token_mu_.
  int64_t token_until_ms_ = 0;  // Guarded by token_mu_.
};

}  // namespace qunying::server

#endif  // QUNYING_SERVER_WECHAT_HTTP_CLIENT_H_
