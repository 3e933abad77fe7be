// SqliteEngagementStore: a campaign's participants with their progress, and
// its summary by channel and group — what an operator works from during a
// campaign (who has not checked in today, which channel's members keep at
// it and renew).
#include <algorithm>
#include <bit>
#include <string>
#include <unordered_map>

#include "storage/sqlite_community_store.h"
#include "storage/sqlite_engagement_store.h"

namespace qunying::storage {
namespace {

using community::Campaign;

// Fills the check-in figures of `p` from its rows in the campaign.
Status AddProgress(Connection& c, int64_t campaign_id, int today,
                   community::Participant* p) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT day, makeup, duration_s FROM checkins"
                " WHERE member_id = ? AND campaign_id = ? ORDER BY day"));
  st->Bind(1, p->member_id).Bind(2, campaign_id);
  std::vector<int> days;
  QY_RETURN_IF_ERROR(ForEachRow(st, [&](const Statement& s) {
    days.push_back(static_cast<int>(s.Int(0)));
    (s.Int(1) ? p->makeups : p->checkins) += 1;
    p->duration_s += s.Int(2);
  }));
  p->last_day = days.empty() ? 0 : days.back();
  p->streak = community::Streak(days, today);
  return Status::Ok();
}

// The campaign day now, as calendars clamp it (0 … days).
Result<int> CalendarToday(const Campaign& camp, int64_t now_ms) {
  QY_ASSIGN_OR_RETURN(int offset, community::UtcOffsetMinutes(camp.timezone));
  return std::clamp(community::CampaignDay(camp, now_ms, offset), 0, camp.days);
}

// Fills a CampaignSummary (its campaign, today and completed days set)
// from the campaign's rows. Not thread-safe; one per request.
class SummaryBuilder {
 public:
  explicit SummaryBuilder(community::CampaignSummary* out)
      : out_(*out),
        running_(out->today >= 1 && out->today <= out->campaign.days) {}

  // Enrolled, paid and refunded, per channel and group.
  Status ReadEnrollments(Connection& c) {
    QY_ASSIGN_OR_RETURN(
        Statement * en,
        c.Prepare("SELECT member_id, channel, COALESCE(group_id, 0), paid_fen,"
                  " refunded_at_ms IS NOT NULL FROM enrollments"
                  " WHERE campaign_id = ?"));
    en->Bind(1, out_.campaign.id);
    return ForEachRow(en, [&](const Statement& s) {
      if (s.Int(4)) {  // Kept apart: counted nowhere else.
        out_.refunded += 1, out_.refunded_fen += s.Int(3);
        return;
      }
      auto [ch, new_channel] =
          channel_at_.try_emplace(s.Text(1), out_.channels.size());
      if (new_channel) out_.channels.push_back({s.Text(1)});
      auto [gr, new_group] =
          group_at_.try_emplace(s.Int(2), out_.groups.size());
      if (new_group) out_.groups.push_back({s.Int(2)});
      members_[s.Int(0)] = {ch->second, gr->second};
      out_.channels[ch->second].enrolled += 1;
      out_.channels[ch->second].paid_fen += s.Int(3);
      out_.groups[gr->second].enrolled += 1;
      out_.enrolled += 1, out_.paid_fen += s.Int(3);
    });
  }

  // Each enrolled member's on-time check-ins on the completed days and
  // whether they checked in today, from the tally's day bits (campaigns of
  // up to CampaignTally::kMaskedDays days).
  Status CountCheckins(const CampaignTally& tally) {
    const int done_days = out_.completed_days;
    const uint64_t done =
        done_days >= 64 ? ~uint64_t{0} : (uint64_t{1} << done_days) - 1;
    const uint64_t today =
        running_ ? uint64_t{1} << (out_.today - 1) : uint64_t{0};
    for (const CampaignTally::Member& m : tally.members()) {
      auto it = members_.find(m.member_id);
      if (it == members_.end()) continue;
      Count(it->second, std::popcount(m.on_time_days & done),
            (m.checked_days & today) != 0);
    }
    return Status::Ok();
  }

  // The same from the campaign's check-ins, for longer campaigns.
  Status ReadCheckins(Connection& c) {
    QY_ASSIGN_OR_RETURN(Statement * ck,
                        c.Prepare("SELECT member_id, day, makeup FROM checkins"
                                  " WHERE campaign_id = ?"));
    ck->Bind(1, out_.campaign.id);
    return ForEachRow(ck, [&](const Statement& s) {
      auto it = members_.find(s.Int(0));
      if (it == members_.end()) return;
      const int64_t day = s.Int(1);
      Count(it->second, s.Int(2) == 0 && day <= out_.completed_days,
            day == out_.today);
    });
  }

  // Members enrolled later in the series, as the cohort matrix orders
  // campaigns.
  Status ReadRenewals(Connection& c) {
    const Campaign& camp = out_.campaign;
    QY_ASSIGN_OR_RETURN(
        Statement * later,
        c.Prepare(
            "SELECT DISTINCT n.member_id FROM enrollments n JOIN"
            " campaigns l ON l.id = n.campaign_id WHERE l.series = ?1"
            " AND n.refunded_at_ms IS NULL"
            " AND (l.starts_on > ?2 OR (l.starts_on = ?2 AND l.id > ?3))"));
    later->Bind(1, camp.series).Bind(2, camp.starts_on).Bind(3, camp.id);
    return ForEachRow(later, [&](const Statement& s) {
      auto it = members_.find(s.Int(0));
      if (it != members_.end()) out_.channels[it->second.channel].renewed += 1;
    });
  }

