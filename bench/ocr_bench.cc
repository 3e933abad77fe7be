// OCR quality and speed on generated check-in photos with ground truth:
// Qunying's pipeline (preprocess → Tesseract → hints, one engine per worker)
// side by side with the `tesseract` CLI run on the same raw photos, its text
// passed through the same hint extractor. Prints CER per difficulty level,
// hint precision / recall / F1 per field, and photos per second.
// Usage: ocr_bench [per_level=12] [workers=cores] [cli_jobs=1] [keep_dir]
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "ocr/ocr_eval.h"
#include "ocr/openmp_env.h"
#include "ocr/photo_generator.h"
#include "ocr/read_photo.h"

using namespace qunying;
using namespace qunying::ocr;
using Clock = std::chrono::steady_clock;

// Per recognition pass; the server's default is 20 s (--ocr-deadline-ms).
constexpr int kDeadlineMs = 8000;

namespace {

struct Reading {
  double ms = 0;
  std::string text;
  std::vector<Hint> hints;
};

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Runs fn(i) for i in [0, n) on `jobs` threads.
template <typename Fn>
void Parallel(size_t n, int jobs, Fn fn) {
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < jobs; ++t) {
    pool.emplace_back([&] {
      for (size_t i; (i = next++) < n;) fn(i);
    });
  }
  for (auto& th : pool) th.join();
}

std::string CliText(const std::string& path, bool omp_off) {
  std::string cmd = std::string(omp_off ? "OMP_THREAD_LIMIT=1 "
                                        : "env -u OMP_THREAD_LIMIT ") +
                    "tesseract '" + path +
                    "' stdout -l chi_sim+eng 2>/dev/null";
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
  }
  return out;
}

// The CLI's text as OCR lines (it reports no confidence: 100).
OcrText AsLines(const std::string& text) {
  OcrText t;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) t.lines.push_back({line, 100});
  }
  return t;
}

void Report(const char* name, const std::vector<GeneratedPhoto>& photos,
            const std::vector<Reading>& got, double secs) {
  std::map<Difficulty, CharErrors> cer;
  CharErrors all;
  HintScore score;
  for (size_t i = 0; i < photos.size(); ++i) {
    std::string truth;
    for (const auto& l : photos[i].lines) truth += l + "\n";
    CharErrors e = CountCharErrors(truth, got[i].text);
    cer[photos[i].level].edits += e.edits;
    cer[photos[i].level].length += e.length;
    all.edits += e.edits;
    all.length += e.length;
    score.Add(photos[i].hints, got[i].hints);
    if (std::getenv("OCR_BENCH_VERBOSE")) {  // What each photo gave.
      std::printf("--- %s #%zu (%.0f ms) truth:", name, i, got[i].ms);
      for (const auto& h : photos[i].hints)
        std::printf(" %s=%s", h.field.c_str(), h.value.c_str());
      std::printf("\n    got:");
      for (const auto& h : got[i].hints)
        std::printf(" %s=%s", h.field.c_str(), h.value.c_str());
      std::printf("\n%s\n", got[i].text.c_str());
    }
  }
  auto rate = [](const CharErrors& e) {
    return e.length ? static_cast<double>(e.edits) / e.length : 0.0;
  };
  FieldScore o = score.Overall();
  std::printf(
      "%-9s CER %.3f (easy %.3f, medium %.3f, hard %.3f)  hints P %.3f R "
      "%.3f F1 %.3f  %.2f photos/s (%.2f s/photo)\n",
      name, rate(all), rate(cer[Difficulty::kEasy]),
      rate(cer[Difficulty::kMedium]), rate(cer[Difficulty::kHard]),
      o.Precision(), o.Recall(), o.F1(), photos.size() / secs,
      secs / photos.size());
  for (const auto& [field, f] : score.by_field()) {
    std::printf("          %-10s P %.2f R %.2f F1 %.2f (tp %d fp %d fn %d)\n",
                field.c_str(), f.Precision(), f.Recall(), f.F1(), f.true_pos,
                f.false_pos, f.false_neg);
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Our engines need OpenMP at one thread from the start (libgomp reads
  // the environment when loaded); the CLI below still runs without it.
  ReexecWithSingleThreadedOpenMp(argv);
  int per_level = argc > 1 ? std::atoi(argv[1]) : 12;
  int cores = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  int workers = argc > 2 ? std::atoi(argv[2]) : cores;
  int cli_jobs = argc > 3 ? std::atoi(argv[3]) : 1;
  std::filesystem::path dir =
      argc > 4 ? std::filesystem::path(argv[4])
               : std::filesystem::temp_directory_path() /
                     ("qy_ocr_bench_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);

  std::vector<GeneratedPhoto> photos;
  std::vector<std::string> paths;
  for (Difficulty d :
       {Difficulty::kEasy, Difficulty::kMedium, Difficulty::kHard}) {
    for (int i = 0; i < per_level; ++i) {
      auto p = GeneratePhoto(d, static_cast<uint32_t>(1000 + i));
      if (!p.ok()) {
        std::fprintf(stderr, "generator: %s\n", p.status().ToString().c_str());
        return 1;
      }
      std::string path = (dir / (std::string(DifficultyName(d)) + "-" +
                                 std::to_string(i) + ".jpg"))
                             .string();
      std::ofstream(path, std::ios::binary) << p->jpeg;
      std::ofstream truth(path + ".txt");
      for (const auto& l : p->lines) truth << l << "\n";
      paths.push_back(path);
      photos.push_back(std::move(*p));
    }
  }
  std::printf("%zu photos (%d per level) in %s; %d cores\n", photos.size(),
              per_level, dir.c_str(), cores);

  // The CLI first, as a user runs it (OpenMP as Debian ships it: the
  // variable this process runs with is removed for it).
  std::vector<Reading> cli(photos.size());
  auto t0 = Clock::now();
  Parallel(photos.size(), cli_jobs, [&](size_t i) {
    cli[i].text = CliText(paths[i], cli_jobs > 1);
    cli[i].hints = ExtractHints(AsLines(cli[i].text));
  });
  double cli_secs = Seconds(t0);

  std::vector<Reading> ours(photos.size());
  std::atomic<int> failures{0};
  t0 = Clock::now();
  Parallel(photos.size(), workers, [&](size_t i) {
    // One engine per worker thread, started on its first photo.
    thread_local Result<std::unique_ptr<TesseractEngine>> engine =
        TesseractEngine::Create();
    if (!engine.ok()) {
      ++failures;
      return;
    }
    auto start = Clock::now();
    auto r = ReadPhoto(**engine, photos[i].jpeg, kDeadlineMs);
    ours[i].ms = Seconds(start) * 1000;
    if (!r.ok()) {
      ++failures;
      return;
    }
    ours[i].text = r->text.Joined();
    ours[i].hints = r->hints;
  });
  double our_secs = Seconds(t0);

  std::printf("tesseract CLI x%d, raw photos, same hint extractor:\n",
              cli_jobs);
  Report("cli", photos, cli, cli_secs);
  std::printf(
      "qunying, %d workers (engine start-up included, %d ms deadline):\n",
      workers, kDeadlineMs);
  Report("qunying", photos, ours, our_secs);
  std::printf("speed ratio qunying / cli: %.2fx; failures: %d\n",
              cli_secs / our_secs, failures.load());
  if (argc <= 4) std::filesystem::remove_all(dir);
  return failures ? 1 : 0;
}
