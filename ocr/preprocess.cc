#include "ocr/preprocess.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace qunying::ocr {
namespace {

// Median height of connected ink blobs of plausible glyph size.
int EstimateGlyphPx(const cv::Mat& binary_inv) {
  cv::Mat labels, stats, centroids;
  int n =
      cv::connectedComponentsWithStats(binary_inv, labels, stats, centroids, 8);
  std::vector<int> heights;
  for (int i = 1; i < n; ++i) {
    int h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    int w = stats.at<int>(i, cv::CC_STAT_WIDTH);
    int area = stats.at<int>(i, cv::CC_STAT_AREA);
    if (h >= 8 && h <= binary_inv.rows / 4 && w <= binary_inv.cols / 4 &&
        area >= 12) {
      heights.push_back(h);
    }
  }
  if (heights.size() < 5) return 0;
  std::nth_element(heights.begin(), heights.begin() + heights.size() / 2,
                   heights.end());
  return heights[heights.size() / 2];
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
    // Background normalisation: divide by a heavily blurred copy (the paper
    // and its lighting), which flattens shadows and ruled-line tint.
    cv::Mat background;
    int k = std::max(15, (std::min(gray.cols, gray.rows) / 20) | 1);
    cv::morphologyEx(
        gray, background, cv::MORPH_CLOSE,
        cv::getStructuringElement(cv::MORPH_RECT, {k / 3 | 1, k / 3 | 1}));
    cv::GaussianBlur(background, background, {k, k}, 0);
    cv::Mat norm;
    cv::divide(gray, background, norm, 255.0);
    cv::medianBlur(norm, norm, 3);  // Salt-and-pepper and JPEG speckle.
    cv::Mat binary_inv;
    cv::threshold(norm, binary_inv, 0, 255,
                  cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
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
    // After deskewing, ruled or squared paper: long straight runs are lines,
    // not ink. Take them out of both the mask and the page (they glue glyphs
    // together and confuse the recogniser).
    cv::Mat lines, vertical;
    cv::morphologyEx(binary_inv, lines, cv::MORPH_OPEN,
                     cv::getStructuringElement(
                         cv::MORPH_RECT, {std::max(20, norm.cols / 12), 1}));
    cv::morphologyEx(binary_inv, vertical, cv::MORPH_OPEN,
                     cv::getStructuringElement(
                         cv::MORPH_RECT, {1, std::max(20, norm.rows / 12)}));
    lines |= vertical;
    cv::dilate(lines, lines, cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
    binary_inv.setTo(0, lines);
    norm.setTo(255, lines);
    p.glyph_px = EstimateGlyphPx(binary_inv);
    if (p.glyph_px > 0) {
      p.scale = std::clamp(static_cast<double>(o.target_glyph_px) / p.glyph_px,
                           0.25, 4.0);
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
