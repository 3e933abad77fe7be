#include "auth/unique_ids.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

namespace qunying::auth {
namespace {

// The round function: 32 bits of SipHash of the round's number and half.
uint32_t Round(const UniqueIds::Key& key, uint32_t round, uint32_t half) {
  unsigned char in[8];
  std::memcpy(in, &round, 4);
  std::memcpy(in + 4, &half, 4);
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, in, sizeof in, key.data());
  uint32_t f;
  std::memcpy(&f, out, 4);
  return f;
}

}  // namespace

UniqueIds::UniqueIds(const Key& key, uint64_t start) : key_(key), next_(start) {
  // Before any other libsodium call (idempotent and thread-safe).
  if (sodium_init() < 0) std::abort();
}

UniqueIds& UniqueIds::Process() {
  static UniqueIds source = [] {
    if (sodium_init() < 0) std::abort();  // No randomness: nothing is safe.
    Key key;
    randombytes_buf(key.data(), key.size());
    uint64_t start;
    randombytes_buf(&start, sizeof start);
    return UniqueIds(key, start);
  }();
  return source;
}

uint64_t UniqueIds::Permute(uint64_t x) const {
  auto left = static_cast<uint32_t>(x >> 32);
  auto right = static_cast<uint32_t>(x);
  // Each round maps (left, right) to (right, left ^ F(right)), which the
  // same F undoes: a permutation whatever F is.
  for (uint32_t r = 0; r < 4; ++r) {
    uint32_t next = left ^ Round(key_, r, right);
    left = right;
    right = next;
  }
  return (uint64_t{left} << 32) | right;
}

std::string UniqueIds::Next() {
  uint64_t v = Permute(next_.fetch_add(1, std::memory_order_relaxed));
  unsigned char raw[8];  // Most significant first.
  for (int i = 7; i >= 0; --i, v >>= 8) raw[i] = static_cast<unsigned char>(v);
  // As RandomHex writes its bytes (token.cc).
  char hex[2 * sizeof raw + 1];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  return std::string(hex, 2 * sizeof raw);
}

}  // namespace qunying::auth
