// Reading OCR hints and operators' decisions on them: the columns and the
// row mapping shared by SqliteOcrJobStore (GET /members/{id}, review) and
// FactsDigest (lead scoring), so both build profiles from the same rows.
#ifndef QUNYING_STORAGE_HINT_ROWS_H_
#define QUNYING_STORAGE_HINT_ROWS_H_

#include "ocr/profile.h"
#include "storage/sqlite.h"

namespace qunying::storage {

// "SELECT <hint columns> FROM hints ": append WHERE / ORDER BY; read each
// row with HintFromRow.
inline constexpr char kHintCols[] =
    "SELECT field, value, confidence, line_no, checkin_id, member_id, source"
    " FROM hints ";
inline ocr::StoredHint HintFromRow(const Statement& s) {
  ocr::StoredHint h;
  h.hint = {s.Text(0), s.Text(1), s.Double(2), static_cast<int>(s.Int(3))};
  h.checkin_id = s.Int(4);
  h.member_id = s.Int(5);
  h.source = s.Text(6);
  return h;
}

// "SELECT <decision columns>, member_id FROM hint_reviews ": likewise,
// with DecisionFromRow; the member is column 4.
inline constexpr char kDecisionCols[] =
    "SELECT field, value, decision, final_value, member_id FROM"
    " hint_reviews ";
inline ocr::HintDecision DecisionFromRow(const Statement& s) {
  return {s.Text(0), s.Text(1), s.Text(2) == "accepted", s.Text(3)};
}

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_HINT_ROWS_H_
