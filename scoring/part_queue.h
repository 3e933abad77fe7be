// PartQueue: hands the parts of a scoring pass (consecutive runs of the
// features, ScoredPart) to worker threads in order, and tells a reader
// which parts are filled (ScoringProgress), so that the store writes the
// first parts while the workers score the rest. Thread-safe.
#ifndef QUNYING_SCORING_PART_QUEUE_H_
#define QUNYING_SCORING_PART_QUEUE_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <vector>

#include "core/status.h"
#include "scoring/lead_store.h"

namespace qunying::scoring {

class PartQueue : public ScoringProgress {
 public:
  explicit PartQueue(size_t parts);

  // The next part for a worker to fill, in order; none when every part is
  // taken, after an error, or after Stop().
  std::optional<size_t> Take();
  // Records that part `part` was filled, or why it could not be: an error
  // fails the pass (Ready answers it from then on, and Take hands out no
  // more parts).
  void Finish(size_t part, Status status);
  // Hands out no more parts (the reader has given up).
  void Stop();

  Result<bool> Ready(size_t part, bool wait) override;

  // The first error a worker finished with (Ok if none).
  Status status() const;
  // When the last part was filled; none while some part is not.
  std::optional<std::chrono::steady_clock::time_point> all_filled_at() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::vector<bool> filled_;
  size_t next_ = 0;      // The next part to hand out.
  size_t unfilled_ = 0;  // Parts not yet filled.
  bool stopped_ = false;
  Status failed_;
  std::optional<std::chrono::steady_clock::time_point> all_filled_at_;
};

}  // namespace qunying::scoring

#endif  // QUNYING_SCORING_PART_QUEUE_H_
