// Structured logs: one JSON object per line, through spdlog. Callers pass
// explicit fields; string values are scrubbed of anything that looks like a
// mainland mobile number before they are written, as a second line of
// defence (bodies, tokens and passwords are never passed in the first place).
// Thread-safe.
#ifndef QUNYING_SERVER_LOGGER_H_
#define QUNYING_SERVER_LOGGER_H_

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace spdlog {
class logger;
}

namespace qunying::server {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

class Logger {
 public:
  // `path` empty: standard error. `level`: the least severe level written.
  Logger(const std::string& path, LogLevel level);
  ~Logger();

  void Log(LogLevel level, std::string_view event, nlohmann::json fields = {});
  void Info(std::string_view event, nlohmann::json fields = {}) {
    Log(LogLevel::kInfo, event, std::move(fields));
  }
  void Warn(std::string_view event, nlohmann::json fields = {}) {
    Log(LogLevel::kWarn, event, std::move(fields));
  }
  void Error(std::string_view event, nlohmann::json fields = {}) {
    Log(LogLevel::kError, event, std::move(fields));
  }
  void Flush();

 private:
  std::shared_ptr<spdlog::logger> sink_;
  LogLevel level_;
};

// Replaces runs of 11 digits that start with 1 (mobile numbers) by
// "1**********". Exposed for tests.
std::string ScrubPhones(std::string_view text);

LogLevel ParseLogLevel(std::string_view name);

}  // namespace qunying::server

#endif  // QUNYING_SERVER_LOGGER_H_
