// OcrJobStore on the embedded SQLite Database. Thread-safe.
#ifndef QUNYING_STORAGE_SQLITE_OCR_JOB_STORE_H_
#define QUNYING_STORAGE_SQLITE_OCR_JOB_STORE_H_

#include "ocr/ocr_jobs.h"
#include "storage/database.h"

namespace qunying::storage {

class SqliteOcrJobStore : public ocr::OcrJobStore {
 public:
  explicit SqliteOcrJobStore(Database* db) : db_(db) {}
  Result<std::optional<ocr::OcrJob>> ClaimNext(int64_t now_ms) override;
  Status Complete(const ocr::OcrJob& job, const std::string& text,
                  double confidence, const std::vector<ocr::Hint>& hints,
                  int64_t now_ms) override;
  Status Fail(const ocr::OcrJob& job, const std::string& error,
              int64_t retry_at_ms, int64_t now_ms) override;
  Result<ocr::OcrRecovery> RecoverRunning(int64_t now_ms,
                                          int max_attempts) override;
  Result<ocr::OcrQueueStats> Stats() override;
  Result<std::vector<ocr::StoredHint>> HintsFor(int64_t checkin_id,
                                                int64_t member_id) override;
  Result<std::vector<ocr::HintDecision>> DecisionsFor(
      int64_t member_id) override;
  Status Decide(int64_t member_id, const ocr::HintDecision& d, int64_t user_id,
                int64_t now_ms) override;
  Result<std::vector<int64_t>> MembersWithHints(int64_t after_id,
                                                int limit) override;
  Result<size_t> ReadTypedTexts(size_t limit, int64_t now_ms) override;

 private:
  Database* db_;
};

// Queues OCR for a check-in's photo inside the caller's transaction, due now.
Status QueueOcrJob(Connection& c, int64_t checkin_id, int64_t now_ms);

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_SQLITE_OCR_JOB_STORE_H_
