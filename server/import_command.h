// `qunying import roster`: imports a roster export (CSV or XLSX) into a
// group straight into the database, through the same identity resolution
// as the HTTP API, with a progress bar when standard error is a terminal.
#ifndef QUNYING_SERVER_IMPORT_COMMAND_H_
#define QUNYING_SERVER_IMPORT_COMMAND_H_

#include <cstdint>
#include <string>

#include "core/result.h"

namespace qunying::server {

struct ImportRosterOptions {
  std::string db_path = "var/qunying.db";
  int64_t group_id = 0;
  std::string file;
  std::string as_of;  // RFC 3339; empty: now.
};

// Prints a summary line to standard output; returns the process exit code.
int RunImportRoster(const ImportRosterOptions& options);

}  // namespace qunying::server

#endif  // QUNYING_SERVER_IMPORT_COMMAND_H_
