// Content, feedback, calendars, leaderboards, dwell, dormant members and
// cohorts.
#include <charconv>
#include <cmath>

#include "core/time_util.h"
#include "core/utf8.h"
#include "server/api.h"

namespace qunying::server {
namespace {

// As participants see it; staff also see `readers` (StaffContentJson).
Json ContentJson(const community::Content& c) {
  return {{"id", IdString(c.id)},
          {"title", c.title},
          {"body", c.body},
          {"group_id", c.group_id ? Json(IdString(c.group_id)) : Json(nullptr)},
          {"series", c.series.empty() ? Json(nullptr) : Json(c.series)},
          {"published_at", FormatRfc3339(c.published_at_ms)}};
}

// With the members who have opened it in the mini-program, of those who
// can see it there.
Json StaffContentJson(const community::Content& c) {
  Json j = ContentJson(c);
  j["readers"] = c.readers;
  j["audience"] = c.audience;
  return j;
}

// Phones in the texts are masked unless `unmask` (the participant's own
// feedback; admins).
Json FeedbackJson(const community::Feedback& f, bool unmask) {
  Json replies = Json::array();
  for (const auto& r : f.replies) {
    replies.push_back({{"user_id", IdString(r.user_id)},
                       {"text", MemberText(r.text, unmask)},
                       {"at", FormatRfc3339(r.at_ms)}});
  }
  Json j = {{"id", IdString(f.id)},
            {"member_id", IdString(f.member_id)},
            {"nickname", f.nickname},
            {"kind", f.kind},
            {"text", MemberText(f.text, unmask)},
            {"status", f.status},
            {"created_at", FormatRfc3339(f.created_at_ms)},
            {"replies", replies}};
  j["response_s"] = f.first_reply_at_ms
                        ? Json((f.first_reply_at_ms - f.created_at_ms) / 1000)
                        : Json(nullptr);
  return j;
}

Status CheckText(const std::string& v, const char* field, size_t max_chars) {
  if (v.find_first_not_of(" \n\t") == std::string::npos) {
    return Status::InvalidArgument(std::string(field) + " must not be empty",
                                   field);
  }
  if (Utf8Length(v) > max_chars) {
    return Status::InvalidArgument(std::string(field) + " is longer than " +
                                       std::to_string(max_chars) +
                                       " characters",
                                   field);
  }
  return Status::Ok();
}

Result<int64_t> IdQuery(const Request& r, const char* name) {
  std::string v = r.Query(name);
  int64_t id = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), id);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size() || id <= 0) {
    return Status::InvalidArgument(
        std::string("query '") + name + "' must be an id", name);
  }
  return id;
}

Result<Reply> DormantReply(Services& s, Request& r, bool reactivation) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(int64_t days, IntQuery(r, "days", 14, 1, 365));
  QY_ASSIGN_OR_RETURN(auto rows,
                      s.engagement->Dormant(id, s.clock->NowMillis(), days));
  if (reactivation) {  // Once engaged (3+ check-ins), now quiet: worth a nudge.
    std::erase_if(rows, [](const auto& m) { return m.past_checkins < 3; });
  }
  std::string format = r.Query("format");
  if (!format.empty() && format != "json" && format != "csv") {
    return Status::InvalidArgument("format must be json or csv", "format");
  }
  // JSON in pages; the CSV export has every row.
  QY_ASSIGN_OR_RETURN(OffsetPage page, ParseOffsetPage(r));
  if (format == "csv") {
    std::string csv =
        "\xEF\xBB\xBFmember_id,nickname,last_active,past_checkins\n";
    for (const auto& m : rows) {
      csv += IdString(m.member_id) + "," + CsvField(m.nickname) + "," +
             (m.last_active_ms ? FormatRfc3339(m.last_active_ms) : "") + "," +
             std::to_string(m.past_checkins) + "\n";
    }
    return CsvReply(std::move(csv));
  }
  Json out = page.Page(rows, [](const auto& m) -> Json {
    return {
        {"member_id", IdString(m.member_id)},
        {"nickname", m.nickname},
        {"last_active", m.last_active_ms ? Json(FormatRfc3339(m.last_active_ms))
                                         : Json(nullptr)},
        {"past_checkins", m.past_checkins}};
  });
  out["days"] = days;
  out["count"] = rows.size();
  return Reply{200, out};
}

}  // namespace

