#include "server/ocr_worker.h"

#include <cmath>

#include "ocr/read_photo.h"

namespace qunying::server {

OcrWorkerPool::OcrWorkerPool(OcrWorkerOptions options, ocr::OcrJobStore* jobs,
                             storage::BlobStore* blobs, Logger* logger,
                             const Clock* clock)
    : options_(options),
      jobs_(jobs),
      blobs_(blobs),
      logger_(logger),
      clock_(clock) {}

OcrWorkerPool::~OcrWorkerPool() { Stop(); }

Status OcrWorkerPool::Start() {
  if (options_.workers <= 0) return Status::Ok();
  QY_ASSIGN_OR_RETURN(
      ocr::OcrRecovery recovered,
      jobs_->RecoverRunning(clock_->NowMillis(), options_.max_attempts));
  if (recovered.requeued)
    logger_->Info("ocr_requeued", {{"jobs", recovered.requeued}});
  if (recovered.failed) {
    logger_->Warn("ocr_failed_after_stops", {{"jobs", recovered.failed}});
  }
  for (int i = 0; i < options_.workers; ++i) {
    threads_.emplace_back([this, i] { Run(i); });
  }
  return Status::Ok();
}

void OcrWorkerPool::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void OcrWorkerPool::Notify() {
  {
    std::lock_guard lock(mu_);
    ++notifications_;
  }
  wake_.notify_one();
}

void OcrWorkerPool::Run(int index) {
  auto engine = ocr::TesseractEngine::Create();
  if (!engine.ok()) {
    logger_->Error("ocr_engine_unavailable",
                   {{"worker", index}, {"detail", engine.status().message()}});
    return;
  }
  ++ready_;
  for (;;) {
    uint64_t seen;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      seen = notifications_;
    }
    auto job = jobs_->ClaimNext(clock_->NowMillis());
    if (job.ok() && *job) {
      Process(**engine, **job);
      continue;
    }
    if (!job.ok()) {
      logger_->Warn("ocr_claim_failed", {{"detail", job.status().message()}});
    }
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms),
                   [&] { return stopping_ || notifications_ != seen; });
  }
}

void OcrWorkerPool::Process(ocr::OcrEngine& engine, const ocr::OcrJob& job) {
  auto start = std::chrono::steady_clock::now();
  Result<ocr::PhotoReading> reading = Status::NotFound("photo missing");
  auto bytes = blobs_->Get(job.photo_sha256);
  if (bytes.ok())
    reading = ocr::ReadPhoto(engine, *bytes, options_.deadline_ms);
  Status s = bytes.ok() ? reading.status() : bytes.status();
  int64_t now = clock_->NowMillis();
  double ms = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - start)
                  .count();
  if (s.ok()) {
    s = jobs_->Complete(job, reading->text.Joined(), reading->confidence,
                        reading->hints, now);
    logger_->Info("ocr_done", {{"job", job.id},
                               {"checkin_id", job.checkin_id},
                               {"lines", reading->text.lines.size()},
                               {"ms", std::round(ms)}});
  } else {
    // A photo the codec refuses (or that is gone) will not get better.
    bool permanent = s.code() == StatusCode::kUnsupportedMedia ||
                     s.code() == StatusCode::kTooLarge ||
                     s.code() == StatusCode::kNotFound ||
                     job.attempts >= options_.max_attempts;
    int64_t retry = permanent ? 0
                              : now + options_.backoff_ms *
                                          (int64_t{1} << (job.attempts - 1));
    logger_->Warn(
        permanent ? "ocr_failed" : "ocr_retry",
        {{"job", job.id}, {"attempt", job.attempts}, {"detail", s.message()}});
    s = jobs_->Fail(job, s.message(), retry, now);
  }
  if (!s.ok())
    logger_->Error("ocr_record_failed",
                   {{"job", job.id}, {"detail", s.message()}});
  ++processed_;
}

}  // namespace qunying::server
