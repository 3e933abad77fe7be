// The identity review queue, member merges (and undoing them), member
// timelines and the audit log.
#include "core/time_util.h"
#include "server/api.h"

namespace qunying::server {
namespace {

// Adds why the row is in review, in parts, to `j`: `reason_code`
// "ambiguous" (`reason_count` members fit by `reason_method`), "contested"
// (`reason_count` rows of the snapshot point at one member) or "other"
// (`reason` alone says it).
void AddReason(const std::string& reason, Json& j) {
  using Kind = community::ReviewReason::Kind;
  community::ReviewReason r = community::ParseReviewReason(reason);
  j["reason_code"] = r.kind == Kind::kAmbiguous   ? "ambiguous"
                     : r.kind == Kind::kContested ? "contested"
                                                  : "other";
  if (r.kind == Kind::kAmbiguous)
    j["reason_method"] = community::MatchMethodName(r.method);
  if (r.kind != Kind::kOther) j["reason_count"] = r.count;
}

Json CandidateJson(const community::ReviewCandidate& c, bool admin) {
  return {{"member_id", IdString(c.member_id)},
          {"nickname", c.nickname},
          {"phone", admin ? c.phone : MaskPhone(c.phone)},
          {"wechat_id", c.wechat_id},
          {"campaigns", c.campaigns},
          {"last_checkin_at", c.last_checkin_ms
                                  ? Json(FormatRfc3339(c.last_checkin_ms))
                                  : Json(nullptr)}};
}

Json ReviewJson(const community::IdentityReview& v, bool admin) {
  Json candidates = Json::array();
  for (const auto& c : v.candidates)
    candidates.push_back(CandidateJson(c, admin));
  Json j = {{"id", IdString(v.id)},
            {"group_id", IdString(v.group_id)},
            {"group_name", v.group_name},
            {"snapshot_id", IdString(v.snapshot_id)},
            {"as_of", FormatRfc3339(v.as_of_ms)},
            {"row",
             {{"nickname", v.nickname},
              {"wechat_id", v.wechat_id},
              {"unionid", v.unionid}}},
            {"reason", v.reason},
            {"status", v.status},
            {"resolved_member_id", v.resolved_member_id
                                       ? Json(IdString(v.resolved_member_id))
                                       : Json(nullptr)},
            {"candidates", candidates}};
  AddReason(v.reason, j);
  return j;
}

Json AuditJson(const community::AuditEntry& e) {
  return {{"id", IdString(e.id)},
          {"at", FormatRfc3339(e.at_ms)},
          {"actor_user_id",
           e.actor_user_id ? Json(IdString(e.actor_user_id)) : Json(nullptr)},
          {"action", e.action},
          {"target", e.target},
          {"detail", e.detail}};
}

}  // namespace

Result<Reply> ListReviews(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Page page, ParsePage(r));
  std::string status = r.Query("status");
  if (status.empty()) status = "open";
  if (status != "open" && status != "resolved" && status != "dismissed" &&
      status != "all") {
    return Status::InvalidArgument(
        "status must be open, resolved, dismissed or all", "status");
  }
  QY_ASSIGN_OR_RETURN(auto rows,
                      s.identity->ListReviews(status == "all" ? "" : status,
                                              page.after_id, page.limit + 1));
  bool admin = r.principal.role == auth::Role::kAdmin;
  return Reply{200, PageJson(rows, page.limit, [&](const auto& v) {
                 return ReviewJson(v, admin);
               })};
}

Result<Reply> ResolveReview(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  QY_ASSIGN_OR_RETURN(std::string action, RequireString(body, "action", 16));
  community::ReviewAction a;
  if (action == "match")
    a = community::ReviewAction::kMatch;
  else if (action == "new")
    a = community::ReviewAction::kNew;
  else if (action == "dismiss")
    a = community::ReviewAction::kDismiss;
  else
    return Status::InvalidArgument("action must be match, new or dismiss",
                                   "action");
  QY_ASSIGN_OR_RETURN(int64_t member, GetId(body, "member_id"));
  if (a == community::ReviewAction::kMatch && !member) {
    return Status::InvalidArgument("match needs member_id", "member_id");
  }
  auto also = s.identity->ResolveReview(id, a, member, r.principal.id,
                                        s.clock->NowMillis());
  if (also.status().code() == StatusCode::kNotFound &&
      a == community::ReviewAction::kMatch) {
    // Either the review or the member is unknown; say which field.
    return Status::NotFound(also.status().message());
  }
  QY_RETURN_IF_ERROR(also.status());
  Json settled = Json::array();
  for (int64_t other : *also) settled.push_back(IdString(other));
  return Reply{
      200,
      {{"id", IdString(id)}, {"action", action}, {"also_settled", settled}}};
}

