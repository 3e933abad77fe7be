// SqliteCommunityStore: check-ins (idempotent by client_id, one per
// campaign day, limited make-ups) and mini-program events.
#include "storage/sqlite_community_store.h"
#include "storage/sqlite_ocr_job_store.h"

namespace qunying::storage {
namespace {

using community::CheckinRecord;

constexpr char kCheckinCols[] =
    "SELECT k.id, k.member_id, k.campaign_id, k.day, k.text, k.duration_s,"
    " k.client_id, k.makeup, COALESCE(k.photo_sha256, ''), k.created_at_ms,"
    " COALESCE(j.status, ''), COALESCE(r.text, ''), COALESCE(r.confidence, 0),"
    " COALESCE(j.last_error, '') FROM checkins k"
    " LEFT JOIN ocr_jobs j ON j.checkin_id = k.id"
    " LEFT JOIN ocr_results r ON r.checkin_id = k.id ";

CheckinRecord CheckinFromRow(const Statement& st) {
  CheckinRecord r;
  r.id = st.Int(0);
  r.member_id = st.Int(1);
  r.campaign_id = st.Int(2);
  r.day = static_cast<int>(st.Int(3));
  r.text = st.Text(4);
  r.duration_s = static_cast<int>(st.Int(5));
  r.client_id = st.Text(6);
  r.makeup = st.Int(7) != 0;
  r.photo_sha256 = st.Text(8);
  r.created_at_ms = st.Int(9);
  std::string job = st.Text(10);
  r.ocr_status = job.empty() ? "none" : job == "running" ? "queued" : job;
  r.ocr_text = st.Text(11);
  r.ocr_confidence = st.Double(12);
  if (r.ocr_status == "failed") r.ocr_error = st.Text(13);
  return r;
}

Result<std::optional<CheckinRecord>> FindCheckin(Connection& c,
                                                 const std::string& where,
                                                 int64_t a, int64_t b,
                                                 const std::string& text) {
  QY_ASSIGN_OR_RETURN(Statement * st, c.Prepare(kCheckinCols + where));
  st->Bind(1, a);
  if (!text.empty())
    st->Bind(2, text);
  else if (b)
    st->Bind(2, b);
  QY_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return std::optional<CheckinRecord>();
  return std::optional<CheckinRecord>(CheckinFromRow(*st));
}

// The member's checked days in the campaign: the (member, campaign, day)
// index alone answers it.
Result<std::vector<int>> CheckedDays(Connection& c, int64_t member,
                                     int64_t campaign) {
  std::vector<int> days;
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT day FROM checkins WHERE member_id = ? AND"
                " campaign_id = ?"));
  st->Bind(1, member).Bind(2, campaign);
  QY_RETURN_IF_ERROR(ForEachRow(st, [&](const Statement& s) {
    days.push_back(static_cast<int>(s.Int(0)));
  }));
  return days;
}

Result<int64_t> MakeupsUsed(Connection& c, int64_t member, int64_t campaign) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT COUNT(*) FROM checkins WHERE member_id = ? AND"
                " campaign_id = ? AND makeup = 1"));
  st->Bind(1, member).Bind(2, campaign);
  QY_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Int(0) : 0;
}

// Decides the day a new check-in counts for, or why it cannot be filed.
Result<int> DayFor(const community::Campaign& camp,
                   const community::CheckinInput& in,
                   const std::vector<int>& days, int64_t makeups) {
  QY_ASSIGN_OR_RETURN(int offset, community::UtcOffsetMinutes(camp.timezone));
  int today = community::CampaignDay(camp, in.now_ms, offset);
  if (today < 1) return Status::Conflict("the campaign has not started yet");
  if (today > camp.days + 1 || (today > camp.days && in.makeup_day == 0)) {
    return Status::Conflict("the campaign has ended");
  }
  int day = in.makeup_day ? in.makeup_day : today;
  if (in.makeup_day) {
    if (in.makeup_day >= today || in.makeup_day < 1) {
      return Status::InvalidArgument(
          "makeup_day must be an earlier day of the campaign", "makeup_day");
    }
    if (makeups >= community::kMaxMakeupsPerCampaign) {
      return Status::Conflict(
          "no make-up check-ins left for this campaign (" +
          std::to_string(community::kMaxMakeupsPerCampaign) + " allowed)");
    }
  }
  for (int d : days) {
    if (d == day) {
      return Status::Conflict("day " + std::to_string(day) +
                              " is already checked in");
    }
  }
  return day;
}

}  // namespace

