#include "scoring/lead_store.h"

#include <charconv>
#include <cstdlib>
#include <sstream>

namespace qunying::scoring {
namespace {

// Appends `s` with backslash, tab and newline escaped.
void AppendEscaped(std::string& out, const std::string& s) {
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

// The shortest text that reads back as the same double.
void AppendNumber(std::string& out, double d) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  out.append(buf, ec == std::errc() ? end : buf);
}

// Splits one line on tabs, undoing AppendEscaped in each part.
std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> out(1);
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\t') {
      out.emplace_back();
    } else if (c == '\\' && i + 1 < line.size()) {
      char n = line[++i];
      out.back() += n == 't' ? '\t' : n == 'n' ? '\n' : n;
    } else {
      out.back() += c;
    }
  }
  return out;
}

std::vector<std::vector<std::string>> Lines(const std::string& text) {
  std::vector<std::vector<std::string>> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(Fields(line));
  return out;
}

}  // namespace

bool IsLeadStatus(const std::string& s) {
  for (const char* k : kLeadStatuses)
    if (s == k) return true;
  return false;
}

std::string EncodeAttributes(const Attributes& a) {
  std::string out;
  out.reserve(a.size() * 24);
  for (const auto& [name, v] : a) {
    AppendEscaped(out, name);
    out += '\t';
    if (const auto* d = std::get_if<double>(&v)) {
      out += "n\t";
      AppendNumber(out, *d);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      out += "s\t";
      AppendEscaped(out, *s);
    } else {
      out += "-\t";
    }
    out += '\n';
  }
  return out;
}

Attributes DecodeAttributes(const std::string& text) {
  Attributes a;
  for (const auto& f : Lines(text)) {
    if (f.size() != 3) continue;
    if (f[1] == "n")
      a[f[0]] = std::strtod(f[2].c_str(), nullptr);
    else if (f[1] == "s")
      a[f[0]] = f[2];
    else
      a[f[0]] = std::monostate{};
  }
  return a;
}

std::string EncodeFactors(const std::vector<PointsFactor>& factors) {
  std::string out;
  for (const auto& f : factors) {
    for (const std::string* part : {&f.part, &f.name, &f.value, &f.label}) {
      AppendEscaped(out, *part);
      out += '\t';
    }
    AppendNumber(out, f.points);
    out += '\n';
  }
  return out;
}

std::vector<PointsFactor> DecodeFactors(const std::string& text) {
  std::vector<PointsFactor> out;
  for (const auto& f : Lines(text)) {
    if (f.size() != 5) continue;
    out.push_back({f[0], f[1], f[2], f[3], std::strtod(f[4].c_str(), nullptr)});
  }
  return out;
}

}  // namespace qunying::scoring