  Status NameGroups(Connection& c) {
    QY_ASSIGN_OR_RETURN(Statement * name,
                        c.Prepare("SELECT name FROM chat_groups WHERE id = ?"));
    for (auto& g : out_.groups) {
      if (!g.group_id) continue;
      name->Reset();
      name->Bind(1, g.group_id);
      QY_ASSIGN_OR_RETURN(bool found, name->Step());
      if (found) g.name = name->Text(0);
    }
    return Status::Ok();
  }

 private:
  struct Slot {
    size_t channel, group;
  };

  // One enrolled member's check-ins (one a day at most).
  void Count(const Slot& m, int on_time, bool today) {
    out_.channels[m.channel].checkins += on_time;
    if (running_ && today) {
      out_.groups[m.group].checked_today += 1;
      out_.checked_today += 1;
    }
  }

  community::CampaignSummary& out_;
  const bool running_;
  std::unordered_map<int64_t, Slot> members_;
  std::unordered_map<std::string, size_t> channel_at_;
  std::unordered_map<int64_t, size_t> group_at_;
};

}  // namespace

Result<std::vector<community::Participant>> SqliteEngagementStore::Participants(
    int64_t campaign_id, const community::ParticipantQuery& q, int64_t now_ms) {
  std::vector<community::Participant> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Campaign camp, LoadCampaign(c, campaign_id));
    QY_ASSIGN_OR_RETURN(int today, CalendarToday(camp, now_ms));
    // A day not yet begun is missed by everyone: no list to act on.
    if (q.missed_day > today) {
      return Status::InvalidArgument(
          "missed_day must be a day of the campaign up to today (1–" +
              std::to_string(today) + ")",
          "missed_day");
    }
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("SELECT e.id, e.member_id, m.nickname, COALESCE(m.phone,"
                  " ''), e.channel, COALESCE(e.group_id, 0), e.paid_fen,"
                  " e.enrolled_at_ms FROM enrollments e JOIN members m"
                  " ON m.id = e.member_id WHERE e.campaign_id = ?1"
                  " AND e.refunded_at_ms IS NULL AND e.id > ?2 AND (?3 = 0 OR "
                  "e.group_id = ?3)"
                  " AND (?4 IS NULL OR e.channel = ?4) AND (?5 = 0 OR NOT"
                  " EXISTS (SELECT 1 FROM checkins k WHERE k.member_id ="
                  " e.member_id AND k.campaign_id = ?1 AND k.day = ?5))"
                  " ORDER BY e.id LIMIT ?6"));
    st->Bind(1, campaign_id).Bind(2, q.after_id).Bind(3, q.group_id);
    if (q.channel)
      st->Bind(4, *q.channel);
    else
      st->BindNull(4);
    st->Bind(5, int64_t{q.missed_day}).Bind(6, q.limit > 0 ? q.limit : -1);
    QY_RETURN_IF_ERROR(ForEachRow(st, [&](const Statement& s) {
      community::Participant p;
      p.id = s.Int(0), p.member_id = s.Int(1);
      p.nickname = s.Text(2), p.phone = s.Text(3), p.channel = s.Text(4);
      p.group_id = s.Int(5), p.paid_fen = s.Int(6);
      p.enrolled_at_ms = s.Int(7);
      out.push_back(std::move(p));
    }));
    for (auto& p : out)
      QY_RETURN_IF_ERROR(AddProgress(c, campaign_id, today, &p));
    return Status::Ok();
  }));
  return out;
}

// One pass over the campaign's enrollments and one over later enrollments
// in the series, summed per channel and group here, with the check-ins
// from the campaign's kept tally (0.30 s on the last day of a 100,000-member
// campaign when they were read on every request; docs/benchmarks.md).
Result<community::CampaignSummary> SqliteEngagementStore::Summary(
    int64_t campaign_id, int64_t now_ms) {
  community::CampaignSummary out;
  QY_RETURN_IF_ERROR(
      WithTally(campaign_id,
                [&](Connection& c, const Campaign& camp,
                    const CampaignTally& tally) -> Status {
                  out.campaign = camp;
                  QY_ASSIGN_OR_RETURN(
                      int offset, community::UtcOffsetMinutes(camp.timezone));
                  out.today = community::CampaignDay(camp, now_ms, offset);
                  out.completed_days = std::clamp(out.today - 1, 0, camp.days);
                  SummaryBuilder b(&out);
                  QY_RETURN_IF_ERROR(b.ReadEnrollments(c));
                  QY_RETURN_IF_ERROR(camp.days <= CampaignTally::kMaskedDays
                                         ? b.CountCheckins(tally)
                                         : b.ReadCheckins(c));
                  QY_RETURN_IF_ERROR(b.ReadRenewals(c));
                  return b.NameGroups(c);
                }));
  std::sort(out.channels.begin(), out.channels.end(),
            [](const auto& a, const auto& b) {
              return a.enrolled != b.enrolled ? a.enrolled > b.enrolled
                                              : a.channel < b.channel;
            });
  std::sort(out.groups.begin(), out.groups.end(),
            [](const auto& a, const auto& b) {
              return a.enrolled != b.enrolled ? a.enrolled > b.enrolled
                                              : a.group_id < b.group_id;
            });
  return out;
}

}  // namespace qunying::storage
