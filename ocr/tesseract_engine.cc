#include "ocr/tesseract_engine.h"

#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>

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
  setenv("OMP_THREAD_LIMIT", "1", /*overwrite=*/0);
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

}  // namespace

TesseractEngine::~TesseractEngine() {
  if (api_) api_->End();
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
  OcrText out;
  std::unique_ptr<tesseract::ResultIterator> it(api_->GetIterator());
  if (it) {
    do {
      std::unique_ptr<char[]> text(it->GetUTF8Text(tesseract::RIL_TEXTLINE));
      if (!text) continue;
      std::string line(text.get());
      while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) {
        line.pop_back();
      }
      double confidence = LineConfidence(*it);
      if (line.empty()) continue;
      out.lines.push_back({line, confidence});
    } while (it->Next(tesseract::RIL_TEXTLINE));
  }
  api_->Clear();
  return out;
}

}  // namespace qunying::ocr
