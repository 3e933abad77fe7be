// Staff view of one member: identities, nickname history, enrollments.
#include "core/time_util.h"
#include "server/api.h"

namespace qunying::server {

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
       {"created_at", FormatRfc3339(m.created_at_ms)}}};
}

}  // namespace qunying::server