Result<Reply> CreateContent(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  community::Content c;
  QY_ASSIGN_OR_RETURN(c.title, RequireString(body, "title", 400));
  QY_RETURN_IF_ERROR(CheckText(c.title, "title", 100));
  QY_ASSIGN_OR_RETURN(c.body, RequireString(body, "body", 60000));
  QY_RETURN_IF_ERROR(CheckText(c.body, "body", 20000));
  QY_ASSIGN_OR_RETURN(c.group_id, GetId(body, "group_id"));
  QY_ASSIGN_OR_RETURN(c.series, GetStringOr(body, "series", "", 400));
  if ((c.group_id != 0) == !c.series.empty()) {
    return Status::InvalidArgument(
        "publish to exactly one of group_id or series", "group_id");
  }
  c.author_user_id = r.principal.id;
  c.published_at_ms = s.clock->NowMillis();
  QY_ASSIGN_OR_RETURN(int64_t id, s.engagement->CreateContent(c));
  return Reply{201, {{"id", IdString(id)}}};
}

// PATCH /contents/{id} {"title","body"} (either): a correction; where it
// was published does not change.
Result<Reply> PatchContent(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  QY_RETURN_IF_ERROR(RejectUnknownFields(
      body, {"title", "body"},
      "a content's title and body can change (where it was published "
      "cannot)"));
  QY_ASSIGN_OR_RETURN(community::Content c, s.engagement->GetContent(id));
  QY_ASSIGN_OR_RETURN(c.title, GetStringOr(body, "title", c.title, 400));
  QY_RETURN_IF_ERROR(CheckText(c.title, "title", 100));
  QY_ASSIGN_OR_RETURN(c.body, GetStringOr(body, "body", c.body, 60000));
  QY_RETURN_IF_ERROR(CheckText(c.body, "body", 20000));
  QY_RETURN_IF_ERROR(s.engagement->UpdateContent(
      id, c.title, c.body, r.principal.id, s.clock->NowMillis()));
  return Reply{200, StaffContentJson(c)};
}

// DELETE /contents/{id}: withdrawn; participants no longer see it.
Result<Reply> DeleteContent(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_RETURN_IF_ERROR(
      s.engagement->DeleteContent(id, r.principal.id, s.clock->NowMillis()));
  return Reply{200, {{"id", IdString(id)}, {"deleted", true}}};
}

Result<Reply> ListContents(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Page page, ParsePage(r));
  QY_ASSIGN_OR_RETURN(
      auto rows, s.engagement->ListContents(page.after_id, page.limit + 1));
  return Reply{200, PageJson(rows, page.limit, StaffContentJson)};
}

Result<Reply> MpContents(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(OffsetPage page, ParseOffsetPage(r));
  QY_ASSIGN_OR_RETURN(auto rows,
                      s.engagement->ContentsFor(r.principal.id, page.Fetch()));
  return Reply{200, page.Page(rows, [](const community::Content& c) {
                 Json j = ContentJson(c);
                 j.erase("body");
                 j["read"] = c.read;
                 return j;
               })};
}

Result<Reply> MpReadContent(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(bool visible,
                      s.engagement->IsVisibleTo(id, r.principal.id));
  if (!visible) return Status::NotFound("content not found");
  QY_ASSIGN_OR_RETURN(community::Content c, s.engagement->GetContent(id));
  // Reading is activity: one content_read event per content and day.
  int64_t now = s.clock->NowMillis();
  community::EventInput read{"content_read", "/contents/" + IdString(id),
                             "read-" + IdString(id) + "-" +
                                 std::to_string(community::LocalDay(now, 480)),
                             0, now};
  QY_RETURN_IF_ERROR(
      s.community->AddEvents(r.principal.id, {read}, now).status());
  return Reply{200, ContentJson(c)};
}

Result<Reply> MpCreateFeedback(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  QY_ASSIGN_OR_RETURN(std::string kind, RequireString(body, "kind", 16));
  if (kind != "bug" && kind != "question" && kind != "suggestion") {
    return Status::InvalidArgument("kind must be bug, question or suggestion",
                                   "kind");
  }
  QY_ASSIGN_OR_RETURN(std::string text, RequireString(body, "text", 8000));
  QY_RETURN_IF_ERROR(CheckText(text, "text", 2000));
  QY_ASSIGN_OR_RETURN(int64_t id,
                      s.engagement->CreateFeedback(r.principal.id, kind, text,
                                                   s.clock->NowMillis()));
  return Reply{201, {{"id", IdString(id)}}};
}

