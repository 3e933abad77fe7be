#include "ocr/read_photo.h"

#include <algorithm>
#include <chrono>
#include <opencv2/core.hpp>

#include "ocr/preprocess.h"

namespace qunying::ocr {
namespace {

// One reading of the page under one preprocessing. Lines the engine is
// barely sure of are noise (specks, paper texture, stray lines) far more
// often than text, and are dropped.
Result<PhotoReading> ReadOnce(OcrEngine& engine, std::string_view bytes,
                              int deadline_ms, const PreprocessOptions& pre,
                              const ReadOptions& o) {
  cv::Mat page;
  QY_RETURN_IF_ERROR(PreprocessPhoto(bytes, &page, pre).status());
  QY_ASSIGN_OR_RETURN(OcrText raw, engine.Recognize(page, deadline_ms));
  PhotoReading out;
  for (auto& line : raw.lines) {
    if (line.confidence >= o.min_line_confidence) {
      out.text.lines.push_back(std::move(line));
    }
  }
  size_t chars = 0;
  for (const auto& line : out.text.lines) {
    out.confidence += line.confidence * line.text.size();
    chars += line.text.size();
  }
  if (chars) out.confidence /= chars;
  return out;
}

}  // namespace

Result<PhotoReading> ReadPhoto(OcrEngine& engine, std::string_view bytes,
                               int deadline_ms, const ReadOptions& o) {
  PreprocessOptions first;
  auto start = std::chrono::steady_clock::now();
  QY_ASSIGN_OR_RETURN(PhotoReading best,
                      ReadOnce(engine, bytes, deadline_ms, first, o));
  int first_ms =
      static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - start)
                           .count());
  if (best.confidence < o.retry_below_confidence) {
    // A second try for faint ink (thin pens, blur): a lower contrast makes
    // more of each stroke count as ink, and glyphs are drawn larger.
    PreprocessOptions second;
    second.ink_contrast = 40;
    second.target_glyph_px = 48;
    // At most twice the first pass's time: noisy pages can make the
    // recogniser crawl, and a second opinion is not worth a stalled queue.
    int budget = std::max(500, 2 * first_ms);
    if (deadline_ms > 0) budget = std::min(budget, deadline_ms);
    auto again = ReadOnce(engine, bytes, budget, second, o);
    if (again.ok() && again->confidence > best.confidence) {
      best = std::move(*again);
    }
  }
  best.hints = ExtractHints(best.text);
  return best;
}

}  // namespace qunying::ocr
