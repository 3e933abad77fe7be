// Qunying's trainer (scoring::Train, as /scoring/train runs it) on a table
// of outcomes, scored on outer folds that bench/tuned_gbm.py chose, so that
// bench/model_compare.sh can put its AUC beside a tuned gradient-boosting
// library's on the very same splits and columns.
//
// Usage:
//   model_compare DATA.csv FOLDS.txt   one line per outer fold, then the mean
//   model_compare --synthetic N SEED OUT.csv
//                                      writes N synthetic members as the
//                                      trainer sees them (ToAttributes) with
//                                      their drawn outcome in `won`
//
// TREE_SHAPES="2:100:0.1,8:300:0.05" replaces the trainer's candidate tree
// shapes (depth:rounds:eta), to weigh other candidates.
//
// DATA.csv (RFC 4180, read by community::ParseCsv): a header, the column
// `won` (0/1) the outcome, every other column an attribute. A cell that
// parses whole as a number is a number, another non-empty cell a string (a
// category), an empty cell missing.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "community/roster_csv.h"
#include "scoring/points.h"
#include "scoring/synthetic.h"
#include "scoring/trainer.h"

using namespace qunying;

namespace {

[[noreturn]] void Die(const std::string& msg) {
  std::fprintf(stderr, "model_compare: %s\n", msg.c_str());
  std::exit(1);
}

// As bench/tuned_gbm.py reads a cell: a finite decimal number, else text.
// (strtod alone would also take "nan", "inf" and hex, which Python's float
// reads as text or refuses, so the two sides would see different columns.)
scoring::AttrValue Cell(const std::string& s) {
  if (s.empty()) return std::monostate{};
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  bool decimal = s.find_first_of("xXnNiI") == std::string::npos;
  if (end == s.c_str() + s.size() && decimal && std::isfinite(v)) return v;
  return s;
}

struct Table {
  std::vector<scoring::Attributes> rows;
  std::vector<bool> won;
};

Table ReadTable(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Die("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  auto cells = community::ParseCsv(text.str());
  if (!cells.ok()) Die(path + ": " + cells.status().message());
  if (cells->empty()) Die(path + ": empty");
  const std::vector<std::string>& header = cells->front();
  size_t label = header.size();
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == "won") label = i;
  if (label == header.size()) Die(path + ": no column 'won'");
  Table t;
  for (size_t r = 1; r < cells->size(); ++r) {
    const std::vector<std::string>& row = (*cells)[r];
    std::string where = "row " + std::to_string(r + 1);
    if (row.size() != header.size())
      Die(where + ": " + std::to_string(row.size()) +
          " cells, the header has " + std::to_string(header.size()));
    if (row[label] != "0" && row[label] != "1")
      Die(where + ": won must be 0 or 1");
    scoring::Attributes a;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i == label) continue;
      scoring::AttrValue v = Cell(row[i]);
      if (!std::holds_alternative<std::monostate>(v)) a[header[i]] = v;
    }
    t.rows.push_back(std::move(a));
    t.won.push_back(row[label] == "1");
  }
  return t;
}

// An attribute that is a string in any row is categorical for the trainer,
// so a column keeps one kind here too.
void ExportSynthetic(size_t n, uint32_t seed, const std::string& path) {
  auto rules = scoring::ScoringRules::Defaults();
  std::vector<scoring::Attributes> rows;
  std::vector<bool> won;
  std::vector<std::string> names;
  for (const auto& m : scoring::GenerateCommunity(n, seed)) {
    rows.push_back(scoring::ToAttributes(m.features, rules));
    won.push_back(m.won);
    for (const auto& [k, v] : rows.back()) {
      bool known = false;
      for (const auto& name : names) known = known || name == k;
      if (!known) names.push_back(k);
    }
  }
  std::ofstream out(path);
  for (const auto& name : names) out << name << ',';
  out << "won\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    for (const auto& name : names) {
      auto it = rows[i].find(name);
      std::string text =
          it == rows[i].end() ? "" : scoring::AttrText(it->second);
      if (text.find_first_of(",\"") != std::string::npos)
        Die("synthetic value with a comma or quote: " + text);
      out << text << ',';
    }
    out << (won[i] ? 1 : 0) << '\n';
  }
  if (!out) Die("cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "--synthetic") {
    ExportSynthetic(std::stoul(argv[2]),
                    static_cast<uint32_t>(std::stoul(argv[3])), argv[4]);
    return 0;
  }
  if (argc != 3) Die("usage: model_compare DATA.csv FOLDS.txt");
  Table t = ReadTable(argv[1]);
  std::ifstream folds_in(argv[2]);
  std::vector<int> fold;
  for (int f; folds_in >> f;) fold.push_back(f);
  if (fold.size() != t.rows.size())
    Die("the folds file has " + std::to_string(fold.size()) + " rows, the " +
        "data " + std::to_string(t.rows.size()));
  scoring::TrainOptions options;
  if (const char* v = std::getenv("TREE_SHAPES"); v && *v) {
    auto shapes = scoring::ParseTreeCandidates(v);
    if (!shapes.ok()) Die(shapes.status().message());
    options.tree_candidates = *shapes;
  }
  double sum = 0;
  int folds = 0;
  for (int f = 0;; ++f) {
    std::vector<scoring::Attributes> train, test;
    std::vector<bool> ytrain;
    std::vector<float> ytest;
    for (size_t i = 0; i < fold.size(); ++i) {
      if (fold[i] == f) {
        test.push_back(t.rows[i]);
        ytest.push_back(t.won[i]);
      } else {
        train.push_back(t.rows[i]);
        ytrain.push_back(t.won[i]);
      }
    }
    if (test.empty()) break;
    auto t0 = std::chrono::steady_clock::now();
    auto model = scoring::Train(train, ytrain, options);
    if (!model.ok()) Die(model.status().ToString());
    auto p = model->Predict(test);
    if (!p.ok()) Die(p.status().ToString());
    double auc = scoring::Auc(*p, ytest);
    double ms = std::chrono::duration<double, std::milli>(
                    std::chrono::steady_clock::now() - t0)
                    .count();
    std::printf("fold %d auc %.4f model %s inner-cv %.4f %.0f ms: %s |", f, auc,
                model->model->Kind().c_str(), model->auc_cv, ms,
                model->settings.c_str());
    for (const auto& c : model->candidates)
      std::printf(" %s %.4f;", c.settings.c_str(), c.auc_cv);
    std::printf("\n");
    sum += auc;
    ++folds;
  }
  if (folds == 0) Die("no folds");
  std::printf("mean %.4f\n", sum / folds);
  return 0;
}
