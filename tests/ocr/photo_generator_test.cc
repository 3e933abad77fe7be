#include "ocr/photo_generator.h"

#include <gtest/gtest.h>

#include <set>

#include "ocr/hints.h"
#include "ocr/read_photo.h"

namespace qunying::ocr {
namespace {

std::string AllText(const GeneratedPhoto& p) {
  std::string all;
  for (const auto& l : p.lines) all += l + "\n";
  return all;
}

TEST(PhotoGeneratorTest, DeterministicPerSeedAndLevel) {
  auto a = GeneratePhoto(Difficulty::kMedium, 7);
  auto b = GeneratePhoto(Difficulty::kMedium, 7);
  auto c = GeneratePhoto(Difficulty::kMedium, 8);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok()) << a.status().ToString();
  EXPECT_EQ(a->jpeg, b->jpeg);
  EXPECT_EQ(a->lines, b->lines);
  EXPECT_NE(a->jpeg, c->jpeg);
}

TEST(PhotoGeneratorTest, TruthHintsAreWhatThePerfectReaderFinds) {
  // Reading the generator's exact lines must give exactly its truth: the
  // ground truth and the extractor agree on every field.
  for (Difficulty d :
       {Difficulty::kEasy, Difficulty::kMedium, Difficulty::kHard}) {
    for (uint32_t seed = 1; seed <= 15; ++seed) {
      auto p = GeneratePhoto(d, seed);
      ASSERT_TRUE(p.ok()) << p.status().ToString();
      ASSERT_FALSE(p->hints.empty());
      OcrText perfect;
      for (const auto& l : p->lines) perfect.lines.push_back({l, 95});
      std::set<std::pair<std::string, std::string>> want, got;
      for (const auto& h : p->hints) want.insert({h.field, h.value});
      for (const auto& h : ExtractHints(perfect))
        got.insert({h.field, h.value});
      EXPECT_EQ(want, got) << AllText(*p);
    }
  }
}

TEST(PhotoGeneratorTest, HarderLevelsAreDrawnSmallerAndDirtier) {
  auto easy = GeneratePhoto(Difficulty::kEasy, 3);
  auto hard = GeneratePhoto(Difficulty::kHard, 3);
  ASSERT_TRUE(easy.ok() && hard.ok());
  EXPECT_GT(easy->render.glyph_px, hard->render.glyph_px);
  EXPECT_LT(easy->render.noise_sigma, hard->render.noise_sigma);
  EXPECT_GT(hard->render.perspective, 0);
  EXPECT_GT(easy->render.jpeg_quality, hard->render.jpeg_quality);
}

TEST(ReadPhotoTest, ReadsAnEasyGeneratedPhotoIntoItsHints) {
  auto engine = TesseractEngine::Create();
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  int found = 0, truth = 0;
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    auto p = GeneratePhoto(Difficulty::kEasy, seed);
    ASSERT_TRUE(p.ok());
    auto r = ReadPhoto(**engine, p->jpeg, 20000);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    for (const auto& t : p->hints) {
      ++truth;
      for (const auto& h : r->hints)
        found += h.field == t.field && h.value == t.value;
    }
    for (const auto& h : r->hints) {
      EXPECT_GT(h.confidence, 0);
      EXPECT_LE(h.confidence, 1);
    }
  }
  EXPECT_GE(found * 10, truth * 6) << found << " of " << truth;
}

}  // namespace
}  // namespace qunying::ocr
