// Database: the embedded SQLite store. One writer connection owned by a
// writer thread that group-commits concurrent writes (each caller is answered
// only after the transaction holding its write has committed), and a pool of
// read-only connections. Thread-safe: call Write and Read from any thread.
#ifndef QUNYING_STORAGE_DATABASE_H_
#define QUNYING_STORAGE_DATABASE_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "storage/sqlite.h"

namespace qunying::storage {

struct DatabaseOptions {
  // File path of the database. Created if missing.
  std::string path = "var/qunying.db";
  // Read-only connections in the pool; readers beyond this wait their turn.
  int readers = 4;
  // Milliseconds a connection waits on a lock before answering Unavailable.
  int busy_timeout_ms = 5000;
  // PRAGMA synchronous=FULL: a commit is on disk (fsync) before it is
  // acknowledged, so acknowledged writes survive power loss, not only a
  // crash. Group commit keeps the cost to one fsync per batch.
  bool synchronous_full = true;
  // Writes that share one transaction at most. Writes queued while a
  // commit runs are all taken together; beyond this many they are split
  // into several transactions.
  int max_batch = 256;
  // The writer thread's nice value relative to the process's (0: leave
  // it). Every write waits on this one thread, so under CPU contention it
  // should not queue behind request threads: -5 lifted check-ins/s by
  // 12-15% on two cores (docs/benchmarks.md; -15 did no better). Lowering
  // nice needs CAP_SYS_NICE or root; without it the thread keeps the
  // process's (see DatabaseStats::writer_nice_applied).
  int writer_nice = -5;
  // Apply pending migrations at Open.
  bool migrate = true;
};

struct DatabaseStats {
  uint64_t writes = 0;   // Write() calls completed.
  uint64_t commits = 0;  // Transactions committed (≤ writes).
  uint64_t write_failures = 0;
  size_t queue_depth = 0;            // Writes waiting right now.
  bool writer_nice_applied = false;  // options.writer_nice took effect.
  int schema_version = 0;
};

class Database {
 public:
  using WriteFn = std::function<Status(Connection&)>;
  using ReadFn = std::function<Status(Connection&)>;

  static Result<std::unique_ptr<Database>> Open(const DatabaseOptions& options);
  // Finishes queued writes, stops the writer and closes every connection.
  ~Database();

  // Runs `fn` inside the writer's transaction (in its own SAVEPOINT, so a
  // failing write is rolled back alone) and returns once it is committed.
  Status Write(WriteFn fn);
  // Queues `fn` like Write but returns at once, without waiting for its
  // commit: for writes that nobody is told about and whose loss in a crash
  // harms nothing (a session's last-seen time). Its failure is counted in
  // DatabaseStats::write_failures. Unavailable once closing.
  Status Submit(WriteFn fn);
  // Runs `fn` on a pooled read-only connection (a consistent snapshot for
  // the duration of each statement sequence inside one transaction).
  Status Read(ReadFn fn);

  // Copies the pages committed to the WAL into the database file, on a
  // connection opened for the call (SQLITE_CHECKPOINT_PASSIVE: it waits for
  // no reader or writer, and copies up to the oldest snapshot still read).
  // For a caller that held off the writer's automatic checkpoints through a
  // long series of transactions: 12,000 pages took ~30 ms here and ~95 ms
  // as the writer's automatic checkpoint (docs/benchmarks.md).
  Status Checkpoint();

  // Applies pending migrations on the writer connection.
  Status Migrate();
  int SchemaVersion() const { return schema_version_.load(); }
  DatabaseStats Stats();
  const DatabaseOptions& options() const { return options_; }

  // Stops accepting writes (they answer Unavailable), drains the queue and
  // joins the writer. Idempotent; the destructor calls it.
  void Close();

 private:
  // Writes queued between two takes of the writer: their callers sleep on
  // one futex word, so a group commit wakes them all with one system call
  // rather than one per write.
  struct Generation {
    alignas(4) uint32_t done = 0;  // 1 once every result is stored.
  };
  struct Job {
    WriteFn fn;
    // The caller's, alive until the generation is done; for a submitted
    // write, `own` (the writer points it there).
    Status* result;
    Status own;
  };

  explicit Database(DatabaseOptions options) : options_(std::move(options)) {}
  void WriterLoop();
  void CommitBatch(Job* jobs, size_t n);

  DatabaseOptions options_;
  std::unique_ptr<Connection> writer_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::vector<Job> queue_;
  std::shared_ptr<Generation> open_;  // The generation queue_ belongs to.
  bool closing_ = false;
  std::thread writer_thread_;

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;

  std::atomic<int> schema_version_{0};
  std::atomic<bool> writer_nice_applied_{false};
  std::atomic<uint64_t> writes_{0}, commits_{0}, write_failures_{0};
};

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_DATABASE_H_
