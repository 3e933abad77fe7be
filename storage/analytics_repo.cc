// SqliteEngagementStore: calendars, leaderboards, dwell time, dormant
// members and cohorts along a series.
#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "storage/sqlite_community_store.h"
#include "storage/sqlite_engagement_store.h"

namespace qunying::storage {

using community::Campaign;

Result<community::Calendar> SqliteEngagementStore::CalendarFor(
    int64_t member_id, int64_t campaign_id, int64_t now_ms) {
  community::Calendar cal;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Campaign camp, LoadCampaign(c, campaign_id));
    QY_ASSIGN_OR_RETURN(int offset, community::UtcOffsetMinutes(camp.timezone));
    cal.today =
        std::clamp(community::CampaignDay(camp, now_ms, offset), 0, camp.days);
    std::map<int, bool> checked;  // day -> makeup
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("SELECT day, makeup FROM checkins WHERE member_id = ?"
                  " AND campaign_id = ?"));
    st->Bind(1, member_id).Bind(2, campaign_id);
    QY_RETURN_IF_ERROR(ForEachRow(st, [&](const Statement& s) {
      checked[int(s.Int(0))] = s.Int(1) != 0;
    }));
    int makeups = 0;
    std::vector<int> days;
    for (int d = 1; d <= camp.days; ++d) {
      auto it = checked.find(d);
      cal.days.push_back({d, camp.starts_on + d - 1, it != checked.end(),
                          it != checked.end() && it->second});
      if (it != checked.end()) {
        days.push_back(d);
        makeups += it->second;
      }
    }
    cal.streak = community::Streak(days, cal.today);
    cal.makeups_left = std::max(0, community::kMaxMakeupsPerCampaign - makeups);
    return Status::Ok();
  }));
  return cal;
}

Status SqliteEngagementStore::WithTally(
    int64_t campaign_id,
    const std::function<Status(Connection&, const Campaign&,
                               const CampaignTally&)>& fn,
    bool count_enrolled) {
  auto slot = tallies_.Get(campaign_id);
  // Taken before a reader: requests waiting for a refresh hold none.
  std::lock_guard lock(slot->mu);
  return db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Campaign camp, LoadCampaign(c, campaign_id));
    QY_RETURN_IF_ERROR(slot->state.Refresh(c, campaign_id));
    if (count_enrolled) QY_RETURN_IF_ERROR(slot->state.CountEnrolled(c));
    return fn(c, camp, slot->state);
  });
}

Result<std::vector<community::LeaderboardRow>>
SqliteEngagementStore::Leaderboard(int64_t campaign_id, int limit) {
  std::vector<community::LeaderboardRow> out;
  QY_RETURN_IF_ERROR(WithTally(
      campaign_id,
      [&](Connection& c, const Campaign&, const CampaignTally& t) -> Status {
        QY_ASSIGN_OR_RETURN(
            Statement * nick,
            c.Prepare("SELECT nickname FROM members WHERE id = ?"));
        for (const auto& m : t.Top(static_cast<size_t>(std::max(0, limit)))) {
          nick->Reset();
          nick->Bind(1, m.member_id);
          QY_ASSIGN_OR_RETURN(bool row, nick->Step());
          out.push_back({m.member_id, row ? nick->Text(0) : std::string(),
                         m.checkins, m.duration_s});
        }
        return Status::Ok();
      }));
  return out;
}

Result<std::pair<int64_t, community::LeaderboardRow>>
SqliteEngagementStore::LeaderboardPlace(int64_t campaign_id,
                                        int64_t member_id) {
  std::pair<int64_t, community::LeaderboardRow> out{0, {member_id}};
  QY_RETURN_IF_ERROR(WithTally(
      campaign_id, [&](Connection&, const Campaign&, const CampaignTally& t) {
        auto [rank, m] = t.Place(member_id);
        out.first = rank;
        out.second.checkins = m.checkins;
        out.second.total_duration_s = m.duration_s;
        return Status::Ok();
      }));
  return out;
}

Result<std::vector<community::DwellDay>> SqliteEngagementStore::Dwell(
    int64_t campaign_id) {
  std::vector<community::DwellDay> out;
  auto slot = dwell_.Get(campaign_id);
  std::lock_guard lock(slot->mu);  // Before a reader, as in WithTally.
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Campaign camp, LoadCampaign(c, campaign_id));
    QY_ASSIGN_OR_RETURN(int offset, community::UtcOffsetMinutes(camp.timezone));
    QY_RETURN_IF_ERROR(slot->state.Refresh(c, camp, offset));
    out = slot->state.Days();
    return Status::Ok();
  }));
  return out;
}

Result<community::DailyCheckins> SqliteEngagementStore::CheckinsPerDay(
    int64_t campaign_id) {
  community::DailyCheckins out;
  QY_RETURN_IF_ERROR(WithTally(
      campaign_id,
      [&](Connection&, const Campaign& camp, const CampaignTally& t) {
        for (int d = 1; d <= camp.days; ++d) {
          auto it = t.days().find(d);
          const bool any = it != t.days().end();
          out.days.push_back({d, camp.starts_on + d - 1,
                              any ? it->second.on_time : 0,
                              any ? it->second.makeups : 0});
        }
        out.enrolled = t.enrolled();
        return Status::Ok();
      },
      /*count_enrolled=*/true));
  return out;
}

