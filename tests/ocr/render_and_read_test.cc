// Renders Chinese text with a real font and reads it back with the real
// Tesseract: proves both ends of the OCR stack work on this machine.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "ocr/photo_renderer.h"
#include "ocr/tesseract_engine.h"

namespace qunying::ocr {
namespace {

cv::Mat Decode(const std::string& jpeg) {
  std::vector<uchar> buf(jpeg.begin(), jpeg.end());
  return cv::imdecode(buf, cv::IMREAD_COLOR);
}

std::string WithoutSpaces(std::string s) {
  std::string out;
  for (char c : s) {
    if (c != ' ') out += c;
  }
  return out;
}

TEST(PhotoRendererTest, MakesAJpegOfTheRequestedSize) {
  RenderOptions o;
  o.width = 600;
  o.height = 800;
  auto jpeg = RenderPhotoJpeg({"三年级二班 王小明"}, o);
  ASSERT_TRUE(jpeg.ok()) << jpeg.status().ToString();
  ASSERT_GE(jpeg->size(), 3u);
  EXPECT_EQ(static_cast<unsigned char>((*jpeg)[0]), 0xFF);
  EXPECT_EQ(static_cast<unsigned char>((*jpeg)[1]), 0xD8);
  cv::Mat img = Decode(*jpeg);
  EXPECT_EQ(img.cols, 600);
  EXPECT_EQ(img.rows, 800);
}

TEST(PhotoRendererTest, SameSeedSameBytesOtherTextOtherBytes) {
  RenderOptions o;
  o.noise_sigma = 8;
  auto a = RenderPhotoJpeg({"海淀区"}, o), b = RenderPhotoJpeg({"海淀区"}, o);
  auto c = RenderPhotoJpeg({"朝阳区"}, o);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *c);
}

TEST(PhotoRendererTest, MissingFontIsUnavailable) {
  RenderOptions o;
  o.font_path = "/nonexistent/font.ttc";
  EXPECT_EQ(RenderPhotoJpeg({"x"}, o).status().code(),
            StatusCode::kUnavailable);
}

TEST(TesseractEngineTest, ReadsBackCleanlyRenderedChineseAndEnglish) {
  auto engine = TesseractEngine::Create();
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  RenderOptions o;
  o.paper = Paper::kPlain;
  auto jpeg = RenderPhotoJpeg(
      {"北京市海淀区实验小学", "三年级二班", "Reading day 12"}, o);
  ASSERT_TRUE(jpeg.ok());
  auto text = (*engine)->Recognize(Decode(*jpeg));
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  std::string all = WithoutSpaces(text->Joined());
  EXPECT_NE(all.find("海淀区"), std::string::npos) << all;
  EXPECT_NE(all.find("三年级"), std::string::npos) << all;
  EXPECT_NE(all.find("Reading"), std::string::npos) << all;
  for (const auto& line : text->lines) {
    EXPECT_GT(line.confidence, 50) << line.text;
  }
}

TEST(TesseractEngineTest, RefusesImagesItCannotRead) {
  auto engine = TesseractEngine::Create();
  ASSERT_TRUE(engine.ok());
  EXPECT_EQ((*engine)->Recognize(cv::Mat()).status().code(),
            StatusCode::kInvalidArgument);
  cv::Mat floats(10, 10, CV_32F);
  EXPECT_FALSE((*engine)->Recognize(floats).ok());
}

TEST(TesseractEngineTest, UnknownLanguageIsUnavailable) {
  auto engine = TesseractEngine::Create({"klingon_xx", "", 6});
  EXPECT_EQ(engine.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace qunying::ocr
