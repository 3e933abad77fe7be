#include "ocr/printed_lines.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace qunying::ocr {
namespace {

// Anything visibly darker than the (white) paper may be a printed line.
constexpr int kNotPaper = 255 - 12;
// Lines lean by up to this much (x per y) under perspective, tried in
// steps of kLeanStep.
constexpr double kMaxLean = 0.3;
constexpr double kLeanStep = 0.01;
// Width of a vote bin across a line, in pixels.
constexpr int kBinPx = 2;
// A line is dark in at least this share of the voting rows (0.4 and 0.6
// read 108 bench photos no better).
constexpr double kMinCoverage = 0.5;
// A line across is dark in at least this share of the columns where no
// glyph stands near it (0.5 read the bench photos as well, 0.7 worse).
constexpr double kMinFreeCoverage = 0.6;
// Pixels this much darker than the ink threshold are ink for certain and
// survive the erasing of a line (10 read 108 bench photos a little better
// than 20 or 30, and than erasing everything under the line).
constexpr int kInkMargin = 10;
// Fewer voting rows than this tell nothing.
constexpr int kMinVoters = 8;

// A line running down a page (or down a transposed page).
struct Line {
  double x_mid = 0;  // x at the page's middle row.
  double lean = 0;   // Change of x per row.
  int votes = 0;     // Voting rows that cross it.
};

cv::Mat Rect(int w, int h) {
  return cv::getStructuringElement(cv::MORPH_RECT, {w, h});
}

// Keeps the strongest of the candidates that describe the same line:
// those whose ends lie within `tol` pixels of each other's or that cross on
// the page (two printed lines never do).
std::vector<Line> Distinct(std::vector<Line> found, int rows, double tol) {
  std::sort(found.begin(), found.end(),
            [](const Line& a, const Line& b) { return a.votes > b.votes; });
  double half = rows / 2.0;
  auto same = [&](const Line& a, const Line& b) {
    double top = (a.x_mid - b.x_mid) - (a.lean - b.lean) * half;
    double bottom = (a.x_mid - b.x_mid) + (a.lean - b.lean) * half;
    return std::abs(top) <= tol || std::abs(bottom) <= tol || top * bottom < 0;
  };
  std::vector<Line> out;
  for (const Line& c : found) {
    if (std::none_of(out.begin(), out.end(),
                     [&](const Line& o) { return same(c, o); })) {
      out.push_back(c);
    }
  }
  return out;
}

// Every (lean, position) gets a vote from each voting row where `thin` has
// a pixel on it; those with votes from most voting rows are lines. Lines
// run down `thin` (callers transpose for lines across).
std::vector<Line> FindLines(const cv::Mat& thin,
                            const std::vector<uchar>& voting, double max_lean) {
  int voters = static_cast<int>(std::count(voting.begin(), voting.end(), 1));
  if (voters < kMinVoters) return {};
  double cy = thin.rows / 2.0;
  int half_leans = static_cast<int>(std::lround(max_lean / kLeanStep));
  int leans = 2 * half_leans + 1;
  int reach = static_cast<int>(std::ceil(max_lean * cy)) + 1;
  int bins = (thin.cols + 2 * reach) / kBinPx + 1;
  std::vector<int> votes(static_cast<size_t>(leans) * bins, 0);
  std::vector<int> last(votes.size(), -1);  // The row that voted last.
  for (int y = 0; y < thin.rows; ++y) {
    if (!voting[y]) continue;
    const uchar* row = thin.ptr<uchar>(y);
    for (int x = 0; x < thin.cols; ++x) {
      if (!row[x]) continue;
      for (int l = 0; l < leans; ++l) {
        double lean = (l - half_leans) * kLeanStep;
        int bin = static_cast<int>(x - lean * (y - cy) + reach) / kBinPx;
        size_t i = static_cast<size_t>(l) * bins + bin;
        if (last[i] != y) ++votes[i], last[i] = y;
      }
    }
  }
  std::vector<Line> found;
  int need = static_cast<int>(std::ceil(kMinCoverage * voters));
  for (int l = 0; l < leans; ++l) {
    for (int b = 0; b < bins; ++b) {
      int v = votes[static_cast<size_t>(l) * bins + b];
      if (v >= need) {
        found.push_back({b * kBinPx + kBinPx / 2.0 - reach,
                         (l - half_leans) * kLeanStep, v});
      }
    }
  }
  return Distinct(std::move(found), thin.rows, 2 * kBinPx + 2);
}

// Fits each line to the pixels of `thin` near it in the voting rows (least
// squares): the vote's bins are 2 px wide and its leans 0.01 apart, enough
// to miss the edge of a line at the page's ends.
void Refine(const cv::Mat& thin, const std::vector<uchar>& voting,
            std::vector<Line>& lines) {
  constexpr int reach = kBinPx + 1;
  double mid = thin.rows / 2.0;
  for (Line& ln : lines) {
    double n = 0, sy = 0, sx = 0, syy = 0, sxy = 0;
    for (int y = 0; y < thin.rows; ++y) {
      if (!voting[y]) continue;
      double dy = y - mid;
      int c = static_cast<int>(std::lround(ln.x_mid + ln.lean * dy));
      for (int x = std::max(0, c - reach);
           x <= std::min(thin.cols - 1, c + reach); ++x) {
        if (!thin.at<uchar>(y, x)) continue;
        n += 1, sy += dy, sx += x, syy += dy * dy, sxy += dy * x;
      }
    }
    double det = n * syy - sy * sy;
    if (n < 2 || det <= 0) continue;
    ln.lean = (n * sxy - sy * sx) / det;
    ln.x_mid = (sx - ln.lean * sy) / n;
  }
}

// The median width of `thin` across the lines, sampled down them.
int LineWidth(const cv::Mat& thin, const std::vector<Line>& lines,
              int max_run) {
  std::vector<int> widths;
  double mid = thin.rows / 2.0;
  auto on = [&](int y, int x) {
    return x >= 0 && x < thin.cols && thin.at<uchar>(y, x) != 0;
  };
  for (const Line& ln : lines) {
    for (int y = 0; y < thin.rows; y += 3) {
      int x = static_cast<int>(std::lround(ln.x_mid + ln.lean * (y - mid)));
      if (!on(y, x)) continue;
      int lo = x, hi = x;
      while (hi - lo < max_run && on(y, lo - 1)) --lo;
      while (hi - lo < max_run && on(y, hi + 1)) ++hi;
      widths.push_back(hi - lo + 1);
    }
  }
  if (widths.empty()) return 1;
  auto mid_it = widths.begin() + static_cast<long>(widths.size() / 2);
  std::nth_element(widths.begin(), mid_it, widths.end());
  return *mid_it;
}

// Replaces the pixels under `lines` (a band `width` + 1 wide; wider or
// narrower by a pixel read the bench photos no better) with a closing
// across them: dark structures narrower than the band go, strokes that
// cross the line stay. Pixels darker than `keep_below` are ink and stay:
// an upright stroke that runs along a line.
void Erase(cv::Mat& page, const std::vector<Line>& lines, int width,
           int keep_below) {
  int band = width + 1;
  cv::Mat mask = cv::Mat::zeros(page.size(), CV_8U);
  double mid = page.rows / 2.0;
  for (const Line& ln : lines) {
    cv::line(
        mask, {static_cast<int>(std::lround(ln.x_mid - ln.lean * mid)), 0},
        {static_cast<int>(std::lround(ln.x_mid + ln.lean * mid)), page.rows},
        255, band);
  }
  cv::Mat closed;
  cv::morphologyEx(page, closed, cv::MORPH_CLOSE, Rect(band + 1, 1));
  mask &= page >= keep_below;
  closed.copyTo(page, mask);
}

// The pixels of `loose` in runs across x shorter than `max_run`: the
// cross-sections of upright lines, not the bodies of glyphs.
cv::Mat ThinAcrossX(const cv::Mat& loose, int max_run) {
  cv::Mat wide;
  cv::morphologyEx(loose, wide, cv::MORPH_OPEN, Rect(max_run, 1));
  return loose & ~wide;
}

// Whether `ln`, running down `thin`, shows in at least kMinFreeCoverage of
// the rows where no pixel of `ink` lies within `reach` of it across the
// row, with at least `min_free` such rows. For lines across the page both
// images are transposed: a row here is a column of the page.
bool ShowsWhereNoGlyphIs(const Line& ln, const cv::Mat& thin,
                         const cv::Mat& ink, int reach, int min_free) {
  double mid = thin.rows / 2.0;
  auto any = [](const cv::Mat& m, int y, int x0, int x1) {
    const uchar* row = m.ptr<uchar>(y);
    for (int x = std::max(0, x0); x <= std::min(m.cols - 1, x1); ++x) {
      if (row[x]) return true;
    }
    return false;
  };
  int free = 0, on = 0;
  for (int y = 0; y < thin.rows; ++y) {
    int x = static_cast<int>(std::lround(ln.x_mid + ln.lean * (y - mid)));
    if (x < 0 || x >= thin.cols || any(ink, y, x - reach, x + reach)) continue;
    ++free;
    on += any(thin, y, x - 1, x + 1);
  }
  return free >= min_free && on >= kMinFreeCoverage * free;
}

// Finds and erases the lines running down `page` that most voting rows
// of `thin` (ThinAcrossX of the page) cross, among them those `keep`
// accepts.
template <typename Keep>
int RemoveUpright(cv::Mat& page, const cv::Mat& thin,
                  const std::vector<uchar>& voting, int max_run,
                  int ink_threshold, Keep keep) {
  std::vector<Line> lines = FindLines(thin, voting, kMaxLean);
  std::erase_if(lines, [&](const Line& l) { return !keep(l); });
  Refine(thin, voting, lines);
  if (!lines.empty()) {
    Erase(page, lines, LineWidth(thin, lines, max_run),
          ink_threshold - kInkMargin);
  }
  return static_cast<int>(lines.size());
}

}  // namespace

