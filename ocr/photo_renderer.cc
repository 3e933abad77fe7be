#include "ocr/photo_renderer.h"

#include <algorithm>
#include <memory>
#include <opencv2/freetype.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>

namespace qunying::ocr {
namespace {

// One FreeType face per thread and font (cv::freetype is not thread-safe).
Result<cv::freetype::FreeType2*> FaceFor(const std::string& path, int index) {
  thread_local std::string loaded;
  thread_local cv::Ptr<cv::freetype::FreeType2> face;
  std::string key = path + "#" + std::to_string(index);
  if (!face || loaded != key) {
    try {
      face = cv::freetype::createFreeType2();
      face->loadFontData(path, index);
      loaded = key;
    } catch (const cv::Exception& e) {
      face.release();
      return Status::Unavailable("cannot load font " + path + ": " + e.what());
    }
  }
  return face.get();
}

void DrawPaper(cv::Mat& page, const RenderOptions& o) {
  page.setTo(cv::Scalar(238, 244, 247));  // Off-white, BGR.
  cv::Scalar line_color(214, 196, 170);
  int step = o.glyph_px * 2;
  if (o.paper == Paper::kRuled || o.paper == Paper::kSquared) {
    for (int y = step; y < page.rows; y += step) {
      cv::line(page, {0, y}, {page.cols, y}, line_color, 2);
    }
  }
  if (o.paper == Paper::kSquared) {
    for (int x = step; x < page.cols; x += step) {
      cv::line(page, {x, 0}, {x, page.rows}, line_color, 2);
    }
  }
}

void Degrade(cv::Mat& img, const RenderOptions& o, std::mt19937& rng) {
  if (o.rotation_deg != 0) {
    cv::Point2f center(img.cols / 2.0f, img.rows / 2.0f);
    cv::Mat rot = cv::getRotationMatrix2D(center, o.rotation_deg, 1.0);
    cv::warpAffine(img, img, rot, img.size(), cv::INTER_LINEAR,
                   cv::BORDER_CONSTANT, cv::Scalar(120, 130, 140));
  }
  if (o.perspective > 0) {
    std::uniform_real_distribution<float> u(0,
                                            static_cast<float>(o.perspective));
    float w = static_cast<float>(img.cols), h = static_cast<float>(img.rows);
    cv::Point2f src[4] = {{0, 0}, {w, 0}, {w, h}, {0, h}};
    cv::Point2f dst[4] = {{u(rng) * w, u(rng) * h},
                          {w - u(rng) * w, u(rng) * h},
                          {w - u(rng) * w, h - u(rng) * h},
                          {u(rng) * w, h - u(rng) * h}};
    cv::warpPerspective(img, img, cv::getPerspectiveTransform(src, dst),
                        img.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                        cv::Scalar(120, 130, 140));
  }
  if (o.shadow) {
    cv::Mat light(img.size(), CV_32F);
    std::uniform_real_distribution<float> u(0.3f, 0.7f);
    float cx = u(rng) * img.cols;
    for (int y = 0; y < img.rows; ++y) {
      for (int x = 0; x < img.cols; ++x) {
        light.at<float>(y, x) = x < cx ? 0.55f + 0.25f * x / cx : 1.0f;
      }
    }
    cv::GaussianBlur(light, light, {0, 0}, 40);
    std::vector<cv::Mat> ch;
    cv::split(img, ch);
    for (auto& c : ch) {
      c.convertTo(c, CV_32F);
      c = c.mul(light);
      c.convertTo(c, CV_8U);
    }
    cv::merge(ch, img);
  }
  if (o.blur_sigma > 0) cv::GaussianBlur(img, img, {0, 0}, o.blur_sigma);
  if (o.noise_sigma > 0) {
    cv::Mat noise(img.size(), CV_16SC3);
    cv::randn(noise, 0, o.noise_sigma);
    cv::Mat tmp;
    img.convertTo(tmp, CV_16SC3);
    tmp += noise;
    tmp.convertTo(img, CV_8UC3);
  }
}

}  // namespace

Result<std::string> RenderPhotoJpeg(const std::vector<std::string>& lines,
                                    const RenderOptions& o) {
  QY_ASSIGN_OR_RETURN(cv::freetype::FreeType2 * face,
                      FaceFor(o.font_path, o.font_index));
  std::mt19937 rng(o.seed);
  cv::RNG cv_rng(o.seed);
  cv::theRNG() = cv_rng;
  try {
    cv::Mat page(o.height, o.width, CV_8UC3);
    DrawPaper(page, o);
    cv::Scalar ink =
        o.blue_ink ? cv::Scalar(150, 60, 25) : cv::Scalar(35, 30, 30);
    // Text starts an eighth of the page in from the top-left, on the ruled
    // lines, so that a turned page keeps all of it in the frame.
    int step = o.glyph_px * 2;
    int first = std::max(step, (o.height / 8) / step * step);
    int y = first - o.glyph_px / 4;
    int x = std::max(o.glyph_px, o.width / 8);
    for (const std::string& line : lines) {
      if (y > page.rows - o.glyph_px) break;
      face->putText(page, line, {x, y}, o.glyph_px, ink, -1, cv::LINE_AA, true);
      y += step;
    }
    Degrade(page, o, rng);
    std::vector<uchar> jpeg;
    cv::imencode(".jpg", page, jpeg,
                 {cv::IMWRITE_JPEG_QUALITY, o.jpeg_quality});
    return std::string(jpeg.begin(), jpeg.end());
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("rendering failed: ") + e.what());
  }
}

}  // namespace qunying::ocr
