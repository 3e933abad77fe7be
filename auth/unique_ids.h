// UniqueIds: ids that never repeat within one source and that look random,
// for requests that come without an X-Request-Id (the server ties a
// request's log lines and its error body together with one).
//
// An id is 16 lower-case hex digits: a counter, from a random start, put
// through a keyed permutation of 64-bit numbers (a four-round Feistel
// network whose round function is SipHash-2-4, libsodium's
// crypto_shorthash, under a random key). Being a permutation, it gives
// distinct ids for distinct counts (for 2^64 of them); being keyed, ids do
// not tell a client how many requests came between two of them, as a
// counter shown as is would. Ids of two processes meet only by chance, as
// random ones would. One system call for randomness per source, not one
// per id (docs/benchmarks.md, "Check-in ingest"). Ids are for telling
// requests apart, not secrets: nothing may rely on guessing one being hard.
//
// Thread-safe: Next may be called from any thread.
#ifndef QUNYING_AUTH_UNIQUE_IDS_H_
#define QUNYING_AUTH_UNIQUE_IDS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace qunying::auth {

class UniqueIds {
 public:
  using Key = std::array<unsigned char, 16>;
  // Counts from `start` under `key`.
  UniqueIds(const Key& key, uint64_t start);
  // The process's source: key and start from the system's randomness.
  static UniqueIds& Process();

  std::string Next();

 private:
  uint64_t Permute(uint64_t x) const;

  const Key key_;
  std::atomic<uint64_t> next_;
};

}  // namespace qunying::auth

#endif  // QUNYING_AUTH_UNIQUE_IDS_H_
