// Writes a generated demo community into an empty database in one
// transaction. Thread-safe (goes through Database::Write).
#ifndef QUNYING_STORAGE_DEMO_LOADER_H_
#define QUNYING_STORAGE_DEMO_LOADER_H_

#include "community/demo_community.h"
#include "storage/database.h"

namespace qunying::storage {

// Conflict when the database already holds members (a demo is loaded into a
// fresh database only).
struct DemoIds {
  std::vector<int64_t> campaigns, groups, members;  // By the demo's indexes.
};

Result<DemoIds> LoadDemoCommunity(Database& db,
                                  const community::DemoCommunity& demo,
                                  int64_t now_ms);

}  // namespace qunying::storage

#endif  // QUNYING_STORAGE_DEMO_LOADER_H_
