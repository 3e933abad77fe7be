// The mini-program's account endpoints: login, the participant's profile
// and their verified phone.
#include "community/nickname.h"
#include "core/time_util.h"
#include "server/api.h"

namespace qunying::server {
namespace {

// A required string field that must not be empty either.
Result<std::string> NonEmptyString(const Json& body, const char* field,
                                   size_t max_bytes) {
  QY_ASSIGN_OR_RETURN(std::string v, RequireString(body, field, max_bytes));
  if (v.empty()) {
    return Status::InvalidArgument(
        "field '" + std::string(field) + "' is empty", field);
  }
  return v;
}

// Ok on a --dev-login server, where `what` stands in for WeChat's code;
// elsewhere the code is required.
Status RequireDevLogin(const Services& s, const std::string& what) {
  if (s.dev_login) return Status::Ok();
  return Status::InvalidArgument("field 'code' is required: " + what +
                                     " is only accepted when the server runs "
                                     "with --dev-login",
                                 "code");
}

Result<community::Member> LoginByCode(Services& s, const Json& body) {
  QY_ASSIGN_OR_RETURN(std::string code, NonEmptyString(body, "code", 128));
  QY_ASSIGN_OR_RETURN(auth::WeChatSession wx, s.wechat->CodeToSession(code));
  QY_ASSIGN_OR_RETURN(
      std::string nickname,
      GetStringOr(body, "nickname",
                  std::string(community::kPlaceholderNickname), 256));
  QY_RETURN_IF_ERROR(community::CheckNickname(nickname));
  return s.members->FindOrCreateByOpenid(wx.openid, wx.unionid, nickname,
                                         s.clock->NowMillis());
}

Result<community::Member> DevLogin(Services& s, const Json& body) {
  QY_RETURN_IF_ERROR(RequireDevLogin(s, "openid login"));
  QY_ASSIGN_OR_RETURN(std::string openid, NonEmptyString(body, "openid", 128));
  QY_ASSIGN_OR_RETURN(std::string nickname,
                      RequireString(body, "nickname", 256));
  QY_RETURN_IF_ERROR(community::CheckNickname(nickname));
  return s.members->FindOrCreateByOpenid(openid, "", nickname,
                                         s.clock->NowMillis());
}

// The verified phone of POST /mp/phone: from WeChat for {"code"} (a
// getPhoneNumber code), or {"phone"} as typed when the server runs with
// --dev-login (demos and tests; never trusted otherwise).
Result<std::string> PhoneToBind(Services& s, const Json& body,
                                const community::Member& me) {
  if (body.contains("code") && !body["code"].is_null()) {
    QY_ASSIGN_OR_RETURN(std::string code, NonEmptyString(body, "code", 256));
    return s.wechat->PhoneNumber(code, me.openid);
  }
  QY_RETURN_IF_ERROR(RequireDevLogin(s, "a typed phone"));
  QY_ASSIGN_OR_RETURN(std::string typed, RequireString(body, "phone", 32));
  auto phone = NormalizeMobile(typed);
  if (!phone.ok())
    return Status::InvalidArgument("phone " + phone.status().message(),
                                   "phone");
  return *phone;
}

}  // namespace

Result<Reply> MpLogin(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  bool has_code = body.contains("code") && !body["code"].is_null();
  QY_ASSIGN_OR_RETURN(community::Member m,
                      has_code ? LoginByCode(s, body) : DevLogin(s, body));
  QY_ASSIGN_OR_RETURN(std::string token,
                      s.accounts->StartParticipantSession(m.id));
  return Reply{200, {{"token", token}, {"member_id", IdString(m.id)}}};
}

// The participant's campaigns, each with its state today
// (upcoming/running/ended) and, while running, the campaign day.
Result<Json> MyCampaigns(Services& s, int64_t member) {
  QY_ASSIGN_OR_RETURN(auto camps, s.community->MemberCampaigns(member));
  Json out = Json::array();
  for (const auto& c : camps) {
    QY_ASSIGN_OR_RETURN(int offset, community::UtcOffsetMinutes(c.timezone));
    int today = community::CampaignDay(c, s.clock->NowMillis(), offset);
    Json j = CampaignJson(c);
    j["state"] = today < 1 ? "upcoming" : today > c.days ? "ended" : "running";
    j["today"] = today >= 1 && today <= c.days ? Json(today) : Json(nullptr);
    out.push_back(std::move(j));
  }
  return out;
}

// A participant proves their phone. If an order list or an operator made a
// record with it before they signed in (one without an openid), that record
// is them: their sign-in record is merged into it (audited, undoable by an
// operator), so the campaigns they paid for are theirs to check in to. A
// merge the records refuse (both checked in to one campaign, say) leaves
// them apart for an operator (409 saying so); otherwise the phone is
// recorded on their own record.
Result<Reply> MpBindPhone(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  QY_ASSIGN_OR_RETURN(community::Member me,
                      s.members->FindMember(r.principal.id));
  QY_ASSIGN_OR_RETURN(std::string phone, PhoneToBind(s, body, me));
  const int64_t now = s.clock->NowMillis();
  QY_ASSIGN_OR_RETURN(int64_t record, s.members->RecordOfPhone(phone));
  int64_t member = me.id;
  if (record) {
    auto merge =
        s.identity->JoinSignIn(me.id, record, "手机号验证（小程序）", now);
    if (!merge.ok()) {
      if (merge.status().code() != StatusCode::kConflict) return merge.status();
      return Status::Conflict(
          "this phone belongs to another record that cannot be joined to "
          "yours automatically (" +
          merge.status().message() + "); ask the operators to merge them");
    }
    // The merge moved the participant's session to `record`.
    s.accounts->ForgetSessionsOf(auth::SessionKind::kParticipant, me.id);
    member = record;
  }
  QY_RETURN_IF_ERROR(s.members->SetPhone(member, phone, now));
  QY_ASSIGN_OR_RETURN(Json campaigns, MyCampaigns(s, member));
  return Reply{200,
               {{"member_id", IdString(member)},
                {"phone", MaskPhone(phone)},
                {"joined_record", record != 0},
                {"campaigns", campaigns}}};
}

Result<Reply> MpGetMe(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(community::Member m,
                      s.members->FindMember(r.principal.id));
  QY_ASSIGN_OR_RETURN(auto history, s.members->NicknameHistory(m.id));
  Json earlier = Json::array();
  for (const auto& h : history) {
    earlier.push_back({{"nickname", h.nickname},
                       {"changed_at", FormatRfc3339(h.changed_at_ms)}});
  }
  QY_ASSIGN_OR_RETURN(Json campaigns, MyCampaigns(s, m.id));
  return Reply{200,
               {{"member_id", IdString(m.id)},
                {"nickname", m.nickname},
                {"phone", MaskPhone(m.phone)},
                {"nickname_history", earlier},
                {"campaigns", campaigns}}};
}

Result<Reply> MpPutMe(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  QY_ASSIGN_OR_RETURN(std::string nickname,
                      RequireString(body, "nickname", 256));
  QY_RETURN_IF_ERROR(community::CheckNickname(nickname));
  QY_RETURN_IF_ERROR(s.members->RenameMember(
      r.principal.id, nickname, community::NicknameSource::kMiniProgram,
      s.clock->NowMillis()));
  return MpGetMe(s, r);
}

}  // namespace qunying::server
