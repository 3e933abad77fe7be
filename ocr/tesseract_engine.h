// OCR engines. OcrEngine is the interface (tests and the pipeline depend on
// it); TesseractEngine wraps one tesseract::TessBaseAPI initialised once with
// chi_sim+eng. An engine is NOT thread-safe: keep one per worker thread.
#ifndef QUNYING_OCR_TESSERACT_ENGINE_H_
#define QUNYING_OCR_TESSERACT_ENGINE_H_

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace cv {
class Mat;
}
namespace tesseract {
class TessBaseAPI;
}

namespace qunying::ocr {

struct OcrLine {
  std::string text;      // UTF-8, without the trailing newline.
  float confidence = 0;  // 0–100, the mean of its words' confidences.
};

struct OcrText {
  std::vector<OcrLine> lines;
  std::string Joined() const;  // Lines joined by '\n'.
};

class OcrEngine {
 public:
  virtual ~OcrEngine() = default;
  // Recognises an 8-bit grey or BGR image. `deadline_ms` > 0 bounds the
  // time spent; past it the answer is Unavailable ("deadline exceeded").
  virtual Result<OcrText> Recognize(const cv::Mat& image,
                                    int deadline_ms = 0) = 0;
};

struct TesseractOptions {
  // Tesseract language packs, '+'-joined (Debian: tesseract-ocr-chi-sim,
  // tesseract-ocr-eng).
  std::string languages = "chi_sim+eng";
  // tessdata directory; empty uses the packaged default.
  std::string datapath;
  // Page segmentation mode: 6 = a single uniform block of text, which suits
  // a preprocessed page of handwriting-like lines; 3 = fully automatic.
  int page_seg_mode = 6;
  // A second engine for lines the first misreads as Latin letters (with
  // chi_sim+eng, a line of Han glyphs sometimes comes out as "RF SESS T",
  // or half of it as "HE ERTS"): a line with a confidence under
  // reread_below_confidence is read again alone with these languages, and
  // that reading kept as PreferReread says. 90 rather than 70: easy and
  // medium CER 0.059 / 0.064 -> 0.044 / 0.045 on the bench (Han lines read
  // at 70-90 come back better), at about 5% fewer photos/s (6.06 -> 5.74,
  // one run each). Empty: no second engine.
  std::string reread_languages = "chi_sim";
  double reread_below_confidence = 90;
  // At most this many lines re-read per image, and only lines at least
  // 3/5 as tall as the image's median line: on a noisy page most unsure
  // lines are specks and texture, and each re-read costs a recognition.
  int max_rereads = 6;
};

// Whether `again` (the chi_sim-only re-reading of a line) replaces `first`
// (chi_sim+eng's): only if it has Han characters, and is more confident,
// or, when `first` has no Han at all, at most kRereadLatinMargin less
// confident. Confidences of the two languages do not compare: blurred Han
// glyphs come out as confident Latin ("CHER (4) BE SKARIG" at 64 for
// "七年级 (4) 班 张欣怡" at 62).
inline constexpr double kRereadLatinMargin = 10;
bool PreferReread(const OcrLine& first, const OcrLine& again);

class TesseractEngine : public OcrEngine {
 public:
  // Run the program with OMP_THREAD_LIMIT=1 (ocr/openmp_env.h): Debian's
  // build uses OpenMP, which is 5-7x slower per image here, and libgomp
  // reads the variable only when the program is loaded.
  static Result<std::unique_ptr<TesseractEngine>> Create(
      const TesseractOptions& options = {});
  ~TesseractEngine() override;
  Result<OcrText> Recognize(const cv::Mat& image, int deadline_ms = 0) override;

 private:
  struct Line {
    OcrLine line;
    int left = 0, top = 0, right = 0, bottom = 0;  // In the image.
  };

  TesseractEngine() = default;
  // Reads the lines of the recognised page off the main engine.
  std::vector<Line> Lines();
  static int MedianHeight(const std::vector<Line>& lines);
  // Reads `line`'s box again with reread_; replaces it if more confident.
  void Reread(const cv::Mat& gray, Line& line, int deadline_ms);

  TesseractOptions options_;
  std::unique_ptr<tesseract::TessBaseAPI> api_;
  std::unique_ptr<tesseract::TessBaseAPI> reread_;  // Null if disabled.
};

}  // namespace qunying::ocr

#endif  // QUNYING_OCR_TESSERACT_ENGINE_H_
