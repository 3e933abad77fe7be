// Turns an uploaded photo into a page Tesseract reads well: safe decode
// (allow-listed formats, pixel limits, EXIF orientation), grey, background
// normalisation (divides out uneven light and shadows), light denoising,
// deskew, printed ruled/squared lines taken out, a crop to the text block,
// specks removed, and a rescale toward ~40 px Han glyphs. Thread-safe (no
// shared state); OpenCV exceptions become a Status.
#ifndef QUNYING_OCR_PREPROCESS_H_
#define QUNYING_OCR_PREPROCESS_H_

#include <cstddef>
#include <string_view>

#include "core/result.h"
#include "ocr/image_sniff.h"

namespace cv {
class Mat;
}

namespace qunying::ocr {

struct PreprocessOptions {
  // Header checks before any decoding (format allow-list, bytes, pixels).
  ImageLimits limits;
  // Target height of a text line's glyphs after rescaling, in pixels.
  int target_glyph_px = 40;
  // Straighten pages turned by up to this many degrees.
  double max_deskew_deg = 15;
  // How much darker than paper (0–255, after background normalisation) a
  // pixel must be to count as ink; this separates ink from the printed
  // lines of ruled or squared paper (~40 darker; pen and print 80 or more).
  int ink_contrast = 65;
  // Upper bound on the pixels of the page handed to the recogniser (its
  // time grows with them).
  size_t max_output_pixels = 2'000'000;
};

struct Preprocessed {
  double scale = 1;     // Applied resize factor.
  double skew_deg = 0;  // Rotation applied to straighten the text.
  int glyph_px = 0;     // Estimated glyph height before rescaling.
};

// Decodes and cleans `bytes` into an 8-bit grey page in *out.
// UnsupportedMedia / TooLarge from the header checks; UnsupportedMedia when
// the codec cannot decode a file whose header looked fine.
Result<Preprocessed> PreprocessPhoto(std::string_view bytes, cv::Mat* out,
                                     const PreprocessOptions& options = {});

}  // namespace qunying::ocr

#endif  // QUNYING_OCR_PREPROCESS_H_
