// A corpus of hostile and broken photos through the whole reading
// pipeline (sniff → decode → preprocess → recognise): each ends in a clear
// error or a harmless reading, never a crash or a stall. CI runs it under
// ASan+UBSan too.
#include <gtest/gtest.h>

#include <cstring>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "ocr/photo_renderer.h"
#include "ocr/read_photo.h"

namespace qunying::ocr {
namespace {

std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
          static_cast<char>(v >> 8), static_cast<char>(v)};
}

// A PNG whose header claims width × height but whose data is tiny.
std::string PngClaiming(uint32_t w, uint32_t h) {
  std::string png = "\x89PNG\r\n\x1a\n";
  png +=
      Be32(13) + "IHDR" + Be32(w) + Be32(h) + std::string("\x08\x02\0\0\0", 5);
  png += Be32(0);  // CRC (wrong; decoders must cope).
  png += Be32(0) + "IEND" + Be32(0);
  return png;
}

struct BadFile {
  const char* name;
  std::string bytes;
  StatusCode want;  // kOk: any result is fine as long as nothing breaks.
};

std::vector<BadFile> Corpus() {
  RenderOptions o;
  o.width = 320;
  o.height = 240;
  std::string jpeg = *RenderPhotoJpeg({"三年级"}, o);
  std::string corrupt = jpeg;
  for (size_t i = corrupt.size() / 3; i < corrupt.size() * 2 / 3; i += 7)
    corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5A);
  std::vector<uchar> tiny_png;
  cv::imencode(".png", cv::Mat(2, 2, CV_8UC3, cv::Scalar(255, 255, 255)),
               tiny_png);
  return {
      {"zero bytes", "", StatusCode::kUnsupportedMedia},
      {"jpeg magic only", "\xFF\xD8\xFF", StatusCode::kUnsupportedMedia},
      {"plain text", "这不是图片, just text\n", StatusCode::kUnsupportedMedia},
      {"pdf", "%PDF-1.7\n1 0 obj\n", StatusCode::kUnsupportedMedia},
      {"gif", "GIF89a\x01\0\x01\0\0\0\0", StatusCode::kUnsupportedMedia},
      {"png bomb 100k x 100k", PngClaiming(100000, 100000),
       StatusCode::kTooLarge},
      {"png too wide", PngClaiming(20000, 10), StatusCode::kTooLarge},
      {"png header, no data", PngClaiming(640, 480),
       StatusCode::kUnsupportedMedia},
      {"truncated jpeg", jpeg.substr(0, jpeg.size() / 2), StatusCode::kOk},
      {"corrupt jpeg body", corrupt, StatusCode::kOk},
      {"2x2 png", std::string(tiny_png.begin(), tiny_png.end()),
       StatusCode::kOk},
      {"webp header, garbage", "RIFF\x20\0\0\0WEBPVP8 garbagegarbage",
       StatusCode::kUnsupportedMedia},
  };
}

TEST(BadFilesTest, EveryBrokenPhotoEndsInAClearErrorOrAHarmlessReading) {
  auto engine = TesseractEngine::Create();
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  for (const BadFile& f : Corpus()) {
    auto r = ReadPhoto(**engine, f.bytes, 5000);
    if (f.want == StatusCode::kOk) {
      // Decoders may recover part of a damaged JPEG; if they cannot, the
      // error must say it could not be decoded.
      if (!r.ok()) {
        EXPECT_EQ(r.status().code(), StatusCode::kUnsupportedMedia)
            << f.name << ": " << r.status().ToString();
      }
    } else {
      ASSERT_FALSE(r.ok()) << f.name;
      EXPECT_EQ(r.status().code(), f.want)
          << f.name << ": " << r.status().ToString();
      EXPECT_FALSE(r.status().message().empty()) << f.name;
    }
  }
}

}  // namespace
}  // namespace qunying::ocr