Result<Reply> MpListFeedback(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Page page, ParsePage(r));
  QY_ASSIGN_OR_RETURN(
      auto rows, s.engagement->ListFeedback("", r.principal.id, page.after_id,
                                            page.limit + 1));
  return Reply{200,
               PageJson(rows, page.limit, [](const community::Feedback& f) {
                 return FeedbackJson(f, true);
               })};
}

Result<Reply> MpGetFeedback(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  auto f = s.engagement->GetFeedback(id);
  if (!f.ok() || f->member_id != r.principal.id) {
    return Status::NotFound("feedback not found");  // Another's: not found.
  }
  return Reply{200, FeedbackJson(*f, true)};
}

Result<Reply> ListFeedback(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Page page, ParsePage(r));
  std::string status = r.Query("status");
  if (!status.empty() && status != "open" && status != "answered" &&
      status != "closed") {
    return Status::InvalidArgument("status must be open, answered or closed",
                                   "status");
  }
  QY_ASSIGN_OR_RETURN(auto rows, s.engagement->ListFeedback(
                                     status, 0, page.after_id, page.limit + 1));
  bool admin = r.principal.role == auth::Role::kAdmin;
  return Reply{
      200, PageJson(rows, page.limit, [admin](const community::Feedback& f) {
        return FeedbackJson(f, admin);
      })};
}

Result<Reply> GetFeedback(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(auto f, s.engagement->GetFeedback(id));
  return Reply{200, FeedbackJson(f, r.principal.role == auth::Role::kAdmin)};
}

Result<Reply> ReplyFeedback(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  QY_ASSIGN_OR_RETURN(std::string text, GetStringOr(body, "text", "", 8000));
  bool close = false;
  if (auto c = body.find("close"); c != body.end() && !c->is_null()) {
    if (!c->is_boolean())
      return Status::InvalidArgument("close must be true or false", "close");
    close = c->get<bool>();
  }
  if (text.empty() && !close) {
    return Status::InvalidArgument("send a reply text, or close: true", "text");
  }
  if (!text.empty()) QY_RETURN_IF_ERROR(CheckText(text, "text", 2000));
  QY_RETURN_IF_ERROR(s.engagement->ReplyFeedback(id, r.principal.id, text,
                                                 close, s.clock->NowMillis()));
  QY_ASSIGN_OR_RETURN(auto f, s.engagement->GetFeedback(id));
  return Reply{200, FeedbackJson(f, r.principal.role == auth::Role::kAdmin)};
}

Result<Reply> FeedbackStatsReply(Services& s, Request&) {
  QY_ASSIGN_OR_RETURN(auto st, s.engagement->FeedbackSummary());
  return Reply{200,
               {{"total", st.total},
                {"open", st.open},
                {"answered", st.answered},
                {"closed", st.closed},
                {"median_response_s", st.median_response_s}}};
}

Result<Reply> MpCalendar(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t campaign, IdQuery(r, "campaign_id"));
  QY_ASSIGN_OR_RETURN(bool enrolled,
                      s.community->IsEnrolled(r.principal.id, campaign));
  if (!enrolled) return Status::NotFound("campaign not found");
  QY_ASSIGN_OR_RETURN(auto cal,
                      s.engagement->CalendarFor(r.principal.id, campaign,
                                                s.clock->NowMillis()));
  Json days = Json::array();
  for (const auto& d : cal.days) {
    days.push_back({{"day", d.day},
                    {"date", FormatIsoDate(d.date)},
                    {"checked", d.checked},
                    {"makeup", d.makeup}});
  }
  return Reply{200,
               {{"today", cal.today},
                {"streak", cal.streak},
                {"makeups_left", cal.makeups_left},
                {"days", days}}};
}

Result<Reply> MpGetCheckin(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  auto k = s.community->GetCheckin(id);
  if (!k.ok() || k->member_id != r.principal.id)
    return Status::NotFound("check-in not found");
  return Reply{200,
               {{"id", IdString(k->id)},
                {"campaign_id", IdString(k->campaign_id)},
                {"day", k->day},
                {"text", k->text},
                {"duration_s", k->duration_s},
                {"makeup", k->makeup},
                {"has_photo", !k->photo_sha256.empty()},
                {"ocr_status", k->ocr_status},
                {"created_at", FormatRfc3339(k->created_at_ms)}}};
}

