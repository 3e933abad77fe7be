// Scoring OCR against ground truth, for tests and bench/ocr_bench: the
// character error rate and hint precision / recall / F1 per field. Pure
// functions and plain accumulators; not thread-safe (one per thread, or
// merge).
#ifndef QUNYING_OCR_OCR_EVAL_H_
#define QUNYING_OCR_OCR_EVAL_H_

#include <map>
#include <string>
#include <vector>

#include "ocr/hints.h"
#include "ocr/photo_generator.h"

namespace qunying::ocr {

// Edit distance (insertions, deletions, substitutions) between the code
// points of `truth` and `got`, whitespace ignored in both; and the number
// of code points in `truth` (the CER's denominator).
struct CharErrors {
  size_t edits = 0;
  size_t length = 0;
};
CharErrors CountCharErrors(const std::string& truth, const std::string& got);

struct FieldScore {
  int true_pos = 0, false_pos = 0, false_neg = 0;
  double Precision() const;
  double Recall() const;
  double F1() const;
};

// Per-field and overall counts of extracted hints against the truth. A hint
// is right when its field and canonical value both match.
class HintScore {
 public:
  void Add(const std::vector<TruthHint>& truth, const std::vector<Hint>& got);
  const std::map<std::string, FieldScore>& by_field() const { return fields_; }
  FieldScore Overall() const;

 private:
  std::map<std::string, FieldScore> fields_;
};

}  // namespace qunying::ocr

#endif  // QUNYING_OCR_OCR_EVAL_H_
