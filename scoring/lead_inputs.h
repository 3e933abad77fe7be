// Leads' stored model inputs as text (EncodeAttributes: one "name\tkind\t
// value" line per attribute, escaped), read without building an
// Attributes map per lead: the open leads' inputs in one buffer
// (LeadInputs), and a reader of their lines (AttributeLineReader).
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
  void Add(int64_t lead_id, std::string_view inputs);
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

// The well-formed lines (three fields) of attribute text, in order, as
// DecodeAttributes reads them: a field with an escape (\t, \n, \\) is
// unescaped into the reader's own buffer, the others are views into the
// text. Lines of another number of fields are skipped. Not thread-safe.
class AttributeLineReader {
 public:
  explicit AttributeLineReader(std::string_view text) : rest_(text) {}

  // The next line's fields, valid until the next call; false at the end.
  bool Next(std::string_view* name, std::string_view* kind,
            std::string_view* value);

 private:
  // Splits `line` at unescaped tabs into fields_ (at most four are
  // kept: a fourth means the line is not an attribute).
  size_t Split(std::string_view line);

  std::string_view rest_;
  std::string_view fields_[4];
  std::string unescaped_[4];
};

}  // namespace qunying::scoring

#endif  // QUNYING_SCORING_LEAD_INPUTS_H_
