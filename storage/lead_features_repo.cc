// SqliteLeadStore::LoadFeatures: what the community knows of every
// enrolled member, in a handful of whole-table scans merged in memory
// (one query per member would not scale to a million members).
#include <algorithm>
#include <tuple>
#include <unordered_map>

#include "community/campaign.h"
#include "ocr/profile.h"
#include "storage/sqlite_lead_store.h"

namespace qunying::storage {
namespace {

using scoring::MemberFeatures;
constexpr int64_t kDayMs = 86400000;
constexpr size_t kMaxTexts = 50;

struct Latest {  // The member's latest campaign.
  int64_t campaign_id = 0;
  int64_t starts_on = 0;
  int64_t end_ms = 0;
  int days = 0;
};

// What a pass needs of each campaign, worked out once per campaign rather
// than once per enrollment.
struct CampaignInfo {
  std::string series;
  int64_t starts_on = 0;
  int days = 0;
  int campaign_days = 0;  // Elapsed at `now`, within [0, days].
  int64_t end_ms = 0;
};

// Member id -> position in the output. Dense (an array indexed by id) when
// ids are compact, as SQLite's rowids are; a hash map otherwise.
class SlotIndex {
 public:
  static constexpr int64_t kMaxDense = 16'000'000;
  explicit SlotIndex(int64_t max_id = -1) {
    if (max_id >= 0 && max_id <= kMaxDense) dense_.assign(max_id + 1, -1);
  }
  int64_t Get(int64_t id) const {
    if (id >= 0 && id < static_cast<int64_t>(dense_.size())) return dense_[id];
    if (sparse_.empty()) return -1;
    auto it = sparse_.find(id);
    return it == sparse_.end() ? -1 : it->second;
  }
  void Set(int64_t id, int64_t slot) {
    if (id >= 0 && id < static_cast<int64_t>(dense_.size()))
      dense_[id] = static_cast<int32_t>(slot);
    else
      sparse_[id] = slot;
  }

 private:
  std::vector<int32_t> dense_;
  std::unordered_map<int64_t, int64_t> sparse_;
};

struct Builder {
  std::vector<MemberFeatures> out;
  SlotIndex index;
  std::vector<Latest> latest;
  std::vector<int64_t> last_active;
  // Days checked in during the latest campaign, `words` 64-bit words per
  // member (enough for the longest campaign): bit d-1 for day d.
  size_t words = 1;
  std::vector<uint64_t> day_bits;

