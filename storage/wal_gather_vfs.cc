// WalGatherVfs: the WAL's writes gathered into one pwrite (see the header).
#include "storage/wal_gather_vfs.h"

#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace qunying::storage {
namespace {

// A transaction larger than this (a rescoring pass writes tens of MB) is
// written out in pieces of this size. It must stay below 128 KiB: the
// default unix VFS writes at most 0x1ffff bytes per call and reports a
// longer write as a short one (SQLITE_FULL).
constexpr size_t kBufferBytes = 124 * 1024;

std::atomic<uint64_t> g_gathered{0}, g_issued{0};

// A WAL file: our part first, the default VFS's file after it.
struct GatherFile {
  sqlite3_file base;
  char* buf;   // Null until the first write.
  size_t len;  // Bytes held, for the file range [start, start+len).
  sqlite3_int64 start;
};

constexpr size_t kRealOffset = (sizeof(GatherFile) + 7) & ~size_t{7};

sqlite3_file* Real(sqlite3_file* f) {
  return reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) +
                                         kRealOffset);
}
GatherFile* Gather(sqlite3_file* f) { return reinterpret_cast<GatherFile*>(f); }
sqlite3_vfs* RealVfs(sqlite3_vfs* v) {
  return static_cast<sqlite3_vfs*>(v->pAppData);
}

// Writes out what the buffer holds. The buffer is empty afterwards either
// way: after an error SQLite abandons the transaction the frames belong to.
int Flush(sqlite3_file* f) {
  GatherFile* g = Gather(f);
  if (g->len == 0) return SQLITE_OK;
  sqlite3_file* r = Real(f);
  int rc = r->pMethods->xWrite(r, g->buf, static_cast<int>(g->len), g->start);
  g->len = 0;
  g_issued.fetch_add(1, std::memory_order_relaxed);
  return rc;
}

int Write(sqlite3_file* f, const void* data, int amt, sqlite3_int64 off) {
  g_gathered.fetch_add(1, std::memory_order_relaxed);
  GatherFile* g = Gather(f);
  auto n = static_cast<size_t>(amt);
  // Anything but an append (SQLite rewriting a frame of the transaction
  // in place) writes the buffer out first, so writes reach the file in
  // SQLite's order.
  if (g->len > 0 && (off != g->start + static_cast<sqlite3_int64>(g->len) ||
                     g->len + n > kBufferBytes)) {
    if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  }
  if (n > kBufferBytes) {
    g_issued.fetch_add(1, std::memory_order_relaxed);
    sqlite3_file* r = Real(f);
    return r->pMethods->xWrite(r, data, amt, off);
  }
  if (g->buf == nullptr) {
    g->buf = static_cast<char*>(std::malloc(kBufferBytes));
    if (g->buf == nullptr) return SQLITE_IOERR_NOMEM;
  }
  if (g->len == 0) g->start = off;
  std::memcpy(g->buf + g->len, data, n);
  g->len += n;
  return SQLITE_OK;
}

int Close(sqlite3_file* f) {
  int flushed = Flush(f);
  sqlite3_file* r = Real(f);
  int rc = r->pMethods->xClose(r);
  std::free(Gather(f)->buf);
  Gather(f)->buf = nullptr;
  return flushed != SQLITE_OK ? flushed : rc;
}

// Every other method writes the buffer out first, then forwards.
#define QY_FLUSH_OR_RETURN(f)                             \
  do {                                                    \
    if (int rc_ = Flush(f); rc_ != SQLITE_OK) return rc_; \
  } while (0)

