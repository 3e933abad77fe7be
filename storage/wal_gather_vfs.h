// WalGatherVfs: a SQLite VFS over the platform's default one that gathers
// the write-ahead log's writes and hands them to the kernel in one system
// call instead of two per page.
//
// SQLite appends a transaction to the WAL as frames, each written with two
// pwrite calls (a 24-byte header, then the page): a group commit of
// fifteen check-ins dirtied about 13 pages, 27 pwrites (docs/benchmarks.md,
// "Check-in ingest"). This VFS
// keeps consecutive writes to a WAL file in a buffer and writes the buffer
// out with one pwrite before anything that needs it on disk or visible:
// a sync, a read, a size query, a truncation, a file control, a close, a
// write elsewhere in the file, or the buffer filling up.
//
// Only for connections that sync the WAL at every commit
// (PRAGMA synchronous=FULL): SQLite then syncs the WAL before it publishes a
// commit to other connections through the WAL index, so every committed
// frame has left the buffer before anyone can look for it, and before the
// commit is acknowledged. With synchronous=NORMAL a commit is published
// without a sync, and another connection could read a frame still in the
// buffer: Connection::Open uses this VFS only with FULL.
//
// Files other than WAL files are the default VFS's own, untouched.
// Thread-safety: as SQLite's; a WAL file handle belongs to one connection,
// and this project's connections are each used by one thread at a time.
#ifndef QUNYING_STORAGE_WAL_GATHER_VFS_H_
#define QUNYING_STORAGE_WAL_GATHER_VFS_H_

#include <cstdint>

namespace qunying::storage {

// The VFS's name for sqlite3_open_v2, registered (not as the default) on
// the first call. Null if registration failed; callers then use the
// default VFS.
const char* WalGatherVfsName();

struct WalGatherStats {
  uint64_t writes_gathered = 0;  // SQLite's writes to WAL files.
  uint64_t writes_issued = 0;    // pwrite calls they became.
};
// Totals over every connection since the process started.
WalGatherStats GetWalGatherStats();

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_WAL_GATHER_VFS_H_
