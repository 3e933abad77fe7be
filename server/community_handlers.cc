// Campaigns, groups, the community matrix, enrollments, rosters and the
// retention report.
#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <set>

#include "community/enrollment_csv.h"
#include "community/roster_csv.h"
#include "community/roster_xlsx.h"
#include "core/phone.h"
#include "core/time_util.h"
#include "server/api.h"

namespace qunying::server {
Json CampaignJson(const community::Campaign& c) {
  return {{"id", IdString(c.id)},
          {"name", c.name},
          {"theme", c.theme},
          {"series", c.series},
          {"starts_on", FormatIsoDate(c.starts_on)},
          {"ends_on", FormatIsoDate(c.starts_on + c.days - 1)},
          {"days", c.days},
          {"price_fen", c.price_fen},
          {"timezone", c.timezone},
          {"created_at", FormatRfc3339(c.created_at_ms)}};
}

namespace {

using community::Campaign;
using community::Group;
using community::MatchMethod;

constexpr size_t kMaxEnrollmentsPerCall = 5000;
constexpr size_t kMaxRosterRows = 200000;

Json GroupJson(const Group& g) {
  return {{"id", IdString(g.id)},
          {"name", g.name},
          {"campaign_id",
           g.campaign_id ? Json(IdString(g.campaign_id)) : Json(nullptr)},
          {"theme", g.theme},
          {"series", g.series},
          {"created_at", FormatRfc3339(g.created_at_ms)}};
}

Json MatchedByJson(
    const std::array<int64_t, community::kMatchMethodCount>& by) {
  return {{"unionid", by[size_t(MatchMethod::kUnionid)]},
          {"wechat_id", by[size_t(MatchMethod::kWechatId)]},
          {"nickname", by[size_t(MatchMethod::kNickname)]},
          {"nickname_history", by[size_t(MatchMethod::kNicknameHistory)]},
          {"fuzzy", by[size_t(MatchMethod::kFuzzy)]},
          {"reviewed", by[size_t(MatchMethod::kReviewed)]}};
}

// Optional RFC 3339 query parameter; `fallback` when absent.
Result<int64_t> TimeQuery(const Request& r, const char* name,
                          int64_t fallback) {
  std::string v = r.Query(name);
  if (v.empty()) return fallback;
  auto t = ParseRfc3339(v);
  if (!t.ok())
    return Status::InvalidArgument(
        std::string(name) + ": " + t.status().message(), name);
  return *t;
}

Result<std::vector<community::RosterRow>> RosterFromJson(const Json& body,
                                                         int64_t* as_of) {
  auto members = body.find("members");
  if (members == body.end() || !members->is_array()) {
    return Status::InvalidArgument("field 'members' must be an array",
                                   "members");
  }
  if (members->size() > kMaxRosterRows) {
    return Status::TooLarge("a roster holds at most " +
                            std::to_string(kMaxRosterRows) + " rows");
  }
  QY_ASSIGN_OR_RETURN(auto as_of_text, GetString(body, "as_of", false, 64));
  if (as_of_text) {
    auto t = ParseRfc3339(*as_of_text);
    if (!t.ok())
      return Status::InvalidArgument("as_of: " + t.status().message(), "as_of");
    *as_of = *t;
  }
  std::vector<community::RosterRow> rows;
  for (size_t i = 0; i < members->size(); ++i) {
    const Json& m = (*members)[i];
    std::string at = "members[" + std::to_string(i) + "]";
    if (!m.is_object())
      return Status::InvalidArgument(at + " must be an object", at);
    community::RosterRow row;
    auto field = [&](const char* name, std::string* out,
                     bool required) -> Status {
      auto v = GetString(m, name, required, 256);
      if (!v.ok())
        return Status::InvalidArgument(at + "." + v.status().message(),
                                       at + "." + name);
      if (*v) *out = **v;
      return Status::Ok();
    };
    QY_RETURN_IF_ERROR(field("nickname", &row.nickname, true));
    QY_RETURN_IF_ERROR(
        community::CheckNickname(row.nickname, at + ".nickname"));
    QY_RETURN_IF_ERROR(field("wechat_id", &row.wechat_id, false));
    QY_RETURN_IF_ERROR(field("unionid", &row.unionid, false));
    std::string joined;
    QY_RETURN_IF_ERROR(field("joined_at", &joined, false));
    if (!joined.empty()) {
      auto t = community::ParseRosterTime(joined);
      if (!t.ok())
        return Status::InvalidArgument(
            at + ".joined_at: " + t.status().message(), at + ".joined_at");
      row.joined_at_ms = *t;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<community::EnrollmentInput> EnrollmentFromJson(const Json& e, size_t i) {
  std::string at = "enrollments[" + std::to_string(i) + "]";
  if (!e.is_object())
    return Status::InvalidArgument(at + " must be an object", at);
  community::EnrollmentInput in;
  auto str = [&](const char* name, std::string* out, bool required,
                 size_t max) -> Status {
    auto v = GetString(e, name, required, max);
    if (!v.ok())
      return Status::InvalidArgument(at + "." + v.status().message(),
                                     at + "." + name);
    if (*v) *out = **v;
    return Status::Ok();
  };
  QY_RETURN_IF_ERROR(str("nickname", &in.nickname, true, 256));
  QY_RETURN_IF_ERROR(community::CheckNickname(in.nickname, at + ".nickname"));
  QY_RETURN_IF_ERROR(str("openid", &in.openid, false, 128));
  QY_RETURN_IF_ERROR(str("phone", &in.phone, false, 32));
  QY_RETURN_IF_ERROR(str("channel", &in.channel, false, 64));
  QY_RETURN_IF_ERROR(str("order_no", &in.order_no, false, 64));
  if (!in.phone.empty() && !IsMainlandMobile(in.phone)) {
    return Status::InvalidArgument(
        at + ".phone must be an 11-digit mainland mobile number",
        at + ".phone");
  }
  auto paid = GetInt(e, "paid_fen", false);
  if (!paid.ok() ||
      (*paid && (**paid < 0 || **paid > community::kMaxMoneyFen))) {
    return Status::InvalidArgument(
        at + ".paid_fen must be an integer from 0 to 10^10", at + ".paid_fen");
  }
  in.paid_fen = paid->value_or(0);
  auto group = GetId(e, "group_id");
  if (!group.ok())
    return Status::InvalidArgument(at + "." + group.status().message(),
                                   at + ".group_id");
  in.group_id = *group;
  return in;
}

// The group health index (0–100): 60 % weight on the share of members active
// in the last 7 days, 40 % on the check-in rate against a target of one
// check-in every other day. Documented in docs/community.md.
Json HealthIndex(const community::GroupStats& g) {
  if (g.members == 0) return nullptr;  // Nobody to be healthy yet.
  double active = static_cast<double>(g.active_7d) / g.members;
  double checkins = std::min(1.0, g.checkin_rate_7d / 0.5);
  return std::lround(100 * (0.6 * active + 0.4 * checkins));
}

// Reads a campaign's fields from `body` into `c`. On create the contract's
// fields (all but price and time zone) are required; on a patch only the
// fields present change. Then the whole campaign is validated.
Status CampaignFromJson(const Json& body, bool create, Campaign* c) {
  auto text = [&](const char* field, size_t max, std::string* out) -> Status {
    QY_ASSIGN_OR_RETURN(auto v, GetString(body, field, create, max));
    if (v) *out = *v;
    return Status::Ok();
  };
  QY_RETURN_IF_ERROR(text("name", 400, &c->name));
  QY_RETURN_IF_ERROR(text("theme", 200, &c->theme));
  QY_RETURN_IF_ERROR(text("series", 400, &c->series));
  QY_ASSIGN_OR_RETURN(auto starts, GetString(body, "starts_on", create, 16));
  if (starts) {
    auto day = ParseIsoDate(*starts);
    if (!day.ok())
      return Status::InvalidArgument("starts_on: " + day.status().message(),
                                     "starts_on");
    c->starts_on = *day;
  }
  QY_ASSIGN_OR_RETURN(auto days, GetInt(body, "days", create));
  // Checked before narrowing to int; ValidateCampaign checks it again.
  if (days && (*days < 1 || *days > 366))
    return Status::InvalidArgument("days must be from 1 to 366", "days");
  if (days) c->days = static_cast<int>(*days);
  QY_ASSIGN_OR_RETURN(auto price, GetInt(body, "price_fen", false));
  if (price) c->price_fen = *price;
  QY_ASSIGN_OR_RETURN(auto zone, GetString(body, "timezone", false, 64));
  if (zone) c->timezone = *zone;
  return community::ValidateCampaign(*c);
}

}  // namespace

Result<Reply> CreateCampaign(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  Campaign c;
  QY_RETURN_IF_ERROR(CampaignFromJson(body, true, &c));
  c.created_at_ms = s.clock->NowMillis();
  QY_ASSIGN_OR_RETURN(c.id, s.community->CreateCampaign(c));
  return Reply{201, {{"id", IdString(c.id)}}};
}

// PATCH /campaigns/{id}: any of the creation fields; dates, length and
// time zone only while the campaign has no check-ins.
Result<Reply> PatchCampaign(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(Campaign c, s.community->GetCampaign(id));
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  QY_RETURN_IF_ERROR(CampaignFromJson(body, false, &c));
  QY_RETURN_IF_ERROR(
      s.community->UpdateCampaign(c, r.principal.id, s.clock->NowMillis()));
  QY_ASSIGN_OR_RETURN(c, s.community->GetCampaign(id));
  return Reply{200, CampaignJson(c)};
}

Result<Reply> ListCampaigns(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Page page, ParsePage(r));
  QY_ASSIGN_OR_RETURN(
      auto rows, s.community->ListCampaigns(page.after_id, page.limit + 1));
  return Reply{200, PageJson(rows, page.limit, CampaignJson)};
}

Result<Reply> GetCampaign(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(Campaign c, s.community->GetCampaign(id));
  return Reply{200, CampaignJson(c)};
}

Result<Reply> CreateGroup(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  Group g;
  QY_ASSIGN_OR_RETURN(g.name, RequireString(body, "name", 400));
  QY_RETURN_IF_ERROR(community::CheckNickname(g.name, "name"));
  QY_ASSIGN_OR_RETURN(g.campaign_id, GetId(body, "campaign_id"));
  QY_ASSIGN_OR_RETURN(g.theme, GetStringOr(body, "theme", "", 200));
  QY_ASSIGN_OR_RETURN(g.series, GetStringOr(body, "series", "", 400));
  if (g.campaign_id) {  // An activity group inherits what it does not say.
    auto c = s.community->GetCampaign(g.campaign_id);
    if (!c.ok())
      return Status::InvalidArgument("campaign_id: " + c.status().message(),
                                     "campaign_id");
    if (g.theme.empty()) g.theme = c->theme;
    if (g.series.empty()) g.series = c->series;
  }
  if (g.theme.empty())
    return Status::InvalidArgument("a standing group needs a theme", "theme");
  if (g.series.empty())
    return Status::InvalidArgument("a standing group needs a series", "series");
  g.created_at_ms = s.clock->NowMillis();
  QY_ASSIGN_OR_RETURN(g.id, s.community->CreateGroup(g));
  return Reply{201, {{"id", IdString(g.id)}}};
}

// PATCH /groups/{id} {"name","theme","series"} (any): a group's campaign
// does not change (its enrollments and check-ins belong to it).
Result<Reply> PatchGroup(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(Group g, s.community->GetGroup(id));
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  QY_RETURN_IF_ERROR(RejectUnknownFields(
      body, {"name", "theme", "series"},
      "a group's name, theme and series can change (its campaign cannot)"));
  QY_ASSIGN_OR_RETURN(g.name, GetStringOr(body, "name", g.name, 400));
  QY_RETURN_IF_ERROR(community::CheckNickname(g.name, "name"));
  QY_ASSIGN_OR_RETURN(g.theme, GetStringOr(body, "theme", g.theme, 200));
  QY_ASSIGN_OR_RETURN(g.series, GetStringOr(body, "series", g.series, 400));
  if (g.theme.empty())
    return Status::InvalidArgument("a group needs a theme", "theme");
  if (g.series.empty())
    return Status::InvalidArgument("a group needs a series", "series");
  QY_RETURN_IF_ERROR(
      s.community->UpdateGroup(g, r.principal.id, s.clock->NowMillis()));
  QY_ASSIGN_OR_RETURN(g, s.community->GetGroup(id));
  return Reply{200, GroupJson(g)};
}

Result<Reply> ListGroups(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Page page, ParsePage(r));
  QY_ASSIGN_OR_RETURN(auto rows,
                      s.community->ListGroups(page.after_id, page.limit + 1));
  return Reply{200, PageJson(rows, page.limit, GroupJson)};
}

Result<Reply> GetGroup(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(Group g, s.community->GetGroup(id));
  return Reply{200, GroupJson(g)};
}

// GET /groups/{id}/timeline?limit=&cursor= : roster snapshots with joins
// and leaves, and the join/leave events newest first, a page of `limit`
// (default 200, at most 2000) with `next_cursor` ("<at_ms>_<id>" of the
// page's last event; null at the end) to ask for the older ones.
Result<Reply> GroupTimelineReply(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(int64_t limit, IntQuery(r, "limit", 200, 1, 2000));
  int64_t before_at = 0, before_id = 0;
  if (std::string cursor = r.Query("cursor"); !cursor.empty()) {
    size_t sep = cursor.find('_');
    std::string_view c(cursor);
    if (sep == std::string::npos || !ParseInt(c.substr(0, sep), &before_at) ||
        !ParseInt(c.substr(sep + 1), &before_id) || before_id <= 0) {
      return Status::InvalidArgument("cursor is not one this server issued",
                                     "cursor");
    }
  }
  QY_ASSIGN_OR_RETURN(
      auto t, s.community->GetGroupTimeline(id, static_cast<int>(limit) + 1,
                                            before_at, before_id));
  Json next;  // null
  if (t.events.size() > static_cast<size_t>(limit)) {
    t.events.resize(limit);
    next = std::to_string(t.events.back().at_ms) + "_" +
           std::to_string(t.events.back().id);
  }
  Json snaps = Json::array();
  for (const auto& x : t.snapshots) {
    snaps.push_back({{"id", IdString(x.id)},
                     {"as_of", FormatRfc3339(x.as_of_ms)},
                     {"rows", x.rows},
                     {"joined", x.joined},
                     {"left", x.left}});
  }
  Json events = Json::array();
  for (const auto& e : t.events) {
    events.push_back({{"at", FormatRfc3339(e.at_ms)},
                      {"kind", e.kind},
                      {"member_id", IdString(e.member_id)},
                      {"nickname", e.nickname},
                      {"snapshot_id", IdString(e.snapshot_id)}});
  }
  return Reply{
      200, {{"snapshots", snaps}, {"events", events}, {"next_cursor", next}}};
}

Result<Reply> Matrix(Services& s, Request&) {
  QY_ASSIGN_OR_RETURN(auto stats,
                      s.community->GroupMatrix(s.clock->NowMillis()));
  std::map<std::pair<std::string, std::string>, Json> cells;
  std::set<std::string> themes, series;
  for (const auto& g : stats) {
    themes.insert(g.group.theme);
    series.insert(g.group.series);
    Json& cell = cells[{g.group.theme, g.group.series}];
    if (cell.is_null()) {
      cell = {{"theme", g.group.theme},
              {"series", g.group.series},
              {"groups", Json::array()}};
    }
    Json gj = GroupJson(g.group);
    gj["members"] = g.members;
    gj["active_7d"] = g.active_7d;
    gj["checkin_rate_7d"] = g.checkin_rate_7d;
    gj["health"] = HealthIndex(g);
    cell["groups"].push_back(gj);
  }
  Json out = {{"themes", themes}, {"series", series}, {"cells", Json::array()}};
  for (auto& [key, cell] : cells) out["cells"].push_back(std::move(cell));
  return Reply{200, out};
}

namespace {

// The group of ?group_id= (0 when absent), for the rows of an order list
// that name none: this campaign's activity group or a standing group.
Result<int64_t> DefaultEnrollGroup(Services& s, const Request& r,
                                   int64_t campaign) {
  QY_ASSIGN_OR_RETURN(
      int64_t id,
      IntQuery(r, "group_id", 0, 1, std::numeric_limits<int64_t>::max()));
  if (!id) return 0;
  auto group = s.community->GetGroup(id);
  if (!group.ok()) {
    if (group.status().code() != StatusCode::kNotFound) return group.status();
    return Status::InvalidArgument("group_id: group not found", "group_id");
  }
  QY_RETURN_IF_ERROR(community::CheckEnrollGroup(*group, campaign, "group_id"));
  return id;
}

}  // namespace

// POST /campaigns/{id}/enrollments: JSON as contracted, or an order list
// as CSV (community/enrollment_csv.h); ?group_id= puts the rows that name
// no group in that one.
Result<Reply> Enroll(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  std::vector<community::EnrollmentInput> rows;
  size_t count = 0;
  if (IsDelimitedText(r.http.get_header_value("Content-Type"))) {
    QY_ASSIGN_OR_RETURN(rows, community::ParseEnrollmentCsv(r.http.body));
    count = rows.size();
  } else {
    QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
    auto list = body.find("enrollments");
    if (list == body.end() || !list->is_array()) {
      return Status::InvalidArgument("field 'enrollments' must be an array",
                                     "enrollments");
    }
    count = list->size();
    if (count <= kMaxEnrollmentsPerCall) {
      for (size_t i = 0; i < count; ++i) {
        QY_ASSIGN_OR_RETURN(auto e, EnrollmentFromJson((*list)[i], i));
        rows.push_back(std::move(e));
      }
    }
  }
  if (count > kMaxEnrollmentsPerCall) {
    return Status::TooLarge("at most " +
                            std::to_string(kMaxEnrollmentsPerCall) +
                            " enrollments per call");
  }
  QY_ASSIGN_OR_RETURN(int64_t group, DefaultEnrollGroup(s, r, id));
  for (auto& row : rows) {
    if (!row.group_id) row.group_id = group;
  }
  QY_ASSIGN_OR_RETURN(auto result,
                      s.community->Enroll(id, rows, s.clock->NowMillis()));
  return Reply{200,
               {{"created", result.created},
                {"matched_existing", result.matched_existing},
                {"matched_by_nickname", result.matched_by_nickname},
                {"already_enrolled", result.already_enrolled},
                {"regrouped", result.regrouped}}};
}

Result<Reply> ImportRoster(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  std::string type = r.http.get_header_value("Content-Type");
  int64_t as_of = s.clock->NowMillis();
  std::vector<community::RosterRow> rows;
  // Delimited text: CSV, or tab-separated as Excel saves "Unicode text".
  if (IsDelimitedText(type)) {
    QY_ASSIGN_OR_RETURN(as_of, TimeQuery(r, "as_of", as_of));
    QY_ASSIGN_OR_RETURN(rows, community::ParseRosterCsv(r.http.body));
  } else if (type.find("spreadsheetml") != std::string::npos) {
    QY_ASSIGN_OR_RETURN(as_of, TimeQuery(r, "as_of", as_of));
    QY_ASSIGN_OR_RETURN(rows, community::ParseRosterXlsx(r.http.body));
  } else {
    QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
    QY_ASSIGN_OR_RETURN(rows, RosterFromJson(body, &as_of));
  }
  QY_ASSIGN_OR_RETURN(auto result, s.community->ImportRoster(
                                       id, as_of, rows, s.clock->NowMillis()));
  return Reply{200,
               {{"snapshot_id", IdString(result.snapshot_id)},
                {"as_of", FormatRfc3339(as_of)},
                {"rows", result.rows},
                {"matched", result.matched},
                {"matched_by", MatchedByJson(result.matched_by)},
                {"unmatched", result.unmatched},
                {"review", result.review},
                {"joined", result.joined},
                {"left", result.left}}};
}

Result<Reply> Retention(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  std::string next_text = r.Query("next");
  int64_t next = 0;
  auto [p, ec] = std::from_chars(next_text.data(),
                                 next_text.data() + next_text.size(), next);
  if (next_text.empty() || ec != std::errc() ||
      p != next_text.data() + next_text.size() || next <= 0) {
    return Status::InvalidArgument(
        "query 'next' must name the next campaign's id", "next");
  }
  if (next == id) {  // Everyone would have "renewed".
    return Status::InvalidArgument(
        "query 'next' must be another campaign than the report's", "next");
  }
  QY_RETURN_IF_ERROR(s.community->GetCampaign(id).status());
  auto next_campaign = s.community->GetCampaign(next);
  if (!next_campaign.ok())
    return Status::InvalidArgument("next: campaign not found", "next");
  // A `next` that started earlier is allowed (the contract does not forbid
  // it): the report then says how many came from it. The console offers
  // only later campaigns.
  QY_ASSIGN_OR_RETURN(int offset,
                      community::UtcOffsetMinutes(next_campaign->timezone));
  int64_t next_start = community::CampaignStartMs(*next_campaign, offset);
  int64_t next_end = community::CampaignEndMs(*next_campaign, offset) - 1;
  QY_ASSIGN_OR_RETURN(int64_t as_of,
                      TimeQuery(r, "as_of", s.clock->NowMillis()));
  QY_ASSIGN_OR_RETURN(int64_t from, TimeQuery(r, "active_from", next_start));
  QY_ASSIGN_OR_RETURN(int64_t to, TimeQuery(r, "active_to", next_end));
  if (from > to) {
    return Status::InvalidArgument("active_from (" + FormatRfc3339(from) +
                                       ") is after active_to (" +
                                       FormatRfc3339(to) + ")",
                                   "active_from");
  }
  QY_ASSIGN_OR_RETURN(auto inputs,
                      s.community->LoadRetention(id, next, as_of, from, to));
  community::RetentionReport rep = community::ComputeRetention(inputs);
  return Reply{200,
               {{"base", rep.base},
                {"renewed", rep.renewed},
                {"stayed", rep.stayed},
                {"churned", rep.churned},
                {"churned_exact", rep.churned_exact},
                {"active", rep.active},
                {"renewal_rate", rep.renewal_rate},
                {"stay_rate", rep.stay_rate},
                {"churn_rate", rep.churn_rate},
                {"churn_rate_exact", rep.churn_rate_exact},
                {"active_rate", rep.active_rate},
                {"matched_by", MatchedByJson(rep.matched_by)},
                {"as_of", FormatRfc3339(as_of)},
                {"active_from", FormatRfc3339(from)},
                {"active_to", FormatRfc3339(to)}}};
}

}  // namespace qunying::server