Result<std::vector<int64_t>> SqliteEngagementStore::WarmCampaigns(
    int64_t now_ms, size_t max) {
  std::vector<int64_t> ids;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    // Every 30 s: only campaigns near their dates (a day's slack either
    // side for the zones), not every campaign ever run; the exact test
    // below, in each one's own zone.
    const int64_t today = community::LocalDay(now_ms, 0);
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("SELECT id FROM campaigns WHERE starts_on <= ?1 + 1 AND"
                  " starts_on + days + ?2 >= ?1 - 1"
                  " ORDER BY starts_on DESC, id DESC"));
    st->Bind(1, today).Bind(2, int64_t{kWarmDaysAfterEnd});
    std::vector<int64_t> all;
    QY_RETURN_IF_ERROR(
        ForEachRow(st, [&](const Statement& s) { all.push_back(s.Int(0)); }));
    for (int64_t id : all) {
      if (ids.size() >= max) break;
      QY_ASSIGN_OR_RETURN(Campaign camp, LoadCampaign(c, id));
      auto offset = community::UtcOffsetMinutes(camp.timezone);
      if (!offset.ok()) continue;
      const int day = community::CampaignDay(camp, now_ms, *offset);
      if (day >= 1 && day <= camp.days + kWarmDaysAfterEnd) ids.push_back(id);
    }
    return Status::Ok();
  }));
  for (int64_t id : ids) {
    QY_RETURN_IF_ERROR(WithTally(
        id,
        [](Connection&, const Campaign&, const CampaignTally&) {
          return Status::Ok();
        },
        /*count_enrolled=*/true));
    QY_RETURN_IF_ERROR(Dwell(id).status());
  }
  return ids;
}

Result<std::vector<community::DwellDay>> SqliteEngagementStore::MemberDwell(
    int64_t member_id) {
  std::vector<community::DwellDay> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("SELECT (ts_ms / 1000 + 28800) / 86400 AS d, SUM(dwell_ms) "
                  "FROM events"
                  " WHERE member_id = ? GROUP BY d ORDER BY d DESC LIMIT 90"));
    st->Bind(1, member_id);
    return ForEachRow(st, [&](const Statement& s) {
      out.push_back({s.Int(0), 1, static_cast<double>(s.Int(1)) / 1000.0});
    });
  }));
  std::reverse(out.begin(), out.end());
  return out;
}

Result<std::vector<community::DormantMember>> SqliteEngagementStore::Dormant(
    int64_t group_id, int64_t now_ms, int days) {
  std::vector<community::DormantMember> out;
  int64_t cutoff = now_ms - int64_t{days} * 86400000;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_RETURN_IF_ERROR(LoadGroup(c, group_id).status());
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare(
            std::string(kGroupMembersCte) +
            ","
            " a AS (SELECT m.id AS id,"
            "  MAX(COALESCE((SELECT MAX(created_at_ms) FROM checkins WHERE "
            "member_id = m.id), 0),"
            "      COALESCE((SELECT MAX(ts_ms) FROM events WHERE member_id = "
            "m.id), 0)) AS last,"
            "  (SELECT COUNT(*) FROM checkins WHERE member_id = m.id) AS past "
            "FROM m)"
            " SELECT a.id, mb.nickname, a.last, a.past FROM a JOIN members mb"
            " ON mb.id = a.id WHERE a.last < ?2 ORDER BY a.past DESC, a.last "
            "DESC"));
    st->Bind(1, group_id).Bind(2, cutoff);
    return ForEachRow(st, [&](const Statement& s) {
      out.push_back({s.Int(0), s.Text(1), s.Int(2), s.Int(3)});
    });
  }));
  return out;
}

Result<std::vector<community::CohortRow>> SqliteEngagementStore::Cohorts(
    const std::string& series) {
  std::vector<community::CohortRow> rows;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    std::vector<int64_t> ids;
    QY_ASSIGN_OR_RETURN(Statement * st,
                        c.Prepare("SELECT id FROM campaigns WHERE series = ?"
                                  " ORDER BY starts_on, id"));
    st->Bind(1, series);
    QY_RETURN_IF_ERROR(
        ForEachRow(st, [&](const Statement& s) { ids.push_back(s.Int(0)); }));
    std::vector<std::unordered_map<int64_t, int64_t>> enrolled(
        ids.size());  // member -> at
    QY_ASSIGN_OR_RETURN(
        Statement * en,
        c.Prepare("SELECT member_id, enrolled_at_ms FROM enrollments"
                  " WHERE campaign_id = ? AND refunded_at_ms IS NULL"));
    for (size_t k = 0; k < ids.size(); ++k) {
      en->Reset();
      en->Bind(1, ids[k]);
      QY_RETURN_IF_ERROR(ForEachRow(
          en, [&](const Statement& s) { enrolled[k][s.Int(0)] = s.Int(1); }));
    }
    for (size_t k = 0; k < ids.size(); ++k) {
      community::CohortRow row;
      QY_ASSIGN_OR_RETURN(row.campaign, LoadCampaign(c, ids[k]));
      row.base = static_cast<int64_t>(enrolled[k].size());
      std::vector<double> waits;
      // Days are counted from the end of the campaign in its own zone.
      QY_ASSIGN_OR_RETURN(int offset,
                          community::UtcOffsetMinutes(row.campaign.timezone));
      int64_t end_ms = community::CampaignEndMs(row.campaign, offset);
      for (size_t j = k + 1; j < ids.size(); ++j) {
        int64_t n = 0;
        for (const auto& [member, at] : enrolled[k]) {
          auto it = enrolled[j].find(member);
          if (it == enrolled[j].end()) continue;
          ++n;
          if (j == k + 1) waits.push_back((it->second - end_ms) / 86400000.0);
        }
        row.later.push_back(n);
      }
      if (!waits.empty()) {
        std::sort(waits.begin(), waits.end());
        size_t m = waits.size() / 2;
        row.median_days_to_renew =
            waits.size() % 2 ? waits[m] : (waits[m - 1] + waits[m]) / 2;
      }
      rows.push_back(std::move(row));
    }
    return Status::Ok();
  }));
  return rows;
}

}  // namespace qunying::storage
