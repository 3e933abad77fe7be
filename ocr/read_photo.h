// The check-in photo pipeline in one place: preprocess, recognise under a
// deadline, extract hints. Used by the OCR workers and by `qunying ocr`.
// Thread-safe as far as `engine` is (one engine per thread).
#ifndef QUNYING_OCR_READ_PHOTO_H_
#define QUNYING_OCR_READ_PHOTO_H_

#include <string_view>
#include <vector>

#include "core/result.h"
#include "ocr/hints.h"
#include "ocr/tesseract_engine.h"

namespace qunying::ocr {

struct ReadOptions {
  // Lines read with a confidence below this (0–100) are dropped as noise.
  double min_line_confidence = 30;
};

struct PhotoReading {
  OcrText text;
  double confidence = 0;  // Mean confidence per character of text, 0–100.
  std::vector<Hint> hints;
};

// Errors: those of PreprocessPhoto (UnsupportedMedia, TooLarge) and of the
// engine (Unavailable past the deadline, which applies to each pass).
Result<PhotoReading> ReadPhoto(OcrEngine& engine, std::string_view bytes,
                               int deadline_ms,
                               const ReadOptions& options = {});

}  // namespace qunying::ocr

#endif  // QUNYING_OCR_READ_PHOTO_H_
