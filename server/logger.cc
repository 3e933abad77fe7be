#include "server/logger.h"

#include <fcntl.h>
#include <unistd.h>

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
  out_ = path.empty() ? stderr : std::fopen(path.c_str(), "a");
  owns_out_ = out_ != nullptr && out_ != stderr;
  if (!out_) {
    std::fprintf(stderr,
                 "qunying: cannot open log file %s; logging to stderr\n",
                 path.c_str());
    out_ = stderr;
  }
  writer_ = std::thread([this] { WriterLoop(); });
}

Logger::~Logger() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_writer_.notify_all();
  writer_.join();
  std::fflush(out_);
  if (owns_out_) std::fclose(out_);
}

void Logger::WriterLoop() {
  std::deque<std::string> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_writer_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      batch.swap(queue_);
    }
    wake_callers_.notify_all();  // Room in the queue again.
    for (const auto& line : batch) {
      std::fwrite(line.data(), 1, line.size(), out_);
      unsynced_bytes_ += line.size();
    }
    std::fflush(out_);
    if (unsynced_bytes_ >= kWritebackBytes) StartWriteback();
    {
      std::lock_guard lock(mu_);
      written_ += batch.size();
    }
    batch.clear();
    wake_callers_.notify_all();
  }
}

void Logger::StartWriteback() {
  unsynced_bytes_ = 0;
  if (out_ == stderr) return;
  int fd = fileno(out_);
  off_t end = lseek(fd, 0, SEEK_CUR);
  if (end <= written_back_to_) return;
  // Starts the disk write of what this loop wrote since the last call and
  // returns without waiting for it.
  (void)sync_file_range(fd, written_back_to_, end - written_back_to_,
                        SYNC_FILE_RANGE_WRITE);
  written_back_to_ = end;
}

void Logger::Log(LogLevel level, std::string_view event,
                 nlohmann::json fields) {
  if (level < level_) return;
  if (!fields.is_object()) fields = nlohmann::json::object();
  ScrubJson(fields);
  fields["ts"] = FormatRfc3339(SystemClock::Default()->NowMillis());
  fields["level"] = LevelName(level);
  fields["event"] = event;
  std::string line =
      fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';
  bool was_empty;
  {
    std::unique_lock lock(mu_);
    wake_callers_.wait(lock, [&] { return queue_.size() < kMaxQueuedLines; });
    was_empty = queue_.empty();
    queue_.push_back(std::move(line));
    ++enqueued_;
  }
  // The writer drains the whole queue each time it wakes, so only the line
  // that finds the queue empty needs to wake it (saves a futex call a line).
  if (was_empty) wake_writer_.notify_one();
}

void Logger::Flush() {
  std::unique_lock lock(mu_);
  uint64_t target = enqueued_;
  wake_callers_.wait(lock, [&] { return written_ >= target; });
}

}  // namespace qunying::server
