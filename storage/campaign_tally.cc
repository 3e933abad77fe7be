#include "storage/campaign_tally.h"

#include <algorithm>
#include <array>

namespace qunying::storage {
namespace {

// Leaderboard order: more check-ins, then more time, then a lower id.
bool Ahead(const CampaignTally::Member& a, const CampaignTally::Member& b) {
  if (a.checkins != b.checkins) return a.checkins > b.checkins;
  if (a.duration_s != b.duration_s) return a.duration_s > b.duration_s;
  return a.member_id < b.member_id;
}

}  // namespace

void CampaignTally::Reset(int64_t campaign_id, int64_t epoch) {
  campaign_id_ = campaign_id;
  epoch_ = epoch;
  high_id_ = 0;
  members_.clear();
  index_.clear();
  days_.clear();
  enrollments_epoch_ = -1;
}

// Counted again after one of the campaign's enrollments changed (its
// epoch), else the ones added since.
Status CampaignTally::CountEnrolled(Connection& c) {
  QY_ASSIGN_OR_RETURN(int64_t epoch,
                      CampaignEpoch(c, campaign_id_, "enrollments"));
  if (epoch < enrollments_epoch_) return Status::Ok();  // An older snapshot.
  QY_ASSIGN_OR_RETURN(
      int64_t max_id,
      QueryInt(c, "SELECT COALESCE(MAX(id), 0) FROM enrollments"));
  const bool again = epoch != enrollments_epoch_;
  if (!again && max_id <= high_enrollment_) return Status::Ok();
  // Afresh through the campaign's index; the ones added since by id.
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare(again ? "SELECT COUNT(*) FROM enrollments WHERE campaign_id ="
                        " ?1 AND +id <= ?3 AND refunded_at_ms IS NULL"
                      : "SELECT COUNT(*) FROM enrollments NOT INDEXED WHERE"
                        " id > ?2 AND id <= ?3 AND campaign_id = ?1 AND"
                        " refunded_at_ms IS NULL"));
  st->Bind(1, campaign_id_).Bind(2, high_enrollment_).Bind(3, max_id);
  QY_ASSIGN_OR_RETURN(bool row, st->Step());
  const int64_t n = row ? st->Int(0) : 0;
  st->Reset();
  enrolled_ = again ? n : enrolled_ + n;
  enrollments_epoch_ = epoch;
  high_enrollment_ = max_id;
  return Status::Ok();
}

void CampaignTally::Add(int64_t member_id, int64_t day, bool makeup,
                        int64_t duration_s) {
  auto [it, added] =
      index_.try_emplace(member_id, static_cast<uint32_t>(members_.size()));
  if (added) members_.push_back({member_id, 0, 0, 0, 0});
  Member& m = members_[it->second];
  ++m.checkins;
  m.duration_s += duration_s;
  if (day >= 1 && day <= kMaskedDays) {
    const uint64_t bit = uint64_t{1} << (day - 1);
    m.checked_days |= bit;
    if (!makeup) m.on_time_days |= bit;
  }
  Day& d = days_[day];
  ++(makeup ? d.makeups : d.on_time);
}

Result<bool> CampaignTally::ApplyMoves(Connection& c, int64_t changes) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT id, from_member, into_member, checkin_id"
                " FROM checkin_moves WHERE campaign_id = ? AND id > ?"
                " ORDER BY id"));
  st->Bind(1, campaign_id_).Bind(2, high_move_);
  std::vector<std::array<int64_t, 3>> moves;
  bool unread = false;  // A moved check-in the tally has not counted.
  QY_RETURN_IF_ERROR(ForEachRow(st, [&](const Statement& s) {
    moves.push_back({s.Int(0), s.Int(1), s.Int(2)});
    unread |= s.Int(3) > high_id_;
  }));
  if (unread || static_cast<int64_t>(moves.size()) != changes) return false;
  // Runs of one (from, into) pair: each must be all of `from`'s check-ins
  // (an undo that leaves some behind is not). The moved ones were all
  // counted, so as many as the tally holds of `from` are all of them.
  // Checked before any is moved.
  std::unordered_map<int64_t, int64_t> held;  // member -> check-ins, as moved.
  auto count = [&](int64_t m) {
    auto it = held.find(m);
    if (it != held.end()) return it->second;
    auto at = index_.find(m);
    return at == index_.end() ? int64_t{0} : members_[at->second].checkins;
  };
  std::vector<std::pair<int64_t, int64_t>> runs;
  for (size_t i = 0; i < moves.size();) {
    size_t j = i;
    while (j < moves.size() && moves[j][1] == moves[i][1] &&
           moves[j][2] == moves[i][2])
      ++j;
    const int64_t from = moves[i][1], into = moves[i][2];
    if (count(from) != static_cast<int64_t>(j - i)) return false;
    held[into] = count(into) + count(from);
    held[from] = 0;
    runs.push_back({from, into});
    i = j;
  }
  for (const auto& [from, into] : runs) MoveMember(from, into);
  if (!moves.empty()) high_move_ = moves.back()[0];
  return true;
}

