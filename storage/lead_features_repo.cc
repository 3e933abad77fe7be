// SqliteLeadStore::LoadFeatures: what the community knows of every
// enrolled member, in a handful of whole-table scans merged in memory
// (one query per member would not scale to a million members), and the
// check-ins from a digest kept between passes (storage/checkin_digest.h).
#include <algorithm>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "community/campaign.h"
#include "ocr/profile.h"
#include "scoring/points.h"
#include "storage/lead_load_scratch.h"

namespace qunying::storage {
namespace {

using scoring::MemberFeatures;
constexpr int64_t kDayMs = 86400000;
constexpr size_t kMaxTexts = 50;

using lead_load::EnrollmentRow;
using lead_load::Latest;

// What a pass needs of each campaign, worked out once per campaign rather
// than once per enrollment.
struct CampaignInfo {
  std::string series;
  int64_t starts_on = 0;
  int days = 0;
  int campaign_days = 0;  // Elapsed at `now`, within [0, days].
  int64_t end_ms = 0;
};

using Builder = SqliteLeadStore::LoadScratch;

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
                 community::CampaignEndMs(k, off)};
  }));
  return out;
}

// Brings b.rows up to date: the enrollments added since the last pass, or
// all of them again after a change or delete. Reading 1.5M rows took
// about 150 ms of every pass (docs/benchmarks.md).
Status ReadEnrollments(Connection& c, Builder& b) {
  QY_ASSIGN_OR_RETURN(int64_t epoch, TableEpoch(c, "enrollments"));
  b.rows_reread = epoch != b.rows_epoch;
  if (b.rows_reread) {
    b.rows.clear();
    b.rows_high_id = 0;
    b.rows_epoch = epoch;
  }
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT id, member_id, campaign_id, paid_fen FROM enrollments"
                " WHERE id > ? AND refunded_at_ms IS NULL ORDER BY id"));
  st->Bind(1, b.rows_high_id);
  return ForEachRow(st, [&](const Statement& s) {
    b.rows_high_id = s.Int(0);
    b.rows.push_back({s.Int(1), s.Int(2), s.Int(3)});
  });
}

// `f` as a fresh MemberFeatures for `member`, with the intent to be
// indexed, keeping what its containers had allocated.
void ResetFeatures(int64_t member, MemberFeatures* f) {
  auto series = std::move(f->series);
  auto facts = std::move(f->facts);
  auto texts = std::move(f->texts);
  auto found = std::move(f->intent_found);
  *f = MemberFeatures();
  series.clear(), facts.clear(), texts.clear(), found.clear();
  f->series = std::move(series);
  f->facts = std::move(facts);
  f->texts = std::move(texts);
  f->intent_found = std::move(found);
  f->member_id = member;
  f->intent_indexed = true;
}

// Enrollments in table order (no sort), then members numbered in id order.
// The members' features are filled afterwards, by slot range (FillRange).
Status NumberMembers(Connection& c, int64_t now, Builder& b,
                     std::unordered_map<int64_t, CampaignInfo>* campaigns) {
  QY_ASSIGN_OR_RETURN(*campaigns, LoadCampaigns(c, now));
  QY_RETURN_IF_ERROR(ReadEnrollments(c, b));
  b.ids.clear();
  for (const EnrollmentRow& r : b.rows) b.ids.push_back(r.member);
  b.index.Number(b.ids, &b.members);
  b.out->resize(b.members.size());
  b.latest.resize(b.members.size());
  b.last_active.resize(b.members.size());
  return Status::Ok();
}

