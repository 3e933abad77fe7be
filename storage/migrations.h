// Versioned schema migrations. Each migration runs once, in order, inside a
// transaction, and is recorded in schema_migrations. SQL is kept portable
// (no SQLite-only syntax beyond INTEGER PRIMARY KEY) for a later PostgreSQL
// store. Not thread-safe: run on the writer connection only.
#ifndef QUNYING_STORAGE_MIGRATIONS_H_
#define QUNYING_STORAGE_MIGRATIONS_H_

#include "core/result.h"
#include "storage/sqlite.h"

namespace qunying::storage {

// The newest schema version this build knows.
int LatestSchemaVersion();

// Applies every pending migration; returns the resulting version. Refuses a
// database whose version is newer than this build (a downgrade).
Result<int> ApplyMigrations(Connection& conn);
// Applies pending migrations up to `version` only (tests of a migration:
// a database as an older build left it).
Result<int> ApplyMigrationsUpTo(Connection& conn, int version);

// 0 for an empty database.
Result<int> CurrentSchemaVersion(Connection& conn);

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_MIGRATIONS_H_
