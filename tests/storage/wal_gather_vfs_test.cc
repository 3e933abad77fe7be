// The WAL's writes gathered into few system calls, without losing or
// hiding a committed row from any other connection.
#include "storage/wal_gather_vfs.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "storage/sqlite.h"
#include "tests/storage/test_db.h"

namespace qunying::storage {
namespace {

std::unique_ptr<Connection> OpenWriter(const std::string& path,
                                       bool full = true) {
  auto c = Connection::Open(path, false, true, 1000, full);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(c).value() : nullptr;
}

std::unique_ptr<Connection> OpenReader(const std::string& path) {
  auto c = Connection::Open(path, true, false, 1000, true);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(c).value() : nullptr;
}

std::string VfsOf(Connection& c) {
  sqlite3_vfs* vfs = nullptr;
  sqlite3_file_control(c.raw(), "main", SQLITE_FCNTL_VFS_POINTER, &vfs);
  return vfs ? vfs->zName : "";
}

// The number of rows and a digest of their contents, as `c` sees them.
std::pair<int64_t, int64_t> Digest(Connection& c) {
  auto st = c.Prepare(
      "SELECT COUNT(*), COALESCE(SUM(id * length(v) + unicode(v)), 0)"
      " FROM t");
  EXPECT_TRUE(st.ok());
  EXPECT_TRUE(*(*st)->Step());
  auto out = std::make_pair((*st)->Int(0), (*st)->Int(1));
  c.ResetAll();
  return out;
}

// Inserts `rows` rows of `bytes` characters each in one transaction.
void InsertRows(Connection& c, int rows, int bytes, char fill) {
  ASSERT_TRUE(c.Exec("BEGIN").ok());
  auto st = c.Prepare("INSERT INTO t (v) VALUES (?)");
  ASSERT_TRUE(st.ok());
  for (int i = 0; i < rows; ++i) {
    (*st)->Reset();
    (*st)->Bind(1, std::string(bytes, static_cast<char>(fill + i % 7)));
    ASSERT_TRUE((*st)->Run().ok());
  }
  c.ResetAll();
  ASSERT_TRUE(c.Exec("COMMIT").ok());
}

TEST(WalGatherVfsTest, OnlyConnectionsThatSyncEveryCommitUseIt) {
  TempDir dir;
  std::string path = dir.File("vfs.db");
  auto full = OpenWriter(path);
  auto normal = OpenWriter(path, false);
  auto reader = OpenReader(path);
  ASSERT_NE(WalGatherVfsName(), nullptr);
  EXPECT_EQ(VfsOf(*full), WalGatherVfsName());
  EXPECT_NE(VfsOf(*normal), WalGatherVfsName());
  EXPECT_NE(VfsOf(*reader), WalGatherVfsName());
}

TEST(WalGatherVfsTest, ACommitOfManyPagesIsWrittenWithFewCalls) {
  TempDir dir;
  std::string path = dir.File("few.db");
  auto w = OpenWriter(path);
  ASSERT_TRUE(w->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").ok());
  WalGatherStats before = GetWalGatherStats();
  InsertRows(*w, 20, 3000, 'a');  // About 20 pages: 40 writes by SQLite.
  WalGatherStats after = GetWalGatherStats();
  uint64_t gathered = after.writes_gathered - before.writes_gathered;
  uint64_t issued = after.writes_issued - before.writes_issued;
  EXPECT_GE(gathered, 40u);
  EXPECT_LE(issued, 2u) << gathered << " writes gathered";
  auto r = OpenReader(path);
  EXPECT_EQ(Digest(*r), Digest(*w));
  EXPECT_EQ(Digest(*r).first, 20);
}

TEST(WalGatherVfsTest, OtherConnectionsSeeEveryCommitLargeOrSmall) {
  TempDir dir;
  std::string path = dir.File("see.db");
  auto w = OpenWriter(path);
  auto r = OpenReader(path);
  ASSERT_TRUE(w->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").ok());
  for (int round = 0; round < 5; ++round) {
    InsertRows(*w, 1, 50, 'k');
    EXPECT_EQ(Digest(*r), Digest(*w)) << "small commit " << round;
  }
  // Over 2 MB in one transaction: the buffer fills and is written out many
  // times before the commit.
  InsertRows(*w, 600, 3500, 'A');
  EXPECT_EQ(Digest(*r), Digest(*w));
  EXPECT_EQ(Digest(*r).first, 605);
  // After a checkpoint into the database file, and from a new connection.
  ASSERT_TRUE(w->Exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
  auto fresh = OpenReader(path);
  EXPECT_EQ(Digest(*fresh), Digest(*w));
}

TEST(WalGatherVfsTest, PagesSpilledAndRewrittenInOneTransactionKeepTheLast) {
  TempDir dir;
  std::string path = dir.File("spill.db");
  auto w = OpenWriter(path);
  ASSERT_TRUE(w->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").ok());
  InsertRows(*w, 300, 1000, 'a');
  // A page cache of 8 pages: the transaction below writes its pages to the
  // WAL before it commits, reads them back and writes them again.
  ASSERT_TRUE(w->Exec("PRAGMA cache_size=8").ok());
  ASSERT_TRUE(w->Exec("BEGIN").ok());
  for (int pass = 0; pass < 3; ++pass) {
    ASSERT_TRUE(w->Exec("UPDATE t SET v = substr(v, 2) || char(66 + " +
                        std::to_string(pass) + " + id % 5)")
                    .ok());
  }
  ASSERT_TRUE(w->Exec("COMMIT").ok());
  auto r = OpenReader(path);
  auto seen = Digest(*r);
  EXPECT_EQ(seen, Digest(*w));
  // The same updates without the gathering VFS give the same contents.
  TempDir other;
  std::string plain_path = other.File("plain.db");
  auto plain = OpenWriter(plain_path, false);
  ASSERT_TRUE(
      plain->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").ok());
  InsertRows(*plain, 300, 1000, 'a');
  for (int pass = 0; pass < 3; ++pass) {
    ASSERT_TRUE(plain
                    ->Exec("UPDATE t SET v = substr(v, 2) || char(66 + " +
                           std::to_string(pass) + " + id % 5)")
                    .ok());
  }
  EXPECT_EQ(Digest(*plain), seen);
  auto check = w->Prepare("PRAGMA integrity_check");
  ASSERT_TRUE(check.ok());
  ASSERT_TRUE(*(*check)->Step());
  EXPECT_EQ((*check)->Text(0), "ok");
}

}  // namespace
}  // namespace qunying::storage
