// WeChatClient: exchanges a mini-program login code for the user's openid
// (WeChat's jscode2session), and a getPhoneNumber code for the phone number
// the user agreed to share (getuserphonenumber). An interface because WeChat's
// servers are outside the machine: server/ has the HTTP client, tests point it
// at a loopback stub. Implementations must be thread-safe.
#ifndef QUNYING_AUTH_WECHAT_CLIENT_H_
#define QUNYING_AUTH_WECHAT_CLIENT_H_

#include <string>

#include "core/result.h"

namespace qunying::auth {

struct WeChatSession {
  std::string openid;
  std::string unionid;  // Empty unless the app is bound to an open platform.
};

class WeChatClient {
 public:
  virtual ~WeChatClient() = default;
  // Unauthenticated for an invalid or used code (errcode 40029/40163),
  // RateLimited for WeChat's 45011, Unavailable for timeouts and outages.
  virtual Result<WeChatSession> CodeToSession(const std::string& code) = 0;
  // The number behind a getPhoneNumber code, as 11 digits. WeChat checks
  // the code belongs to `openid`. InvalidArgument for a code it refuses
  // (invalid, used, expired, another user's) or a number outside mainland
  // China; RateLimited and Unavailable as above.
  virtual Result<std::string> PhoneNumber(const std::string& code,
                                          const std::string& openid) = 0;
};

}  // namespace qunying::auth

#endif  // QUNYING_AUTH_WECHAT_CLIENT_H_
