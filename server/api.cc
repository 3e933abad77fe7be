#include "server/api.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "core/phone.h"
#include "core/utf8.h"

namespace qunying::server {

Router BuildRouter(Services* s) {
  using auth::Role;
  auto h = [s](Result<Reply> (*fn)(Services&, Request&)) {
    return [s, fn](Request& r) { return fn(*s, r); };
  };
  const std::vector<Role> kAdmin = {Role::kAdmin};
  const std::vector<Role> kOps = {Role::kAdmin, Role::kOperator};
  const std::vector<Role> kSales = {Role::kAdmin, Role::kSales};
  Router router;
  // clang-format off
  router.Add({"GET",  "/healthz",             Access::kPublic,      {}, h(Healthz)});
  router.Add({"GET",  "/readyz",              Access::kPublic,      {}, h(Readyz)});
  router.Add({"GET",  "/metrics",             Access::kPublic,      {}, h(MetricsText)});
  router.Add({"POST", "/api/v1/auth/login",   Access::kPublic,      {}, h(Login)});
  router.Add({"POST", "/api/v1/auth/logout",  Access::kStaff,       {}, h(Logout)});
  router.Add({"GET",  "/api/v1/auth/me",      Access::kStaff,       {}, h(Me)});
  router.Add({"POST", "/api/v1/auth/password", Access::kStaff,      {}, h(ChangePassword)});
  router.Add({"POST", "/api/v1/users",        Access::kStaff,   kAdmin, h(CreateUser)});
  router.Add({"GET",  "/api/v1/users",        Access::kStaff,   kAdmin, h(ListUsers)});
  router.Add({"PATCH", "/api/v1/users/{id}",  Access::kStaff,   kAdmin, h(PatchUser)});
  router.Add({"POST", "/api/v1/mp/login",     Access::kPublic,      {}, h(MpLogin)});
  router.Add({"GET",  "/api/v1/mp/me",        Access::kParticipant, {}, h(MpGetMe)});
  router.Add({"PUT",  "/api/v1/mp/me",        Access::kParticipant, {}, h(MpPutMe)});
  router.Add({"POST", "/api/v1/mp/phone",     Access::kParticipant, {}, h(MpBindPhone)});
  router.Add({"POST", "/api/v1/mp/checkins",  Access::kParticipant, {}, h(MpCheckin)});
  router.Add({"POST", "/api/v1/mp/events",    Access::kParticipant, {}, h(MpEvents)});
  router.Add({"POST", "/api/v1/campaigns",    Access::kStaff, kOps, h(CreateCampaign)});
  router.Add({"GET",  "/api/v1/campaigns",    Access::kStaff, kOps, h(ListCampaigns)});
  router.Add({"GET",  "/api/v1/campaigns/{id}", Access::kStaff, kOps, h(GetCampaign)});
  router.Add({"PATCH", "/api/v1/campaigns/{id}", Access::kStaff, kOps, h(PatchCampaign)});
  router.Add({"POST", "/api/v1/campaigns/{id}/enrollments", Access::kStaff, kOps, h(Enroll)});
  router.Add({"GET",  "/api/v1/campaigns/{id}/retention", Access::kStaff, kOps, h(Retention)});
  router.Add({"POST", "/api/v1/groups",       Access::kStaff, kOps, h(CreateGroup)});
  router.Add({"GET",  "/api/v1/groups",       Access::kStaff, kOps, h(ListGroups)});
  router.Add({"GET",  "/api/v1/groups/{id}",  Access::kStaff, kOps, h(GetGroup)});
  router.Add({"PATCH", "/api/v1/groups/{id}", Access::kStaff, kOps, h(PatchGroup)});
  router.Add({"GET",  "/api/v1/groups/{id}/timeline", Access::kStaff, kOps, h(GroupTimelineReply)});
  router.Add({"GET",  "/api/v1/groups/{id}/settled-names", Access::kStaff, kOps, h(ListSettledNames)});
  router.Add({"DELETE", "/api/v1/groups/{id}/settled-names", Access::kStaff, kOps, h(ForgetSettledName)});
  router.Add({"POST", "/api/v1/groups/{id}/rosters", Access::kStaff, kOps, h(ImportRoster)});
  router.Add({"GET",  "/api/v1/matrix",       Access::kStaff, kOps, h(Matrix)});
  router.Add({"GET",  "/api/v1/checkins/{id}", Access::kStaff, kOps, h(GetCheckin)});
  router.Add({"GET",  "/api/v1/checkins/{id}/photo", Access::kStaff, kOps, h(GetCheckinPhoto)});
  router.Add({"GET",  "/api/v1/members", Access::kStaff, kOps, h(SearchMembers)});
  router.Add({"GET",  "/api/v1/members/{id}", Access::kStaff, kOps, h(GetMember)});
  router.Add({"PATCH", "/api/v1/members/{id}", Access::kStaff, kOps, h(PatchMember)});
  router.Add({"GET",  "/api/v1/mp/checkins",  Access::kParticipant, {}, h(MpCalendar)});
  router.Add({"GET",  "/api/v1/mp/checkins/{id}", Access::kParticipant, {}, h(MpGetCheckin)});
  router.Add({"GET",  "/api/v1/mp/campaigns/{id}/leaderboard", Access::kParticipant, {}, h(LeaderboardReply)});
  router.Add({"GET",  "/api/v1/mp/contents",  Access::kParticipant, {}, h(MpContents)});
  router.Add({"GET",  "/api/v1/mp/contents/{id}", Access::kParticipant, {}, h(MpReadContent)});
  router.Add({"POST", "/api/v1/mp/feedback",  Access::kParticipant, {}, h(MpCreateFeedback)});
  router.Add({"GET",  "/api/v1/mp/feedback",  Access::kParticipant, {}, h(MpListFeedback)});
  router.Add({"GET",  "/api/v1/mp/feedback/{id}", Access::kParticipant, {}, h(MpGetFeedback)});
  router.Add({"POST", "/api/v1/contents",     Access::kStaff, kOps, h(CreateContent)});
  router.Add({"GET",  "/api/v1/contents",     Access::kStaff, kOps, h(ListContents)});
  router.Add({"PATCH", "/api/v1/contents/{id}", Access::kStaff, kOps, h(PatchContent)});
  router.Add({"DELETE", "/api/v1/contents/{id}", Access::kStaff, kOps, h(DeleteContent)});
  router.Add({"GET",  "/api/v1/feedback",     Access::kStaff, kOps, h(ListFeedback)});
  router.Add({"GET",  "/api/v1/feedback/stats", Access::kStaff, kOps, h(FeedbackStatsReply)});
  router.Add({"GET",  "/api/v1/feedback/{id}", Access::kStaff, kOps, h(GetFeedback)});
  router.Add({"POST", "/api/v1/feedback/{id}/replies", Access::kStaff, kOps, h(ReplyFeedback)});
  router.Add({"GET",  "/api/v1/campaigns/{id}/leaderboard", Access::kStaff, kOps, h(LeaderboardReply)});
  router.Add({"GET",  "/api/v1/campaigns/{id}/dwell", Access::kStaff, kOps, h(DwellReply)});
  router.Add({"GET",  "/api/v1/campaigns/{id}/daily", Access::kStaff, kOps, h(DailyCheckinsReply)});
  router.Add({"GET",  "/api/v1/campaigns/{id}/enrollments", Access::kStaff, kOps, h(CampaignParticipants)});
  router.Add({"GET",  "/api/v1/campaigns/{id}/summary", Access::kStaff, kOps, h(CampaignSummaryReply)});
  router.Add({"POST", "/api/v1/campaigns/{id}/enrollments/{member_id}/refund", Access::kStaff, kOps, h(RefundEnrollment)});
  router.Add({"DELETE", "/api/v1/campaigns/{id}/enrollments/{member_id}/refund", Access::kStaff, kOps, h(RefundEnrollment)});
  router.Add({"GET",  "/api/v1/groups/{id}/dormant", Access::kStaff, kOps, h(DormantList)});
  router.Add({"GET",  "/api/v1/groups/{id}/reactivation", Access::kStaff, kOps, h(ReactivationList)});
  router.Add({"GET",  "/api/v1/cohorts",      Access::kStaff, kOps, h(CohortsReply)});
  router.Add({"GET",  "/api/v1/identity/reviews", Access::kStaff, kOps, h(ListReviews)});
  router.Add({"POST", "/api/v1/identity/reviews/{id}", Access::kStaff, kOps, h(ResolveReview)});
  router.Add({"POST", "/api/v1/members/{id}/merge", Access::kStaff, kOps, h(MergeMember)});
  router.Add({"GET",  "/api/v1/hints/review", Access::kStaff, kOps, h(HintReviewQueue)});
  router.Add({"POST", "/api/v1/hints/review", Access::kStaff, kOps, h(DecideHint)});
  router.Add({"POST", "/api/v1/merges/{id}/undo", Access::kStaff, kOps, h(UndoMerge)});
  router.Add({"GET",  "/api/v1/members/{id}/timeline", Access::kStaff, kOps, h(MemberTimeline)});
  router.Add({"GET",  "/api/v1/members/{id}/dwell", Access::kStaff, kOps, h(MemberDwellReply)});
  router.Add({"GET",  "/api/v1/audit",        Access::kStaff, kAdmin, h(AuditLog)});
  router.Add({"GET",  "/api/v1/leads",        Access::kStaff, kSales, h(ListLeads)});
  router.Add({"GET",  "/api/v1/leads/kpis",   Access::kStaff, kSales, h(LeadKpis)});
  router.Add({"GET",  "/api/v1/leads/export", Access::kStaff, kSales, h(ExportLeads)});
  router.Add({"POST", "/api/v1/leads/claim",  Access::kStaff, kSales, h(ClaimLeads)});
  router.Add({"POST", "/api/v1/leads/import", Access::kStaff, kAdmin, h(ImportLeads)});
  router.Add({"POST", "/api/v1/leads/assign", Access::kStaff, kAdmin, h(AssignLeads)});
  router.Add({"GET",  "/api/v1/leads/{id}",   Access::kStaff, kSales, h(GetLead)});
  router.Add({"POST", "/api/v1/leads/{id}/claim", Access::kStaff, kSales, h(ClaimLead)});
  router.Add({"PATCH", "/api/v1/leads/{id}",  Access::kStaff, kSales, h(PatchLead)});
  router.Add({"GET",  "/api/v1/leads/{id}/activity", Access::kStaff, kSales, h(LeadActivity)});
  router.Add({"GET",  "/api/v1/leads/{id}/photos/{checkin_id}", Access::kStaff, kSales, h(LeadPhoto)});
  router.Add({"POST", "/api/v1/scoring/train", Access::kStaff, kAdmin, h(TrainModel)});
  router.Add({"POST", "/api/v1/scoring/rescore", Access::kStaff, kAdmin, h(RescoreLeads)});
  router.Add({"GET",  "/api/v1/scoring/models", Access::kStaff, kAdmin, h(ListModels)});
  router.Add({"GET",  "/api/v1/scoring/model", Access::kStaff, kSales, h(CurrentModel)});
  router.Add({"GET",  "/api/v1/scoring/rules", Access::kStaff, kAdmin, h(GetRules)});
  router.Add({"PUT",  "/api/v1/scoring/rules", Access::kStaff, kAdmin, h(PutRules)});
  router.Add({"POST", "/api/v1/scoring/rules/preview", Access::kStaff, kAdmin, h(PreviewRules)});
  // clang-format on
  return router;
}

Result<int64_t> GetId(const Json& obj, const char* field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return int64_t{0};
  int64_t id = 0;
  if (it->is_number_integer()) {
    id = it->get<int64_t>();
  } else if (it->is_string()) {
    const auto& s = it->get_ref<const std::string&>();
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
    if (ec != std::errc() || p != s.data() + s.size()) id = -1;
  } else {
    id = -1;
  }
  if (id <= 0) {
    return Status::InvalidArgument(
        std::string("field '") + field + "' must be an id such as \"12\"",
        field);
  }
  return id;
}

bool IsDelimitedText(const std::string& type) {
  return type.find("csv") != std::string::npos ||
         type.find("tab-separated") != std::string::npos ||
         type.rfind("text/plain", 0) == 0;
}

Reply CsvReply(std::string csv) {
  Reply reply;
  reply.content_type = "text/csv; charset=utf-8";
  reply.raw = std::move(csv);
  return reply;
}

std::string CsvField(const std::string& s) {
  // A spreadsheet reads a cell that starts with one of these as a formula:
  // a participant's nickname "=HYPERLINK(…)" would run on the operator's
  // machine. A leading apostrophe makes it text (OWASP's advice).
  bool formula = !s.empty() && std::strchr("=+-@\t\r", s[0]) != nullptr;
  std::string text = formula ? "'" + s : s;
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string MaskPhone(const std::string& phone) {
  if (phone.size() != 11) return phone.empty() ? "" : "****";
  return phone.substr(0, 3) + "****" + phone.substr(7);
}

std::string MemberText(const std::string& text, bool unmask) {
  return unmask ? text : MaskMobilesInText(text);
}

Json HintsJson(const std::vector<ocr::StoredHint>& hints, bool unmask) {
  Json out = Json::array();
  for (const auto& h : hints) {
    std::string value = h.hint.field == "phone" && !unmask
                            ? MaskPhone(h.hint.value)
                            : h.hint.value;
    out.push_back({{"field", h.hint.field},
                   {"value", value},
                   {"confidence", std::round(h.hint.confidence * 100) / 100},
                   {"source",
                    {{"checkin_id", IdString(h.checkin_id)},
                     {"line", h.hint.line},
                     {"kind", h.source}}}});
  }
  return out;
}

bool ParseInt(std::string_view s, int64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

Result<int64_t> IntQuery(const Request& r, const char* name, int64_t fallback,
                         int64_t lo, int64_t hi) {
  std::string text = r.Query(name);
  if (text.empty()) return fallback;
  int64_t v = 0;
  if (!ParseInt(text, &v) || v < lo || v > hi) {
    return Status::InvalidArgument(
        std::string(name) + " must be an integer from " + std::to_string(lo) +
            " to " + std::to_string(hi),
        name);
  }
  return v;
}

Result<std::string> SearchQuery(const Request& r, const char* what) {
  std::string q = r.Query("q");
  size_t begin = q.find_first_not_of(' ');
  if (begin == std::string::npos) return std::string();
  q = q.substr(begin, q.find_last_not_of(' ') - begin + 1);
  if (Utf8Length(q) > 64 || HasControlChars(q)) {
    return Status::InvalidArgument(
        std::string("query 'q' must be at most 64 characters: ") + what, "q");
  }
  return q;
}

Result<int> ParseLimit(const Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t limit,
                      IntQuery(r, "limit", Page().limit, 1, 500));
  return static_cast<int>(limit);
}

Result<Page> ParsePage(const Request& r) {
  Page page;
  QY_ASSIGN_OR_RETURN(page.limit, ParseLimit(r));
  std::string cursor = r.Query("cursor");
  if (!cursor.empty() &&
      (!ParseInt(cursor, &page.after_id) || page.after_id < 0)) {
    return Status::InvalidArgument("cursor is not one this server issued",
                                   "cursor");
  }
  return page;
}

Result<OffsetPage> ParseOffsetPage(const Request& r) {
  QY_ASSIGN_OR_RETURN(Page page, ParsePage(r));
  // Positions past a million are no page of a list ranked in memory.
  if (page.after_id > 1'000'000) {
    return Status::InvalidArgument("cursor is not one this server issued",
                                   "cursor");
  }
  return OffsetPage{static_cast<size_t>(page.after_id),
                    static_cast<size_t>(page.limit)};
}

}  // namespace qunying::server
