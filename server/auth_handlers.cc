// Staff accounts: sign-in, sign-out, who am I, users.
#include "core/time_util.h"
#include "server/api.h"

namespace qunying::server {
namespace {

Json UserJson(const auth::StaffUser& u) {
  return {{"id", IdString(u.id)},
          {"username", u.username},
          {"role", auth::RoleName(u.role)},
          {"display_name", u.display_name},
          {"disabled", u.disabled},
          {"created_at", FormatRfc3339(u.created_at_ms)}};
}

}  // namespace

Result<Reply> Login(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  QY_ASSIGN_OR_RETURN(std::string username,
                      RequireString(body, "username", 64));
  QY_ASSIGN_OR_RETURN(std::string password,
                      RequireString(body, "password", 256));
  QY_ASSIGN_OR_RETURN(auth::LoginResult login,
                      s.accounts->Login(username, password, r.client_address));
  return Reply{200,
               {{"token", login.token},
                {"role", auth::RoleName(login.role)},
                {"user_id", IdString(login.user_id)}}};
}

Result<Reply> Logout(Services& s, Request& r) {
  QY_RETURN_IF_ERROR(s.accounts->Logout(r.token));
  return Reply{200, {{"signed_out", true}}};
}

Result<Reply> Me(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(auth::StaffUser u,
                      s.accounts->store()->FindUserById(r.principal.id));
  return Reply{200, UserJson(u)};
}

Result<Reply> CreateUser(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  auth::NewUser u;
  QY_ASSIGN_OR_RETURN(u.username, RequireString(body, "username", 64));
  QY_ASSIGN_OR_RETURN(u.password, RequireString(body, "password", 256));
  QY_ASSIGN_OR_RETURN(u.role, RequireString(body, "role", 32));
  QY_ASSIGN_OR_RETURN(u.display_name,
                      GetStringOr(body, "display_name", "", 256));
  QY_ASSIGN_OR_RETURN(int64_t id, s.accounts->CreateUser(u));
  return Reply{201, {{"id", IdString(id)}}};
}

Result<Reply> ListUsers(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Page page, ParsePage(r));
  QY_ASSIGN_OR_RETURN(auto users, s.accounts->store()->ListUsers(
                                      page.after_id, page.limit + 1));
  return Reply{200, PageJson(users, page.limit, UserJson)};
}

}  // namespace qunying::server
