#include "ocr/preprocess.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace qunying::ocr {
namespace {

// Divides out the paper and its lighting (a closed, heavily blurred copy),
// which flattens shadows; paper becomes ~255, ink stays dark.
cv::Mat NormalizeBackground(const cv::Mat& gray) {
  cv::Mat background;
  int k = std::max(15, (std::min(gray.cols, gray.rows) / 20) | 1);
  cv::morphologyEx(
      gray, background, cv::MORPH_CLOSE,
      cv::getStructuringElement(cv::MORPH_RECT, {k / 3 | 1, k / 3 | 1}));
  cv::GaussianBlur(background, background, {k, k}, 0);
  cv::Mat norm;
  cv::divide(gray, background, norm, 255.0);
  // Light smoothing against sensor noise and JPEG speckle; a median filter
  // would erase the 1–2 px strokes of small handwriting.
  cv::GaussianBlur(norm, norm, {3, 3}, 0);
  return norm;
}

// The paper's level after normalisation: the median pixel (most of a page
// is paper).
int PaperLevel(const cv::Mat& norm) {
  int hist[256] = {};
  for (int y = 0; y < norm.rows; ++y) {
    const uchar* row = norm.ptr<uchar>(y);
    for (int x = 0; x < norm.cols; ++x) ++hist[row[x]];
  }
  size_t half = norm.total() / 2, seen = 0;
  int paper = 255;
  for (int v = 0; v < 256; ++v) {
    seen += hist[v];
    if (seen >= half) {
      paper = v;
      break;
    }
  }
  return std::max(paper, 1);
}

// Angle (degrees) that makes the text lines horizontal: tries small
// rotations and keeps the one whose row profile is the most peaked.
double EstimateSkew(const cv::Mat& binary_inv, double max_deg) {
  cv::Mat small;
  double f = std::min(1.0, 800.0 / std::max(binary_inv.cols, binary_inv.rows));
  cv::resize(binary_inv, small, {}, f, f, cv::INTER_AREA);
  double best_angle = 0, best_score = -1;
  for (double a = -max_deg; a <= max_deg; a += 0.5) {
    cv::Mat rot =
        cv::getRotationMatrix2D({small.cols / 2.0f, small.rows / 2.0f}, a, 1.0);
    cv::Mat r;
    cv::warpAffine(small, r, rot, small.size(), cv::INTER_NEAREST);
    cv::Mat rows;
    cv::reduce(r, rows, 1, cv::REDUCE_SUM, CV_64F);
    double mean = cv::mean(rows)[0], score = 0;
    for (int i = 0; i < rows.rows; ++i)
      score += std::pow(rows.at<double>(i) - mean, 2);
    if (score > best_score) {
      best_score = score;
      best_angle = a;
    }
  }
  return best_angle;
}

// Keeps the connected components that can be parts of glyphs: not specks,
// not page edges, not long printed lines.
cv::Mat GlyphMask(const cv::Mat& binary_inv) {
  cv::Mat labels, stats, centroids;
  int n =
      cv::connectedComponentsWithStats(binary_inv, labels, stats, centroids, 8);
  std::vector<uchar> keep(n, 0);
  int max_w = std::max(40, binary_inv.cols / 6);
  int max_h = std::max(40, binary_inv.rows / 8);
  for (int i = 1; i < n; ++i) {
    int w = stats.at<int>(i, cv::CC_STAT_WIDTH);
    int h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    int area = stats.at<int>(i, cv::CC_STAT_AREA);
    keep[i] = area >= 6 && w <= max_w && h <= max_h && (w >= 2 || h >= 2);
  }
  cv::Mat mask(binary_inv.size(), CV_8U);
  for (int y = 0; y < mask.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    uchar* m = mask.ptr<uchar>(y);
    for (int x = 0; x < mask.cols; ++x) m[x] = keep[l[x]] ? 255 : 0;
  }
  return mask;
}

// Long straight runs of anything darker than paper are printed lines; those
// of their pixels not dark enough to be ink are set to paper.
void RemovePrintedLines(cv::Mat& norm, int ink_threshold, int glyph_px) {
  // Anything visibly darker than the (white) paper may be a printed line.
  constexpr int kNotPaper = 255 - 12;
  cv::Mat loose;
  cv::threshold(norm, loose, kNotPaper, 255, cv::THRESH_BINARY_INV);
  // Longer than any stroke of a glyph, short enough for lines slightly
  // tilted by perspective.
  int len = std::max(40, glyph_px * 3);
  cv::Mat horizontal, vertical;
  cv::morphologyEx(loose, horizontal, cv::MORPH_OPEN,
                   cv::getStructuringElement(cv::MORPH_RECT, {len, 1}));
  cv::morphologyEx(loose, vertical, cv::MORPH_OPEN,
                   cv::getStructuringElement(cv::MORPH_RECT, {1, len}));
  cv::Mat lines = horizontal | vertical;
  cv::dilate(lines, lines, cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
  cv::Mat faint;
  cv::threshold(norm, faint, ink_threshold, 255, cv::THRESH_BINARY);
  norm.setTo(255, lines & faint);
}

// Isolated dark specks (sensor noise, paper texture) become paper: they
// cost the recogniser time and turn into stray characters.
void RemoveSpecks(cv::Mat& page, int ink_contrast) {
  cv::Mat dark, labels, stats, centroids;
  cv::threshold(page, dark, 255 - ink_contrast / 3, 255, cv::THRESH_BINARY_INV);
  int n = cv::connectedComponentsWithStats(dark, labels, stats, centroids, 8);
  std::vector<uchar> speck(n, 0);
  for (int i = 1; i < n; ++i)
    speck[i] = stats.at<int>(i, cv::CC_STAT_AREA) < 10;
  for (int y = 0; y < page.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    uchar* p = page.ptr<uchar>(y);
    for (int x = 0; x < page.cols; ++x) {
      if (speck[l[x]]) p[x] = 255;
    }
  }
}

struct TextBlock {
  cv::Rect box;
  int line_px = 0;  // Median height of a line of text.
};

// Rows with ink form line bands; the median band height is the glyph size
// (Han glyphs fill the line), and the bands of about that height bound the
// text block.
TextBlock FindText(const cv::Mat& mask) {
  cv::Mat rows;
  cv::reduce(mask, rows, 1, cv::REDUCE_SUM, CV_64F);
  double min_ink = 255.0 * std::max(3, mask.cols / 200);
  std::vector<std::pair<int, int>> bands;
  int start = -1;
  for (int y = 0; y <= mask.rows; ++y) {
    bool ink = y < mask.rows && rows.at<double>(y) >= min_ink;
    if (ink && start < 0) start = y;
    if (!ink && start >= 0) {
      if (y - start >= 6) bands.push_back({start, y});
      start = -1;
    }
  }
  TextBlock t;
  if (bands.empty()) return t;
  std::vector<int> heights;
  for (auto& b : bands) heights.push_back(b.second - b.first);
  std::nth_element(heights.begin(), heights.begin() + heights.size() / 2,
                   heights.end());
  t.line_px = heights[heights.size() / 2];
  cv::Rect box;
  for (auto& [top, bottom] : bands) {
    int h = bottom - top;
    if (h < t.line_px / 2 || h > t.line_px * 5 / 2) continue;
    cv::Mat band = mask.rowRange(top, bottom);
    cv::Mat cols;
    cv::reduce(band, cols, 0, cv::REDUCE_MAX, CV_8U);
    std::vector<cv::Point> pts;
    cv::findNonZero(cols, pts);
    if (pts.empty()) continue;
    cv::Rect r(pts.front().x, top, pts.back().x - pts.front().x + 1, h);
    box = box.empty() ? r : (box | r);
  }
  int margin = t.line_px;
  t.box = (box - cv::Point(margin, margin) + cv::Size(2 * margin, 2 * margin)) &
          cv::Rect(0, 0, mask.cols, mask.rows);
  return t;
}

}  // namespace

Result<Preprocessed> PreprocessPhoto(std::string_view bytes, cv::Mat* out,
                                     const PreprocessOptions& o) {
  QY_RETURN_IF_ERROR(SniffImage(bytes, o.limits).status());
  try {
    std::vector<uchar> buf(bytes.begin(), bytes.end());
    cv::Mat color =
        cv::imdecode(buf, cv::IMREAD_COLOR);  // Applies EXIF orientation.
    if (color.empty()) {
      return Status::UnsupportedMedia("the photo could not be decoded");
    }
    cv::Mat gray;
    cv::cvtColor(color, gray, cv::COLOR_BGR2GRAY);
    cv::Mat norm = NormalizeBackground(gray);
    cv::Mat binary_inv;
    // Paper becomes white; ink is what is darker than it by ink_contrast.
    norm.convertTo(norm, CV_8U, 255.0 / PaperLevel(norm));
    int threshold = 255 - o.ink_contrast;
    cv::threshold(norm, binary_inv, threshold, 255, cv::THRESH_BINARY_INV);
    Preprocessed p;
    p.skew_deg = EstimateSkew(binary_inv, o.max_deskew_deg);
    if (std::abs(p.skew_deg) >= 0.5) {
      cv::Mat rot = cv::getRotationMatrix2D(
          {norm.cols / 2.0f, norm.rows / 2.0f}, p.skew_deg, 1.0);
      cv::warpAffine(norm, norm, rot, norm.size(), cv::INTER_LINEAR,
                     cv::BORDER_REPLICATE);
      cv::warpAffine(binary_inv, binary_inv, rot, binary_inv.size(),
                     cv::INTER_NEAREST);
    }
    // Printed lines (ruled or squared paper) become paper except where ink
    // crosses them; the page is cut to the block of text lines.
    TextBlock text = FindText(GlyphMask(binary_inv));
    RemovePrintedLines(norm, threshold, text.line_px);
    if (!text.box.empty()) norm = norm(text.box).clone();
    RemoveSpecks(norm, o.ink_contrast);
    p.glyph_px = text.line_px;
    if (p.glyph_px > 0) {
      // Never past max_output_pixels: a misjudged glyph size on a noisy
      // page must not hand the recogniser a huge image.
      double cap = std::sqrt(static_cast<double>(o.max_output_pixels) /
                             std::max<size_t>(1, norm.total()));
      p.scale = std::min(
          std::clamp(static_cast<double>(o.target_glyph_px) / p.glyph_px, 0.25,
                     4.0),
          cap);
      if (std::abs(p.scale - 1) > 0.15) {
        cv::resize(norm, norm, {}, p.scale, p.scale,
                   p.scale < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
      } else {
        p.scale = 1;
      }
    }
    *out = norm;
    return p;
  } catch (const cv::Exception& e) {
    return Status::UnsupportedMedia(
        std::string("the photo could not be processed: ") + e.what());
  }
}

}  // namespace qunying::ocr