int Read(sqlite3_file* f, void* out, int amt, sqlite3_int64 off) {
  QY_FLUSH_OR_RETURN(f);
  return Real(f)->pMethods->xRead(Real(f), out, amt, off);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  QY_FLUSH_OR_RETURN(f);
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
int Sync(sqlite3_file* f, int flags) {
  QY_FLUSH_OR_RETURN(f);
  return Real(f)->pMethods->xSync(Real(f), flags);
}
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  QY_FLUSH_OR_RETURN(f);
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int Lock(sqlite3_file* f, int level) {
  return Real(f)->pMethods->xLock(Real(f), level);
}
int Unlock(sqlite3_file* f, int level) {
  return Real(f)->pMethods->xUnlock(Real(f), level);
}
int CheckReservedLock(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  QY_FLUSH_OR_RETURN(f);
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int SectorSize(sqlite3_file* f) {
  return Real(f)->pMethods->xSectorSize(Real(f));
}
int DeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
#undef QY_FLUSH_OR_RETURN

// Version 1: SQLite keeps the WAL index beside the database file, not the
// WAL, and never maps the WAL into memory, so a WAL file needs no shared
// memory or fetch methods (SQLite checks iVersion before calling them).
const sqlite3_io_methods kMethods = {1,
                                     Close,
                                     Read,
                                     Write,
                                     Truncate,
                                     Sync,
                                     FileSize,
                                     Lock,
                                     Unlock,
                                     CheckReservedLock,
                                     FileControl,
                                     SectorSize,
                                     DeviceCharacteristics};

int Open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* f, int flags,
         int* out_flags) {
  sqlite3_vfs* real = RealVfs(vfs);
  // Other files are the default VFS's own, at the start of our space.
  if (!(flags & SQLITE_OPEN_WAL))
    return real->xOpen(real, name, f, flags, out_flags);
  GatherFile* g = Gather(f);
  g->base.pMethods = nullptr;
  g->buf = nullptr;
  g->len = 0;
  g->start = 0;
  int rc = real->xOpen(real, name, Real(f), flags, out_flags);
  if (rc == SQLITE_OK) g->base.pMethods = &kMethods;
  return rc;
}

sqlite3_vfs* Register() {
  static sqlite3_vfs vfs;
  sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
  if (real == nullptr) return nullptr;
  vfs = *real;
  vfs.pNext = nullptr;
  vfs.zName = "qunying-wal-gather";
  vfs.pAppData = real;
  vfs.szOsFile = static_cast<int>(kRealOffset) + real->szOsFile;
  vfs.xOpen = Open;
  // The rest take the VFS as their first argument: hand them the real one.
  vfs.xDelete = [](sqlite3_vfs* v, const char* n, int sync) {
    return RealVfs(v)->xDelete(RealVfs(v), n, sync);
  };
  vfs.xAccess = [](sqlite3_vfs* v, const char* n, int flags, int* out) {
    return RealVfs(v)->xAccess(RealVfs(v), n, flags, out);
  };
  vfs.xFullPathname = [](sqlite3_vfs* v, const char* n, int size, char* out) {
    return RealVfs(v)->xFullPathname(RealVfs(v), n, size, out);
  };
  vfs.xDlOpen = [](sqlite3_vfs* v, const char* n) {
    return RealVfs(v)->xDlOpen(RealVfs(v), n);
  };
  vfs.xDlError = [](sqlite3_vfs* v, int size, char* out) {
    RealVfs(v)->xDlError(RealVfs(v), size, out);
  };
  vfs.xDlSym = [](sqlite3_vfs* v, void* h, const char* s) {
    return RealVfs(v)->xDlSym(RealVfs(v), h, s);
  };
  vfs.xDlClose = [](sqlite3_vfs* v, void* h) {
    RealVfs(v)->xDlClose(RealVfs(v), h);
  };
  vfs.xRandomness = [](sqlite3_vfs* v, int n, char* out) {
    return RealVfs(v)->xRandomness(RealVfs(v), n, out);
  };
  vfs.xSleep = [](sqlite3_vfs* v, int us) {
    return RealVfs(v)->xSleep(RealVfs(v), us);
  };
  vfs.xCurrentTime = [](sqlite3_vfs* v, double* out) {
    return RealVfs(v)->xCurrentTime(RealVfs(v), out);
  };
  vfs.xGetLastError = [](sqlite3_vfs* v, int n, char* out) {
    return RealVfs(v)->xGetLastError(RealVfs(v), n, out);
  };
  if (real->iVersion >= 2 && real->xCurrentTimeInt64) {
    vfs.xCurrentTimeInt64 = [](sqlite3_vfs* v, sqlite3_int64* out) {
      return RealVfs(v)->xCurrentTimeInt64(RealVfs(v), out);
    };
  }
  // xSetSystemCall and its kin (test hooks) stay the default VFS's: they
  // use their VFS argument only to be told apart.
  if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK) return nullptr;
  return &vfs;
}

}  // namespace

const char* WalGatherVfsName() {
  static sqlite3_vfs* vfs = Register();
  return vfs ? vfs->zName : nullptr;
}

WalGatherStats GetWalGatherStats() {
  return {g_gathered.load(std::memory_order_relaxed),
          g_issued.load(std::memory_order_relaxed)};
}

}  // namespace qunying::storage
