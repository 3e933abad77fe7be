// OcrWorkerPool: threads that drain the persistent OCR queue. Each worker
// owns one Tesseract engine (initialised once, OpenMP off), preprocesses
// the stored photo, recognises it under a deadline and records the text.
// A photo the codec refuses fails at once; anything else is retried with
// exponential backoff and fails for good after `max_attempts`. Check-ins
// never wait for it. Start/Stop from one thread; Notify from any.
#ifndef QUNYING_SERVER_OCR_WORKER_H_
#define QUNYING_SERVER_OCR_WORKER_H_

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "ocr/ocr_jobs.h"
#include "ocr/tesseract_engine.h"
#include "server/logger.h"
#include "storage/blob_store.h"

namespace qunying::server {

struct OcrWorkerOptions {
  // Worker threads (one Tesseract engine each); 0 runs no OCR.
  int workers = 2;
  // Time one recognition may take.
  int deadline_ms = 20000;
  // Tries before a job is failed for good.
  int max_attempts = 3;
  // First retry delay; doubles with each attempt.
  int64_t backoff_ms = 2000;
  // How often an idle worker looks for due jobs (Notify wakes it sooner).
  int64_t poll_ms = 1000;
};

class OcrWorkerPool {
 public:
  OcrWorkerPool(OcrWorkerOptions options, ocr::OcrJobStore* jobs,
                storage::BlobStore* blobs, Logger* logger, const Clock* clock);
  ~OcrWorkerPool();

  // Requeues jobs a crash left running, then starts the workers.
  Status Start();
  // Finishes the jobs in hand and joins the workers.
  void Stop();
  // A new job was queued: wake an idle worker.
  void Notify();

  uint64_t processed() const { return processed_.load(); }
  // Workers whose engine is initialised (about a second of CPU each after
  // Start): the OCR side of readiness.
  int ready() const { return ready_.load(); }
  int workers() const { return options_.workers; }

 private:
  void Run(int index);
  void Process(ocr::OcrEngine& engine, const ocr::OcrJob& job);

  OcrWorkerOptions options_;
  ocr::OcrJobStore* jobs_;
  storage::BlobStore* blobs_;
  Logger* logger_;
  const Clock* clock_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  uint64_t notifications_ = 0;
  std::vector<std::thread> threads_;
  std::atomic<uint64_t> processed_{0};
  std::atomic<int> ready_{0};
};

}  // namespace qunying::server

#endif  // QUNYING_SERVER_OCR_WORKER_H_