// GET /groups/{id}/settled-names: the names the group's rosters match by
// an operator's settlement.
Result<Reply> ListSettledNames(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(OffsetPage page, ParseOffsetPage(r));
  QY_ASSIGN_OR_RETURN(auto names, s.identity->SettledNames(id));
  return Reply{200, page.Page(names, [](const community::SettledNameEntry& e) {
                 return Json{{"nickname", e.nickname},
                             {"member_id", IdString(e.member_id)},
                             {"member_nickname", e.member_nickname},
                             {"review_id", IdString(e.review_id)},
                             {"settled_at", FormatRfc3339(e.settled_at_ms)}};
               })};
}

// DELETE /groups/{id}/settled-names?nickname=: forgets a settlement made in
// error; the group's next roster asks about the name again.
Result<Reply> ForgetSettledName(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  std::string nickname = r.Query("nickname");
  if (nickname.empty() || nickname.size() > 256) {
    return Status::InvalidArgument(
        "query 'nickname' must name a settled roster nickname", "nickname");
  }
  QY_RETURN_IF_ERROR(s.identity->ForgetSettledName(id, nickname, r.principal.id,
                                                   s.clock->NowMillis()));
  return Reply{200, {{"nickname", nickname}, {"forgotten", true}}};
}

Result<Reply> MergeMember(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  QY_ASSIGN_OR_RETURN(int64_t into, GetId(body, "into"));
  if (!into) return Status::InvalidArgument("field 'into' is required", "into");
  QY_ASSIGN_OR_RETURN(std::string reason,
                      GetStringOr(body, "reason", "", 1000));
  QY_ASSIGN_OR_RETURN(int64_t merge,
                      s.identity->Merge(id, into, r.principal.id, reason,
                                        s.clock->NowMillis()));
  QY_ASSIGN_OR_RETURN(auto rec, s.identity->GetMerge(merge));
  // The merge moved the member's sessions to `into`.
  s.accounts->ForgetSessionsOf(auth::SessionKind::kParticipant, id);
  return Reply{201,
               {{"merge_id", IdString(merge)}, {"rows_moved", rec.rows_moved}}};
}

Result<Reply> UndoMerge(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_RETURN_IF_ERROR(
      s.identity->Unmerge(id, r.principal.id, s.clock->NowMillis()));
  // The undo moved the merged member's sessions back from `into`.
  QY_ASSIGN_OR_RETURN(auto rec, s.identity->GetMerge(id));
  s.accounts->ForgetSessionsOf(auth::SessionKind::kParticipant,
                               rec.into_member_id);
  return Reply{200, {{"merge_id", IdString(id)}, {"undone", true}}};
}

// A timeline entry: `detail` in English, and its parts by kind (for a page
// to word in its own language). Free text may hold a phone: masked but
// for admins.
Json TimelineJson(const community::TimelineEntry& e, bool admin) {
  Json j = {{"at", FormatRfc3339(e.at_ms)},
            {"kind", e.kind},
            {"detail", MemberText(e.detail, admin)}};
  const std::string& k = e.kind;
  if (k == "enrolled" || k == "refunded" || k == "checkin") {
    j["campaign_id"] = IdString(e.ref_id);
    j["campaign"] = e.name;
  }
  if (k == "enrolled") j["paid_fen"] = e.number;
  if (k == "refunded") j["reason"] = MemberText(e.text, admin);
  if (k == "checkin") {
    j["day"] = e.number;
    j["makeup"] = e.makeup;
    j["checkin_id"] = IdString(e.item_id);
  }
  if (k == "joined" || k == "left") {
    j["group_id"] = IdString(e.ref_id);
    j["group"] = e.name;
  }
  if (k == "renamed") j["nickname"] = MemberText(e.text, admin);
  if (k == "feedback") {
    j["feedback_id"] = IdString(e.item_id);
    j["feedback_kind"] = e.name;
    j["text"] = MemberText(e.text, admin);
  }
  return j;
}

Result<Reply> MemberTimeline(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(OffsetPage page, ParseOffsetPage(r));
  QY_ASSIGN_OR_RETURN(auto rows,
                      s.identity->Timeline(id, static_cast<int>(page.Fetch())));
  bool admin = r.principal.role == auth::Role::kAdmin;
  Json out =
      page.Page(rows, [&](const auto& e) { return TimelineJson(e, admin); });
  out["member_id"] = IdString(id);
  return Reply{200, out};
}

Result<Reply> AuditLog(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Page page, ParsePage(r));
  QY_ASSIGN_OR_RETURN(auto rows,
                      s.identity->Audit(page.after_id, page.limit + 1));
  return Reply{200, PageJson(rows, page.limit, AuditJson)};
}

}  // namespace qunying::server
