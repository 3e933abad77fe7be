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

Result<std::vector<community::LeaderboardRow>>
SqliteEngagementStore::Leaderboard(int64_t campaign_id, int limit) {
  std::vector<community::LeaderboardRow> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_RETURN_IF_ERROR(LoadCampaign(c, campaign_id).status());
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("SELECT k.member_id, m.nickname, COUNT(*), SUM(k.duration_s)"
                  " FROM checkins k JOIN members m ON m.id = k.member_id"
                  " WHERE k.campaign_id = ? GROUP BY k.member_id"
                  " ORDER BY COUNT(*) DESC, SUM(k.duration_s) DESC, "
                  "k.member_id LIMIT ?"));
    st->Bind(1, campaign_id).Bind(2, limit);
    return ForEachRow(st, [&](const Statement& s) {
      out.push_back({s.Int(0), s.Text(1), s.Int(2), s.Int(3)});
    });
  }));
  return out;
}

Result<std::pair<int64_t, community::LeaderboardRow>>
SqliteEngagementStore::LeaderboardPlace(int64_t campaign_id,
                                        int64_t member_id) {
  std::pair<int64_t, community::LeaderboardRow> out{0, {member_id}};
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    // Those ahead: more check-ins, then more time, then a lower id.
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("WITH t AS (SELECT member_id AS id, COUNT(*) AS n,"
                  " SUM(duration_s) AS d FROM checkins WHERE campaign_id = ?1"
                  " GROUP BY member_id), me AS (SELECT * FROM t WHERE id = ?2)"
                  " SELECT (SELECT COUNT(*) FROM t WHERE t.n > me.n OR"
                  " (t.n = me.n AND (t.d > me.d OR (t.d = me.d AND t.id <"
                  " me.id)))) + 1, me.n, me.d FROM me"));
    st->Bind(1, campaign_id).Bind(2, member_id);
    return ForEachRow(st, [&](const Statement& s) {
      out.first = s.Int(0);
      out.second.checkins = s.Int(1);
      out.second.total_duration_s = s.Int(2);
    });
  }));
  return out;
}

Result<std::vector<community::DwellDay>> SqliteEngagementStore::Dwell(
    int64_t campaign_id) {
  std::vector<community::DwellDay> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Campaign camp, LoadCampaign(c, campaign_id));
    QY_ASSIGN_OR_RETURN(int offset, community::UtcOffsetMinutes(camp.timezone));
    // Local day of each event, by member, over the campaign's members.
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("SELECT (v.ts_ms / 1000 + ?2) / 86400 AS d, COUNT(DISTINCT "
                  "v.member_id),"
                  " SUM(v.dwell_ms) FROM events v WHERE v.member_id IN"
                  " (SELECT member_id FROM enrollments WHERE campaign_id = ?1"
                  " AND refunded_at_ms IS NULL)"
                  " AND v.ts_ms >= ?3 GROUP BY d ORDER BY d"));
    int64_t start_ms = community::CampaignStartMs(camp, offset);
    st->Bind(1, campaign_id).Bind(2, int64_t{offset} * 60).Bind(3, start_ms);
    return ForEachRow(st, [&](const Statement& s) {
      int64_t active = s.Int(1);
      out.push_back(
          {s.Int(0), active,
           active ? static_cast<double>(s.Int(2)) / 1000.0 / active : 0});
    });
  }));
  return out;
}

Result<community::DailyCheckins> SqliteEngagementStore::CheckinsPerDay(
    int64_t campaign_id) {
  community::DailyCheckins out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(Campaign camp, LoadCampaign(c, campaign_id));
    for (int d = 1; d <= camp.days; ++d)
      out.days.push_back({d, camp.starts_on + d - 1, 0, 0});
    QY_ASSIGN_OR_RETURN(
        Statement * n,
        c.Prepare("SELECT COUNT(*) FROM enrollments WHERE campaign_id = ?"
                  " AND refunded_at_ms IS NULL"));
    n->Bind(1, campaign_id);
    QY_ASSIGN_OR_RETURN(bool row, n->Step());
    out.enrolled = row ? n->Int(0) : 0;
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("SELECT day, SUM(makeup = 0), SUM(makeup = 1) FROM checkins"
                  " WHERE campaign_id = ? GROUP BY day"));
    st->Bind(1, campaign_id);
    return ForEachRow(st, [&](const Statement& s) {
      int64_t d = s.Int(0);
      if (d < 1 || d > camp.days) return;
      out.days[d - 1].checkins = s.Int(1);
      out.days[d - 1].makeups = s.Int(2);
    });
  }));
  return out;
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
