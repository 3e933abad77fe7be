// The one place where a Status becomes an HTTP status and a contract error
// code (first three digits = HTTP status). Pure functions, thread-safe.
#ifndef QUNYING_SERVER_HTTP_STATUS_H_
#define QUNYING_SERVER_HTTP_STATUS_H_

#include "core/status.h"

namespace qunying::server {

int HttpStatusFor(StatusCode code);
// 40001, 40101, … 50301: HTTP status × 100 + 1.
int ErrorCodeFor(StatusCode code);

}  // namespace qunying::server

#endif  // QUNYING_SERVER_HTTP_STATUS_H_
