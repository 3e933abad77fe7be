// Takes the printed lines of ruled and squared paper out of a page, so that
// the recogniser sees the writing alone. Stateless and thread-safe.
//
// Two passes. RemoveLongLines, on the whole page, finds lines as long
// straight runs of anything darker than paper and sets the faint pixels on
// them to paper. It misses lines that lean: under perspective the vertical
// lines of squared paper lean by several degrees after the text has been
// straightened, so no pixel column holds a long run of them, and what is
// left of them cuts through the glyphs. RemoveLeaningLines, on the text
// block, finds those where the writing is not: in the rows between and
// around the text lines a printed line crosses every row and writing almost
// none, so a vote over those rows for every (position, lean) finds the
// lines and their lean. A found line is replaced by a closing across it:
// paper where it ran on paper, ink where a stroke crossed it.
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

// `page`: 8-bit grey, paper ~255, ink darker than `ink_threshold`;
// `glyph_px`: the text's line height. Changes `page` in place.
void RemoveLongLines(cv::Mat& page, int glyph_px, int ink_threshold);

// `page` and `ink_threshold` as above, `page` turned so that the text runs
// horizontally; `text` lists its text lines. Returns how many leaning (or
// upright) lines it removed.
int RemoveLeaningLines(cv::Mat& page, const std::vector<TextRows>& text,
                       int glyph_px, int ink_threshold);

}  // namespace qunying::ocr

#endif  // QUNYING_OCR_PRINTED_LINES_H_
