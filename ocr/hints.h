// Profile hints from OCR text: a child's grade, a school, an age, a mobile
// phone, an occupation, a company — each with a canonical value, a
// confidence (the OCR line's confidence × the pattern's strength) and the
// line it came from. City and district come from the gazetteer
// (ocr/gazetteer.h). Pure functions, thread-safe.
#ifndef QUNYING_OCR_HINTS_H_
#define QUNYING_OCR_HINTS_H_

#include <string>
#include <vector>

#include "core/phone.h"
#include "ocr/tesseract_engine.h"

namespace qunying::ocr {

struct Hint {
  std::string field;  // grade | school | city | district | age | phone |
                      // occupation | company
  std::string value;  // Canonical: 三年级, 初一, 13812345678, 护士, …
  double confidence = 0;  // 0–1.
  int line = 0;           // Index of the OCR line it came from.
};

// Canonical grade for a grade phrase ("3年级", "三年级", "七年级", "初1",
// "大班"): 一年级…六年级, 初一…初三, 高一…高三, 小班/中班/大班; "" when it is
// not one.
std::string CanonicalGrade(const std::string& phrase);

// All hints in the text, strongest first per field, duplicates merged.
std::vector<Hint> ExtractHints(const OcrText& text);

// The confidence a typed line counts as (an OCR line's is its words'
// mean). Nothing is misread in it, but what a sentence says of its writer
// is less sure than a form or a name label in a photo.
inline constexpr float kTypedLineConfidence = 85;
// Patterns weaker than this are left out of typed text: they stand for
// OCR's misreadings (三年猎(2)班, a district one character off) or lean on
// context a sentence does not give (a big city named alone, "去北京玩"; an
// occupation the writer does not claim, "老师表扬了"; 大班 or "今年8了").
inline constexpr double kMinTypedStrength = 0.76;
// Hints in text a participant typed (a check-in's text): ExtractHints
// over its lines at kTypedLineConfidence, patterns of kMinTypedStrength up.
std::vector<Hint> HintsInTypedText(const std::string& text);

}  // namespace qunying::ocr

#endif  // QUNYING_OCR_HINTS_H_
