// Generates check-in-like photos with known content for OCR tests and
// benchmarks: a parent's note, a worksheet header or a notebook page naming
// a child's grade and school, a city and district, a phone number, an
// occupation, a company or an age, rendered with Debian's CJK fonts at three
// difficulty levels. Each photo carries its ground truth: the exact lines
// and the hints a perfect reader would extract. Deterministic for a seed;
// thread-safe.
#ifndef QUNYING_OCR_PHOTO_GENERATOR_H_
#define QUNYING_OCR_PHOTO_GENERATOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "ocr/photo_renderer.h"

namespace qunying::ocr {

enum class Difficulty {
  // Flat, sharp, black print on plain or ruled paper, ~44 px glyphs.
  kEasy,
  // Turned up to 5°, slight perspective, shadow, blue ink, blur, noise,
  // JPEG quality 70, ~34 px glyphs, three font families.
  kMedium,
  // Turned up to 10°, strong perspective, shadow, squared paper, blue
  // brush-like KaiTi (fonts-arphic-ukai), more blur and noise, JPEG
  // quality 50, ~26 px glyphs.
  kHard,
};

const char* DifficultyName(Difficulty d);

struct TruthHint {
  std::string field;
  std::string value;
};

struct GeneratedPhoto {
  Difficulty level = Difficulty::kEasy;
  std::vector<std::string> lines;  // The text as drawn, top to bottom.
  std::vector<TruthHint> hints;    // What the text states, canonical.
  RenderOptions render;            // How it was drawn.
  std::string jpeg;
};

// The photo for (level, seed). Unavailable when a font is missing.
[[nodiscard]] Result<GeneratedPhoto> GeneratePhoto(Difficulty level,
                                                   uint32_t seed);

}  // namespace qunying::ocr

#endif  // QUNYING_OCR_PHOTO_GENERATOR_H_
