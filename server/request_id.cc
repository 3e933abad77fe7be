#include "server/request_id.h"

#include <sys/random.h>

namespace qunying::server {
namespace {

// splitmix64's finaliser: each step (xor with a right shift, multiply by
// an odd constant) can be undone, so distinct inputs give distinct ids.
uint64_t Mix(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t RandomSeed() {
  uint64_t seed = 0;
  // A short read or a failure leaves part of the seed zero: the ids stay
  // unique within the process either way.
  (void)getrandom(&seed, sizeof seed, 0);
  return seed;
}

}  // namespace

RequestIdSource& RequestIdSource::Process() {
  static RequestIdSource source(RandomSeed());
  return source;
}

std::string RequestIdSource::Next() {
  uint64_t v = Mix(next_.fetch_add(1, std::memory_order_relaxed));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[i] = kHex[v & 15];
  return out;
}

}  // namespace qunying::server
