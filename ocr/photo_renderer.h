// Renders check-in-like photos of text with real CJK fonts (Debian's
// fonts-noto-cjk): paper, ink, rotation, noise, blur and JPEG loss. Used by
// the demo community and, with ground truth, by OCR tests and benchmarks.
// Thread-safe: each thread keeps its own FreeType face.
#ifndef QUNYING_OCR_PHOTO_RENDERER_H_
#define QUNYING_OCR_PHOTO_RENDERER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace qunying::ocr {

enum class Paper { kPlain, kRuled, kSquared };

struct RenderOptions {
  // Output size in pixels (a phone photo's 3:4).
  int width = 960;
  int height = 1280;
  // Height of a Han glyph in pixels.
  int glyph_px = 44;
  Paper paper = Paper::kRuled;
  // Blue ballpoint instead of black print.
  bool blue_ink = false;
  // Degrees the page is turned, counter-clockwise.
  double rotation_deg = 0;
  // Gaussian pixel noise (standard deviation, 0–255 scale).
  double noise_sigma = 0;
  // Gaussian blur (sigma in pixels; 0 = sharp).
  double blur_sigma = 0;
  // The page seen at an angle: each corner moves inward by up to this
  // fraction of the page's size (0 = flat; 0.08 is a casual phone shot).
  double perspective = 0;
  // A shadow falling across part of the page (uneven light).
  bool shadow = false;
  // JPEG quality of the output, 1–100.
  int jpeg_quality = 90;
  // Seeds the page's random details (noise, shadow placement).
  uint32_t seed = 1;
  // The font file and face index (2 = Noto Sans CJK SC in Debian's .ttc).
  std::string font_path =
      "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
  int font_index = 2;
};

// JPEG bytes of a photo showing `lines` of UTF-8 text, top to bottom.
// Unavailable when the font cannot be loaded.
Result<std::string> RenderPhotoJpeg(const std::vector<std::string>& lines,
                                    const RenderOptions& options);

}  // namespace qunying::ocr

#endif  // QUNYING_OCR_PHOTO_RENDERER_H_