  MemberFeatures* Find(int64_t member) {
    int64_t slot = index.Get(member);
    return slot < 0 ? nullptr : &out[slot];
  }
};

Result<std::unordered_map<int64_t, CampaignInfo>> LoadCampaigns(Connection& c,
                                                                int64_t now) {
  std::unordered_map<int64_t, CampaignInfo> out;
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT id, series, starts_on, days, timezone FROM campaigns"));
  QY_RETURN_IF_ERROR(ForEachRow(st, [&](const Statement& s) {
    community::Campaign k;
    k.id = s.Int(0);
    k.series = s.Text(1);
    k.starts_on = s.Int(2);
    k.days = static_cast<int>(s.Int(3));
    auto offset = community::UtcOffsetMinutes(s.Text(4));
    int off = offset.ok() ? *offset : 480;
    out[k.id] = {k.series, k.starts_on, k.days,
                 std::clamp(community::CampaignDay(k, now, off), 0, k.days),
                 (k.starts_on + k.days) * kDayMs - int64_t{off} * 60000};
  }));
  return out;
}

// Enrollments in table order (no sort), then members numbered in id order.
Status LoadEnrollments(Connection& c, int64_t now, Builder& b) {
  QY_ASSIGN_OR_RETURN(auto campaigns, LoadCampaigns(c, now));
  struct Row {
    int64_t member, campaign, paid;
  };
  std::vector<Row> rows;
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT member_id, campaign_id, paid_fen FROM enrollments"));
  QY_RETURN_IF_ERROR(ForEachRow(st, [&](const Statement& s) {
    rows.push_back({s.Int(0), s.Int(1), s.Int(2)});
  }));
  std::vector<int64_t> members;
  members.reserve(rows.size());
  for (const Row& r : rows) members.push_back(r.member);
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  b.out.resize(members.size());
  b.latest.resize(members.size());
  b.last_active.assign(members.size(), -1);
  int longest = 1;
  for (const auto& [id, k] : campaigns) longest = std::max(longest, k.days);
  b.words = (static_cast<size_t>(longest) + 63) / 64;
  b.day_bits.assign(members.size() * b.words, 0);
  for (size_t i = 0; i < members.size(); ++i) {
    b.out[i].member_id = members[i];
    b.index.Set(members[i], static_cast<int64_t>(i));
  }
  for (const Row& r : rows) {
    auto k = campaigns.find(r.campaign);
    if (k == campaigns.end()) continue;
    size_t slot = static_cast<size_t>(b.index.Get(r.member));
    MemberFeatures& f = b.out[slot];
    f.campaigns++;
    f.paid_fen += r.paid;
    Latest& l = b.latest[slot];
    // The latest by start date, then by id, as the member's campaign.
    if (l.campaign_id && std::tie(k->second.starts_on, r.campaign) <
                             std::tie(l.starts_on, l.campaign_id)) {
      continue;
    }
    l = {r.campaign, k->second.starts_on, k->second.end_ms, k->second.days};
    f.series = k->second.series;
    f.campaign_days = k->second.campaign_days;
  }
  return Status::Ok();
}

// The longest run of consecutive days among days 1..days set in `bits`.
int LongestRun(const uint64_t* bits, int days) {
  int run = 0, best = 0;
  for (int d = 0; d < days; ++d) {
    run = (bits[d / 64] >> (d % 64) & 1) ? run + 1 : 0;
    best = std::max(best, run);
  }
  return best;
}

// Check-ins in table order, which is the order they arrived: a sequential
// read, where ordering by member would visit the table at random.
Status LoadCheckins(Connection& c, Builder& b) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT member_id, campaign_id, day, makeup, created_at_ms,"
                " text FROM checkins"));
  QY_RETURN_IF_ERROR(ForEachRow(st, [&](const Statement& s) {
    int64_t slot = b.index.Get(s.Int(0));
    if (slot < 0) return;
    MemberFeatures& f = b.out[slot];
    b.last_active[slot] = std::max(b.last_active[slot], s.Int(4));
    std::string text = s.Text(5);
    if (!text.empty()) {
      f.texts.push_back(std::move(text));
      if (f.texts.size() > kMaxTexts) f.texts.erase(f.texts.begin());
    }
    if (s.Int(1) != b.latest[slot].campaign_id) return;
    int day = static_cast<int>(s.Int(2));
    f.checkins++;
    f.makeups += s.Int(3) != 0;
    if (day >= 1 && day <= b.latest[slot].days) {
      b.day_bits[slot * b.words + (day - 1) / 64] |= uint64_t{1}
                                                     << ((day - 1) % 64);
    }
  }));
  for (size_t i = 0; i < b.out.size(); ++i) {
    b.out[i].longest_streak =
        LongestRun(&b.day_bits[i * b.words], b.latest[i].days);
  }
  return Status::Ok();
}

Status LoadEvents(Connection& c, int64_t now, Builder& b) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT member_id, MAX(ts_ms),"
                " SUM(CASE WHEN ts_ms >= ?1 THEN dwell_ms ELSE 0 END),"
                " SUM(ts_ms >= ?1 AND type = 'content_read')"
                " FROM events GROUP BY member_id"));
  st->Bind(1, now - 30 * kDayMs);
  return ForEachRow(st, [&](const Statement& s) {
    int64_t slot = b.index.Get(s.Int(0));
    if (slot < 0) return;
    b.last_active[slot] = std::max(b.last_active[slot], s.Int(1));
    b.out[slot].dwell_s_30d = s.Int(2) / 1000;
    b.out[slot].content_reads_30d = static_cast<int>(s.Int(3));
  });
}

