#include "storage/database.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "storage/migrations.h"

namespace qunying::storage {

Result<std::unique_ptr<Database>> Database::Open(
    const DatabaseOptions& options) {
  std::unique_ptr<Database> db(new Database(options));
  std::error_code ec;
  auto parent = std::filesystem::path(options.path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  QY_ASSIGN_OR_RETURN(db->writer_,
                      Connection::Open(options.path, /*read_only=*/false,
                                       /*create=*/true, options.busy_timeout_ms,
                                       options.synchronous_full));
  if (options.migrate) {
    QY_RETURN_IF_ERROR(db->Migrate());
  } else {
    QY_ASSIGN_OR_RETURN(int v, CurrentSchemaVersion(*db->writer_));
    db->schema_version_ = v;
  }
  for (int i = 0; i < std::max(1, options.readers); ++i) {
    QY_ASSIGN_OR_RETURN(
        auto reader,
        Connection::Open(options.path, /*read_only=*/true,
                         /*create=*/false, options.busy_timeout_ms, false));
    db->idle_readers_.push_back(std::move(reader));
  }
  db->writer_thread_ = std::thread([raw = db.get()] { raw->WriterLoop(); });
  return db;
}

Database::~Database() { Close(); }

void Database::Close() {
  {
    std::lock_guard lock(queue_mu_);
    if (closing_ && !writer_thread_.joinable()) return;
    closing_ = true;
  }
  queue_cv_.notify_all();
  if (writer_thread_.joinable()) writer_thread_.join();
}

Status Database::Migrate() {
  // Only before the writer thread starts, or from it: the writer connection
  // has a single owner at a time.
  QY_ASSIGN_OR_RETURN(int v, ApplyMigrations(*writer_));
  schema_version_ = v;
  return Status::Ok();
}

Status Database::Write(WriteFn fn) {
  std::future<Status> done;
  {
    std::lock_guard lock(queue_mu_);
    if (closing_) return Status::Unavailable("the database is shutting down");
    queue_.push_back(Job{std::move(fn), {}});
    done = queue_.back().done.get_future();
  }
  queue_cv_.notify_one();
  return done.get();
}

void Database::WriterLoop() {
  if (options_.writer_nice != 0) {
    int nice = std::clamp(getpriority(PRIO_PROCESS, 0) + options_.writer_nice,
                          -20, 19);
    writer_nice_applied_ =
        setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice) == 0;
  }
  std::vector<Job> batch;
  for (;;) {
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing_ and drained.
      while (!queue_.empty() &&
             batch.size() < static_cast<size_t>(options_.max_batch)) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    CommitBatch(batch);
    batch.clear();
  }
}

void Database::CommitBatch(std::vector<Job>& batch) {
  std::vector<Status> results(batch.size());
  Status begin = writer_->Exec("BEGIN IMMEDIATE");
  if (!begin.ok()) {
    for (auto& job : batch) job.done.set_value(begin);
    write_failures_ += batch.size();
    return;
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    auto sp = writer_->Prepare("SAVEPOINT w");
    Status s = sp.ok() ? (*sp)->Run() : sp.status();
    if (s.ok()) {
      try {
        s = batch[i].fn(*writer_);
      } catch (const std::exception& e) {
        s = Status::Internal(std::string("write threw: ") + e.what());
      }
      writer_->ResetAll();
      if (!s.ok()) (void)writer_->Exec("ROLLBACK TO w");
      auto release = writer_->Prepare("RELEASE w");
      Status rel = release.ok() ? (*release)->Run() : release.status();
      writer_->ResetAll();
      if (s.ok() && !rel.ok()) s = rel;
    }
    results[i] = s;
  }
  Status commit = writer_->Exec("COMMIT");
  if (!commit.ok()) {
    (void)writer_->Exec("ROLLBACK");
    for (auto& r : results) {
      if (r.ok()) r = commit;
    }
  } else {
    ++commits_;
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!results[i].ok()) ++write_failures_;
    ++writes_;
    batch[i].done.set_value(results[i]);
  }
}

Status Database::Read(ReadFn fn) {
  std::unique_ptr<Connection> conn;
  {
    std::unique_lock lock(pool_mu_);
    pool_cv_.wait(lock, [&] { return !idle_readers_.empty(); });
    conn = std::move(idle_readers_.back());
    idle_readers_.pop_back();
  }
  // BEGIN/COMMIT through cached statements: sqlite3_exec would parse them
  // again on every read.
  auto begin = conn->Prepare("BEGIN");
  Status s = begin.ok() ? (*begin)->Run() : begin.status();
  if (s.ok()) {
    try {
      s = fn(*conn);
    } catch (const std::exception& e) {
      s = Status::Internal(std::string("read threw: ") + e.what());
    }
    conn->ResetAll();
    auto commit = conn->Prepare("COMMIT");
    if (commit.ok()) (void)(*commit)->Run();
  }
  {
    std::lock_guard lock(pool_mu_);
    idle_readers_.push_back(std::move(conn));
  }
  pool_cv_.notify_one();
  return s;
}

DatabaseStats Database::Stats() {
  DatabaseStats st;
  st.writes = writes_;
  st.commits = commits_;
  st.write_failures = write_failures_;
  st.schema_version = schema_version_;
  st.writer_nice_applied = writer_nice_applied_;
  std::lock_guard lock(queue_mu_);
  st.queue_depth = queue_.size();
  return st;
}

}  // namespace qunying::storage
