#include "ocr/tesseract_engine.h"

#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <opencv2/imgproc.hpp>

namespace qunying::ocr {

std::string OcrText::Joined() const {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += '\n';
    out += lines[i].text;
  }
  return out;
}

Result<std::unique_ptr<TesseractEngine>> TesseractEngine::Create(
    const TesseractOptions& options) {
  std::unique_ptr<TesseractEngine> engine(new TesseractEngine());
  engine->api_ = std::make_unique<tesseract::TessBaseAPI>();
  const char* datapath =
      options.datapath.empty() ? nullptr : options.datapath.c_str();
  if (engine->api_->Init(datapath, options.languages.c_str(),
                         tesseract::OEM_LSTM_ONLY) != 0) {
    return Status::Unavailable("Tesseract could not load languages " +
                               options.languages +
                               " (install tesseract-ocr-chi-sim and "
                               "tesseract-ocr-eng)");
  }
  engine->api_->SetPageSegMode(
      static_cast<tesseract::PageSegMode>(options.page_seg_mode));
  // Keep spaces between Han characters out of the text.
  engine->api_->SetVariable("preserve_interword_spaces", "1");
  engine->options_ = options;
  if (!options.reread_languages.empty()) {
    engine->reread_ = std::make_unique<tesseract::TessBaseAPI>();
    if (engine->reread_->Init(datapath, options.reread_languages.c_str(),
                              tesseract::OEM_LSTM_ONLY) != 0) {
      return Status::Unavailable("Tesseract could not load languages " +
                                 options.reread_languages);
    }
    engine->reread_->SetPageSegMode(tesseract::PSM_SINGLE_LINE);
    engine->reread_->SetVariable("preserve_interword_spaces", "1");
  }
  return engine;
}

namespace {

// The mean of the line's word confidences, weighted by their length, with
// `it` left on the line's last word. Tesseract's own line confidence
// averages log-probabilities, so one unsure glyph (a rare character such
// as 滦) can sink a line whose other words read at 95.
double LineConfidence(tesseract::ResultIterator& it) {
  double sum = 0;
  size_t chars = 0;
  for (;;) {
    std::unique_ptr<char[]> word(it.GetUTF8Text(tesseract::RIL_WORD));
    size_t n = word ? std::strlen(word.get()) : 0;
    sum += it.Confidence(tesseract::RIL_WORD) * n;
    chars += n;
    if (it.IsAtFinalElement(tesseract::RIL_TEXTLINE, tesseract::RIL_WORD) ||
        !it.Next(tesseract::RIL_WORD)) {
      break;
    }
  }
  return chars ? sum / chars : 0;
}

// True if the UTF-8 text holds a character of the CJK Unified Ideographs
// block (U+4E00–U+9FFF: lead bytes E4–E9).
bool HasHan(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0xE4 && c <= 0xE9) return true;
  }
  return false;
}

std::string TrimmedText(char* raw) {
  std::unique_ptr<char[]> owned(raw);
  std::string line = owned ? owned.get() : "";
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) {
    line.pop_back();
  }
  return line;
}

int MillisSince(std::chrono::steady_clock::time_point start) {
  return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - start)
                              .count());
}

}  // namespace

bool PreferReread(const OcrLine& first, const OcrLine& again) {
  if (!HasHan(again.text)) return false;
  double margin = HasHan(first.text) ? 0 : kRereadLatinMargin;
  return again.confidence > first.confidence - margin;
}

TesseractEngine::~TesseractEngine() {
  if (api_) api_->End();
  if (reread_) reread_->End();
}

int TesseractEngine::MedianHeight(const std::vector<Line>& lines) {
  if (lines.empty()) return 0;
  std::vector<int> h;
  h.reserve(lines.size());
  for (const Line& l : lines) h.push_back(l.bottom - l.top);
  std::nth_element(h.begin(), h.begin() + h.size() / 2, h.end());
  return h[h.size() / 2];
}

