#include "storage/audit.h"

namespace qunying::storage {

Status WriteAudit(Connection& c, int64_t user_id, const std::string& action,
                  const std::string& target, const std::string& detail,
                  int64_t now_ms) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("INSERT INTO audit_log (at_ms, actor_user_id, action,"
                " target, detail) VALUES (?, ?, ?, ?, ?)"));
  return st->Bind(1, now_ms)
      .Bind(2, user_id)
      .Bind(3, action)
      .Bind(4, target)
      .Bind(5, detail)
      .Run();
}

}  // namespace qunying::storage
