#include "server/logger.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "core/clock.h"
#include "core/time_util.h"

namespace qunying::server {
namespace {

std::string_view LevelName(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

void ScrubJson(nlohmann::json& j) {
  if (j.is_string()) {
    j = ScrubPhones(j.get_ref<const std::string&>());
  } else if (j.is_structured()) {
    for (auto& v : j) ScrubJson(v);
  }
}

}  // namespace

std::string ScrubPhones(std::string_view text) {
  std::string out(text);
  size_t i = 0;
  while (i < out.size()) {
    if (out[i] < '0' || out[i] > '9') {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < out.size() && out[j] >= '0' && out[j] <= '9') ++j;
    if (j - i == 11 && out[i] == '1') {
      for (size_t k = i + 1; k < j; ++k) out[k] = '*';
    }
    i = j;
  }
  return out;
}

LogLevel ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  return LogLevel::kInfo;
}

Logger::Logger(const std::string& path, LogLevel level) : level_(level) {
  spdlog::sink_ptr sink;
  if (path.empty()) {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  } else {
    sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path);
  }
  sink_ = std::make_shared<spdlog::logger>("qunying", sink);
  sink_->set_pattern("%v");
  sink_->flush_on(spdlog::level::warn);
}

Logger::~Logger() { Flush(); }

void Logger::Log(LogLevel level, std::string_view event,
                 nlohmann::json fields) {
  if (level < level_) return;
  if (!fields.is_object()) fields = nlohmann::json::object();
  ScrubJson(fields);
  fields["ts"] = FormatRfc3339(SystemClock::Default()->NowMillis());
  fields["level"] = LevelName(level);
  fields["event"] = event;
  sink_->info(
      fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void Logger::Flush() { sink_->flush(); }

}  // namespace qunying::server
