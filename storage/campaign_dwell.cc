#include "storage/campaign_dwell.h"

#include <algorithm>

namespace qunying::storage {

void CampaignDwell::Reset(const community::Campaign& campaign,
                          int offset_minutes, int64_t events_epoch,
                          int64_t enrollments_epoch) {
  campaign_id_ = campaign.id;
  starts_on_ = campaign.starts_on;
  offset_s_ = offset_minutes * 60;
  start_ms_ = community::CampaignStartMs(campaign, offset_minutes);
  first_day_ = (start_ms_ / 1000 + offset_s_) / 86400;
  events_epoch_ = events_epoch;
  enrollments_epoch_ = enrollments_epoch;
  high_event_ = high_enrollment_ = 0;
  built_ = false;
  next_slot_ = 0;
  slots_.clear();
  days_.clear();
}

void CampaignDwell::Add(uint32_t slot, int64_t ts_ms, int64_t dwell_ms) {
  if (ts_ms < start_ms_) return;
  // The local day as the report's query counted it.
  const size_t i =
      static_cast<size_t>((ts_ms / 1000 + offset_s_) / 86400 - first_day_);
  if (i >= days_.size()) days_.resize(i + 1);
  Day& d = days_[i];
  d.dwell_ms += dwell_ms;
  const size_t word = slot / 64;
  if (word >= d.seen.size()) d.seen.resize(word + 1);
  const uint64_t bit = uint64_t{1} << (slot % 64);
  if (d.seen[word] & bit) return;
  d.seen[word] |= bit;
  ++d.active;
}

void CampaignDwell::Remove(uint32_t slot, int64_t ts_ms, int64_t dwell_ms) {
  if (ts_ms < start_ms_) return;
  const size_t i =
      static_cast<size_t>((ts_ms / 1000 + offset_s_) / 86400 - first_day_);
  if (i >= days_.size()) return;
  Day& d = days_[i];
  d.dwell_ms -= dwell_ms;
  const size_t word = slot / 64;
  const uint64_t bit = uint64_t{1} << (slot % 64);
  if (word >= d.seen.size() || !(d.seen[word] & bit)) return;
  d.seen[word] &= ~bit;
  --d.active;
}

Result<std::vector<int64_t>> CampaignDwell::EnrolledIn(Connection& c,
                                                       int64_t after,
                                                       int64_t upto) {
  // All of them through the campaign's index, those added since by id.
  QY_ASSIGN_OR_RETURN(
      Statement * en,
      c.Prepare(after == 0
                    ? "SELECT member_id FROM enrollments WHERE campaign_id ="
                      " ?1 AND +id > ?2 AND +id <= ?3 AND refunded_at_ms"
                      " IS NULL"
                    : "SELECT member_id FROM enrollments NOT INDEXED WHERE"
                      " id > ?2 AND id <= ?3 AND campaign_id = ?1 AND"
                      " refunded_at_ms IS NULL"));
  en->Bind(1, campaign_id_).Bind(2, after).Bind(3, upto);
  std::vector<int64_t> out;
  QY_RETURN_IF_ERROR(
      ForEachRow(en, [&](const Statement& s) { out.push_back(s.Int(0)); }));
  return out;
}

Status CampaignDwell::ReadEnrollments(Connection& c, int64_t max_enrollment,
                                      int64_t backfill_to) {
  QY_ASSIGN_OR_RETURN(std::vector<int64_t> added,
                      EnrolledIn(c, high_enrollment_, max_enrollment));
  high_enrollment_ = max_enrollment;
  return Enroll(c, added, backfill_to);
}

Status CampaignDwell::Enroll(Connection& c, const std::vector<int64_t>& added,
                             int64_t backfill_to) {
  std::vector<std::pair<int64_t, uint32_t>> fresh;
  for (int64_t member : added) {
    auto [it, inserted] = slots_.try_emplace(member, next_slot_);
    if (!inserted) continue;
    ++next_slot_;
    fresh.emplace_back(member, it->second);
  }
  if (backfill_to == 0) return Status::Ok();
  for (const auto& [member, slot] : fresh) {
    QY_RETURN_IF_ERROR(ForEachEventOf(
        c, member, backfill_to,
        [&, slot = slot](int64_t ts, int64_t d) { Add(slot, ts, d); }));
  }
  return Status::Ok();
}

Status CampaignDwell::ForEachEventOf(
    Connection& c, int64_t member, int64_t max_event,
    const std::function<void(int64_t, int64_t)>& fn) {
  QY_ASSIGN_OR_RETURN(
      Statement * ev,
      // From the member's index of (member, time, dwell) alone.
      c.Prepare("SELECT ts_ms, dwell_ms FROM events WHERE member_id = ?"
                " AND ts_ms >= ? AND id <= ?"));
  ev->Bind(1, member).Bind(2, start_ms_).Bind(3, max_event);
  return ForEachRow(ev, [&](const Statement& s) { fn(s.Int(0), s.Int(1)); });
}

Result<bool> CampaignDwell::Reenroll(Connection& c, int64_t max_enrollment) {
  QY_ASSIGN_OR_RETURN(std::vector<int64_t> now,
                      EnrolledIn(c, 0, max_enrollment));
  std::sort(now.begin(), now.end());
  std::vector<int64_t> gone, added;
  for (const auto& [member, slot] : slots_) {
    if (!std::binary_search(now.begin(), now.end(), member))
      gone.push_back(member);
  }
  for (int64_t member : now) {
    if (!slots_.count(member)) added.push_back(member);
  }
  // Many gone (an operator's mass change): a read of everything is the
  // cheaper way.
  if (gone.size() > slots_.size() / 4 + 16) return false;
  for (int64_t member : gone) {
    // A merged record's events were deleted with the merge (copied to the
    // member it joined): there is nothing left to take back.
    QY_ASSIGN_OR_RETURN(
        int64_t merged,
        QueryInt(c,
                 "SELECT COUNT(*) FROM members WHERE id = ? AND merged_into"
                 " IS NOT NULL",
                 member, true));
    if (merged) return false;
  }
  for (int64_t member : gone) {
    QY_RETURN_IF_ERROR(
        ForEachEventOf(c, member, high_event_,
                       [&, slot = slots_[member]](int64_t ts, int64_t d) {
                         Remove(slot, ts, d);
                       }));
    slots_.erase(member);
  }
  high_enrollment_ = max_enrollment;
  QY_RETURN_IF_ERROR(Enroll(c, added, high_event_));
  return true;
}

Status CampaignDwell::ReadEvents(Connection& c, int64_t max_event) {
  QY_ASSIGN_OR_RETURN(Statement * st,
                      c.Prepare("SELECT member_id, ts_ms, dwell_ms FROM events"
                                " WHERE id > ? AND id <= ?"));
  st->Bind(1, high_event_).Bind(2, max_event);
  return ForEachRow(st, [&](const Statement& s) {
    auto it = slots_.find(s.Int(0));
    if (it != slots_.end()) Add(it->second, s.Int(1), s.Int(2));
  });
}

Status CampaignDwell::Update(Connection& c, const community::Campaign& campaign,
                             int offset_minutes) {
  QY_ASSIGN_OR_RETURN(int64_t events_epoch, TableEpoch(c, "events"));
  QY_ASSIGN_OR_RETURN(int64_t enrollments_epoch,
                      CampaignEpoch(c, campaign.id, "enrollments"));
  const bool same_campaign = campaign.id == campaign_id_ &&
                             campaign.starts_on == starts_on_ &&
                             offset_minutes * 60 == offset_s_;
  if (same_campaign && (events_epoch < events_epoch_ ||
                        enrollments_epoch < enrollments_epoch_)) {
    return Status::Ok();  // An older snapshot than the report's.
  }
  QY_ASSIGN_OR_RETURN(int64_t max_event,
                      QueryInt(c, "SELECT COALESCE(MAX(id), 0) FROM events"));
  QY_ASSIGN_OR_RETURN(
      int64_t max_enrollment,
      QueryInt(c, "SELECT COALESCE(MAX(id), 0) FROM enrollments"));
  bool reset = !same_campaign || events_epoch != events_epoch_ || !built_;
  if (!reset && enrollments_epoch != enrollments_epoch_) {
    // A refund (or its undo, or a merge) in the campaign: its members'
    // events are taken out or read, rather than everyone's again.
    QY_ASSIGN_OR_RETURN(bool kept, Reenroll(c, max_enrollment));
    reset = !kept;
    enrollments_epoch_ = enrollments_epoch;
  }
  if (reset) Reset(campaign, offset_minutes, events_epoch, enrollments_epoch);
  // Afresh, every member's events are read through their index; after
  // that, a member enrolled since has theirs read up to what the others
  // have, and the new events of all come by id below.
  if (!built_) {
    QY_RETURN_IF_ERROR(ReadEnrollments(c, max_enrollment, max_event));
    built_ = true;
  } else {
    if (max_enrollment > high_enrollment_)
      QY_RETURN_IF_ERROR(ReadEnrollments(c, max_enrollment, high_event_));
    if (max_event > high_event_) QY_RETURN_IF_ERROR(ReadEvents(c, max_event));
  }
  high_event_ = max_event;
  return Status::Ok();
}

std::vector<community::DwellDay> CampaignDwell::Days() const {
  std::vector<community::DwellDay> out;
  for (size_t i = 0; i < days_.size(); ++i) {
    const Day& d = days_[i];
    if (d.active == 0) continue;
    out.push_back({first_day_ + static_cast<int64_t>(i), d.active,
                   static_cast<double>(d.dwell_ms) / 1000.0 / d.active});
  }
  return out;
}

Status CampaignDwell::Refresh(Connection& c,
                              const community::Campaign& campaign,
                              int offset_minutes) {
  Status s = Update(c, campaign, offset_minutes);
  // A read that failed half-way leaves counts that the next one would add
  // to again: start afresh then.
  if (!s.ok()) campaign_id_ = 0;
  return s;
}

}  // namespace qunying::storage
