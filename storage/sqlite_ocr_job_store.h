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
                  double confidence, int64_t now_ms) override;
  Status Fail(const ocr::OcrJob& job, const std::string& error,
              int64_t retry_at_ms, int64_t now_ms) override;
  Result<int64_t> RequeueRunning(int64_t now_ms) override;
  Result<ocr::OcrQueueStats> Stats() override;

 private:
  Database* db_;
};

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_SQLITE_OCR_JOB_STORE_H_
