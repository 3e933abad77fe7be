#include "storage/checkin_digest.h"

#include <algorithm>

#include "scoring/points.h"

namespace qunying::storage {

int CheckinDigest::Campaign::LongestRun(int days) const {
  int run = 0, best = 0, prev = 0;
  auto step = [&](int d) {
    run = d == prev + 1 ? run + 1 : 1;
    best = std::max(best, run);
    prev = d;
  };
  for (int d = 1; d <= std::min(days, 64); ++d) {
    if (days_low >> (d - 1) & 1) step(d);
  }
  for (uint16_t d : days_high) {
    if (d > days) break;
    step(d);
  }
  return best;
}

const CheckinDigest::Campaign* CheckinDigest::Member::Find(
    int64_t campaign_id) const {
  for (const Campaign& k : campaigns)
    if (k.campaign_id == campaign_id) return &k;
  return nullptr;
}

CheckinDigest::Campaign& CheckinDigest::Member::FindOrAdd(int64_t campaign_id) {
  for (Campaign& k : campaigns)
    if (k.campaign_id == campaign_id) return k;
  Campaign& k = campaigns.emplace_back();
  k.campaign_id = campaign_id;
  return k;
}

void CheckinDigest::Member::IntentIn(uint32_t window,
                                     std::vector<uint16_t>* out) const {
  size_t from = out->size();
  for (const auto& [phrase, ordinal] : intent) {
    if (ordinal + window > texts) out->push_back(phrase);
  }
  std::sort(out->begin() + static_cast<std::ptrdiff_t>(from), out->end());
}

void CheckinDigest::Add(int64_t member_id, int64_t campaign_id, int64_t day,
                        bool makeup, int64_t created_at_ms,
                        std::string_view text) {
  Member& m = members_.At(member_id);
  m.last_ms = std::max(m.last_ms, created_at_ms);
  Campaign* k = &m.FindOrAdd(campaign_id);
  k->checkins++;
  k->makeups += makeup;
  if (day >= 1 && day <= 64) {
    k->days_low |= uint64_t{1} << (day - 1);
  } else if (day > 64 && day <= UINT16_MAX) {
    auto at = std::lower_bound(k->days_high.begin(), k->days_high.end(), day);
    if (at == k->days_high.end() || *at != day)
      k->days_high.insert(at, static_cast<uint16_t>(day));
  }
  if (text.empty()) return;
  uint32_t ordinal = ++m.texts;
  found_.clear();
  scoring::FindIntentIn(text, phrases_, &found_);
  for (uint16_t phrase : found_) {
    auto it = std::find_if(m.intent.begin(), m.intent.end(),
                           [&](const auto& e) { return e.first == phrase; });
    if (it == m.intent.end())
      m.intent.emplace_back(phrase, ordinal);
    else
      it->second = ordinal;
  }
}

Status CheckinDigest::Update(Connection& c,
                             const std::vector<scoring::IntentPhrase>& dict) {
  QY_ASSIGN_OR_RETURN(int64_t epoch, TableEpoch(c, "checkins"));
  bool same_dict = dict.size() == phrases_.size() &&
                   std::equal(dict.begin(), dict.end(), phrases_.begin(),
                              [](const auto& a, const auto& b) {
                                return a.phrase == b.phrase;
                              });
  rebuilt_ = epoch != epoch_ || !same_dict;
  if (rebuilt_) {
    members_.Clear();
    high_id_ = 0;
    epoch_ = epoch;
    phrases_ = dict;
  }
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT id, member_id, campaign_id, day, makeup,"
                " created_at_ms, text FROM checkins WHERE id > ? ORDER BY id"));
  st->Bind(1, high_id_);
  return ForEachRow(st, [&](const Statement& s) {
    high_id_ = s.Int(0);
    Add(s.Int(1), s.Int(2), s.Int(3), s.Int(4) != 0, s.Int(5), s.TextView(6));
  });
}

}  // namespace qunying::storage

namespace qunying::storage {

void CheckinDigest::Save(StateWriter& w) const {
  w.Put<int64_t>(epoch_);
  w.Put<int64_t>(high_id_);
  w.Put<uint64_t>(phrases_.size());
  for (const auto& p : phrases_) {
    w.PutBytes(p.phrase);
    w.Put<double>(p.weight);
  }
  w.Put<uint64_t>(members_.size());
  members_.ForEach([&](int64_t id, const Member& m) {
    w.Put<int64_t>(id);
    w.Put<int64_t>(m.last_ms);
    w.Put<uint32_t>(m.texts);
    w.Put<uint64_t>(m.campaigns.size());
    for (const Campaign& k : m.campaigns) {
      w.Put<int64_t>(k.campaign_id);
      w.Put<int32_t>(k.checkins);
      w.Put<int32_t>(k.makeups);
      w.Put<uint64_t>(k.days_low);
      w.Put<uint64_t>(k.days_high.size());
      for (uint16_t d : k.days_high) w.Put<uint16_t>(d);
    }
    w.Put<uint64_t>(m.intent.size());
    for (const auto& [phrase, ordinal] : m.intent) {
      w.Put<uint16_t>(phrase);
      w.Put<uint32_t>(ordinal);
    }
  });
}

bool CheckinDigest::Load(StateReader& r) {
  members_.Clear();
  phrases_.clear();
  epoch_ = -1;
  high_id_ = 0;
  int64_t epoch = -1, high = 0;
  uint64_t n = 0;
  bool ok = r.Get(&epoch) && r.Get(&high) && r.GetCount(&n, 9);
  for (uint64_t i = 0; ok && i < n; ++i) {
    scoring::IntentPhrase& p = phrases_.emplace_back();
    ok = r.GetBytes(&p.phrase) && r.Get(&p.weight);
  }
  ok = ok && r.GetCount(&n, 28);
  for (uint64_t i = 0; ok && i < n; ++i) {
    int64_t id = 0;
    uint64_t campaigns = 0, intent = 0;
    // A member twice would merge two entries: not a file Save wrote.
    if (!r.Get(&id) || members_.Find(id)) {
      ok = false;
      break;
    }
    Member& m = members_.At(id);
    ok = r.Get(&m.last_ms) && r.Get(&m.texts) && r.GetCount(&campaigns, 32);
    for (uint64_t j = 0; ok && j < campaigns; ++j) {
      Campaign& k = m.campaigns.emplace_back();
      uint64_t high_days = 0;
      ok = r.Get(&k.campaign_id) && r.Get(&k.checkins) && r.Get(&k.makeups) &&
           r.Get(&k.days_low) && r.GetCount(&high_days, 2);
      for (uint64_t d = 0; ok && d < high_days; ++d)
        ok = r.Get(&k.days_high.emplace_back());
    }
    ok = ok && r.GetCount(&intent, 6);
    for (uint64_t j = 0; ok && j < intent; ++j) {
      auto& e = m.intent.emplace_back();
      ok = r.Get(&e.first) && r.Get(&e.second);
    }
  }
  ok = ok && r.ok() && members_.size() == n;
  if (!ok) {
    members_.Clear();
    phrases_.clear();
    return false;
  }
  epoch_ = epoch;
  high_id_ = high;
  return true;
}

}  // namespace qunying::storage
