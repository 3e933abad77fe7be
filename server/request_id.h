// RequestIdSource: ids for requests that come without an X-Request-Id, to
// tie a request's log lines and its error body together.
//
// An id is 16 lower-case hex digits: a counter started at a random seed,
// put through a bijective mix (splitmix64's finaliser). So ids of one
// source never repeat (for 2^64 requests), ids of two processes meet only
// by chance, as random ones would, and consecutive ids do not look
// consecutive (they do not tell a client how many requests the server
// has seen). They are not secret: nothing may rely on guessing one being
// hard. One system call for randomness per process rather than one per
// request (docs/benchmarks.md, "Check-in ingest").
//
// Thread-safe: Next may be called from any thread.
#ifndef QUNYING_SERVER_REQUEST_ID_H_
#define QUNYING_SERVER_REQUEST_ID_H_

#include <atomic>
#include <cstdint>
#include <string>

namespace qunying::server {

class RequestIdSource {
 public:
  explicit RequestIdSource(uint64_t seed) : next_(seed) {}
  // Seeded from the system's randomness.
  static RequestIdSource& Process();

  std::string Next();

 private:
  std::atomic<uint64_t> next_;
};

}  // namespace qunying::server

#endif  // QUNYING_SERVER_REQUEST_ID_H_
