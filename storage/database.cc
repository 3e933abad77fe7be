#include "storage/database.h"

#include <linux/futex.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>

#include <algorithm>
#include <filesystem>

#include "storage/file_util.h"
#include "storage/migrations.h"

namespace qunying::storage {
namespace {

void WaitUntilSet(uint32_t& word) {
  std::atomic_ref<uint32_t> flag(word);
  while (flag.load(std::memory_order_acquire) == 0) {
    // Sleeps only if the word is still 0; EINTR and spurious wakes loop.
    syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0);
  }
}

void SetAndWakeAll(uint32_t& word) {
  std::atomic_ref<uint32_t>(word).store(1, std::memory_order_release);
  syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
}

}  // namespace

Result<std::unique_ptr<Database>> Database::Open(
    const DatabaseOptions& options) {
  std::unique_ptr<Database> db(new Database(options));
  auto parent = std::filesystem::path(options.path).parent_path();
  if (!parent.empty()) QY_RETURN_IF_ERROR(CreateDirsDurably(parent.string()));
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

Status Database::Checkpoint() {
  QY_ASSIGN_OR_RETURN(
      auto conn, Connection::Open(options_.path, /*read_only=*/false,
                                  /*create=*/false, options_.busy_timeout_ms,
                                  options_.synchronous_full));
  int rc = sqlite3_wal_checkpoint_v2(
      conn->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(conn->raw(), rc, "checkpoint");
  return Status::Ok();
}

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
  Status result;
  std::shared_ptr<Generation> gen;
  {
    std::lock_guard lock(queue_mu_);
    if (closing_) return Status::Unavailable("the database is shutting down");
    if (!open_) open_ = std::make_shared<Generation>();
    gen = open_;
    queue_.push_back(Job{std::move(fn), &result, {}});
  }
  queue_cv_.notify_one();
  WaitUntilSet(gen->done);
  return result;
}

Status Database::Submit(WriteFn fn) {
  {
    std::lock_guard lock(queue_mu_);
    if (closing_) return Status::Unavailable("the database is shutting down");
    queue_.push_back(Job{std::move(fn), nullptr, {}});
  }
  queue_cv_.notify_one();
  return Status::Ok();
}

void Database::WriterLoop() {
  if (options_.writer_nice != 0) {
    int nice = std::clamp(getpriority(PRIO_PROCESS, 0) + options_.writer_nice,
                          -20, 19);
    writer_nice_applied_ =
        setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice) == 0;
  }
  std::vector<Job> jobs;
  std::shared_ptr<Generation> gen;
  for (;;) {
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing_ and drained.
      jobs.swap(queue_);
      gen = std::move(open_);  // Null if only submitted writes are queued.
    }
    for (Job& job : jobs) {
      if (job.result == nullptr) job.result = &job.own;  // jobs stays put.
    }
    size_t step = static_cast<size_t>(std::max(1, options_.max_batch));
    for (size_t i = 0; i < jobs.size(); i += step) {
      CommitBatch(jobs.data() + i, std::min(step, jobs.size() - i));
    }
    jobs.clear();
    if (gen) SetAndWakeAll(gen->done);
    gen.reset();
  }
}

void Database::CommitBatch(Job* batch, size_t n) {
  Status begin = writer_->Exec("BEGIN IMMEDIATE");
  if (!begin.ok()) {
    for (size_t i = 0; i < n; ++i) *batch[i].result = begin;
    write_failures_ += n;
    return;
  }
  for (size_t i = 0; i < n; ++i) {
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
    *batch[i].result = s;
  }
  Status commit = writer_->Exec("COMMIT");
  if (!commit.ok()) {
    (void)writer_->Exec("ROLLBACK");
    for (size_t i = 0; i < n; ++i) {
      if (batch[i].result->ok()) *batch[i].result = commit;
    }
  } else {
    ++commits_;
  }
  for (size_t i = 0; i < n; ++i) {
    if (!batch[i].result->ok()) ++write_failures_;
    ++writes_;
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
