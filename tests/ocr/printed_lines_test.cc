// The removal of printed lines on synthetic pages whose lines and strokes
// are known pixel for pixel.
#include "ocr/printed_lines.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace qunying::ocr {
namespace {

constexpr int kLineGrey = 195;  // Printed lines: light, ~60 below paper.
constexpr int kGlyphPx = 24;
constexpr int kInkThreshold = 190;  // What the preprocessor passes.

// A 400×300 page with three text lines of dark blocks ("glyphs") at rows
// [60, 84), [130, 154), [200, 224).
std::vector<TextRows> Rows() { return {{60, 84}, {130, 154}, {200, 224}}; }

cv::Mat PageWithGlyphs(int glyph_width = 20, int ink = 30) {
  cv::Mat page(300, 400, CV_8U, cv::Scalar(255));
  for (const TextRows& r : Rows()) {
    for (int x = 40; x < 360; x += 32) {
      // A box-shaped glyph: strokes 3 px wide around a hollow middle.
      cv::rectangle(page, {x, r.top + 2}, {x + glyph_width, r.bottom - 3}, ink,
                    3);
    }
  }
  return page;
}

// Lines at x = x0 on row 0, leaning by `lean` px per row, 3 px wide.
void DrawLine(cv::Mat& page, int x0, double lean) {
  cv::Mat lines(page.size(), CV_8U, cv::Scalar(0));
  cv::line(lines, {x0, 0}, {x0 + static_cast<int>(lean * page.rows), page.rows},
           255, 3);
  // Under the ink: a line never lightens a stroke it crosses.
  cv::Mat drawn = cv::min(page, kLineGrey);
  drawn.copyTo(page, lines);
}

// Darkest pixel of the page's rows [top, bottom) within `dx` of x0 + lean*y.
int DarkestNear(const cv::Mat& page, int x0, double lean, int top, int bottom,
                int dx) {
  int darkest = 255;
  for (int y = top; y < bottom; ++y) {
    int x = x0 + static_cast<int>(lean * y);
    for (int i = std::max(0, x - dx); i <= std::min(page.cols - 1, x + dx); ++i)
      darkest = std::min<int>(darkest, page.at<uchar>(y, i));
  }
  return darkest;
}

PrintedLinesFound Remove(cv::Mat& page) {
  return RemovePrintedLines(page, Rows(), kGlyphPx, kInkThreshold);
}

TEST(PrintedLinesTest, RemovesUprightLinesThatLeanUnderPerspective) {
  cv::Mat page = PageWithGlyphs();
  DrawLine(page, 100, 0.12);
  DrawLine(page, 250, 0.18);
  DrawLine(page, 330, -0.05);
  ASSERT_LE(DarkestNear(page, 100, 0.12, 0, 50, 1), kLineGrey);

  EXPECT_EQ(Remove(page).upright, 3);

  // Between the text lines, where the lines ran on paper, paper again.
  EXPECT_GE(DarkestNear(page, 100, 0.12, 0, 55, 2), 250);
  EXPECT_GE(DarkestNear(page, 250, 0.18, 90, 125, 2), 250);
  EXPECT_GE(DarkestNear(page, 330, -0.05, 230, 300, 2), 250);
}

TEST(PrintedLinesTest, KeepsTheFaintStrokesALineCrosses) {
  // Strokes of a blurred glyph: darker than the line, but not so dark that
  // they are kept as ink whatever happens (kInkThreshold - 10).
  constexpr int kFaint = 184;
  cv::Mat page = PageWithGlyphs(20, kFaint);
  cv::Mat clean = page.clone();
  DrawLine(page, 100, 0.12);
  ASSERT_EQ(Remove(page).upright, 1);
  // The glyphs' top and bottom strokes, which the line crosses, are whole:
  // the closing across the line keeps what is wider than the line.
  for (const TextRows& r : Rows()) {
    for (int y : {r.top + 2, r.bottom - 3}) {
      cv::Mat was = clean.row(y) <= kFaint, is = page.row(y) <= kFaint;
      EXPECT_EQ(cv::countNonZero(was & ~is), 0) << "row " << y;
    }
  }
}

TEST(PrintedLinesTest, KeepsAnUprightStrokeThatRunsAlongALine) {
  cv::Mat page = PageWithGlyphs();
  // A stroke 2 px wide inside the second text line, on the line's path.
  int x = 100 + static_cast<int>(0.12 * 142);
  cv::rectangle(page, {x, 132}, {x + 1, 151}, 40, cv::FILLED);
  DrawLine(page, 100, 0.12);
  ASSERT_EQ(Remove(page).upright, 1);
  EXPECT_EQ(page.at<uchar>(142, x), 40);
  EXPECT_EQ(page.at<uchar>(142, x + 1), 40);
}

TEST(PrintedLinesTest, LeavesAPageWithoutLinesAlone) {
  // The glyphs' left strokes stand one above another in every text line,
  // but nothing joins them between the lines: not a line.
  cv::Mat page = PageWithGlyphs();
  cv::Mat before = page.clone();
  PrintedLinesFound found = Remove(page);
  EXPECT_EQ(found.upright, 0);
  EXPECT_EQ(found.across, 0);
  EXPECT_EQ(cv::countNonZero(page != before), 0);
}

TEST(PrintedLinesTest, DoesNotTakeTheTopsOfARowOfGlyphsForALine) {
  // Glyphs 28 px wide every 32 px: their tops, 3 px thin, make a dashed
  // line across 80% of the page.
  cv::Mat page = PageWithGlyphs(28);
  EXPECT_EQ(Remove(page).across, 0);
}

TEST(PrintedLinesTest, RemovesLinesAcrossThroughTheTextAndBetweenIt) {
  cv::Mat page = PageWithGlyphs();
  cv::Mat clean = page.clone();
  // One through the middle of the first text line, one between lines,
  // both tilted by 2 px over the page.
  for (int y : {72, 110}) {
    cv::Mat line(page.size(), CV_8U, cv::Scalar(0));
    cv::line(line, {0, y}, {399, y + 2}, 255, 2);
    cv::Mat drawn = cv::min(page, kLineGrey);
    drawn.copyTo(page, line);
  }
  ASSERT_LE(page.at<uchar>(72, 65), kLineGrey);  // Between two glyphs.

  EXPECT_EQ(Remove(page).across, 2);

  for (int x : {65, 97, 380}) EXPECT_GE(page.at<uchar>(73, x), 250) << x;
  EXPECT_GE(DarkestNear(page, 0, 0, 108, 114, 399), 250);
  cv::Mat ink = clean < 128, still = page < 128;
  EXPECT_EQ(cv::countNonZero(ink & ~still), 0);
}

TEST(PrintedLinesTest, LongUprightPassWhitensFaintRulesButNotInk) {
  cv::Mat page = PageWithGlyphs();
  cv::line(page, {150, 0}, {150, 299}, kLineGrey, 2);
  RemoveLongUprightLines(page, kGlyphPx, kInkThreshold);
  EXPECT_GE(DarkestNear(page, 150, 0, 0, 55, 1), 250);
  EXPECT_EQ(page.at<uchar>(62, 41), 30);  // A glyph's corner.
}

}  // namespace
}  // namespace qunying::ocr
