// Leads' stored model inputs as text (EncodeAttributes: one "name\tkind\t
// value" line per attribute, escaped), read without building an
// Attributes map per lead: a part of the open leads' inputs in one buffer
// (LeadInputs; PredictOpenLeads reads them in parts), and a reader of
// their lines (EscapedLineReader).
// After training, every open lead's probability comes from these; decoding
// 303,000 leads into maps took 2.6 s of the 2.9 s read (docs/leads.md).
// Value types; thread-compatible.
#ifndef QUNYING_SCORING_LEAD_INPUTS_H_
#define QUNYING_SCORING_LEAD_INPUTS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace qunying::scoring {

// Many leads' ids and input texts, packed one after another.
class LeadInputs {
 public:
  // `more` (lines of the same form) follows `inputs` on a line of its own:
  // a lead's stored inputs and its row's intent input (AppendIntentInput).
  void Add(int64_t lead_id, std::string_view inputs,
           std::string_view more = {});
  // Forgets every lead; keeps the memory for the next ones.
  void Clear();

  size_t size() const { return ids_.size(); }
  int64_t id(size_t i) const { return ids_[i]; }
  // The i-th lead's inputs, valid until the next Add or Clear.
  std::string_view inputs(size_t i) const;

 private:
  std::vector<int64_t> ids_;
  std::vector<size_t> ends_;  // Where each lead's inputs end in text_.
  std::string text_;
};

// The lines of a lead's stored text (EncodeAttributes: name, kind, value;
// EncodeFactors: five fields) that have exactly `fields` tab-separated
// fields, in order, with AppendEscaped undone: a backslash takes the next
// character (\t and \n stand for tab and newline, any other for itself;
// one at the end of a line stays). A field with an escape is unescaped
// into the reader's own buffer, the others are views into the text. Lines
// of another number of fields, and empty ones, are skipped. The one
// parser of these texts (DecodeAttributes, DecodeFactors,
// StoredInputsEncoder). Not thread-safe.
class EscapedLineReader {
 public:
  static constexpr size_t kMaxFields = 5;
  // `fields` from 1 to kMaxFields.
  EscapedLineReader(std::string_view text, size_t fields)
      : rest_(text), want_(fields) {}

  // Moves to the next line of `fields` fields; false at the end.
  bool Next();
  // Field `i` of the current line, valid until the next call of Next.
  std::string_view field(size_t i) const { return fields_[i]; }

 private:
  // Splits `line` at unescaped tabs; returns how many fields it has (only
  // the first kMaxFields + 1 are kept).
  size_t Split(std::string_view line);

  std::string_view rest_;
  size_t want_;
  std::string_view fields_[kMaxFields + 1];
  std::string unescaped_[kMaxFields + 1];
};

// strtod of a view, as the stored texts' numbers are read: up to the first
// character that is not part of one.
double ReadNumber(std::string_view text);

}  // namespace qunying::scoring

#endif  // QUNYING_SCORING_LEAD_INPUTS_H_