Result<Reply> LeaderboardReply(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  if (r.principal.kind == auth::SessionKind::kParticipant) {
    QY_ASSIGN_OR_RETURN(bool enrolled,
                        s.community->IsEnrolled(r.principal.id, id));
    if (!enrolled) return Status::NotFound("campaign not found");
  }
  QY_ASSIGN_OR_RETURN(OffsetPage page, ParseOffsetPage(r));
  QY_ASSIGN_OR_RETURN(
      auto rows, s.engagement->Leaderboard(id, static_cast<int>(page.Fetch())));
  int64_t rank = static_cast<int64_t>(page.begin);
  Json reply = page.Page(rows, [&](const auto& row) -> Json {
    return {{"rank", ++rank},
            {"member_id", IdString(row.member_id)},
            {"nickname", row.nickname},
            {"checkins", row.checkins},
            {"total_duration_s", row.total_duration_s}};
  });
  if (r.principal.kind == auth::SessionKind::kParticipant) {
    // Where the participant stands, also below the top 50.
    QY_ASSIGN_OR_RETURN(auto place,
                        s.engagement->LeaderboardPlace(id, r.principal.id));
    reply["me"] = {{"rank", place.first ? Json(place.first) : Json()},
                   {"checkins", place.second.checkins},
                   {"total_duration_s", place.second.total_duration_s}};
  }
  return Reply{200, reply};
}

Result<Reply> DwellReply(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(auto days, s.engagement->Dwell(id));
  Json items = Json::array();
  double peak = 0;
  for (const auto& d : days) {
    peak = std::max(peak, d.avg_dwell_s);
    items.push_back({{"date", FormatIsoDate(d.date)},
                     {"active", d.active},
                     {"avg_dwell_s", std::round(d.avg_dwell_s * 10) / 10}});
  }
  Json latest = days.empty()
                    ? Json(nullptr)
                    : Json(std::round(days.back().avg_dwell_s * 10) / 10);
  return Reply{200,
               {{"days", items},
                {"peak_avg_dwell_s", std::round(peak * 10) / 10},
                {"latest_avg_dwell_s", latest}}};
}

// GET /campaigns/{id}/daily: check-ins per campaign day and the day's
// check-in rate (on-time check-ins / enrolled; make-ups shown apart).
Result<Reply> DailyCheckinsReply(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(auto daily, s.engagement->CheckinsPerDay(id));
  Json items = Json::array();
  for (const auto& d : daily.days) {
    double rate =
        daily.enrolled ? static_cast<double>(d.checkins) / daily.enrolled : 0;
    items.push_back({{"day", d.day},
                     {"date", FormatIsoDate(d.date)},
                     {"checkins", d.checkins},
                     {"makeups", d.makeups},
                     {"rate", std::round(rate * 10000) / 10000}});
  }
  return Reply{200, {{"enrolled", daily.enrolled}, {"days", items}}};
}

Result<Reply> MemberDwellReply(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_RETURN_IF_ERROR(s.members->FindMember(id).status());
  QY_ASSIGN_OR_RETURN(auto days, s.engagement->MemberDwell(id));
  Json items = Json::array();
  for (const auto& d : days) {
    items.push_back({{"date", FormatIsoDate(d.date)},
                     {"dwell_s", std::round(d.avg_dwell_s * 10) / 10}});
  }
  return Reply{200, {{"member_id", IdString(id)}, {"days", items}}};
}

Result<Reply> DormantList(Services& s, Request& r) {
  return DormantReply(s, r, false);
}
Result<Reply> ReactivationList(Services& s, Request& r) {
  return DormantReply(s, r, true);
}

Result<Reply> CohortsReply(Services& s, Request& r) {
  std::string series = r.Query("series");
  if (series.empty())
    return Status::InvalidArgument("query 'series' is required", "series");
  QY_ASSIGN_OR_RETURN(auto rows, s.engagement->Cohorts(series));
  Json items = Json::array();
  for (const auto& row : rows) {
    Json later = Json::array(), rates = Json::array();
    for (int64_t n : row.later) {
      later.push_back(n);
      rates.push_back(community::RoundRate(n, row.base));
    }
    items.push_back(
        {{"campaign_id", IdString(row.campaign.id)},
         {"name", row.campaign.name},
         {"starts_on", FormatIsoDate(row.campaign.starts_on)},
         {"base", row.base},
         {"later", later},
         {"later_rates", rates},
         {"median_days_to_renew",
          row.median_days_to_renew
              ? Json(std::round(*row.median_days_to_renew * 10) / 10)
              : Json(nullptr)}});
  }
  return Reply{200, {{"series", series}, {"cohorts", items}}};
}

}  // namespace qunying::server
