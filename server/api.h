// The HTTP API: the services handlers use, and the route table that says
// which endpoints exist and who may call them. Handlers live in
// *_handlers.cc; this header declares them so api.cc can list them all.
#ifndef QUNYING_SERVER_API_H_
#define QUNYING_SERVER_API_H_

#include <functional>

#include "auth/account_service.h"
#include "auth/wechat_client.h"
#include "community/community_store.h"
#include "community/engagement.h"
#include "community/identity_admin.h"
#include "community/member.h"
#include "core/clock.h"
#include "ocr/ocr_jobs.h"
#include "scoring/lead_engine.h"
#include "scoring/lead_store.h"
#include "server/metrics.h"
#include "server/router.h"
#include "storage/blob_store.h"
#include "storage/database.h"

namespace qunying::server {

// Everything the handlers need; owned by App, shared read-only by handlers.
struct Services {
  storage::Database* db = nullptr;
  auth::AccountService* accounts = nullptr;
  community::MemberStore* members = nullptr;
  community::CommunityStore* community = nullptr;
  community::EngagementStore* engagement = nullptr;
  community::IdentityAdminStore* identity = nullptr;
  ocr::OcrJobStore* ocr_jobs = nullptr;
  scoring::LeadStore* leads = nullptr;
  scoring::LeadEngine* lead_engine = nullptr;
  storage::BlobStore* blobs = nullptr;
  auth::WeChatClient* wechat = nullptr;
  Metrics* metrics = nullptr;
  const Clock* clock = nullptr;
  bool dev_login = false;  // Accept {"openid","nickname"} at /mp/login.
  std::function<void()> ocr_notify;  // A photo was queued for OCR.
};

// The whole route table.
Router BuildRouter(Services* services);

// Handlers (one function per route).
Result<Reply> Healthz(Services& s, Request& r);
Result<Reply> Readyz(Services& s, Request& r);
Result<Reply> MetricsText(Services& s, Request& r);
Result<Reply> Login(Services& s, Request& r);
Result<Reply> ChangePassword(Services& s, Request& r);
Result<Reply> Logout(Services& s, Request& r);
Result<Reply> Me(Services& s, Request& r);
Result<Reply> CreateUser(Services& s, Request& r);
Result<Reply> ListUsers(Services& s, Request& r);
Result<Reply> PatchUser(Services& s, Request& r);
Result<Reply> SearchMembers(Services& s, Request& r);
Result<Reply> MpLogin(Services& s, Request& r);
Result<Reply> MpGetMe(Services& s, Request& r);
Result<Reply> MpPutMe(Services& s, Request& r);
Result<Reply> MpBindPhone(Services& s, Request& r);
Result<Reply> CreateCampaign(Services& s, Request& r);
Result<Reply> ListCampaigns(Services& s, Request& r);
Result<Reply> GetCampaign(Services& s, Request& r);
Result<Reply> CreateGroup(Services& s, Request& r);
Result<Reply> PatchGroup(Services& s, Request& r);
Result<Reply> ListGroups(Services& s, Request& r);
Result<Reply> GetGroup(Services& s, Request& r);
Result<Reply> PatchCampaign(Services& s, Request& r);
Result<Reply> GroupTimelineReply(Services& s, Request& r);
Result<Reply> ListSettledNames(Services& s, Request& r);
Result<Reply> ForgetSettledName(Services& s, Request& r);
Result<Reply> Matrix(Services& s, Request& r);
Result<Reply> Enroll(Services& s, Request& r);
Result<Reply> ImportRoster(Services& s, Request& r);
Result<Reply> Retention(Services& s, Request& r);
Result<Reply> MpCheckin(Services& s, Request& r);
Result<Reply> MpEvents(Services& s, Request& r);
Result<Reply> GetCheckin(Services& s, Request& r);
Result<Reply> GetCheckinPhoto(Services& s, Request& r);
Result<Reply> GetMember(Services& s, Request& r);
Result<Reply> PatchMember(Services& s, Request& r);
Result<Reply> CreateContent(Services& s, Request& r);
Result<Reply> PatchContent(Services& s, Request& r);
Result<Reply> DeleteContent(Services& s, Request& r);
Result<Reply> ListContents(Services& s, Request& r);
Result<Reply> MpContents(Services& s, Request& r);
Result<Reply> MpReadContent(Services& s, Request& r);
Result<Reply> MpCreateFeedback(Services& s, Request& r);
Result<Reply> MpListFeedback(Services& s, Request& r);
Result<Reply> MpGetFeedback(Services& s, Request& r);
Result<Reply> ListFeedback(Services& s, Request& r);
Result<Reply> GetFeedback(Services& s, Request& r);
Result<Reply> ReplyFeedback(Services& s, Request& r);
Result<Reply> FeedbackStatsReply(Services& s, Request& r);
Result<Reply> MpCalendar(Services& s, Request& r);
Result<Reply> MpGetCheckin(Services& s, Request& r);
Result<Reply> LeaderboardReply(Services& s, Request& r);
Result<Reply> DwellReply(Services& s, Request& r);
Result<Reply> DailyCheckinsReply(Services& s, Request& r);
Result<Reply> CampaignParticipants(Services& s, Request& r);
Result<Reply> CampaignSummaryReply(Services& s, Request& r);
Result<Reply> RefundEnrollment(Services& s, Request& r);
Result<Reply> MemberDwellReply(Services& s, Request& r);
Result<Reply> DormantList(Services& s, Request& r);
Result<Reply> ReactivationList(Services& s, Request& r);
Result<Reply> CohortsReply(Services& s, Request& r);
Result<Reply> ListReviews(Services& s, Request& r);
Result<Reply> ResolveReview(Services& s, Request& r);
Result<Reply> MergeMember(Services& s, Request& r);
Result<Reply> HintReviewQueue(Services& s, Request& r);
Result<Reply> DecideHint(Services& s, Request& r);
Result<Reply> UndoMerge(Services& s, Request& r);
Result<Reply> MemberTimeline(Services& s, Request& r);
Result<Reply> AuditLog(Services& s, Request& r);
Result<Reply> ListLeads(Services& s, Request& r);
Result<Reply> GetLead(Services& s, Request& r);
Result<Reply> LeadActivity(Services& s, Request& r);
Result<Reply> LeadPhoto(Services& s, Request& r);
Result<Reply> ClaimLeads(Services& s, Request& r);
Result<Reply> ClaimLead(Services& s, Request& r);
Result<Reply> PatchLead(Services& s, Request& r);
Result<Reply> ImportLeads(Services& s, Request& r);
Result<Reply> AssignLeads(Services& s, Request& r);
Result<Reply> ExportLeads(Services& s, Request& r);
Result<Reply> LeadKpis(Services& s, Request& r);
Result<Reply> TrainModel(Services& s, Request& r);
Result<Reply> RescoreLeads(Services& s, Request& r);
Result<Reply> ListModels(Services& s, Request& r);
Result<Reply> CurrentModel(Services& s, Request& r);
Result<Reply> GetRules(Services& s, Request& r);
Result<Reply> PutRules(Services& s, Request& r);
Result<Reply> PreviewRules(Services& s, Request& r);

// Whether `s` is a whole decimal integer (no sign but '-', no spaces),
// into `out`: the parts of a cursor or a query.
bool ParseInt(std::string_view s, int64_t* out);

// List paging from ?limit= (default 50, 1..500) and ?cursor=.
struct Page {
  int limit = 50;
  int64_t after_id = 0;
};
Result<Page> ParsePage(const Request& r);
// ParsePage's `limit` alone, for lists with a cursor of their own.
Result<int> ParseLimit(const Request& r);
// The integer query parameter `name`: `fallback` when absent, else it must
// be within [lo, hi] (InvalidArgument naming it otherwise).
Result<int64_t> IntQuery(const Request& r, const char* name, int64_t fallback,
                         int64_t lo, int64_t hi);

// The search text in query parameter `q`, spaces around it dropped: ""
// when absent or blank; InvalidArgument naming "q", with `what` (what q may
// be), past 64 characters or with control characters.
Result<std::string> SearchQuery(const Request& r, const char* what);

// An id given in a JSON body: a string of digits (ids are opaque strings),
// or an integer for convenience. 0 when absent or null; InvalidArgument
// naming `field` otherwise.
Result<int64_t> GetId(const Json& obj, const char* field);

// Whether a request's Content-Type is delimited text: CSV, or
// tab-separated (as Excel saves "Unicode text"), or plain text.
bool IsDelimitedText(const std::string& content_type);

// One CSV field, quoted when it holds a comma, quote or line break, and
// with an apostrophe before a leading =, +, -, @, tab or carriage return
// so that no spreadsheet runs it as a formula.
std::string CsvField(const std::string& s);

// A CSV export (UTF-8; the rows built by the caller) sent as is.
Reply CsvReply(std::string csv);

// A check-in's stored photo with its real content type; NotFound when the
// check-in has none. The caller decides who may see it.
Result<Reply> PhotoReply(Services& s, const community::CheckinRecord& k);

// A campaign as the API shows it (ends_on included).
Json CampaignJson(const community::Campaign& c);

// "138****5678": the contract's mask for phones.
std::string MaskPhone(const std::string& phone);

// Free text from a member or about one (check-in text, a photo's OCR text,
// feedback, a timeline entry) with the phones written in it masked unless
// `unmask` (admins): the same rule as for a member's phone field.
std::string MemberText(const std::string& text, bool unmask);

// Profile hints as the contract shows them; phones masked unless `unmask`.
Json HintsJson(const std::vector<ocr::StoredHint>& hints, bool unmask);

// A member's profile facts merged from their `hints` (ocr/profile.h) and the
// operators' decisions: value, confidence, evidence, status, conflicts;
// phones masked unless `unmask`.
Result<Json> ProfileJson(Services& s, int64_t member,
                         const std::vector<ocr::StoredHint>& hints,
                         bool unmask);

// Ids are opaque strings in the API.
inline std::string IdString(int64_t id) { return std::to_string(id); }

// A list page: `rows` were fetched with limit + 1, so a row beyond `limit`
// means there is more, and the last shown id is the cursor.
template <typename T, typename ToJson>
Json PageJson(const std::vector<T>& rows, int limit, ToJson to_json) {
  Json items = Json::array();
  for (size_t i = 0; i < rows.size() && i < static_cast<size_t>(limit); ++i) {
    items.push_back(to_json(rows[i]));
  }
  Json next = rows.size() > static_cast<size_t>(limit)
                  ? Json(IdString(rows[limit - 1].id))
                  : Json(nullptr);
  return {{"items", items}, {"next_cursor", next}};
}

// A page of a list ranked in memory (a leaderboard, a dormant list, a
// timeline: no id orders them), by position: ?limit= as ParsePage, and
// ?cursor= the position a previous page's next_cursor gave.
struct OffsetPage {
  size_t begin = 0;  // First row of the page.
  size_t limit = 50;
  // Rows to fetch to tell whether a next page exists.
  size_t Fetch() const { return begin + limit + 1; }
  // The page's rows of `rows` (fetched with Fetch(), or all of them) as
  // {"items","next_cursor"}.
  template <typename T, typename ToJson>
  Json Page(const std::vector<T>& rows, ToJson to_json) const {
    Json items = Json::array();
    for (size_t i = begin; i < rows.size() && i < begin + limit; ++i)
      items.push_back(to_json(rows[i]));
    Json next = rows.size() > begin + limit
                    ? Json(std::to_string(begin + limit))
                    : Json(nullptr);
    return {{"items", items}, {"next_cursor", next}};
  }
};
// InvalidArgument naming "limit" or "cursor" when they are not ours.
Result<OffsetPage> ParseOffsetPage(const Request& r);

}  // namespace qunying::server

#endif  // QUNYING_SERVER_API_H_
