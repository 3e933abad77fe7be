#include "auth/token.h"

#include <sodium.h>

#include "core/sha256.h"

#include <cstdlib>
#include <vector>

namespace qunying::auth {

std::string NewToken() {
  if (sodium_init() < 0) std::abort();  // No randomness: nothing is safe.
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char out[sodium_base64_ENCODED_LEN(32,
                                     sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, raw, sizeof raw,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

std::string TokenHash(std::string_view token) { return Sha256Hex(token); }

std::string RandomHex(size_t bytes) {
  if (sodium_init() < 0) std::abort();  // No randomness: nothing is safe.
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), raw.data(), raw.size());
  hex.pop_back();
  return hex;
}

}  // namespace qunying::auth