// Members in slots [lo, hi) of b.out: fresh features with the enrollment
// fields, each member's latest campaign and no activity yet.
void EnrollRange(Builder& b,
                 const std::unordered_map<int64_t, CampaignInfo>& campaigns,
                 size_t lo, size_t hi) {
  auto& out = *b.out;
  // Reset in place: the array's pages are already there, and so are
  // the members' own allocations where a cleared container keeps them.
  for (size_t i = lo; i < hi; ++i) ResetFeatures(b.members[i], &out[i]);
  std::fill(b.latest.begin() + lo, b.latest.begin() + hi, Latest{});
  std::fill(b.last_active.begin() + lo, b.last_active.begin() + hi, -1);
  for (const EnrollmentRow& r : b.rows) {
    size_t slot = static_cast<size_t>(b.index.Get(r.member));
    if (slot < lo || slot >= hi) continue;
    auto k = campaigns.find(r.campaign);
    if (k == campaigns.end()) continue;
    MemberFeatures& f = out[slot];
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
}

// The check-in features of member `i`, from the digest: count, make-ups
// and longest streak in their latest campaign, last check-in, and the
// intent phrases in their last kMaxTexts texts.
void FillFromDigest(Builder& b, size_t i) {
  MemberFeatures& f = (*b.out)[i];
  const CheckinDigest::Member* m = b.digest.Find(f.member_id);
  if (!m) return;
  b.last_active[i] = m->last_ms;
  m->IntentIn(kMaxTexts, &f.intent_found);
  const Latest& l = b.latest[i];
  const CheckinDigest::Campaign* k = m->Find(l.campaign_id);
  if (!k) return;
  f.checkins = k->checkins;
  f.makeups = k->makeups;
  f.longest_streak = k->LongestRun(l.days);
}

// Member `i`'s dwell and content reads over the last 30 days, and latest
// event, from the event digest.
void FillFromEvents(Builder& b, size_t i) {
  MemberFeatures& f = (*b.out)[i];
  const EventDigest::Member* m = b.events.Find(f.member_id);
  f.dwell_s_30d = m ? m->dwell_ms / 1000 : 0;
  f.content_reads_30d = m ? static_cast<int>(m->reads) : 0;
  if (m) b.last_active[i] = std::max(b.last_active[i], m->last_ms);
}

// Member `i`'s profile facts (accepted, or confident and uncontested) from
// OCR hints and operators' decisions, through the same rules as
// GET /members/{id}, from the facts digest; after the member's own phone.
void FillFromFacts(Builder& b, size_t i) {
  MemberFeatures& f = (*b.out)[i];
  const FactsDigest::Facts* facts = b.facts.Find(f.member_id);
  if (!facts) return;
  for (const auto& [field, value] : *facts) f.facts.emplace(field, value);
}

// Every feature of the members in slots [lo, hi) but feedback's intent.
void FillRange(Builder& b,
               const std::unordered_map<int64_t, CampaignInfo>& campaigns,
               int64_t now, size_t lo, size_t hi) {
  EnrollRange(b, campaigns, lo, hi);
  for (const auto& [id, phone] : b.phones) {
    int64_t slot = b.index.Get(id);
    if (slot < 0 || static_cast<size_t>(slot) < lo ||
        static_cast<size_t>(slot) >= hi) {
      continue;
    }
    (*b.out)[slot].facts["phone"] = phone;
  }
  for (size_t i = lo; i < hi; ++i) {
    FillFromFacts(b, i);  // After the phone: a member's own comes first.
    FillFromDigest(b, i);
    FillFromEvents(b, i);
    if (b.last_active[i] < 0) continue;
    // Recency on campaign-relative time: the clock stops when the member's
    // latest campaign ends, so the quiet weeks before the next one do not
    // count against them. Whole days: scores then move once a day, not on
    // every pass, and an unchanged lead is not rewritten (ApplyScores).
    int64_t ref = std::min(now, b.latest[i].end_ms);
    (*b.out)[i].recency_days =
        std::max<int64_t>(0, ref - b.last_active[i]) / kDayMs;
  }
}

// Feedback counts for intent whatever its age, besides the texts of the
// check-ins (kept in the digest).
Status LoadFeedback(Connection& c,
                    const std::vector<scoring::IntentPhrase>& dict,
                    Builder& b) {
  QY_ASSIGN_OR_RETURN(Statement * fb,
                      c.Prepare("SELECT member_id, text FROM feedback"));
  std::vector<size_t> touched;
  QY_RETURN_IF_ERROR(ForEachRow(fb, [&](const Statement& s) {
    int64_t slot = b.index.Get(s.Int(0));
    if (slot < 0) return;
    scoring::FindIntentIn(s.TextView(1), dict, &(*b.out)[slot].intent_found);
    touched.push_back(static_cast<size_t>(slot));
  }));
  for (size_t slot : touched) {
    auto& found = (*b.out)[slot].intent_found;
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
  }
  return Status::Ok();
}

// Every member's phone, into b.phones (applied by FillRange).
Status ReadPhones(Connection& c, Builder& b) {
  b.phones.clear();
  QY_ASSIGN_OR_RETURN(
      Statement * ph,
      // The same members as "IS NOT NULL AND != ''", but as a range of
      // the phone index alone: 21 ms against 47-61 ms in sqlite3 for
      // 333,333 phones among 1M members (docs/benchmarks.md).
      c.Prepare("SELECT id, phone FROM members WHERE phone > ''"));
  return ForEachRow(ph, [&](const Statement& s) {
    b.phones.emplace_back(s.Int(0), s.TextView(1));
  });
}

}  // namespace

