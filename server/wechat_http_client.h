// WeChatClient over HTTP(S): calls WeChat's /sns/jscode2session. The base
// URL is configurable so tests (and staging) point it at a loopback stub.
// Thread-safe: each call uses its own connection.
#ifndef QUNYING_SERVER_WECHAT_HTTP_CLIENT_H_
#define QUNYING_SERVER_WECHAT_HTTP_CLIENT_H_

#include <string>

#include "auth/wechat_client.h"

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
  explicit WeChatHttpClient(WeChatOptions options)
      : options_(std::move(options)) {}
  Result<auth::WeChatSession> CodeToSession(const std::string& code) override;

 private:
  WeChatOptions options_;
};

}  // namespace qunying::server

#endif  // QUNYING_SERVER_WECHAT_HTTP_CLIENT_H_
