#include "scoring/lead_store.h"

#include <cstdlib>
#include <sstream>

namespace qunying::scoring {
namespace {

std::string Escape(const std::string& s) {
  std::string out;
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
  return out;
}

// Splits one line on tabs, undoing Escape in each part.
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
  std::ostringstream os;
  os.precision(17);
  for (const auto& [name, v] : a) {
    os << Escape(name) << '\t';
    if (const auto* d = std::get_if<double>(&v)) {
      os << "n\t" << *d;
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      os << "s\t" << Escape(*s);
    } else {
      os << "-\t";
    }
    os << '\n';
  }
  return os.str();
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
  std::ostringstream os;
  for (const auto& f : factors) {
    os << Escape(f.part) << '\t' << Escape(f.name) << '\t' << Escape(f.value)
       << '\t' << Escape(f.label) << '\t' << f.points << '\n';
  }
  return os.str();
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
