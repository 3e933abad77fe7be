// Takes the printed lines of ruled and squared paper out of a page, so that
// the recogniser sees the writing alone. Stateless and thread-safe.
//
// Two passes. RemoveLongUprightLines, on the whole page, sets the faint
// pixels of long upright runs to paper. RemovePrintedLines, on the text
// block, finds lines by a vote (a Hough transform over position and lean):
// - Upright lines lean by up to ~15° after the text is straightened (the
//   page was seen at an angle), so no pixel column holds them. In the rows
//   between and around the text lines a printed line crosses every row and
//   writing almost none, so a vote of those rows finds them.
// - Lines across the page run through the text lines as often as between
//   them, so every column votes, and the tops and feet of a row of glyphs
//   win votes too. A candidate is kept only if it shows in most of the
//   columns where no glyph stands near it.
// A found line is replaced by a closing across it, which keeps the strokes
// that cross it, and pixels dark enough to be ink are kept as they are.
// Whitening the faint pixels of long runs instead, as the first pass does,
// cut away the faint strokes of blurred glyphs that a line ran through.
#ifndef QUNYING_OCR_PRINTED_LINES_H_
#define QUNYING_OCR_PRINTED_LINES_H_

#include <vector>

namespace cv {
class Mat;
}

namespace qunying::ocr {

// Rows [top, bottom) of one text line on the page.
struct TextRows {
  int top = 0;
  int bottom = 0;
};

struct PrintedLinesFound {
  int upright = 0;  // Lines found running down the page.
  int across = 0;   // Lines found running across it.
};

// `page`: 8-bit grey, paper ~255, ink darker than `ink_threshold`;
// `glyph_px`: the text's line height. Changes `page` in place.
void RemoveLongUprightLines(cv::Mat& page, int glyph_px, int ink_threshold);

// `page` and `ink_threshold` as above, `page` turned so that the text runs
// horizontally; `text` lists its text lines.
PrintedLinesFound RemovePrintedLines(cv::Mat& page,
                                     const std::vector<TextRows>& text,
                                     int glyph_px, int ink_threshold);

}  // namespace qunying::ocr

#endif  // QUNYING_OCR_PRINTED_LINES_H_
