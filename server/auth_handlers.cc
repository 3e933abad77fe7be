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

// A sign-in's answer: {"token","role","user_id"}.
Reply LoginReply(const auth::LoginResult& login) {
  return Reply{200,
               {{"token", login.token},
                {"role", auth::RoleName(login.role)},
                {"user_id", IdString(login.user_id)}}};
}

Result<Reply> Login(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  QY_ASSIGN_OR_RETURN(std::string username,
                      RequireString(body, "username", 64));
  QY_ASSIGN_OR_RETURN(std::string password,
                      RequireString(body, "password", 256));
  QY_ASSIGN_OR_RETURN(auth::LoginResult login,
                      s.accounts->Login(username, password, r.client_address));
  return LoginReply(login);
}

// POST /auth/password {"current_password","new_password"}: the caller's own
// password. Every session of theirs ends; the reply is a new sign-in.
Result<Reply> ChangePassword(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  QY_ASSIGN_OR_RETURN(std::string current,
                      RequireString(body, "current_password", 256));
  QY_ASSIGN_OR_RETURN(std::string replacement,
                      RequireString(body, "new_password", 256));
  auto login = s.accounts->ChangeOwnPassword(r.principal.id, current,
                                             replacement, r.client_address);
  if (!login.ok() && login.status().field() == "password") {
    // The password policy speaks of "password": here it is the new one.
    return Status::InvalidArgument("new " + login.status().message(),
                                   "new_password");
  }
  QY_RETURN_IF_ERROR(login.status());
  return LoginReply(*login);
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

// PATCH /users/{id} {"role","display_name","disabled"} (admin): any of
// them; a disabled user or one whose role changed is signed out at once.
Result<Reply> PatchUser(Services& s, Request& r) {
  auth::UserUpdate u;
  QY_ASSIGN_OR_RETURN(u.id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  // A field this endpoint does not change (a username, a typo) is refused
  // rather than answered 200 with nothing done.
  QY_RETURN_IF_ERROR(RejectUnknownFields(
      body, {"role", "display_name", "disabled", "password"},
      "a user's role, display_name, disabled and password can change"));
  if (body.empty())
    return Status::InvalidArgument(
        "nothing to change: give role, display_name, disabled or password");
  QY_ASSIGN_OR_RETURN(u.role, GetString(body, "role", false, 32));
  QY_ASSIGN_OR_RETURN(u.password, GetString(body, "password", false, 256));
  QY_ASSIGN_OR_RETURN(u.display_name,
                      GetString(body, "display_name", false, 256));
  if (auto d = body.find("disabled"); d != body.end() && !d->is_null()) {
    if (!d->is_boolean())
      return Status::InvalidArgument("disabled must be true or false",
                                     "disabled");
    u.disabled = d->get<bool>();
  }
  auto user = s.accounts->UpdateUser(u, r.principal.id);
  if (!user.ok() && user.status().code() == StatusCode::kNotFound)
    return Status::NotFound("user not found");
  QY_RETURN_IF_ERROR(user.status());
  // A rep who was disabled or moved out of sales cannot work their open
  // leads: back to the pool now. Should this fail, the minute's SLA sweep
  // releases them; the change itself is done either way.
  if ((user->disabled || user->role != auth::Role::kSales) && s.lead_engine)
    (void)s.lead_engine->ReleaseOverdue();
  return Reply{200, UserJson(*user)};
}

}  // namespace qunying::server