SqliteLeadStore::SqliteLeadStore(Database* db, SqliteLeadStoreOptions options)
    : db_(db), options_(options), scratch_(std::make_unique<LoadScratch>()) {}

SqliteLeadStore::~SqliteLeadStore() = default;

bool SqliteLeadStore::digest_rebuilt() const {
  std::lock_guard lock(load_mu_);
  return scratch_->digest.rebuilt();
}

bool SqliteLeadStore::event_digest_rebuilt() const {
  std::lock_guard lock(load_mu_);
  return scratch_->events.rebuilt();
}

bool SqliteLeadStore::enrollments_reread() const {
  std::lock_guard lock(load_mu_);
  return scratch_->rows_reread;
}

size_t SqliteLeadStore::facts_members_rebuilt() const {
  std::lock_guard lock(load_mu_);
  return scratch_->facts.members_rebuilt();
}

Status SqliteLeadStore::LoadFeatures(
    int64_t now_ms, const std::vector<scoring::IntentPhrase>& intent,
    std::vector<MemberFeatures>* out) {
  std::lock_guard lock(load_mu_);
  Builder& b = *scratch_;
  if (!b.restore_tried) RestoreState();
  b.out = out;
  // The check-in and event digests are brought up to date meanwhile, each
  // on a thread and read connection of its own: when they are built afresh
  // (the first pass after a start) they read 5M check-ins and 6.7M events,
  // which took 3.0 and 1.6 s one after the other on a second thread while
  // this one read enrollments and facts in 2.4 s (docs/benchmarks.md). The
  // phones, on a fourth, took as long as the enrollments (~60 ms for 333,000
  // among 1M members). The threads touch disjoint parts of `b`.
  Status checkins, events, phones;
  std::thread checkins_thread([&] {
    checkins = db_->Read(
        [&](Connection& c) -> Status { return b.digest.Update(c, intent); });
  });
  std::thread events_thread([&] {
    events = db_->Read([&](Connection& c) -> Status {
      return b.events.Update(c, now_ms - 30 * kDayMs);
    });
  });
  std::thread phones_thread([&] {
    phones = db_->Read([&](Connection& c) { return ReadPhones(c, b); });
  });
  std::unordered_map<int64_t, CampaignInfo> campaigns;
  Status own = db_->Read([&](Connection& c) -> Status {
    QY_ASSIGN_OR_RETURN(
        int64_t max_id,
        QueryInt(c, "SELECT COALESCE(MAX(id), 0) FROM members"));
    b.index.Reset(max_id);
    QY_RETURN_IF_ERROR(NumberMembers(c, now_ms, b, &campaigns));
    return b.facts.Update(c);
  });
  checkins_thread.join();
  events_thread.join();
  phones_thread.join();
  QY_RETURN_IF_ERROR(own);
  QY_RETURN_IF_ERROR(checkins);
  QY_RETURN_IF_ERROR(events);
  QY_RETURN_IF_ERROR(phones);
  // Every member's features but feedback's, in two halves at once: one
  // after the other they took ~100 ms of a pass without news
  // (docs/benchmarks.md). What the first half's facts allocate (a member's
  // first facts, long values) comes from this thread's malloc arena, where
  // the last pass freed its own.
  const size_t n = out->size(), mid = n / 2;
  std::thread upper([&] { FillRange(b, campaigns, now_ms, mid, n); });
  FillRange(b, campaigns, now_ms, 0, mid);
  upper.join();
  // After the digest's phrases: it sorts and dedupes the members' lists.
  QY_RETURN_IF_ERROR(
      db_->Read([&](Connection& c) { return LoadFeedback(c, intent, b); }));
  b.loaded = true;
  return Status::Ok();
}

}  // namespace qunying::storage