void RemoveLongUprightLines(cv::Mat& page, int glyph_px, int ink_threshold) {
  cv::Mat loose, lines, faint;
  cv::threshold(page, loose, kNotPaper, 255, cv::THRESH_BINARY_INV);
  // Longer than any stroke of a glyph.
  int len = std::max(40, glyph_px * 3);
  cv::morphologyEx(loose, lines, cv::MORPH_OPEN, Rect(1, len));
  cv::dilate(lines, lines, Rect(3, 3));
  cv::threshold(page, faint, ink_threshold, 255, cv::THRESH_BINARY);
  page.setTo(255, lines & faint);
}

PrintedLinesFound RemovePrintedLines(cv::Mat& page,
                                     const std::vector<TextRows>& text,
                                     int glyph_px, int ink_threshold) {
  PrintedLinesFound found;
  if (page.empty() || glyph_px <= 0) return found;
  // Wider than a printed line, narrower than a glyph's body.
  int max_run = std::max(6, glyph_px / 3);
  // Smoothed first: sensor noise breaks a faint line into dots.
  cv::Mat loose;
  cv::GaussianBlur(page, loose, {3, 3}, 0);
  cv::threshold(loose, loose, kNotPaper, 255, cv::THRESH_BINARY_INV);
  std::vector<uchar> gap_row(page.rows, 1);
  for (const TextRows& t : text) {
    for (int y = std::max(0, t.top); y < std::min(page.rows, t.bottom); ++y)
      gap_row[y] = 0;
  }
  found.upright =
      RemoveUpright(page, ThinAcrossX(loose, max_run), gap_row, max_run,
                    ink_threshold, [](const Line&) { return true; });
  // Lines across: the same on the transposed page, every column voting,
  // then the check against the glyphs (ink as it is once the upright
  // lines are gone).
  cv::Mat page_t = page.t(), thin_t = ThinAcrossX(loose.t(), max_run);
  cv::Mat ink_t;
  cv::GaussianBlur(page_t, ink_t, {3, 3}, 0);
  ink_t = ink_t < ink_threshold;
  found.across =
      RemoveUpright(page_t, thin_t, std::vector<uchar>(page_t.rows, 1), max_run,
                    ink_threshold, [&](const Line& l) {
                      return ShowsWhereNoGlyphIs(l, thin_t, ink_t, glyph_px / 2,
                                                 2 * glyph_px);
                    });
  page = page_t.t();
  return found;
}

}  // namespace qunying::ocr
