#include "server/ocr_command.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "ocr/read_photo.h"
#include "server/progress_bar.h"

namespace qunying::server {
namespace {

using Json = nlohmann::json;

Json ReadOne(ocr::TesseractEngine& engine, const std::string& file,
             int deadline_ms) {
  auto start = std::chrono::steady_clock::now();
  Json out = {{"file", file}};
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  if (in) ss << in.rdbuf();
  Result<ocr::PhotoReading> reading = Status::NotFound("cannot read " + file);
  if (in) reading = ocr::ReadPhoto(engine, ss.str(), deadline_ms);
  out["text"] = reading.ok() ? reading->text.Joined() : "";
  Json hints = Json::array();
  if (reading.ok()) {
    for (const auto& h : reading->hints) {
      hints.push_back({{"field", h.field},
                       {"value", h.value},
                       {"confidence", std::round(h.confidence * 100) / 100}});
    }
  }
  out["hints"] = hints;
  out["ms"] = std::llround(std::chrono::duration<double, std::milli>(
                               std::chrono::steady_clock::now() - start)
                               .count());
  if (!reading.ok()) out["error"] = reading.status().message();
  return out;
}

}  // namespace

int RunOcrCommand(const OcrCommandOptions& o) {
  std::vector<Json> results(o.files.size());
  std::atomic<size_t> next{0}, done{0};
  std::atomic<bool> engine_failed{false};
  ProgressBar progress("photos");
  auto work = [&] {
    auto engine = ocr::TesseractEngine::Create();
    if (!engine.ok()) {
      std::fprintf(stderr, "qunying ocr: %s\n",
                   engine.status().ToString().c_str());
      engine_failed = true;
      return;
    }
    for (size_t i; (i = next++) < o.files.size();) {
      results[i] = ReadOne(**engine, o.files[i], o.deadline_ms);
      progress.Update(++done, o.files.size());
    }
  };
  std::vector<std::thread> threads;
  int workers =
      std::max(1, std::min<int>(o.workers, static_cast<int>(o.files.size())));
  for (int t = 0; t < workers; ++t) threads.emplace_back(work);
  for (auto& t : threads) t.join();
  if (engine_failed) return 1;
  bool all_ok = true;
  for (const auto& r : results) {
    all_ok = all_ok && !r.contains("error");
    if (o.json) {
      std::printf(
          "%s\n",
          r.dump(-1, ' ', false, Json::error_handler_t::replace).c_str());
    } else {
      std::printf("== %s (%lld ms)%s\n%s\n",
                  r["file"].get<std::string>().c_str(),
                  r["ms"].get<long long>(),
                  r.contains("error")
                      ? (" error: " + r["error"].get<std::string>()).c_str()
                      : "",
                  r["text"].get<std::string>().c_str());
      for (const auto& h : r["hints"]) {
        std::printf("   %s: %s (%.2f)\n", h["field"].get<std::string>().c_str(),
                    h["value"].get<std::string>().c_str(),
                    h["confidence"].get<double>());
      }
    }
  }
  return all_ok ? 0 : 1;
}

}  // namespace qunying::server
