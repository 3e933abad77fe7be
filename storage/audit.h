// The audit log: who did what to which record. Written inside the
// transaction of the change it records, so the two land or fail together.
// Read through IdentityAdminStore::Audit. Functions only.
#ifndef QUNYING_STORAGE_AUDIT_H_
#define QUNYING_STORAGE_AUDIT_H_

#include <cstdint>
#include <string>

#include "core/status.h"
#include "storage/sqlite.h"

namespace qunying::storage {

// Appends to audit_log inside the caller's transaction (`c` is the
// writer's connection).
[[nodiscard]] Status WriteAudit(Connection& c, int64_t user_id,
                                const std::string& action,
                                const std::string& target,
                                const std::string& detail, int64_t now_ms);

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_AUDIT_H_
