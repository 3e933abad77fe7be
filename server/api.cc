#include "server/api.h"

#include <charconv>

namespace qunying::server {

Router BuildRouter(Services* s) {
  using auth::Role;
  auto h = [s](Result<Reply> (*fn)(Services&, Request&)) {
    return [s, fn](Request& r) { return fn(*s, r); };
  };
  const std::vector<Role> kAdmin = {Role::kAdmin};
  Router router;
  // clang-format off
  router.Add({"GET",  "/healthz",             Access::kPublic,      {}, h(Healthz)});
  router.Add({"GET",  "/readyz",              Access::kPublic,      {}, h(Readyz)});
  router.Add({"GET",  "/metrics",             Access::kPublic,      {}, h(MetricsText)});
  router.Add({"POST", "/api/v1/auth/login",   Access::kPublic,      {}, h(Login)});
  router.Add({"POST", "/api/v1/auth/logout",  Access::kStaff,       {}, h(Logout)});
  router.Add({"GET",  "/api/v1/auth/me",      Access::kStaff,       {}, h(Me)});
  router.Add({"POST", "/api/v1/users",        Access::kStaff,   kAdmin, h(CreateUser)});
  router.Add({"GET",  "/api/v1/users",        Access::kStaff,   kAdmin, h(ListUsers)});
  router.Add({"POST", "/api/v1/mp/login",     Access::kPublic,      {}, h(MpLogin)});
  router.Add({"GET",  "/api/v1/mp/me",        Access::kParticipant, {}, h(MpGetMe)});
  router.Add({"PUT",  "/api/v1/mp/me",        Access::kParticipant, {}, h(MpPutMe)});
  // clang-format on
  return router;
}

Result<Page> ParsePage(const Request& r) {
  Page page;
  auto parse = [](const std::string& s, int64_t* out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && p == s.data() + s.size();
  };
  std::string limit = r.Query("limit");
  if (!limit.empty()) {
    int64_t v = 0;
    if (!parse(limit, &v) || v < 1 || v > 500) {
      return Status::InvalidArgument("limit must be an integer from 1 to 500",
                                     "limit");
    }
    page.limit = static_cast<int>(v);
  }
  std::string cursor = r.Query("cursor");
  if (!cursor.empty() &&
      (!parse(cursor, &page.after_id) || page.after_id < 0)) {
    return Status::InvalidArgument("cursor is not one this server issued",
                                   "cursor");
  }
  return page;
}

}  // namespace qunying::server
