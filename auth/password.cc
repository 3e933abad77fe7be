#include "auth/password.h"

#include <sodium.h>

#include <cctype>

namespace qunying::auth {

Status InitCrypto() {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to start");
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password,
                                 HashStrength strength) {
  QY_RETURN_IF_ERROR(InitCrypto());
  unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  if (strength == HashStrength::kModerate) {
    ops = crypto_pwhash_OPSLIMIT_MODERATE;
    mem = crypto_pwhash_MEMLIMIT_MODERATE;
  } else if (strength == HashStrength::kTestOnly) {
    ops = crypto_pwhash_OPSLIMIT_MIN;
    mem = crypto_pwhash_MEMLIMIT_MIN;
  }
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Internal("password hashing ran out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& hash, std::string_view password) {
  if (InitCrypto().ok() == false) return false;
  if (hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(),
                                  password.size()) == 0;
}

Status CheckPasswordPolicy(std::string_view password) {
  if (password.size() < 10) {
    return Status::InvalidArgument("password must be at least 10 characters",
                                   "password");
  }
  if (password.size() > 128) {
    return Status::InvalidArgument("password must be at most 128 bytes",
                                   "password");
  }
  bool alpha = false, digit = false, other = false;
  for (unsigned char c : password) {
    if (std::isalpha(c))
      alpha = true;
    else if (std::isdigit(c))
      digit = true;
    else
      other = true;
  }
  if (alpha + digit + other < 2) {
    return Status::InvalidArgument(
        "password must mix letters with digits or symbols", "password");
  }
  return Status::Ok();
}

}  // namespace qunying::auth
