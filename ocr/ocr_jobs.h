// The persistent OCR queue as the workers see it: claim a job, then finish
// it as done (with text) or failed (to retry later, or for good). An
// interface (storage/ implements it on SQLite); implementations are
// thread-safe and each call is atomic, so two workers never claim one job.
#ifndef QUNYING_OCR_OCR_JOBS_H_
#define QUNYING_OCR_OCR_JOBS_H_

#include <cstdint>
#include <optional>
#include <string>

#include <vector>

#include "core/result.h"
#include "ocr/hints.h"

namespace qunying::ocr {

struct OcrJob {
  int64_t id = 0, checkin_id = 0;
  std::string photo_sha256;
  int attempts = 0;  // Including the one just claimed.
};

// A hint as stored: where it came from.
struct StoredHint {
  Hint hint;
  int64_t checkin_id = 0, member_id = 0;
  // "photo": read from the check-in's photo by OCR; "text": found in the
  // text the participant typed (HintsInTypedText).
  std::string source = "photo";
};

// An operator's decision on one hinted value of a member's field.
struct HintDecision {
  std::string field;
  std::string value;        // The hinted value decided on.
  bool accepted = false;    // false: rejected.
  std::string final_value;  // Accepted as (an edit when ≠ value).
};

struct OcrQueueStats {
  int64_t queued = 0, running = 0, done = 0, failed = 0;
  int64_t oldest_queued_ms =
      0;  // Creation time of the oldest waiting job; 0 if none.
};

// What RecoverRunning did with the jobs a stopped process left running.
struct OcrRecovery {
  int64_t requeued = 0;
  int64_t failed = 0;
};

class OcrJobStore {
 public:
  virtual ~OcrJobStore() = default;
  // The oldest due queued job, now marked running; nullopt when none is due.
  virtual Result<std::optional<OcrJob>> ClaimNext(int64_t now_ms) = 0;
  // Records the text and the hints found in it (for the check-in's member).
  virtual Status Complete(const OcrJob& job, const std::string& text,
                          double confidence, const std::vector<Hint>& hints,
                          int64_t now_ms) = 0;
  // retry_at_ms > 0: back to the queue, due then; 0: failed for good.
  virtual Status Fail(const OcrJob& job, const std::string& error,
                      int64_t retry_at_ms, int64_t now_ms) = 0;
  // After a crash, jobs left running go back to the queue, except those
  // already tried `max_attempts` times, which fail: a photo that crashes
  // the process while it is read must not crash every restart after.
  virtual Result<OcrRecovery> RecoverRunning(int64_t now_ms,
                                             int max_attempts) = 0;
  virtual Result<OcrQueueStats> Stats() = 0;
  // Hints of one check-in (checkin_id > 0) or of one member, strongest first.
  virtual Result<std::vector<StoredHint>> HintsFor(int64_t checkin_id,
                                                   int64_t member_id) = 0;
  // A member's decided hints, oldest first.
  virtual Result<std::vector<HintDecision>> DecisionsFor(int64_t member_id) = 0;
  // Records an operator's decision and audits it as `user_id`. NotFound when
  // the member has no such hint.
  virtual Status Decide(int64_t member_id, const HintDecision& d,
                        int64_t user_id, int64_t now_ms) = 0;
  // Members who have hints, id > after_id, ascending, at most `limit`.
  virtual Result<std::vector<int64_t>> MembersWithHints(int64_t after_id,
                                                        int limit) = 0;
  // Finds the hints in the typed text of up to `limit` check-ins not read
  // yet, oldest first, on the calling thread (HintsInTypedText), and stores
  // them with source "text" for each check-in's member. Returns how many
  // check-ins it read: 0 once every one has been. Two callers at once
  // read a batch twice but store it once.
  virtual Result<size_t> ReadTypedTexts(size_t limit, int64_t now_ms) = 0;
};

}  // namespace qunying::ocr

#endif  // QUNYING_OCR_OCR_JOBS_H_
