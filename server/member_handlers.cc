// Staff view of members: finding one, and one's identities, nickname
// history, enrollments.
#include "core/time_util.h"
#include "ocr/profile.h"
#include "server/api.h"

namespace qunying::server {

// GET /members?q= (ops): a part of a nickname (current, earlier, or in a
// group roster), a whole 微信号, or a phone number (spaces, dashes and +86
// allowed). Phones in the answer are masked but for admins.
Result<Reply> SearchMembers(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Page page, ParsePage(r));
  community::MemberQuery q;
  constexpr char kWhat[] = "a part of a nickname, a 微信号 or a phone number";
  QY_ASSIGN_OR_RETURN(q.text, SearchQuery(r, kWhat));
  if (q.text.empty()) {
    return Status::InvalidArgument(
        std::string("query 'q' must be 1–64 characters: ") + kWhat, "q");
  }
  if (auto phone = ocr::CanonicalFactValue("phone", q.text); phone.ok())
    q.phone = *phone;
  QY_ASSIGN_OR_RETURN(
      auto rows, s.members->SearchMembers(q, page.after_id, page.limit + 1));
  bool admin = r.principal.role == auth::Role::kAdmin;
  return Reply{200, PageJson(rows, page.limit, [&](const auto& m) {
                 return Json{
                     {"id", IdString(m.id)},
                     {"nickname", m.nickname},
                     {"wechat_id", m.wechat_id},
                     {"phone", admin ? m.phone : MaskPhone(m.phone)},
                     {"matched_on", m.matched_on},
                     {"merged_into",
                      m.merged_into ? Json(IdString(m.merged_into)) : Json()},
                     {"staff", m.staff},
                     {"created_at", FormatRfc3339(m.created_at_ms)}};
               })};
}

Result<Reply> GetMember(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(community::Member m, s.members->FindMember(id));
  QY_ASSIGN_OR_RETURN(auto history, s.members->NicknameHistory(id));
  bool admin = r.principal.role == auth::Role::kAdmin;
  QY_ASSIGN_OR_RETURN(auto hints, s.ocr_jobs->HintsFor(0, id));
  QY_ASSIGN_OR_RETURN(Json profile, ProfileJson(s, id, hints, admin));
  Json earlier = Json::array();
  for (const auto& h : history) {
    earlier.push_back({{"nickname", h.nickname},
                       {"source", community::NicknameSourceName(h.source)},
                       {"changed_at", FormatRfc3339(h.changed_at_ms)}});
  }
  return Reply{
      200,
      {{"id", IdString(m.id)},
       {"nickname", m.nickname},
       {"nickname_history", earlier},
       {"identities",
        {{"openid", !m.openid.empty()},
         {"unionid", !m.unionid.empty()},
         {"wechat_id", m.wechat_id}}},
       {"phone", admin ? m.phone : MaskPhone(m.phone)},
       {"hints", HintsJson(hints, admin)},
       {"profile", profile},
       {"merged_into", m.merged_into ? Json(IdString(m.merged_into)) : Json()},
       {"staff", m.staff},
       {"created_at", FormatRfc3339(m.created_at_ms)}}};
}

// PATCH /members/{id} {"staff": true|false} (ops): marks one of the
// company's own accounts in its groups (班主任, 助教), whom group figures and
// the dormant and reactivation lists then leave out; answers the member as
// GET does.
Result<Reply> PatchMember(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  QY_RETURN_IF_ERROR(RejectUnknownFields(
      body, {"staff"}, "a member's staff mark is what changes here"));
  auto staff = body.find("staff");
  if (staff == body.end() || !staff->is_boolean()) {
    return Status::InvalidArgument("staff must be true or false", "staff");
  }
  QY_RETURN_IF_ERROR(s.members->SetStaff(id, staff->get<bool>(), r.principal.id,
                                         s.clock->NowMillis()));
  return GetMember(s, r);
}

}  // namespace qunying::server
