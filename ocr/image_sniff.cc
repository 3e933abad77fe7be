#include "ocr/image_sniff.h"

namespace qunying::ocr {
namespace {

uint32_t Be16(std::string_view b, size_t i) {
  return (static_cast<uint8_t>(b[i]) << 8) | static_cast<uint8_t>(b[i + 1]);
}
uint32_t Be32(std::string_view b, size_t i) {
  return (Be16(b, i) << 16) | Be16(b, i + 2);
}
uint32_t Le16(std::string_view b, size_t i) {
  return static_cast<uint8_t>(b[i]) | (static_cast<uint8_t>(b[i + 1]) << 8);
}
uint32_t Le24(std::string_view b, size_t i) {
  return Le16(b, i) | (static_cast<uint8_t>(b[i + 2]) << 16);
}

Status Unreadable(const std::string& what) {
  return Status::UnsupportedMedia(
      "photo is not a readable JPEG, PNG or WebP (" + what + ")");
}

Result<ImageInfo> Jpeg(std::string_view b) {
  size_t i = 2;
  while (i + 4 <= b.size()) {
    if (static_cast<uint8_t>(b[i]) != 0xFF)
      return Unreadable("bad JPEG marker");
    uint8_t marker = static_cast<uint8_t>(b[i + 1]);
    if (marker == 0xFF) {
      ++i;
      continue;
    }  // Fill byte.
    if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) ||
        marker == 0x01) {
      i += 2;
      continue;
    }
    uint32_t len = Be16(b, i + 2);
    if (len < 2) return Unreadable("bad JPEG segment");
    bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 &&
               marker != 0xC8 && marker != 0xCC;
    if (sof) {
      if (i + 9 > b.size()) return Unreadable("truncated JPEG");
      return ImageInfo{"jpeg", "image/jpeg", static_cast<int>(Be16(b, i + 7)),
                       static_cast<int>(Be16(b, i + 5))};
    }
    if (marker == 0xDA || marker == 0xD9) break;  // Scan before a frame header.
    i += 2 + len;
  }
  return Unreadable("truncated JPEG without a frame header");
}

Result<ImageInfo> Png(std::string_view b) {
  if (b.size() < 24 || b.substr(12, 4) != "IHDR")
    return Unreadable("truncated PNG");
  return ImageInfo{"png", "image/png", static_cast<int>(Be32(b, 16)),
                   static_cast<int>(Be32(b, 20))};
}

Result<ImageInfo> Webp(std::string_view b) {
  if (b.size() < 30) return Unreadable("truncated WebP");
  std::string_view chunk = b.substr(12, 4);
  ImageInfo info{"webp", "image/webp", 0, 0};
  if (chunk == "VP8 ") {
    if (static_cast<uint8_t>(b[23]) != 0x9D ||
        static_cast<uint8_t>(b[24]) != 0x01 ||
        static_cast<uint8_t>(b[25]) != 0x2A) {
      return Unreadable("bad WebP frame");
    }
    info.width = static_cast<int>(Le16(b, 26) & 0x3FFF);
    info.height = static_cast<int>(Le16(b, 28) & 0x3FFF);
  } else if (chunk == "VP8L") {
    if (static_cast<uint8_t>(b[20]) != 0x2F)
      return Unreadable("bad WebP lossless");
    uint32_t bits = static_cast<uint8_t>(b[21]) |
                    (static_cast<uint8_t>(b[22]) << 8) |
                    (static_cast<uint8_t>(b[23]) << 16) |
                    (static_cast<uint32_t>(static_cast<uint8_t>(b[24])) << 24);
    info.width = static_cast<int>((bits & 0x3FFF) + 1);
    info.height = static_cast<int>(((bits >> 14) & 0x3FFF) + 1);
  } else if (chunk == "VP8X") {
    info.width = static_cast<int>(Le24(b, 24) + 1);
    info.height = static_cast<int>(Le24(b, 27) + 1);
  } else {
    return Unreadable("unknown WebP chunk");
  }
  return info;
}

}  // namespace

Result<ImageInfo> SniffImage(std::string_view b, const ImageLimits& limits) {
  if (b.size() > limits.max_bytes) {
    return Status::TooLarge("photo is larger than " +
                            std::to_string(limits.max_bytes >> 20) + " MiB");
  }
  Result<ImageInfo> info = Unreadable(b.empty() ? "empty" : "unknown format");
  if (b.size() >= 3 && b.substr(0, 3) == "\xFF\xD8\xFF")
    info = Jpeg(b);
  else if (b.size() >= 8 && b.substr(0, 8) == "\x89PNG\r\n\x1A\n")
    info = Png(b);
  else if (b.size() >= 12 && b.substr(0, 4) == "RIFF" &&
           b.substr(8, 4) == "WEBP")
    info = Webp(b);
  if (!info.ok()) return info;
  if (info->width <= 0 || info->height <= 0) return Unreadable("zero size");
  if (info->width > limits.max_side || info->height > limits.max_side ||
      static_cast<int64_t>(info->width) * info->height > limits.max_pixels) {
    return Status::TooLarge(
        "photo is " + std::to_string(info->width) + "×" +
        std::to_string(info->height) + " pixels; the limit is " +
        std::to_string(limits.max_pixels / 1000000) + " MP");
  }
  return info;
}

}  // namespace qunying::ocr