std::vector<TesseractEngine::Line> TesseractEngine::Lines() {
  std::vector<Line> out;
  std::unique_ptr<tesseract::ResultIterator> it(api_->GetIterator());
  if (!it) return out;
  do {
    Line l;
    l.line.text = TrimmedText(it->GetUTF8Text(tesseract::RIL_TEXTLINE));
    it->BoundingBox(tesseract::RIL_TEXTLINE, &l.left, &l.top, &l.right,
                    &l.bottom);
    l.line.confidence = static_cast<float>(LineConfidence(*it));
    if (!l.line.text.empty()) out.push_back(std::move(l));
  } while (it->Next(tesseract::RIL_TEXTLINE));
  return out;
}

void TesseractEngine::Reread(const cv::Mat& gray, Line& l, int deadline_ms) {
  int pad = std::max(2, (l.bottom - l.top) / 4);
  cv::Rect box = cv::Rect(cv::Point(l.left - pad, l.top - pad),
                          cv::Point(l.right + pad, l.bottom + pad)) &
                 cv::Rect(0, 0, gray.cols, gray.rows);
  if (box.width < 4 || box.height < 4) return;
  reread_->SetImage(gray.data, gray.cols, gray.rows, 1,
                    static_cast<int>(gray.step));
  reread_->SetRectangle(box.x, box.y, box.width, box.height);
  tesseract::ETEXT_DESC monitor;
  monitor.set_deadline_msecs(deadline_ms);
  if (reread_->Recognize(&monitor) == 0 && !monitor.deadline_exceeded()) {
    std::unique_ptr<tesseract::ResultIterator> it(reread_->GetIterator());
    if (it) {
      std::string text = TrimmedText(it->GetUTF8Text(tesseract::RIL_TEXTLINE));
      double confidence = LineConfidence(*it);
      OcrLine again{text, static_cast<float>(confidence)};
      if (PreferReread(l.line, again)) l.line = std::move(again);
    }
  }
  reread_->Clear();
}

Result<OcrText> TesseractEngine::Recognize(const cv::Mat& image,
                                           int deadline_ms) {
  if (image.empty() || image.depth() != CV_8U ||
      (image.channels() != 1 && image.channels() != 3)) {
    return Status::InvalidArgument("OCR needs an 8-bit grey or BGR image");
  }
  cv::Mat gray;
  if (image.channels() == 3)
    cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  else
    gray = image;
  if (!gray.isContinuous()) gray = gray.clone();
  api_->SetImage(gray.data, gray.cols, gray.rows, 1,
                 static_cast<int>(gray.step));
  auto start = std::chrono::steady_clock::now();
  tesseract::ETEXT_DESC monitor;
  monitor.set_deadline_msecs(deadline_ms);
  int rc = api_->Recognize(deadline_ms > 0 ? &monitor : nullptr);
  if (deadline_ms > 0 && monitor.deadline_exceeded()) {
    api_->Clear();
    return Status::Unavailable("OCR deadline of " +
                               std::to_string(deadline_ms) + " ms exceeded");
  }
  if (rc != 0) {
    api_->Clear();
    return Status::Internal("Tesseract failed to recognise the image");
  }
  std::vector<Line> lines = Lines();
  api_->Clear();
  int min_height = 3 * MedianHeight(lines) / 5, rereads = 0;
  OcrText out;
  for (Line& l : lines) {
    int left_ms = deadline_ms > 0 ? deadline_ms - MillisSince(start) : 60000;
    if (reread_ && left_ms > 0 && rereads < options_.max_rereads &&
        l.line.confidence < options_.reread_below_confidence &&
        l.bottom - l.top >= min_height) {
      Reread(gray, l, left_ms);
      ++rereads;
    }
    out.lines.push_back(std::move(l.line));
  }
  return out;
}

}  // namespace qunying::ocr