void CampaignTally::MoveMember(int64_t from, int64_t into) {
  auto it = index_.find(from);
  if (it == index_.end()) return;
  const uint32_t at = it->second;
  Member moved = members_[at];
  index_.erase(it);
  // The last member takes the place of the one moved.
  if (at + 1 != members_.size()) {
    members_[at] = members_.back();
    index_[members_[at].member_id] = at;
  }
  members_.pop_back();
  auto [to, added] =
      index_.try_emplace(into, static_cast<uint32_t>(members_.size()));
  if (added) members_.push_back({into, 0, 0, 0, 0});
  Member& m = members_[to->second];
  m.checkins += moved.checkins;
  m.duration_s += moved.duration_s;
  m.on_time_days |= moved.on_time_days;
  m.checked_days |= moved.checked_days;
}

Status CampaignTally::Update(Connection& c, int64_t campaign_id) {
  QY_ASSIGN_OR_RETURN(int64_t epoch, CampaignEpoch(c, campaign_id, "checkins"));
  if (campaign_id == campaign_id_ && epoch < epoch_) return Status::Ok();
  bool reset = campaign_id != campaign_id_;
  if (!reset && epoch != epoch_) {
    QY_ASSIGN_OR_RETURN(bool moved, ApplyMoves(c, epoch - epoch_));
    reset = !moved;
    epoch_ = epoch;
  }
  if (reset) {
    Reset(campaign_id, epoch);
    QY_ASSIGN_OR_RETURN(
        high_move_,
        QueryInt(c, "SELECT COALESCE(MAX(id), 0) FROM checkin_moves"));
  }
  QY_ASSIGN_OR_RETURN(int64_t max_id,
                      QueryInt(c, "SELECT COALESCE(MAX(id), 0) FROM checkins"));
  if (max_id <= high_id_) return Status::Ok();
  // The first read goes through the campaign's index; later ones read the
  // rows added since, of every campaign, by id (an index on the campaign
  // would walk all of its check-ins to find the new ones).
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare(high_id_ == 0
                    ? "SELECT member_id, day, makeup, duration_s FROM checkins"
                      " WHERE campaign_id = ?1 AND +id > ?2 AND +id <= ?3"
                    : "SELECT member_id, day, makeup, duration_s FROM checkins"
                      " NOT INDEXED WHERE id > ?2 AND id <= ?3"
                      " AND campaign_id = ?1"));
  st->Bind(1, campaign_id).Bind(2, high_id_).Bind(3, max_id);
  QY_RETURN_IF_ERROR(ForEachRow(st, [&](const Statement& s) {
    Add(s.Int(0), s.Int(1), s.Int(2) != 0, s.Int(3));
  }));
  high_id_ = max_id;
  return Status::Ok();
}

std::vector<CampaignTally::Member> CampaignTally::Top(size_t n) const {
  std::vector<Member> out(std::min(n, members_.size()));
  std::partial_sort_copy(members_.begin(), members_.end(), out.begin(),
                         out.end(), Ahead);
  return out;
}

std::pair<int64_t, CampaignTally::Member> CampaignTally::Place(
    int64_t member_id) const {
  auto it = index_.find(member_id);
  if (it == index_.end()) return {0, {member_id, 0, 0, 0, 0}};
  const Member& me = members_[it->second];
  int64_t ahead = std::count_if(members_.begin(), members_.end(),
                                [&](const Member& m) { return Ahead(m, me); });
  return {ahead + 1, me};
}

Status CampaignTally::Refresh(Connection& c, int64_t campaign_id) {
  Status s = Update(c, campaign_id);
  // A read that failed half-way leaves counts that the next one would add
  // to again: start afresh then.
  if (!s.ok()) campaign_id_ = 0;
  return s;
}

}  // namespace qunying::storage
