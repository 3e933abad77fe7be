// Reads an uploaded image's format and pixel size from its header, without
// decoding it: the first, cheap gate for check-in photos (JPEG, PNG, WebP
// only). Pure, thread-safe.
#ifndef QUNYING_OCR_IMAGE_SNIFF_H_
#define QUNYING_OCR_IMAGE_SNIFF_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace qunying::ocr {

struct ImageInfo {
  std::string format;     // "jpeg", "png" or "webp".
  std::string mime_type;  // "image/jpeg", …
  int width = 0, height = 0;
};

struct ImageLimits {
  size_t max_bytes = 10u << 20;     // 10 MiB.
  int64_t max_pixels = 40'000'000;  // 40 MP: beyond any phone photo.
  int max_side = 12000;
};

// UnsupportedMedia for anything that is not a well-formed JPEG/PNG/WebP
// header (including empty and truncated files); TooLarge over the limits.
Result<ImageInfo> SniffImage(std::string_view bytes,
                             const ImageLimits& limits = {});

}  // namespace qunying::ocr

#endif  // QUNYING_OCR_IMAGE_SNIFF_H_
