// Health, readiness and metrics endpoints.
#include "server/api.h"
#include "storage/migrations.h"

namespace qunying::server {

Result<Reply> Healthz(Services&, Request&) {
  return Reply{200, {{"status", "ok"}}};
}

Result<Reply> Readyz(Services& s, Request&) {
  int version = s.db->SchemaVersion();
  if (version != storage::LatestSchemaVersion()) {
    return Status::Unavailable("database schema is at version " +
                               std::to_string(version) + ", not " +
                               std::to_string(storage::LatestSchemaVersion()));
  }
  Status read = s.db->Read([](storage::Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(storage::Statement * st, c.Prepare("SELECT 1"));
    return st->Run();
  });
  if (!read.ok()) return Status::Unavailable("database is not readable");
  return Reply{200, {{"status", "ready"}, {"schema_version", version}}};
}

Result<Reply> MetricsText(Services& s, Request&) {
  Reply reply;
  reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
  reply.raw = s.metrics->Render();
  return reply;
}

}  // namespace qunying::server
