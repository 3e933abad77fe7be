#include "server/text_hint_scanner.h"

#include <algorithm>
#include <chrono>

namespace qunying::server {

void TextHintScanner::Start() {
  if (options_.poll_ms <= 0) return;
  loop_.Start([this] { return Step(); }, options_.nice);
}

void TextHintScanner::Stop() { loop_.Stop(); }

std::chrono::milliseconds TextHintScanner::Step() {
  auto n = jobs_->ReadTypedTexts(std::max<size_t>(1, options_.batch),
                                 clock_->NowMillis());
  if (!n.ok()) {
    logger_->Warn("text hints not read", {{"error", n.status().message()}});
  }
  // A full batch: more may be waiting (an upgrade's backlog, a burst).
  if (n.ok() && *n >= options_.batch) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(options_.poll_ms);
}

}  // namespace qunying::server
