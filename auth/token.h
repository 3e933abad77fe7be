// Bearer tokens: 256 random bits, shown once to the client; only their
// SHA-256 is stored. Thread-safe.
#ifndef QUNYING_AUTH_TOKEN_H_
#define QUNYING_AUTH_TOKEN_H_

#include <string>
#include <string_view>

namespace qunying::auth {

// A fresh token: 32 random bytes as 43 characters of unpadded base64url.
std::string NewToken();

// Lower-case hex SHA-256 of the token, the only form that is stored.
std::string TokenHash(std::string_view token);

// `bytes` random bytes as hex, for generated passwords.
std::string RandomHex(size_t bytes);

}  // namespace qunying::auth

#endif  // QUNYING_AUTH_TOKEN_H_
