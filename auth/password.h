// Password hashing with argon2id (libsodium's crypto_pwhash). Stateless and
// thread-safe once InitCrypto() has run.
#ifndef QUNYING_AUTH_PASSWORD_H_
#define QUNYING_AUTH_PASSWORD_H_

#include <string>
#include <string_view>

#include "core/result.h"

namespace qunying::auth {

// Cost of one hash. The parameters are stored inside each hash, so hashes made
// at one strength verify at any other.
enum class HashStrength {
  kInteractive,  // libsodium's INTERACTIVE limits (~64 MiB, ~0.1 s): default.
  kModerate,     // MODERATE limits (~256 MiB, ~0.7 s): for admin accounts.
  kTestOnly,     // The minimum limits: only so test suites stay fast.
};

// Initialises libsodium; safe to call many times. Fails only if the system
// has no usable randomness source.
[[nodiscard]] Status InitCrypto();

[[nodiscard]] Result<std::string> HashPassword(
    std::string_view password,
    HashStrength strength = HashStrength::kInteractive);

// True when `password` matches `hash`; false for a wrong password or a
// malformed hash.
bool VerifyPassword(const std::string& hash, std::string_view password);

// Rules for a new staff password: 10–128 bytes, not all one character class.
[[nodiscard]] Status CheckPasswordPolicy(std::string_view password);

}  // namespace qunying::auth

#endif  // QUNYING_AUTH_PASSWORD_H_
