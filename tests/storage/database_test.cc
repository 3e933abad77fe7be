#include "storage/database.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "storage/migrations.h"
#include "tests/storage/test_db.h"

namespace qunying::storage {
namespace {

Status InsertAudit(Connection& c, const std::string& target) {
  QY_ASSIGN_OR_RETURN(Statement * st,
                      c.Prepare("INSERT INTO audit_log (at_ms, action, target)"
                                " VALUES (1, 'test', ?)"));
  return st->Bind(1, target).Run();
}

int64_t CountAudit(Database& db) {
  int64_t n = -1;
  Status s = db.Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Statement * st,
                        c.Prepare("SELECT COUNT(*) FROM audit_log"));
    QY_ASSIGN_OR_RETURN(bool row, st->Step());
    n = row ? st->Int(0) : -1;
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return n;
}

TEST(DatabaseTest, MigratesAFreshFileToTheLatestVersion) {
  TempDir dir;
  auto db = OpenTestDb(dir.File("a.db"));
  ASSERT_TRUE(db);
  EXPECT_EQ(db->SchemaVersion(), LatestSchemaVersion());
  // Opening again applies nothing and keeps the version.
  db.reset();
  db = OpenTestDb(dir.File("a.db"));
  ASSERT_TRUE(db);
  EXPECT_EQ(db->SchemaVersion(), LatestSchemaVersion());
}

TEST(DatabaseTest, WritesAreVisibleToReadsAfterTheyReturn) {
  TempDir dir;
  auto db = OpenTestDb(dir.File("a.db"));
  ASSERT_TRUE(
      db->Write([](Connection& c) { return InsertAudit(c, "x"); }).ok());
  EXPECT_EQ(CountAudit(*db), 1);
}

// A write of a few pages stays in the WAL (SQLite checkpoints past 1,000)
// until Checkpoint copies it into the file.
TEST(DatabaseTest, ACheckpointCopiesCommittedWritesIntoTheFile) {
  TempDir dir;
  const std::string path = dir.File("a.db");
  auto db = OpenTestDb(path);
  ASSERT_TRUE(db->Checkpoint().ok());  // The schema, as it is in the WAL.
  ASSERT_TRUE(
      db->Write([](Connection& c) { return InsertAudit(c, "x"); }).ok());
  const std::string count = "SELECT COUNT(*) FROM audit_log";
  EXPECT_EQ(CountInFileAlone(path, count), 0);
  ASSERT_TRUE(db->Checkpoint().ok());
  EXPECT_EQ(CountInFileAlone(path, count), 1);
  EXPECT_EQ(CountAudit(*db), 1);
}

TEST(DatabaseTest, AReadLeftHalfwayDoesNotKeepItsSnapshot) {
  TempDir dir;
  DatabaseOptions o;
  o.path = dir.File("a.db");
  o.readers = 1;  // Every read on the same connection.
  auto db = Database::Open(o);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  for (const char* t : {"a", "b"}) {
    ASSERT_TRUE(
        (*db)->Write([&](Connection& c) { return InsertAudit(c, t); }).ok());
  }
  for (int round = 0; round < 2; ++round) {  // A cached statement, then anew.
    ASSERT_TRUE((*db)
                    ->Read([](Connection& c) -> Status {
                      QY_ASSIGN_OR_RETURN(
                          Statement * st,
                          c.Prepare("SELECT target FROM audit_log"));
                      return st->Step().status();  // One row of several.
                    })
                    .ok());
    ASSERT_TRUE(
        (*db)
            ->Write([&](Connection& c) { return InsertAudit(c, "later"); })
            .ok());
    EXPECT_EQ(CountAudit(**db), 3 + round);
  }
}

TEST(DatabaseTest, TheWriterThreadRunsAtTheNiceValueAsked) {
  TempDir dir;
  DatabaseOptions o;
  o.path = dir.File("a.db");
  o.writer_nice = 3;  // Raising nice needs no privilege, so this must work.
  auto db = Database::Open(o);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  int nice = -100;
  ASSERT_TRUE((*db)
                  ->Write([&](Connection&) {
                    nice =
                        getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(nice, std::min(19, getpriority(PRIO_PROCESS, 0) + 3));
  EXPECT_TRUE((*db)->Stats().writer_nice_applied);
}

// Holds the writer thread inside a write until released, so the test can
// queue writes behind it and see them share one transaction.
struct WriterGate {
  std::promise<void> entered, release;
  std::shared_future<void> released = release.get_future().share();
};

// Queues ten writes behind one that holds the writer, then lets it go.
// Returns the commits that took, after checking every write landed.
uint64_t CommitsForTenWritesQueuedBehindOne(Database* db) {
  WriterGate gate;
  std::thread blocker([&] {
    ASSERT_TRUE(db->Write([&](Connection& c) {
                    gate.entered.set_value();
                    gate.released.wait();
                    return InsertAudit(c, "first");
                  }).ok());
  });
  gate.entered.get_future().wait();
  uint64_t commits_before = db->Stats().commits;
  std::vector<std::thread> writers;
  for (int i = 0; i < 10; ++i) {
    writers.emplace_back([&, i] {
      EXPECT_TRUE(db->Write([i](Connection& c) {
                      return InsertAudit(c, "w" + std::to_string(i));
                    }).ok());
    });
  }
  while (db->Stats().queue_depth < 10) std::this_thread::yield();
  gate.release.set_value();
  blocker.join();
  for (auto& t : writers) t.join();
  EXPECT_EQ(CountAudit(*db), 11);
  EXPECT_EQ(db->Stats().writes, 11u);
  return db->Stats().commits - commits_before;
}

TEST(DatabaseTest, ConcurrentWritesShareOneCommit) {
  TempDir dir;
  auto db = OpenTestDb(dir.File("a.db"));
  // The blocked write's commit, then one for the ten queued behind it.
  EXPECT_EQ(CommitsForTenWritesQueuedBehindOne(db.get()), 2u);
}

TEST(DatabaseTest, AQueueLongerThanTheBatchLimitCommitsInSeveralSteps) {
  TempDir dir;
  DatabaseOptions o;
  o.path = dir.File("a.db");
  o.max_batch = 3;
  auto db = Database::Open(o);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  // The blocked write, then 3 + 3 + 3 + 1.
  EXPECT_EQ(CommitsForTenWritesQueuedBehindOne(db->get()), 5u);
}

TEST(DatabaseTest, SubmittedWritesCommitWithNobodyWaiting) {
  TempDir dir;
  std::string path = dir.File("a.db");
  {
    auto db = OpenTestDb(path);
    ASSERT_TRUE(db->Submit([](Connection& c) {
                    return InsertAudit(c, "submitted");
                  }).ok());
    ASSERT_TRUE(db->Submit([](Connection& c) -> Status {
                    QY_RETURN_IF_ERROR(InsertAudit(c, "half-done"));
                    return Status::InvalidArgument("changed my mind");
                  }).ok());
    // A write queued later commits no earlier than those before it.
    ASSERT_TRUE(db->Write([](Connection&) { return Status::Ok(); }).ok());
    EXPECT_EQ(CountAudit(*db), 1);
    EXPECT_EQ(db->Stats().write_failures, 1u);
    // Closing commits what is still queued.
    ASSERT_TRUE(db->Submit([](Connection& c) {
                    return InsertAudit(c, "at close");
                  }).ok());
    db->Close();
    EXPECT_EQ(db->Submit([](Connection&) { return Status::Ok(); }).code(),
              StatusCode::kUnavailable);
  }
  auto again = OpenTestDb(path);
  EXPECT_EQ(CountAudit(*again), 2);
}

TEST(DatabaseTest, AFailingWriteRollsBackAloneInsideABatch) {
  TempDir dir;
  auto db = OpenTestDb(dir.File("a.db"));
  WriterGate gate;
  std::thread blocker([&] {
    (void)db->Write([&](Connection&) {
      gate.entered.set_value();
      gate.released.wait();
      return Status::Ok();
    });
  });
  gate.entered.get_future().wait();
  auto good1 = std::async(std::launch::async, [&] {
    return db->Write([](Connection& c) { return InsertAudit(c, "good1"); });
  });
  while (db->Stats().queue_depth < 1) std::this_thread::yield();
  auto bad = std::async(std::launch::async, [&] {
    return db->Write([](Connection& c) -> Status {
      QY_RETURN_IF_ERROR(InsertAudit(c, "half-done"));
      return Status::InvalidArgument("changed my mind");
    });
  });
  while (db->Stats().queue_depth < 2) std::this_thread::yield();
  auto good2 = std::async(std::launch::async, [&] {
    return db->Write([](Connection& c) { return InsertAudit(c, "good2"); });
  });
  while (db->Stats().queue_depth < 3) std::this_thread::yield();
  gate.release.set_value();
  blocker.join();
  EXPECT_TRUE(good1.get().ok());
  EXPECT_EQ(bad.get().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(good2.get().ok());
  EXPECT_EQ(CountAudit(*db), 2);  // The failed write left nothing behind.
}

TEST(DatabaseTest, ConstraintViolationIsAConflict) {
  TempDir dir;
  auto db = OpenTestDb(dir.File("a.db"));
  auto insert_user = [](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("INSERT INTO users (username, password_hash, role,"
                  " display_name, created_at_ms) VALUES ('u', 'h', 'admin', "
                  "'U', 1)"));
    return st->Run();
  };
  ASSERT_TRUE(db->Write(insert_user).ok());
  EXPECT_EQ(db->Write(insert_user).code(), StatusCode::kConflict);
}

TEST(DatabaseTest, AnEmptyViewBindsAnEmptyTextNotNull) {
  TempDir dir;
  auto db = OpenTestDb(dir.File("a.db"));
  int64_t nulls = -1, empties = -1;
  Status s = db->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Statement * st,
                        c.Prepare("SELECT ?1 IS NULL, ?1 = ''"));
    st->Bind(1, std::string_view());  // No data pointer at all.
    QY_ASSIGN_OR_RETURN(bool row, st->Step());
    if (row) nulls = st->Int(0), empties = st->Int(1);
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(nulls, 0);
  EXPECT_EQ(empties, 1);
}

TEST(DatabaseTest, WritesAfterCloseAreRefusedNotLost) {
  TempDir dir;
  auto db = OpenTestDb(dir.File("a.db"));
  ASSERT_TRUE(
      db->Write([](Connection& c) { return InsertAudit(c, "a"); }).ok());
  db->Close();
  EXPECT_EQ(db->Write([](Connection& c) { return InsertAudit(c, "b"); }).code(),
            StatusCode::kUnavailable);
  db.reset();
  db = OpenTestDb(dir.File("a.db"));
  EXPECT_EQ(CountAudit(*db), 1);
}

TEST(DatabaseTest, EveryAcknowledgedWriteSurvivesKillNine) {
  TempDir dir;
  std::string path = dir.File("crash.db");
  { ASSERT_TRUE(OpenTestDb(path)); }  // Migrate before forking.
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipefd[0]);
    DatabaseOptions o;
    o.path = path;
    auto db = Database::Open(o);
    if (!db.ok()) _exit(2);
    for (int i = 0;; ++i) {
      if (!(*db)
               ->Write([i](Connection& c) {
                 return InsertAudit(c, std::to_string(i));
               })
               .ok()) {
        _exit(3);
      }
      if (write(pipefd[1], &i, sizeof i) != sizeof i) _exit(4);  // Ack.
    }
  }
  close(pipefd[1]);
  int acked = -1, i = 0;
  while (acked < 200 && read(pipefd[0], &i, sizeof i) == sizeof i) acked = i;
  kill(child, SIGKILL);
  // Drain acks that were already sent before the kill.
  while (read(pipefd[0], &i, sizeof i) == sizeof i) acked = i;
  close(pipefd[0]);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  auto db = OpenTestDb(path);
  ASSERT_TRUE(db);
  EXPECT_GE(CountAudit(*db), acked + 1);
}

}  // namespace
}  // namespace qunying::storage
