// Renders Chinese text with a real font and reads it back with the real
// Tesseract: proves both ends of the OCR stack work on this machine.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

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

#include "ocr/photo_generator.h"
#include "ocr/preprocess.h"

namespace qunying::ocr {
namespace {

TEST(PreprocessTest, StraightensAndRescalesATurnedPhotoSoItReads) {
  RenderOptions o;
  o.glyph_px = 22;  // Small text, as from a phone held far away.
  o.rotation_deg = 6;
  o.shadow = true;
  o.noise_sigma = 6;
  auto jpeg = RenderPhotoJpeg({"北京市海淀区实验小学", "三年级二班 王小明"}, o);
  ASSERT_TRUE(jpeg.ok());
  cv::Mat page;
  auto p = PreprocessPhoto(*jpeg, &page);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_NEAR(p->skew_deg, -6, 1.5);
  EXPECT_GT(p->scale, 1.2);
  auto engine = TesseractEngine::Create();
  ASSERT_TRUE(engine.ok());
  auto text = (*engine)->Recognize(page, 30000);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  std::string all = WithoutSpaces(text->Joined());
  EXPECT_NE(all.find("海淀"), std::string::npos) << all;
  EXPECT_NE(all.find("三年级"), std::string::npos) << all;
}

TEST(PreprocessTest, CropsToTheTextNotTheSquaredPaperAroundIt) {
  // Three short lines at the top of a noisy, shadowed sheet of squared
  // paper seen at an angle: grid fragments and paper texture fill every
  // row below the text, and the sheet's edge runs beside it.
  RenderOptions o;
  o.glyph_px = 22;
  o.paper = Paper::kSquared;
  o.perspective = 0.06;
  o.shadow = true;
  o.noise_sigma = 10;
  o.seed = 7;
  auto jpeg = RenderPhotoJpeg(
      {"Day 5 check in", "我们住在重庆黔江区", "重庆市黔江区春晖小学"}, o);
  ASSERT_TRUE(jpeg.ok());
  cv::Mat page;
  auto p = PreprocessPhoto(*jpeg, &page);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_GT(p->scale, 0);
  // Back in the photo's pixels, the crop is the text block and its margin.
  double rows = page.rows / p->scale, cols = page.cols / p->scale;
  EXPECT_LT(rows, 0.25 * o.height) << rows;
  EXPECT_LT(cols, 0.6 * o.width) << cols;
  EXPECT_GT(cols, 10 * o.glyph_px) << cols;  // The longest line is kept.
}

TEST(PreprocessTest, TakesTheSkewFromTheTextNotTheGridAroundIt) {
  // The benchmark's hard photo #6: text turned on squared paper seen at an
  // angle, where grid lines and the sheet's edges, skewed otherwise by
  // perspective, outnumber the ink of five short lines.
  auto photo = GeneratePhoto(Difficulty::kHard, 1006);
  ASSERT_TRUE(photo.ok()) << photo.status().ToString();
  ASSERT_GE(std::abs(photo->render.rotation_deg), 3);
  cv::Mat page;
  auto p = PreprocessPhoto(photo->jpeg, &page);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_NEAR(p->skew_deg, -photo->render.rotation_deg, 1.5);
  EXPECT_NEAR(p->glyph_px, photo->render.glyph_px, 5);
}

TEST(PreprocessTest, RefusesWhatTheCodecCannotDecode) {
  // A real PNG whose compressed pixel data is damaged: the header passes
  // the sniff, the codec refuses the rest.
  cv::Mat img(200, 300, CV_8UC3, cv::Scalar(240, 240, 240));
  std::vector<uchar> png;
  ASSERT_TRUE(cv::imencode(".png", img, png));
  std::string bytes(png.begin(), png.end());
  size_t idat = bytes.find("IDAT");
  ASSERT_NE(idat, std::string::npos);
  for (size_t i = idat + 6; i < idat + 30 && i < bytes.size(); ++i)
    bytes[i] ^= 0x5A;
  cv::Mat page;
  auto p = PreprocessPhoto(bytes, &page);
  EXPECT_EQ(p.status().code(), StatusCode::kUnsupportedMedia)
      << p.status().ToString();
  EXPECT_EQ(PreprocessPhoto("", &page).status().code(),
            StatusCode::kUnsupportedMedia);
}

TEST(TesseractEngineTest, ADeadlineStopsLongRecognition) {
  auto engine = TesseractEngine::Create();
  ASSERT_TRUE(engine.ok());
  RenderOptions o;
  o.paper = Paper::kSquared;
  std::vector<std::string> lines(5, "密密麻麻的文字一行又一行没有尽头");
  auto jpeg = RenderPhotoJpeg(lines, o);
  ASSERT_TRUE(jpeg.ok());
  auto text = (*engine)->Recognize(Decode(*jpeg), 1);
  EXPECT_EQ(text.status().code(), StatusCode::kUnavailable);
  // The engine still works afterwards.
  EXPECT_TRUE((*engine)->Recognize(Decode(*jpeg), 0).ok());
}

TEST(TesseractEngineTest, RereadsInChineseALineTheMixedModelTookForLatin) {
  // The benchmark's easy photo #3: chi_sim+eng reads its line
  // "孩子今年8岁了" as Latin letters.
  auto photo = GeneratePhoto(Difficulty::kEasy, 1003);
  ASSERT_TRUE(photo.ok()) << photo.status().ToString();
  ASSERT_NE(
      std::find(photo->lines.begin(), photo->lines.end(), "孩子今年8岁了"),
      photo->lines.end());
  cv::Mat page;
  ASSERT_TRUE(PreprocessPhoto(photo->jpeg, &page).ok());
  TesseractOptions mixed_only;
  mixed_only.reread_languages = "";
  auto plain = TesseractEngine::Create(mixed_only);
  auto rereading = TesseractEngine::Create();
  ASSERT_TRUE(plain.ok() && rereading.ok());
  auto before = (*plain)->Recognize(page, 30000);
  auto after = (*rereading)->Recognize(page, 30000);
  ASSERT_TRUE(before.ok() && after.ok());
  // Without the re-read the line is lost; with it, it is read (the last
  // glyphs differ between builds: 岁 with -O2, 凤 under ASan).
  EXPECT_EQ(WithoutSpaces(before->Joined()).find("今年8"), std::string::npos)
      << before->Joined();
  EXPECT_NE(WithoutSpaces(after->Joined()).find("孩子今年8"), std::string::npos)
      << after->Joined();
  EXPECT_EQ(after->lines.size(), before->lines.size());
}

TEST(PreferRereadTest, TakesHanForALatinMisreadingEvenIfALittleLessSure) {
  // Seen on a hard bench photo: the grade line of a KaiTi page.
  EXPECT_TRUE(
      PreferReread({"CHER (4) BE SKARIG", 64}, {"七年级 (4) 班 张欣怡", 62}));
  EXPECT_FALSE(PreferReread({"CHER (4) BE SKARIG", 64},
                            {"七年级 (4) 班 张欣怡", 64 - 11}));
}

TEST(PreferRereadTest, ALineWithHanNeedsAMoreConfidentReread) {
  EXPECT_FALSE(
      PreferReread({"四年级 (9) HPS", 80}, {"四年级 (9) 班孙梓营", 74}));
  EXPECT_TRUE(
      PreferReread({"四年级 (9) HPS", 80}, {"四年级 (9) 班孙梓营", 81}));
}

TEST(PreferRereadTest, NeverTakesARereadWithoutHan) {
  EXPECT_FALSE(PreferReread({"Grade 3 (2)", 40}, {"Grade 3 (2)", 99}));
}

}  // namespace
}  // namespace qunying::ocr
