// SqliteLeadStore::LoadFeatures: what the community knows of every
// enrolled member, in a handful of whole-table scans merged in memory
// (one query per member would not scale to a million members).
#include <algorithm>
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
  int64_t end_ms = 0;
};

struct Builder {
  std::vector<MemberFeatures> out;
  std::unordered_map<int64_t, size_t> index;
  std::vector<Latest> latest;
  std::vector<int64_t> last_active;

  MemberFeatures* Find(int64_t member) {
    auto it = index.find(member);
    return it == index.end() ? nullptr : &out[it->second];
  }
  size_t Slot(int64_t member) { return index.at(member); }
};

Status LoadEnrollments(Connection& c, int64_t now, Builder& b) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT e.member_id, k.id, k.series, k.starts_on, k.days,"
                " k.timezone, e.paid_fen FROM enrollments e JOIN campaigns k"
                " ON k.id = e.campaign_id ORDER BY e.member_id, k.starts_on,"
                " k.id"));
  return ForEachRow(st, [&](const Statement& s) {
    int64_t member = s.Int(0);
    auto [it, added] = b.index.try_emplace(member, b.out.size());
    if (added) {
      b.out.emplace_back().member_id = member;
      b.latest.emplace_back();
      b.last_active.push_back(-1);
    }
    MemberFeatures& f = b.out[it->second];
    community::Campaign k;
    k.id = s.Int(1);
    k.series = s.Text(2);
    k.starts_on = s.Int(3);
    k.days = static_cast<int>(s.Int(4));
    auto offset = community::UtcOffsetMinutes(s.Text(5));
    int off = offset.ok() ? *offset : 480;
    f.campaigns++;
    f.paid_fen += s.Int(6);
    f.series = k.series;  // Rows come oldest first: the last one stays.
    f.campaign_days =
        std::clamp(community::CampaignDay(k, now, off), 0, k.days);
    b.latest[it->second] = {
        k.id, (k.starts_on + k.days) * kDayMs - int64_t{off} * 60000};
  });
}

Status LoadCheckins(Connection& c, Builder& b) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT member_id, campaign_id, day, makeup, created_at_ms,"
                " text FROM checkins ORDER BY member_id, campaign_id, day"));
  int64_t prev_member = 0;
  int prev_day = -1, run = 0;
  return ForEachRow(st, [&](const Statement& s) {
    MemberFeatures* f = b.Find(s.Int(0));
    if (!f) return;
    size_t slot = b.Slot(f->member_id);
    b.last_active[slot] = std::max(b.last_active[slot], s.Int(4));
    std::string text = s.Text(5);
    if (!text.empty()) {
      f->texts.push_back(std::move(text));
      if (f->texts.size() > kMaxTexts) f->texts.erase(f->texts.begin());
    }
    if (s.Int(1) != b.latest[slot].campaign_id) return;
    int day = static_cast<int>(s.Int(2));
    f->checkins++;
    f->makeups += s.Int(3) != 0;
    run = (prev_member == f->member_id && day == prev_day + 1) ? run + 1 : 1;
    f->longest_streak = std::max(f->longest_streak, run);
    prev_member = f->member_id;
    prev_day = day;
  });
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
    MemberFeatures* f = b.Find(s.Int(0));
    if (!f) return;
    size_t slot = b.Slot(f->member_id);
    b.last_active[slot] = std::max(b.last_active[slot], s.Int(1));
    f->dwell_s_30d = s.Int(2) / 1000;
    f->content_reads_30d = static_cast<int>(s.Int(3));
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