Status LoadFeedbackAndPhones(Connection& c, Builder& b) {
  QY_ASSIGN_OR_RETURN(Statement * fb,
                      c.Prepare("SELECT member_id, text FROM feedback"));
  QY_RETURN_IF_ERROR(ForEachRow(fb, [&](const Statement& s) {
    if (MemberFeatures* f = b.Find(s.Int(0))) f->texts.push_back(s.Text(1));
  }));
  QY_ASSIGN_OR_RETURN(
      Statement * ph,
      c.Prepare("SELECT id, phone FROM members WHERE phone IS NOT NULL"
                " AND phone != ''"));
  return ForEachRow(ph, [&](const Statement& s) {
    if (MemberFeatures* f = b.Find(s.Int(0))) f->facts["phone"] = s.Text(1);
  });
}

// Profile facts (accepted, or confident and uncontested) from OCR hints
// and operators' decisions, through the same rules as GET /members/{id}.
Status LoadFacts(Connection& c, Builder& b) {
  std::unordered_map<int64_t, std::vector<ocr::HintDecision>> decided;
  QY_ASSIGN_OR_RETURN(
      Statement * d,
      c.Prepare("SELECT member_id, field, value, decision, final_value FROM"
                " hint_reviews ORDER BY id"));
  QY_RETURN_IF_ERROR(ForEachRow(d, [&](const Statement& s) {
    decided[s.Int(0)].push_back(
        {s.Text(1), s.Text(2), s.Text(3) == "accepted", s.Text(4)});
  }));
  QY_ASSIGN_OR_RETURN(
      Statement * h,
      c.Prepare("SELECT field, value, confidence, line_no, checkin_id,"
                " member_id FROM hints ORDER BY member_id, id"));
  std::vector<ocr::StoredHint> hints;
  auto flush = [&] {
    if (hints.empty()) return;
    MemberFeatures* f = b.Find(hints[0].member_id);
    if (f) {
      for (const auto& fact :
           ocr::BuildProfile(hints, decided[hints[0].member_id])) {
        if (fact.status != ocr::FactStatus::kReview)
          f->facts.emplace(fact.field, fact.best.value);
      }
    }
    hints.clear();
  };
  QY_RETURN_IF_ERROR(ForEachRow(h, [&](const Statement& s) {
    if (!hints.empty() && hints[0].member_id != s.Int(5)) flush();
    ocr::StoredHint x;
    x.hint = {s.Text(0), s.Text(1), s.Double(2), static_cast<int>(s.Int(3))};
    x.checkin_id = s.Int(4);
    x.member_id = s.Int(5);
    hints.push_back(std::move(x));
  }));
  flush();
  return Status::Ok();
}

}  // namespace

Result<std::vector<MemberFeatures>> SqliteLeadStore::LoadFeatures(
    int64_t now_ms) {
  Builder b;
  QY_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        int64_t max_id,
        QueryInt(c, "SELECT COALESCE(MAX(id), 0) FROM members"));
    b.index = SlotIndex(max_id);
    QY_RETURN_IF_ERROR(LoadEnrollments(c, now_ms, b));
    QY_RETURN_IF_ERROR(LoadCheckins(c, b));
    QY_RETURN_IF_ERROR(LoadEvents(c, now_ms, b));
    QY_RETURN_IF_ERROR(LoadFeedbackAndPhones(c, b));
    return LoadFacts(c, b);
  }));
  // Recency on campaign-relative time: the clock stops when the member's
  // latest campaign ends, so the quiet weeks before the next one do not
  // count against them.
  for (size_t i = 0; i < b.out.size(); ++i) {
    std::reverse(b.out[i].texts.begin(), b.out[i].texts.end());
    if (b.last_active[i] < 0) continue;
    int64_t ref = std::min(now_ms, b.latest[i].end_ms);
    // Whole days: scores then move once a day, not on every pass, and an
    // unchanged lead is not rewritten (see ApplyScores).
    b.out[i].recency_days =
        std::max<int64_t>(0, ref - b.last_active[i]) / kDayMs;
  }
  return std::move(b.out);
}

}  // namespace qunying::storage