// Checks, reads and the insert run in one write on the writer's connection,
// so nothing can change between check and insert. Its page cache stays warm
// (a pooled reader's is dropped whenever another commit lands, which under
// a stream of check-ins is every time), and there is no second transaction
// per check-in: bench/checkin_store_bench, run alternately against the old
// pooled-read version, gives about 1.3x the check-ins/s
// (docs/benchmarks.md).
Result<community::CheckinOutcome> SqliteCommunityStore::CreateCheckin(
    const community::CheckinInput& in) {
  community::CheckinOutcome out;
  std::vector<int> days;
  int today = 0;
  QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        auto existing,
        FindCheckin(c, "WHERE k.member_id = ? AND k.client_id = ?",
                    in.member_id, 0, in.client_id));
    QY_ASSIGN_OR_RETURN(community::Campaign camp,
                        LoadCampaign(c, in.campaign_id));
    QY_ASSIGN_OR_RETURN(days, CheckedDays(c, in.member_id, in.campaign_id));
    QY_ASSIGN_OR_RETURN(int offset, community::UtcOffsetMinutes(camp.timezone));
    today =
        std::min(community::CampaignDay(camp, in.now_ms, offset), camp.days);
    if (existing) {  // The same submission again: answer the first one.
      out.checkin = *existing;
      return Status::Ok();
    }
    QY_ASSIGN_OR_RETURN(
        Statement * enrolled,
        c.Prepare("SELECT refunded_at_ms IS NOT NULL FROM enrollments"
                  " WHERE campaign_id = ? AND member_id = ?"));
    enrolled->Bind(1, in.campaign_id).Bind(2, in.member_id);
    QY_ASSIGN_OR_RETURN(bool is_enrolled, enrolled->Step());
    if (!is_enrolled)
      return Status::PermissionDenied("you are not enrolled in this campaign");
    if (enrolled->Int(0) != 0) {
      return Status::PermissionDenied(
          "your enrollment in this campaign was refunded");
    }
    enrolled->Reset();
    int64_t makeups = 0;  // Counted only when they matter.
    if (in.makeup_day) {
      QY_ASSIGN_OR_RETURN(makeups,
                          MakeupsUsed(c, in.member_id, in.campaign_id));
    }
    QY_ASSIGN_OR_RETURN(int day, DayFor(camp, in, days, makeups));
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("INSERT INTO checkins (member_id, campaign_id, day, text,"
                  " duration_s, client_id, photo_sha256, photo_type, makeup,"
                  " created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    QY_RETURN_IF_ERROR(st->Bind(1, in.member_id)
                           .Bind(2, in.campaign_id)
                           .Bind(3, day)
                           .Bind(4, in.text)
                           .Bind(5, in.duration_s)
                           .Bind(6, in.client_id)
                           .BindOptional(7, in.photo_sha256)
                           .BindOptional(8, in.photo_type)
                           .Bind(9, in.makeup_day ? 1 : 0)
                           .Bind(10, in.now_ms)
                           .Run());
    int64_t id = c.LastInsertId();
    if (!in.photo_sha256.empty()) {
      QY_RETURN_IF_ERROR(QueueOcrJob(c, id, in.now_ms));
    }
    days.push_back(day);
    out.created = true;
    out.checkin = {id,
                   in.member_id,
                   in.campaign_id,
                   day,
                   in.text,
                   in.duration_s,
                   in.client_id,
                   in.makeup_day != 0,
                   in.photo_sha256,
                   in.photo_sha256.empty() ? "none" : "queued",
                   in.now_ms};
    return Status::Ok();
  }));
  out.streak = community::Streak(days, today);
  return out;
}

Result<CheckinRecord> SqliteCommunityStore::GetCheckin(int64_t id) {
  CheckinRecord out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(auto found,
                        FindCheckin(c, "WHERE k.id = ?", id, 0, ""));
    if (!found) return Status::NotFound("check-in not found");
    out = *found;
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<CheckinRecord>> SqliteCommunityStore::MemberCheckins(
    int64_t member_id, int limit) {
  std::vector<CheckinRecord> out;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare(std::string(kCheckinCols) +
                  "WHERE k.member_id = ? ORDER BY k.created_at_ms DESC,"
                  " k.id DESC LIMIT ?"));
    st->Bind(1, member_id).Bind(2, limit);
    return ForEachRow(
        st, [&](const Statement& s) { out.push_back(CheckinFromRow(s)); });
  }));
  return out;
}

Result<bool> SqliteCommunityStore::IsEnrolled(int64_t member_id,
                                              int64_t campaign_id) {
  bool enrolled = false;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("SELECT 1 FROM enrollments WHERE member_id = ? AND"
                  " campaign_id = ? AND refunded_at_ms IS NULL"));
    st->Bind(1, member_id).Bind(2, campaign_id);
    QY_ASSIGN_OR_RETURN(enrolled, st->Step());
    return Status::Ok();
  }));
  return enrolled;
}

Result<int64_t> SqliteCommunityStore::AddEvents(
    int64_t member_id, const std::vector<community::EventInput>& events,
    int64_t now_ms) {
  int64_t added = 0;
  QY_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    added = 0;
    QY_ASSIGN_OR_RETURN(
        Statement * st,
        c.Prepare("INSERT INTO events (member_id, type, page, dwell_ms, ts_ms,"
                  " client_id, received_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)"
                  " ON CONFLICT (member_id, client_id) DO NOTHING"));
    for (const auto& e : events) {
      st->Reset();
      QY_RETURN_IF_ERROR(st->Bind(1, member_id)
                             .Bind(2, e.type)
                             .Bind(3, e.page)
                             .Bind(4, e.dwell_ms)
                             .Bind(5, e.ts_ms)
                             .Bind(6, e.client_id)
                             .Bind(7, now_ms)
                             .Run());
      added += c.Changes();
    }
    return Status::Ok();
  }));
  return added;
}

}  // namespace qunying::storage
