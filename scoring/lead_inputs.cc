#include "scoring/lead_inputs.h"

#include <cstdlib>

namespace qunying::scoring {

void LeadInputs::Add(int64_t lead_id, std::string_view inputs,
                     std::string_view more) {
  ids_.push_back(lead_id);
  text_.append(inputs);
  if (!more.empty() && !inputs.empty() && inputs.back() != '\n') text_ += '\n';
  text_.append(more);
  ends_.push_back(text_.size());
}

void LeadInputs::Clear() {
  ids_.clear();
  ends_.clear();
  text_.clear();
}

std::string_view LeadInputs::inputs(size_t i) const {
  size_t begin = i == 0 ? 0 : ends_[i - 1];
  return std::string_view(text_).substr(begin, ends_[i] - begin);
}

bool EscapedLineReader::Next() {
  while (!rest_.empty()) {
    size_t end = rest_.find('\n');
    std::string_view line = rest_.substr(0, end);
    rest_ = end == std::string_view::npos ? std::string_view()
                                          : rest_.substr(end + 1);
    if (!line.empty() && Split(line) == want_) return true;
  }
  return false;
}

size_t EscapedLineReader::Split(std::string_view line) {
  size_t n = 0;
  size_t start = 0;
  bool escaped = false;
  auto finish = [&](size_t end) {
    if (n <= kMaxFields) {
      std::string_view raw = line.substr(start, end - start);
      if (escaped) {
        std::string& out = unescaped_[n];
        out.clear();
        for (size_t j = 0; j < raw.size(); ++j) {
          char c = raw[j];
          if (c == '\\' && j + 1 < raw.size()) {
            char e = raw[++j];
            out += e == 't' ? '\t' : e == 'n' ? '\n' : e;
          } else {
            out += c;
          }
        }
        raw = out;
      }
      fields_[n] = raw;
    }
    ++n;
  };
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\t') {
      finish(i);
      start = i + 1;
      escaped = false;
    } else if (c == '\\' && i + 1 < line.size()) {
      escaped = true;
      ++i;
    }
  }
  finish(line.size());
  return n;
}

double ReadNumber(std::string_view text) {
  char buf[64];
  if (text.size() < sizeof buf) {
    text.copy(buf, text.size());
    buf[text.size()] = '\0';
    return std::strtod(buf, nullptr);
  }
  return std::strtod(std::string(text).c_str(), nullptr);
}

}  // namespace qunying::scoring
