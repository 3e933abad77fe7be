// TextHintScanner: a thread that reads hints (a child's grade, a school, a
// phone …) from the text participants type into their check-ins, shortly
// after they arrive, and from every earlier check-in once after an upgrade
// (OcrJobStore::ReadTypedTexts). It runs at a low priority: a check-in
// never waits for it, and under a burst of check-ins it falls behind and
// catches up after. Start/Stop from one thread.
#ifndef QUNYING_SERVER_TEXT_HINT_SCANNER_H_
#define QUNYING_SERVER_TEXT_HINT_SCANNER_H_

#include <chrono>
#include <cstdint>

#include "core/background_loop.h"
#include "core/clock.h"
#include "ocr/ocr_jobs.h"
#include "server/logger.h"

namespace qunying::server {

struct TextHintScannerOptions {
  // How often it looks for new check-ins once it has read them all; 0
  // turns the scanner off.
  int64_t poll_ms = 1000;
  // Check-ins read per step (one pooled read and one write each).
  size_t batch = 500;
  // Added to the thread's nice value (lower priority than the request
  // threads and the database writer).
  int nice = 19;
};

class TextHintScanner {
 public:
  TextHintScanner(TextHintScannerOptions options, ocr::OcrJobStore* jobs,
                  Logger* logger, const Clock* clock)
      : options_(options), jobs_(jobs), logger_(logger), clock_(clock) {}
  ~TextHintScanner() { Stop(); }

  void Start();
  void Stop();

 private:
  // Reads a batch; how long to wait before the next.
  std::chrono::milliseconds Step();

  TextHintScannerOptions options_;
  ocr::OcrJobStore* jobs_;
  Logger* logger_;
  const Clock* clock_;
  BackgroundLoop loop_;
};

}  // namespace qunying::server

#endif  // QUNYING_SERVER_TEXT_HINT_SCANNER_H_
