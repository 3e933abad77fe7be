// A campaign's participants with their progress (who has not checked in
// today, to nudge them in the group) and its summary by channel and group.
#include <cstdint>
#include <limits>

#include "community/retention.h"
#include "core/time_util.h"
#include "server/api.h"
#include "server/json_body.h"

namespace qunying::server {
namespace {

Json OrNull(int64_t v) { return v ? Json(v) : Json(nullptr); }
Json IdOrNull(int64_t id) { return id ? Json(IdString(id)) : Json(nullptr); }

// As the retention report rounds rates; null with nothing to divide by.
Json Rate(int64_t part, int64_t whole) {
  return whole > 0 ? Json(community::RoundRate(part, whole)) : Json(nullptr);
}

Json ParticipantJson(const community::Participant& p, bool unmask) {
  return {{"member_id", IdString(p.member_id)},
          {"nickname", p.nickname},
          {"phone", unmask ? p.phone : MaskPhone(p.phone)},
          {"channel", p.channel},
          {"group_id", IdOrNull(p.group_id)},
          {"paid_fen", p.paid_fen},
          {"enrolled_at", FormatRfc3339(p.enrolled_at_ms)},
          {"checkins", p.checkins},
          {"makeups", p.makeups},
          {"duration_s", p.duration_s},
          {"last_day", OrNull(p.last_day)},
          {"streak", p.streak}};
}

Reply ParticipantsCsv(const std::vector<community::Participant>& rows,
                      bool unmask) {
  std::string csv =
      "\xEF\xBB\xBFmember_id,nickname,phone,channel,group_id,paid_fen,"
      "enrolled_at,checkins,makeups,duration_s,last_day,streak\n";
  for (const auto& p : rows) {
    csv += IdString(p.member_id) + "," + CsvField(p.nickname) + "," +
           CsvField(unmask ? p.phone : MaskPhone(p.phone)) + "," +
           CsvField(p.channel) + "," +
           (p.group_id ? IdString(p.group_id) : "") + "," +
           std::to_string(p.paid_fen) + "," + FormatRfc3339(p.enrolled_at_ms) +
           "," + std::to_string(p.checkins) + "," + std::to_string(p.makeups) +
           "," + std::to_string(p.duration_s) + "," +
           (p.last_day ? std::to_string(p.last_day) : "") + "," +
           std::to_string(p.streak) + "\n";
  }
  return CsvReply(std::move(csv));
}

}  // namespace

// GET /campaigns/{id}/enrollments?group_id=&channel=&missed_day=&format=
Result<Reply> CampaignParticipants(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  std::string format = r.Query("format");
  if (!format.empty() && format != "json" && format != "csv")
    return Status::InvalidArgument("format must be json or csv", "format");
  community::ParticipantQuery q;
  QY_ASSIGN_OR_RETURN(
      q.group_id,
      IntQuery(r, "group_id", 0, 1, std::numeric_limits<int64_t>::max()));
  if (r.http.has_param("channel")) q.channel = r.Query("channel");
  QY_ASSIGN_OR_RETURN(int64_t missed, IntQuery(r, "missed_day", 0, 1, 366));
  q.missed_day = static_cast<int>(missed);  // The store checks it has begun.
  QY_ASSIGN_OR_RETURN(Page page, ParsePage(r));
  const bool csv = format == "csv";
  q.limit = csv ? 0 : page.limit + 1;  // An export has every row.
  q.after_id = csv ? 0 : page.after_id;
  QY_ASSIGN_OR_RETURN(auto rows,
                      s.engagement->Participants(id, q, s.clock->NowMillis()));
  const bool unmask = r.principal.role == auth::Role::kAdmin;
  if (csv) return ParticipantsCsv(rows, unmask);
  return Reply{200, PageJson(rows, page.limit, [&](const auto& p) {
                 return ParticipantJson(p, unmask);
               })};
}

// GET /campaigns/{id}/summary
Result<Reply> CampaignSummaryReply(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(community::CampaignSummary sum,
                      s.engagement->Summary(id, s.clock->NowMillis()));
  const int days = sum.campaign.days;
  const bool running = sum.today >= 1 && sum.today <= days;
  Json channels = Json::array();
  for (const auto& c : sum.channels) {
    channels.push_back(
        {{"channel", c.channel},
         {"enrolled", c.enrolled},
         {"paid_fen", c.paid_fen},
         {"checkin_rate", Rate(c.checkins, c.enrolled * sum.completed_days)},
         {"renewed", c.renewed},
         {"renewal_rate", Rate(c.renewed, c.enrolled)}});
  }
  Json groups = Json::array();
  for (const auto& g : sum.groups) {
    groups.push_back({{"group_id", IdOrNull(g.group_id)},
                      {"name", g.name},
                      {"enrolled", g.enrolled},
                      {"checked_in_today",
                       running ? Json(g.checked_today) : Json(nullptr)}});
  }
  return Reply{
      200,
      {{"campaign", CampaignJson(sum.campaign)},
       {"state", sum.today < 1 ? "upcoming"
                 : running     ? "running"
                               : "ended"},
       {"today", running ? Json(sum.today) : Json(nullptr)},
       {"completed_days", sum.completed_days},
       {"enrolled", sum.enrolled},
       {"paid_fen", sum.paid_fen},
       {"refunded", sum.refunded},
       {"refunded_fen", sum.refunded_fen},
       {"checked_in_today", running ? Json(sum.checked_today) : Json(nullptr)},
       {"checkin_rate_today",
        running ? Rate(sum.checked_today, sum.enrolled) : Json(nullptr)},
       {"channels", channels},
       {"groups", groups}}};
}

// POST /campaigns/{id}/enrollments/{member_id}/refund {"reason"} refunds
// an enrollment; DELETE restores it (a refund entered by mistake).
Result<Reply> RefundEnrollment(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(int64_t member, r.IdParam("member_id"));
  const bool refund = r.http.method == "POST";
  std::string reason;
  if (refund) {
    QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
    QY_ASSIGN_OR_RETURN(reason, GetStringOr(body, "reason", "", 400));
    if (reason.find_first_not_of(" \t\n") == std::string::npos) {
      return Status::InvalidArgument("reason is required (e.g. 7天无理由退款)",
                                     "reason");
    }
  }
  QY_RETURN_IF_ERROR(s.community->GetCampaign(id).status());
  QY_RETURN_IF_ERROR(s.community->SetRefunded(
      id, member, refund, reason, r.principal.id, s.clock->NowMillis()));
  return Reply{200,
               {{"campaign_id", IdString(id)},
                {"member_id", IdString(member)},
                {"refunded", refund}}};
}

}  // namespace qunying::server
