#include "ocr/read_photo.h"

#include <opencv2/core.hpp>

#include "ocr/preprocess.h"

namespace qunying::ocr {

Result<PhotoReading> ReadPhoto(OcrEngine& engine, std::string_view bytes,
                               int deadline_ms) {
  cv::Mat page;
  QY_RETURN_IF_ERROR(PreprocessPhoto(bytes, &page).status());
  PhotoReading out;
  QY_ASSIGN_OR_RETURN(out.text, engine.Recognize(page, deadline_ms));
  for (const auto& line : out.text.lines) out.confidence += line.confidence;
  if (!out.text.lines.empty()) out.confidence /= out.text.lines.size();
  out.hints = ExtractHints(out.text);
  return out;
}

}  // namespace qunying::ocr
