#include "ocr/preprocess.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "ocr/printed_lines.h"

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

// How much longer than wide (or wide than long) a connected component
// may be and still count as part of a glyph when looking for the text.
constexpr int kMaxPartAspect = 4;

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
    // Only blob-like parts: thin and long ones are mostly fragments of
    // printed lines or of the sheet's edge (broken up by noise or
    // perspective). A lone stroke such as "一" is lost too, but the rest
    // of its line still marks the line.
    bool blob = std::max(w, h) <= kMaxPartAspect * std::min(w, h);
    keep[i] =
        area >= 6 && w <= max_w && h <= max_h && (w >= 2 || h >= 2) && blob;
  }
  cv::Mat mask(binary_inv.size(), CV_8U);
  for (int y = 0; y < mask.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    uchar* m = mask.ptr<uchar>(y);
    for (int x = 0; x < mask.cols; ++x) m[x] = keep[l[x]] ? 255 : 0;
  }
  return mask;
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

// A band of rows is text when it holds at least this share of the ink of
// the inkiest band of about a line's height.
constexpr double kMinBandInkShare = 0.2;
// Lines of one text block are at most this many line heights apart.
constexpr int kMaxLineGap = 4;

struct TextBlock {
  cv::Rect box;
  int line_px = 0;             // Height of a line of text (0: no text found).
  std::vector<TextRows> rows;  // The text lines, top to bottom.
};

// The columns [left, right) of a band's inkiest run of ink, where gaps
// narrower than `max_gap` (spaces between words) do not break a run: the
// line of text, not the specks along a page edge beside it.
std::pair<int, int> InkiestRun(const cv::Mat& band, int max_gap) {
  cv::Mat cols;
  cv::reduce(band, cols, 0, cv::REDUCE_SUM, CV_64F);
  std::pair<int, int> best{0, 0};
  double best_ink = 0, ink = 0;
  int start = -1, last = -1;
  for (int x = 0; x <= cols.cols; ++x) {
    bool has = x < cols.cols && cols.at<double>(x) > 0;
    if (has && start >= 0 && x - last > max_gap) {  // The run ended at last.
      if (ink > best_ink) best_ink = ink, best = {start, last + 1};
      start = -1;
    }
    if (has) {
      if (start < 0) start = x, ink = 0;
      ink += cols.at<double>(x);
      last = x;
    }
  }
  if (start >= 0 && ink > best_ink) best = {start, last + 1};
  return best;
}

struct Band {
  int top = 0, bottom = 0;  // Rows [top, bottom).
  double ink = 0;           // Mask pixels in it, times 255.
  int height() const { return bottom - top; }
};

// Runs of rows with ink, at least 6 rows high.
std::vector<Band> InkBands(const cv::Mat& mask) {
  cv::Mat rows;
  cv::reduce(mask, rows, 1, cv::REDUCE_SUM, CV_64F);
  double min_ink = 255.0 * std::max(3, mask.cols / 200);
  std::vector<Band> bands;
  Band b;
  int start = -1;
  for (int y = 0; y <= mask.rows; ++y) {
    double r = y < mask.rows ? rows.at<double>(y) : 0;
    bool ink = r >= min_ink;
    if (ink && start < 0) start = y, b = Band{y, y, 0};
    if (ink) b.ink += r;
    if (!ink && start >= 0) {
      b.bottom = y;
      if (b.height() >= 6) bands.push_back(b);
      start = -1;
    }
  }
  return bands;
}

// The ink-weighted median band height: lines of text carry most of the
// ink, thin bands of leftover specks very little. Han glyphs fill their
// line, so this is the glyph size.
int LineHeight(const std::vector<Band>& bands) {
  std::vector<std::pair<int, double>> by_height;
  double total = 0;
  for (const Band& b : bands) {
    by_height.push_back({b.height(), b.ink});
    total += b.ink;
  }
  std::sort(by_height.begin(), by_height.end());
  double seen = 0;
  for (const auto& [h, ink] : by_height) {
    seen += ink;
    if (seen >= total / 2) return h;
  }
  return by_height.empty() ? 0 : by_height.back().first;
}

// The text lines: bands of about a line's height with a fair share of the
// inkiest one's ink, in the group (lines no further apart than
// kMaxLineGap lines) that holds the most ink. Sheet edges and specks far
// from the text stay out.
std::vector<Band> TextLines(const std::vector<Band>& bands, int line_px) {
  double most = 0;
  std::vector<Band> lines;
  for (const Band& b : bands) {
    if (b.height() < line_px / 2 || b.height() > line_px * 5 / 2) continue;
    lines.push_back(b);
    most = std::max(most, b.ink);
  }
  std::erase_if(lines,
                [&](const Band& b) { return b.ink < kMinBandInkShare * most; });
  std::vector<Band> best, group;
  double best_ink = 0, group_ink = 0;
  for (size_t i = 0; i <= lines.size(); ++i) {
    bool breaks = i == lines.size() ||
                  (!group.empty() &&
                   lines[i].top - group.back().bottom > kMaxLineGap * line_px);
    if (breaks && group_ink > best_ink) best = group, best_ink = group_ink;
    if (breaks) group.clear(), group_ink = 0;
    if (i < lines.size()) group.push_back(lines[i]), group_ink += lines[i].ink;
  }
  return best;
}

TextBlock FindText(const cv::Mat& mask) {
  TextBlock t;
  std::vector<Band> bands = InkBands(mask);
  t.line_px = LineHeight(bands);
  cv::Rect box;
  for (const Band& b : TextLines(bands, t.line_px)) {
    auto [left, right] =
        InkiestRun(mask.rowRange(b.top, b.bottom), 2 * t.line_px);
    if (right <= left) continue;
    cv::Rect r(left, b.top, right - left, b.height());
    box = box.empty() ? r : (box | r);
    t.rows.push_back({b.top, b.bottom});
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
    // The skew of the glyphs alone: grid lines and the sheet's edges,
    // skewed otherwise by perspective, would outvote the text.
    cv::Mat glyphs = GlyphMask(binary_inv);
    p.skew_deg = EstimateSkew(glyphs, o.max_deskew_deg);
    if (std::abs(p.skew_deg) >= 0.5) {
      cv::Mat rot = cv::getRotationMatrix2D(
          {norm.cols / 2.0f, norm.rows / 2.0f}, p.skew_deg, 1.0);
      cv::warpAffine(norm, norm, rot, norm.size(), cv::INTER_LINEAR,
                     cv::BORDER_REPLICATE);
      cv::warpAffine(glyphs, glyphs, rot, glyphs.size(), cv::INTER_NEAREST);
    }
    // Printed lines (ruled or squared paper) become paper except where ink
    // crosses them (ocr/printed_lines.h); the page is cut to the block of
    // text lines.
    TextBlock text = FindText(glyphs);
    RemoveLongUprightLines(norm, text.line_px, threshold);
    if (!text.box.empty()) {
      norm = norm(text.box).clone();
      for (TextRows& r : text.rows) r.top -= text.box.y, r.bottom -= text.box.y;
    }
    RemovePrintedLines(norm, text.rows, text.line_px, threshold);
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
