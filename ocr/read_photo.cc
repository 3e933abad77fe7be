#include "ocr/read_photo.h"

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
  QY_ASSIGN_OR_RETURN(PhotoReading reading,
                      ReadOnce(engine, bytes, deadline_ms, {}, o));
  reading.hints = ExtractHints(reading.text);
  return reading;
}

}  // namespace qunying::ocr
