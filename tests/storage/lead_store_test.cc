// SqliteLeadStore and LeadEngine on a real database: features from the
// community tables, leads from scores, freezing at contact, models kept.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <random>
#include <set>

#include "community/campaign.h"
#include "scoring/inputs_predictor.h"
#include "scoring/lead_engine.h"
#include "scoring/open_lead_predictions.h"
#include "scoring/points.h"
#include "scoring/synthetic.h"
#include "storage/migrations.h"
#include "storage/sqlite_identity_admin_store.h"
#include "storage/sqlite_lead_store.h"
#include "storage/sqlite_ocr_job_store.h"
#include "tests/storage/test_db.h"

namespace qunying::storage {
namespace {

constexpr int64_t kDay = 86400000;
// 2027-01-15T04:00:00Z, noon in Shanghai.
constexpr int64_t kNow = 1'800'000'000'000 / kDay * kDay + 4 * 3600 * 1000;

class LeadStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenTestDb(dir_.File("leads.db"));
    ASSERT_NE(db_, nullptr);
    store_ = std::make_unique<SqliteLeadStore>(db_.get());
    engine_ = std::make_unique<scoring::LeadEngine>(
        store_.get(), &clock_, scoring::LeadEngineOptions{});
    auto rules = scoring::ScoringRules::Defaults();
    rules.lead_threshold = 10;  // Member B's one check-in makes a lead.
    engine_->SetRules(rules);
    today_ = community::LocalDay(kNow, 480);
    // c1 ended 19 days ago; c2 started 5 days ago (today is its day 6).
    Exec(
        "INSERT INTO campaigns (id, name, theme, series, starts_on, days,"
        " created_at_ms) VALUES (1, '第1期', '阅读', '阅读', " +
        std::to_string(today_ - 40) +
        ", 21, 0), (2, '第2期', '阅读', '阅读', " + std::to_string(today_ - 5) +
        ", 21, 0)");
    Exec(
        "INSERT INTO members (id, openid, nickname, phone, created_at_ms,"
        " updated_at_ms) VALUES (1, 'a', 'A', NULL, 0, 0),"
        " (2, 'b', 'B', '13812345678', 0, 0)");
    Exec(
        "INSERT INTO enrollments (campaign_id, member_id, paid_fen,"
        " enrolled_at_ms) VALUES (1, 1, 9900, 0), (1, 2, 9900, 0),"
        " (2, 2, 19900, 0)");
  }

  // Enrolls `member` (a new member first, when `add_member`) in
  // `campaign`, paying `paid_fen`.
  void Enroll(int64_t member, int campaign, int64_t paid_fen,
              bool add_member = false) {
    std::string m = std::to_string(member);
    if (add_member) {
      Exec(
          "INSERT INTO members (id, openid, nickname, created_at_ms,"
          " updated_at_ms) VALUES (" +
          m + ", 'o" + m + "', 'N" + m + "', 0, 0)");
    }
    Exec(
        "INSERT INTO enrollments (campaign_id, member_id, paid_fen,"
        " enrolled_at_ms) VALUES (" +
        std::to_string(campaign) + ", " + m + ", " + std::to_string(paid_fen) +
        ", 0)");
  }

  void Exec(const std::string& sql) {
    ASSERT_TRUE(db_->Write([&](Connection& c) { return c.Exec(sql); }).ok())
        << sql;
  }
  // A check-in of `member` on campaign day `day`, made at that day's noon.
  void Checkin(int id, int member, int campaign, int day, bool makeup = false,
               const std::string& text = "") {
    int64_t start = campaign == 1 ? today_ - 40 : today_ - 5;
    int64_t at = (start + day - 1) * kDay + 4 * 3600 * 1000;
    Exec(
        "INSERT INTO checkins (id, member_id, campaign_id, day, text,"
        " client_id, makeup, created_at_ms) VALUES (" +
        std::to_string(id) + ", " + std::to_string(member) + ", " +
        std::to_string(campaign) + ", " + std::to_string(day) + ", '" + text +
        "', 'c" + std::to_string(id) + "', " + (makeup ? "1" : "0") + ", " +
        std::to_string(at) + ")");
  }

  // The features as a rescoring pass loads them, with the default intent
  // dictionary. `store_` keeps its check-in digest from call to call.
  Result<std::vector<scoring::MemberFeatures>> Load(int64_t now = kNow) {
    std::vector<scoring::MemberFeatures> out;
    QY_RETURN_IF_ERROR(store_->LoadFeatures(now, dict_, &out));
    return out;
  }
  // The phrases of `f`'s indexed intent.
  std::vector<std::string> Phrases(const scoring::MemberFeatures& f) {
    EXPECT_TRUE(f.intent_indexed);
    std::vector<std::string> out;
    for (uint16_t i : f.intent_found) out.push_back(dict_.at(i).phrase);
    return out;
  }

  // The phrases scoring finds in `texts` itself (scoring::FindIntent),
  // which the loader's index must reproduce.
  std::vector<std::string> PhrasesIn(const std::vector<std::string>& texts) {
    std::vector<std::string> out;
    for (const auto& p : scoring::FindIntent(texts, dict_))
      out.push_back(p.phrase);
    EXPECT_FALSE(out.empty()) << "the texts hold no phrase to look for";
    return out;
  }

  const scoring::MemberFeatures& Of(
      const std::vector<scoring::MemberFeatures>& all, int64_t id) {
    for (const auto& f : all)
      if (f.member_id == id) return f;
    ADD_FAILURE() << "member " << id << " missing";
    return all.front();
  }

  // A model trained on a synthetic community drawn with `seed`: two seeds
  // give two models that predict differently.
  static std::shared_ptr<const scoring::TrainedModel> ModelFrom(uint32_t seed) {
    auto rules = scoring::ScoringRules::Defaults();
    std::vector<scoring::Attributes> x;
    std::vector<bool> won;
    for (const auto& m : scoring::GenerateCommunity(400, seed)) {
      x.push_back(scoring::ToAttributes(m.features, rules));
      won.push_back(m.won);
    }
    auto t = scoring::Train(x, won);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    if (!t.ok()) return nullptr;
    return std::make_shared<const scoring::TrainedModel>(std::move(t).value());
  }

  // Runs a pass of an engine with no memory of the passes (so it computes
  // everything afresh), with the current rules and `model` as `model_id`,
  // its clock a second on; returns its report and whether lead `lead_id`
  // is still as written at `written_at` (the pass found nothing to
  // rewrite: the store holds what a fresh pass would write).
  std::pair<scoring::RescoreReport, bool> FreshPassKeeps(
      std::shared_ptr<const scoring::TrainedModel> model, int64_t model_id,
      int64_t lead_id, int64_t written_at) {
    FakeClock later(written_at + 1000);
    scoring::LeadEngine fresh(store_.get(), &later, {});
    fresh.SetRules(engine_->rules());
    fresh.SetModel(std::move(model), model_id);
    auto report = fresh.Rescore();
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    auto lead = store_->Get(lead_id);
    EXPECT_TRUE(lead.ok());
    if (!report.ok() || !lead.ok()) return {{}, false};
    return {*report, lead->updated_at_ms == written_at};
  }

  // Applies `edit` to each of `items` that `match` picks; returns whether
  // any was (a test editing a default rule checks that it exists).
  template <typename T, typename Match, typename Edit>
  static bool EditWhere(std::vector<T>& items, Match match, Edit edit) {
    bool any = false;
    for (T& item : items) {
      if (!match(item)) continue;
      edit(item);
      any = true;
    }
    return any;
  }

  std::pair<scoring::Lead, scoring::Lead> LeadsOfBAndC(
      const std::string& b_text, const std::string& c_text);

  // A pass with the current rules changed by `change`, the clock a second
  // on (kNow + 1000 after LeadUnder); its report.
  scoring::RescoreReport RescoreWith(
      const std::function<void(scoring::ScoringRules&)>& change) {
    clock_.Advance(1000);
    auto rules = engine_->rules();
    change(rules);
    engine_->SetRules(rules);
    auto pass = engine_->Rescore();
    EXPECT_TRUE(pass.ok()) << pass.status().ToString();
    return pass.ok() ? *pass : scoring::RescoreReport{};
  }

  // Member B's lead, after a pass with model `a` (id 1) and a claim by a
  // rep (id 7) when `contact`.
  scoring::Lead LeadUnder(std::shared_ptr<const scoring::TrainedModel> a,
                          bool contact) {
    Checkin(1, 2, 2, 1, false, "想报下一期");
    engine_->SetModel(std::move(a), 1);
    EXPECT_TRUE(engine_->Rescore().ok());
    auto leads = store_->List({});
    EXPECT_TRUE(leads.ok() && leads->size() == 1u);
    if (!leads.ok() || leads->empty()) return {};
    if (contact) {
      Exec(
          "INSERT INTO users (id, username, password_hash, role, display_name,"
          " created_at_ms) VALUES (7, 'rep', 'x', 'sales', 'Rep', 0)");
      EXPECT_TRUE(engine_->Claim(7, 1).ok());
      EXPECT_TRUE(
          store_
              ->SetStatus(leads->front().id, {"contacted", "", "", 0}, 7, kNow)
              .ok());
    }
    auto lead = store_->Get(leads->front().id);
    EXPECT_TRUE(lead.ok());
    return lead.ok() ? *lead : scoring::Lead{};
  }

  // Loads at `now` with the long-lived store (whose digests are brought
  // up to date) and with a fresh one (which reads everything), and
  // expects the same features: the fields the digests give, and the
  // fingerprint, which covers every field.
  void ExpectSameAsFreshLoad(const char* when, int64_t now = kNow) {
    auto kept = Load(now);
    ASSERT_TRUE(kept.ok()) << kept.status().ToString();
    SqliteLeadStore fresh(db_.get());
    std::vector<scoring::MemberFeatures> want;
    ASSERT_TRUE(fresh.LoadFeatures(now, dict_, &want).ok());
    ASSERT_EQ(kept->size(), want.size()) << when;
    for (size_t i = 0; i < want.size(); ++i) {
      const auto& a = (*kept)[i];
      const auto& b = want[i];
      SCOPED_TRACE(std::string(when) + ", member " +
                   std::to_string(b.member_id));
      EXPECT_EQ(a.member_id, b.member_id);
      EXPECT_EQ(a.checkins, b.checkins);
      EXPECT_EQ(a.makeups, b.makeups);
      EXPECT_EQ(a.longest_streak, b.longest_streak);
      EXPECT_EQ(a.recency_days, b.recency_days);
      EXPECT_EQ(a.intent_found, b.intent_found);
      EXPECT_EQ(a.dwell_s_30d, b.dwell_s_30d);
      EXPECT_EQ(a.content_reads_30d, b.content_reads_30d);
      EXPECT_EQ(a.facts, b.facts);
      EXPECT_EQ(scoring::Fingerprint(a), scoring::Fingerprint(b));
    }
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  FakeClock clock_{kNow};
  std::unique_ptr<SqliteLeadStore> store_;
  std::unique_ptr<scoring::LeadEngine> engine_;
  std::vector<scoring::IntentPhrase> dict_ =
      scoring::ScoringRules::Defaults().intent;
  int64_t today_ = 0;
};

TEST_F(LeadStoreTest, FeaturesComeFromTheLatestCampaignAndTheWholeHistory) {
  for (int d : {1, 2, 3}) Checkin(10 + d, 2, 2, d);
  Checkin(15, 2, 2, 5, /*makeup=*/true, "孩子想报下一期");
  Checkin(16, 2, 1, 20);  // The earlier campaign: history, not engagement.
  Exec(
      "INSERT INTO events (member_id, type, dwell_ms, ts_ms, client_id,"
      " received_at_ms) VALUES (2, 'page_view', 90000, " +
      std::to_string(kNow - kDay) + ", 'e1', 0), (2, 'content_read', 30000, " +
      std::to_string(kNow - 2 * kDay) + ", 'e2', 0), (2, 'content_read', 0, " +
      std::to_string(kNow - 40 * kDay) + ", 'e3', 0)");
  Exec(
      "INSERT INTO feedback (member_id, kind, text, created_at_ms) VALUES"
      " (2, 'question', '有没有数学课', 0)");
  // Grade seen twice with confidence (a fact); a city seen once, weakly.
  Exec(
      "INSERT INTO hints (checkin_id, member_id, field, value, confidence,"
      " line_no, created_at_ms) VALUES (11, 2, 'grade', '三年级', 0.7, 0, 0),"
      " (12, 2, 'grade', '三年级', 0.6, 0, 0), (13, 2, 'city', '杭州', 0.3, 0,"
      " 0)");
  auto all = Load();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 2u);
  const auto& b = Of(*all, 2);
  EXPECT_EQ(b.campaigns, 2);
  EXPECT_EQ(b.paid_fen, 29800);
  EXPECT_EQ(b.campaign_days, 6);
  EXPECT_EQ(b.checkins, 4);
  EXPECT_EQ(b.makeups, 1);
  EXPECT_EQ(b.longest_streak, 3);
  EXPECT_EQ(b.dwell_s_30d, 120);
  EXPECT_EQ(b.content_reads_30d, 1);       // The 40-day-old read is outside.
  EXPECT_NEAR(b.recency_days, 1.0, 1e-9);  // The page view yesterday.
  EXPECT_EQ(b.facts, (scoring::ProfileFacts{{"grade", "三年级"},
                                            {"phone", "13812345678"}}))
      << "no city: its hint is weak and waits for review";
  // From a check-in and from feedback, in dictionary order.
  EXPECT_EQ(Phrases(b), PhrasesIn({"孩子想报下一期", "有没有数学课"}));
}

TEST_F(LeadStoreTest, StreaksAndIdsBeyondTheCommonRangeLoadAlike) {
  // A long campaign (days past the first 64-bit word of the day mask, a run
  // across the word boundary) and a member id above the loader's dense
  // index, which then falls back to a hash map.
  Exec(
      "INSERT INTO campaigns (id, name, theme, series, starts_on, days,"
      " created_at_ms) VALUES (3, '百日', '阅读', '百日', " +
      std::to_string(today_ - 99) + ", 100, 0), (4, '早期', '阅读', '早期', " +
      std::to_string(today_ - 200) + ", 21, 0)");
  Enroll(40000000, 3, 100, /*add_member=*/true);
  Enroll(40000000, 4, 50);
  int id = 100;
  for (int day : {1, 2, 63, 64, 65, 66, 67, 90}) {  // Longest run 63..67.
    Exec(
        "INSERT INTO checkins (id, member_id, campaign_id, day, client_id,"
        " created_at_ms) VALUES (" +
        std::to_string(id++) + ", 40000000, 3, " + std::to_string(day) +
        ", 'k" + std::to_string(day) + "', " +
        std::to_string((today_ - 99 + day - 1) * kDay) + ")");
  }
  auto all = Load();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ(all->back().member_id, 40000000) << "members come in id order";
  const auto& f = Of(*all, 40000000);
  EXPECT_EQ(f.series, "百日");  // The later-starting campaign is the latest.
  EXPECT_EQ(f.campaigns, 2);
  EXPECT_EQ(f.paid_fen, 150);
  EXPECT_EQ(f.campaign_days, 100);
  EXPECT_EQ(f.checkins, 8);
  EXPECT_EQ(f.longest_streak, 5);
}

TEST_F(LeadStoreTest, RecencyStopsWhenTheMembersCampaignEnds) {
  Checkin(1, 1, 1, 21);  // Member A's last check-in, on c1's last day.
  auto all = Load();
  ASSERT_TRUE(all.ok());
  const auto& a = Of(*all, 1);
  // c1 ended 19 days ago, but the quiet time since does not count.
  EXPECT_EQ(a.recency_days, 0);  // Noon check-in, midnight end: 0 days.
  EXPECT_EQ(a.campaign_days, 21);
  EXPECT_EQ(a.checkins, 1);
}

TEST_F(LeadStoreTest, APassSkipsLeadsWhoseInputsDidNotChange) {
  Checkin(1, 2, 2, 1, false, "想报下一期");
  auto first = engine_->Rescore();
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->created, 1);
  auto again = engine_->Rescore();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unchanged, 1u);
  auto before = store_->List({});
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->size(), 1u);
  // A new check-in changes member B's inputs: the lead is rewritten.
  Checkin(2, 2, 2, 2);
  auto after_checkin = engine_->Rescore();
  ASSERT_TRUE(after_checkin.ok());
  EXPECT_EQ(after_checkin->unchanged, 0u);
  auto lead = store_->Get(before->front().id);
  ASSERT_TRUE(lead.ok());
  EXPECT_GT(lead->score, before->front().score);
  EXPECT_EQ(std::get<double>(lead->attributes.at("checkins")), 2.0);
  // New weights change the score but nothing stored: the lead is not
  // rewritten.
  auto rules = engine_->rules();
  rules.weight_intent *= 3;
  engine_->SetRules(rules);
  auto after_rules = engine_->Rescore();
  ASSERT_TRUE(after_rules.ok());
  EXPECT_EQ(after_rules->unchanged, 1u);
  auto reweighed = store_->Get(before->front().id);
  ASSERT_TRUE(reweighed.ok());
  EXPECT_NE(reweighed->score, lead->score);
  EXPECT_EQ(reweighed->updated_at_ms, lead->updated_at_ms);
  // New fit rules change a part: it is.
  clock_.Advance(1000);
  for (auto& fit : rules.fit) fit.points += 1;
  engine_->SetRules(rules);
  auto after_fit = engine_->Rescore();
  ASSERT_TRUE(after_fit.ok());
  EXPECT_EQ(after_fit->unchanged, 0u);
  auto refit = store_->Get(before->front().id);
  ASSERT_TRUE(refit.ok());
  EXPECT_GT(refit->updated_at_ms, lead->updated_at_ms);
}

// A preview of new engagement settings scores every member again by them
// (their parts change); the pass after saving them makes what it said.
TEST_F(LeadStoreTest, APreviewOfNewRulesMatchesThePassThatFollows) {
  auto rules = engine_->rules();
  auto early = engine_->PreviewRules(rules);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.status().code(), StatusCode::kConflict);
  Checkin(1, 2, 2, 1, false, "想报下一期");
  Checkin(2, 1, 1, 1);
  ASSERT_TRUE(engine_->Rescore().ok());
  // Payment weighs ten times as much: member A, paid but quiet, crosses a
  // lower threshold. B's phone now makes the A letter.
  rules.engagement.paid = 100;
  rules.lead_threshold = 5;
  rules.tier_b = 5;
  rules.tier_a = 10;
  auto preview = engine_->PreviewRules(rules);
  ASSERT_TRUE(preview.ok()) << preview.status().ToString();
  EXPECT_GT(preview->new_leads, 0u);
  engine_->SetRules(rules);
  auto pass = engine_->Rescore();
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(static_cast<size_t>(pass->created), preview->new_leads);
  auto leads = store_->List({.status = "new", .limit = 1000});
  ASSERT_TRUE(leads.ok());
  std::map<std::string, size_t> tiers;
  for (const auto& l : *leads) ++tiers[l.tier];
  EXPECT_EQ(tiers, preview->tiers);
  // Other intent phrases cannot be previewed: their matches are unknown.
  rules.intent.push_back({"新短语", 10});
  auto phrases = engine_->PreviewRules(rules);
  ASSERT_FALSE(phrases.ok());
  EXPECT_EQ(phrases.status().field(), "intent");
}

TEST_F(LeadStoreTest, ScoresTakenFromTheLastPassEqualThoseComputedAfresh) {
  Checkin(1, 2, 2, 1, false, "想报下一期");
  Checkin(2, 1, 1, 21);
  ASSERT_TRUE(engine_->Rescore().ok());
  Checkin(3, 2, 2, 2);
  auto second = engine_->Rescore();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->reused, 1u);  // Member A's; B checked in.
  auto kept = store_->List({});
  ASSERT_TRUE(kept.ok());
  ASSERT_FALSE(kept->empty());
  // An engine with no memory of earlier passes computes every score; its
  // clock a second on, so that a rewrite would show.
  FakeClock later(kNow + 1000);
  scoring::LeadEngine fresh(store_.get(), &later, {});
  fresh.SetRules(engine_->rules());
  auto all = fresh.Rescore();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->reused, 0u);
  EXPECT_EQ(all->created, 0);
  auto now = store_->List({});
  ASSERT_TRUE(now.ok());
  ASSERT_EQ(now->size(), kept->size());
  for (size_t i = 0; i < now->size(); ++i) {
    EXPECT_EQ((*now)[i].score, (*kept)[i].score);
    EXPECT_EQ((*now)[i].updated_at_ms, (*kept)[i].updated_at_ms)
        << "the fresh pass found something to rewrite";
  }
}

TEST_F(LeadStoreTest, ANewModelRewritesTheProbabilityAlone) {
  auto a = ModelFrom(3), b = ModelFrom(4);
  ASSERT_TRUE(a && b);
  const scoring::Lead before = LeadUnder(a, /*contact=*/false);
  ASSERT_TRUE(before.probability);
  EXPECT_EQ(before.model_id, 1);
  clock_.Advance(1000);  // So that a rewrite shows in updated_at_ms.
  engine_->SetModel(b, 2);
  auto pass = engine_->Rescore();
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->probability_only, 1u);
  EXPECT_EQ(pass->unchanged, 0u);
  auto after = store_->Get(before.id);
  ASSERT_TRUE(after.ok());
  auto expected = b->Predict({before.attributes});
  ASSERT_TRUE(expected.ok());
  ASSERT_TRUE(after->probability);
  EXPECT_NEAR(*after->probability, expected->front(), 1e-6);
  EXPECT_NE(*after->probability, *before.probability);
  EXPECT_EQ(after->model_id, 2);
  EXPECT_EQ(after->updated_at_ms, kNow + 1000);
  EXPECT_EQ(after->score, before.score);
  EXPECT_EQ(scoring::EncodeFactors(after->factors),
            scoring::EncodeFactors(before.factors));
  EXPECT_EQ(scoring::EncodeAttributes(after->attributes),
            scoring::EncodeAttributes(before.attributes));
  auto [fresh, kept] = FreshPassKeeps(b, 2, before.id, kNow + 1000);
  EXPECT_EQ(fresh.probability_only, 0u);
  EXPECT_TRUE(kept) << "the fresh pass found something to rewrite";
}

// An engine with no memory of what it wrote (a start without the state
// file) compares each open lead with the store's digest and probability:
// only a lead not as stored is explained and written.
TEST_F(LeadStoreTest, AnEngineWithoutMemoryExplainsOnlyLeadsNotAsStored) {
  auto a = ModelFrom(3), b = ModelFrom(4);
  ASSERT_TRUE(a && b);
  const scoring::Lead before = LeadUnder(a, /*contact=*/false);
  ASSERT_TRUE(before.probability);
  auto fresh = [&](std::shared_ptr<const scoring::TrainedModel> model,
                   int64_t id, int64_t at) {
    FakeClock later(at);
    scoring::LeadEngine e(store_.get(), &later, {});
    e.SetRules(engine_->rules());
    e.SetModel(std::move(model), id);
    auto r = e.Rescore();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : scoring::RescoreReport{};
  };
  auto same = fresh(a, 1, kNow + 1000);
  EXPECT_EQ(same.unchanged, 1u);
  EXPECT_EQ(same.probability_only, 0u);
  EXPECT_EQ(same.text_bytes, 0u);  // No words built.
  auto lead = store_->Get(before.id);
  ASSERT_TRUE(lead.ok());
  EXPECT_EQ(lead->updated_at_ms, kNow);

  // Another model: the probability alone is written, still without words.
  auto remodel = fresh(b, 2, kNow + 2000);
  EXPECT_EQ(remodel.unchanged, 0u);
  EXPECT_EQ(remodel.probability_only, 1u);
  EXPECT_EQ(remodel.text_bytes, 0u);
  lead = store_->Get(before.id);
  ASSERT_TRUE(lead.ok());
  EXPECT_EQ(lead->model_id, 2);
  EXPECT_EQ(lead->updated_at_ms, kNow + 2000);
  EXPECT_NE(lead->probability, before.probability);
  EXPECT_EQ(scoring::EncodeFactors(lead->factors),
            scoring::EncodeFactors(before.factors));

  // A digest not as this pass would write it: the lead is explained and
  // written again, with the digest the pass computes (which the next
  // engine then finds as stored).
  Exec("UPDATE leads SET digest = digest + 1");
  auto redo = fresh(b, 2, kNow + 3000);
  EXPECT_EQ(redo.unchanged, 0u);
  EXPECT_GT(redo.text_bytes, 0u);
  lead = store_->Get(before.id);
  ASSERT_TRUE(lead.ok());
  EXPECT_EQ(lead->updated_at_ms, kNow + 3000);
  EXPECT_EQ(scoring::EncodeFactors(lead->factors),
            scoring::EncodeFactors(before.factors));
  EXPECT_EQ(fresh(b, 2, kNow + 4000).unchanged, 1u);
}

// A lead keeps its parts; its total and tier follow from them by the
// formula in force. New weights and tier bounds therefore rewrite no lead,
// yet every score read afterwards (and the pool's order) is by them.
TEST_F(LeadStoreTest, NewWeightsRewriteNoLeadYetEveryScoreFollowsThem) {
  auto a = ModelFrom(3);
  ASSERT_TRUE(a);
  const scoring::Lead before = LeadUnder(a, /*contact=*/false);
  ASSERT_TRUE(before.probability);
  ASSERT_GT(before.intent, 0);
  auto pass = RescoreWith([](auto& r) {
    r.weight_intent *= 3;
    r.tier_a = r.tier_b = 0;  // Every lead's letter becomes A.
  });
  EXPECT_EQ(pass.predicted, 0u);  // Both members' inputs are as they were.
  EXPECT_EQ(pass.unchanged, 1u);  // B's lead: nothing of it to write.
  auto after = store_->Get(before.id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->updated_at_ms, before.updated_at_ms) << "rewritten";
  scoring::ScoreFormula now = scoring::ScoreFormula::Of(engine_->rules());
  EXPECT_NE(after->score, before.score);
  EXPECT_EQ(after->score,
            now.Total(before.fit, before.engagement, before.intent));
  EXPECT_EQ(after->tier[0], 'A') << after->tier;
  EXPECT_NE(before.tier[0], 'A') << "the test needs a lead not yet A";
  EXPECT_EQ(after->probability, before.probability);
  EXPECT_EQ(scoring::EncodeFactors(after->factors),
            scoring::EncodeFactors(before.factors));
  // A fresh engine, with no memory of what it wrote, finds the same.
  auto [fresh, kept] = FreshPassKeeps(a, 1, before.id, before.updated_at_ms);
  EXPECT_GT(fresh.predicted, 0u);
  EXPECT_TRUE(kept) << "the fresh pass found something to rewrite";
}

TEST_F(LeadStoreTest, ALeadDeletedBehindTheEnginesBackIsCreatedAgain) {
  auto a = ModelFrom(3);
  ASSERT_TRUE(a);
  const scoring::Lead before = LeadUnder(a, /*contact=*/false);
  const std::string id = std::to_string(before.id);
  Exec("DELETE FROM lead_events WHERE lead_id = " + id);
  Exec("DELETE FROM lead_texts WHERE lead_id = " + id);
  Exec("DELETE FROM leads WHERE id = " + id);
  auto rules = engine_->rules();
  // The engine wrote this lead and new weights change nothing of it, but
  // the member has no lead now.
  rules.weight_intent *= 3;
  engine_->SetRules(rules);
  auto pass = engine_->Rescore();
  ASSERT_TRUE(pass.ok()) << pass.status().ToString();
  EXPECT_EQ(pass->created, 1);
  auto leads = store_->List({});
  ASSERT_TRUE(leads.ok());
  ASSERT_EQ(leads->size(), 1u);
  EXPECT_EQ(scoring::EncodeAttributes(leads->front().attributes),
            scoring::EncodeAttributes(before.attributes));
  EXPECT_EQ(scoring::EncodeFactors(leads->front().factors),
            scoring::EncodeFactors(before.factors));
}

// A member merge moves a lead to the member merged into, and its undo moves
// it back (storage/identity_admin_repo.cc). The engine wrote member B's
// lead, then member A's scores into it: back with B, whose features are as
// they were, it must not be taken for what the engine last wrote for B.
TEST_F(LeadStoreTest, ALeadMovedToAnotherMemberAndBackIsWrittenAgain) {
  Checkin(1, 2, 2, 1, false, "想报下一期");
  ASSERT_TRUE(engine_->Rescore().ok());
  auto leads = store_->List({});
  ASSERT_TRUE(leads.ok());
  ASSERT_EQ(leads->size(), 1u);
  const int64_t id = leads->front().id;
  auto before = store_->Get(id);
  ASSERT_TRUE(before.ok());
  auto move_to = [&](int member) {
    std::string m = std::to_string(member), id_text = std::to_string(id);
    Exec("UPDATE checkins SET member_id = " + m + " WHERE id = 1");
    Exec("UPDATE leads SET member_id = " + m + " WHERE id = " + id_text);
  };
  move_to(1);  // Merged into A (one campaign, less paid).
  clock_.Advance(1000);
  ASSERT_TRUE(engine_->Rescore().ok());
  auto merged = store_->Get(id);
  ASSERT_TRUE(merged.ok());
  ASSERT_NE(merged->engagement, before->engagement);
  move_to(2);  // The merge undone.
  clock_.Advance(1000);
  ASSERT_TRUE(engine_->Rescore().ok());
  auto after = store_->Get(id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->engagement, before->engagement);
  EXPECT_EQ(scoring::EncodeFactors(after->factors),
            scoring::EncodeFactors(before->factors));
  EXPECT_EQ(scoring::EncodeAttributes(after->attributes),
            scoring::EncodeAttributes(before->attributes));
  EXPECT_TRUE(FreshPassKeeps(nullptr, 0, id, after->updated_at_ms).second);
}

TEST_F(LeadStoreTest, NewFitRulesRewriteTheFactorsAndKeepTheProbability) {
  auto a = ModelFrom(3);
  ASSERT_TRUE(a);
  const scoring::Lead before = LeadUnder(a, /*contact=*/false);
  bool phone = false;
  auto pass = RescoreWith([&](auto& r) {
    for (auto& fit : r.fit) {
      if (fit.field != "phone") continue;
      fit.points += 5;
      fit.label = "有手机号";
      phone = true;
    }
  });
  ASSERT_TRUE(phone) << "the default rules score a phone";
  EXPECT_EQ(pass.predicted, 0u);
  EXPECT_EQ(pass.unchanged, 0u);
  auto after = store_->Get(before.id);
  ASSERT_TRUE(after.ok());
  EXPECT_GT(after->fit, before.fit);
  bool relabelled = false;
  for (const auto& f : after->factors)
    relabelled = relabelled || (f.name == "phone" && f.label == "有手机号");
  EXPECT_TRUE(relabelled) << scoring::EncodeFactors(after->factors);
  EXPECT_EQ(after->probability, before.probability);
  EXPECT_EQ(scoring::EncodeAttributes(after->attributes),
            scoring::EncodeAttributes(before.attributes));
}

// A contacted lead keeps its model inputs; new fit rules it meets rewrite
// its parts and fit factors, and keep its other factors as written.
TEST_F(LeadStoreTest, NewFitRulesOnAContactedLeadKeepItsOtherFactors) {
  auto a = ModelFrom(3);
  ASSERT_TRUE(a);
  const scoring::Lead before = LeadUnder(a, /*contact=*/true);
  ASSERT_TRUE(before.frozen);
  bool phone = false;
  auto pass = RescoreWith([&](auto& r) {
    phone = EditWhere(
        r.fit, [](auto& fit) { return fit.field == "phone"; },
        [](auto& fit) {
          fit.points += 5;
          fit.label = "有手机号";
        });
  });
  ASSERT_TRUE(phone) << "the default rules score a phone";
  EXPECT_EQ(pass.texts_kept, 1u);
  auto after = store_->Get(before.id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->fit, before.fit + 5);
  std::vector<scoring::PointsFactor> fit, others;
  for (const auto& f : after->factors)
    (f.part == "fit" ? fit : others).push_back(f);
  std::vector<scoring::PointsFactor> others_before;
  for (const auto& f : before.factors)
    if (f.part != "fit") others_before.push_back(f);
  EXPECT_EQ(scoring::EncodeFactors(others),
            scoring::EncodeFactors(others_before));
  bool relabelled = false;
  for (const auto& f : fit)
    relabelled = relabelled || (f.name == "phone" && f.label == "有手机号");
  EXPECT_TRUE(relabelled) << scoring::EncodeFactors(after->factors);
  EXPECT_EQ(after->probability, before.probability);
  EXPECT_EQ(scoring::EncodeAttributes(after->attributes),
            scoring::EncodeAttributes(before.attributes));
  EXPECT_TRUE(FreshPassKeeps(a, 1, before.id, after->updated_at_ms).second);
}

// A contacted lead keeps its model inputs as of contact, the intent input
// kept in its row too: new intent weights rewrite its intent part and
// factors alone.
TEST_F(LeadStoreTest, NewIntentWeightsOnAContactedLeadKeepItsInputs) {
  auto a = ModelFrom(3);
  ASSERT_TRUE(a);
  const scoring::Lead before = LeadUnder(a, /*contact=*/true);
  ASSERT_TRUE(before.frozen);
  ASSERT_GT(before.intent, 0);
  auto pass = RescoreWith([](auto& r) {
    for (auto& phrase : r.intent) phrase.weight *= 0.5;
  });
  EXPECT_EQ(pass.texts_kept, 1u);
  auto after = store_->Get(before.id);
  ASSERT_TRUE(after.ok());
  EXPECT_DOUBLE_EQ(after->intent, before.intent * 0.5);
  EXPECT_EQ(scoring::EncodeAttributes(after->attributes),
            scoring::EncodeAttributes(before.attributes));
  EXPECT_EQ(after->probability, before.probability);
  ASSERT_EQ(after->factors.size(), before.factors.size());
  size_t intent = 0;
  for (const auto& f : before.factors) {
    auto same = std::find_if(
        after->factors.begin(), after->factors.end(),
        [&](const auto& g) { return g.part == f.part && g.name == f.name; });
    ASSERT_NE(same, after->factors.end()) << f.name;
    intent += f.part == "intent";
    EXPECT_EQ(same->points, f.part == "intent" ? f.points * 0.5 : f.points)
        << f.name;
  }
  EXPECT_GT(intent, 0u);
  EXPECT_TRUE(FreshPassKeeps(a, 1, before.id, after->updated_at_ms).second);
}

// Leads of member B (with a phone) and a new member C (no facts), each
// having checked in once with `b_text` and `c_text`, after a first pass.
std::pair<scoring::Lead, scoring::Lead> LeadStoreTest::LeadsOfBAndC(
    const std::string& b_text, const std::string& c_text) {
  Enroll(3, 2, 19900, /*add_member=*/true);
  Checkin(1, 2, 2, 1, false, b_text);
  Checkin(2, 3, 2, 1, false, c_text);
  auto first = engine_->Rescore();
  EXPECT_TRUE(first.ok()) << first.status().ToString();
  auto leads = store_->List({});
  EXPECT_TRUE(leads.ok() && leads->size() == 2u);
  if (!first.ok() || !leads.ok() || leads->size() != 2u) return {};
  EXPECT_EQ(first->created, 2);
  int64_t b_lead = 0, c_lead = 0;
  for (const auto& l : *leads) (l.member_id == 2 ? b_lead : c_lead) = l.id;
  auto b = store_->Get(b_lead), c = store_->Get(c_lead);
  EXPECT_TRUE(b.ok() && c.ok());
  if (!b.ok() || !c.ok()) return {};
  return {*b, *c};
}

// An edit to one fit rule rewrites the leads that rule scores and no
// other; the store then holds what an engine without memory would write.
TEST_F(LeadStoreTest, AFitRuleEditRewritesOnlyTheLeadsItScores) {
  const auto [b, c] = LeadsOfBAndC("想报下一期", "想报下一期");
  ASSERT_NE(b.id, 0);

  bool phone = false;
  auto pass = RescoreWith([&](auto& r) {
    phone = EditWhere(
        r.fit, [](auto& fit) { return fit.field == "phone"; },
        [](auto& fit) { fit.points += 5; });
  });
  ASSERT_TRUE(phone) << "the default rules score a phone";
  EXPECT_EQ(pass.unchanged, 1u);
  auto b_after = store_->Get(b.id), c_after = store_->Get(c.id);
  ASSERT_TRUE(b_after.ok() && c_after.ok());
  EXPECT_EQ(b_after->fit, b.fit + 5);
  EXPECT_EQ(b_after->updated_at_ms, kNow + 1000);
  EXPECT_EQ(c_after->fit, c.fit);
  EXPECT_EQ(c_after->updated_at_ms, c.updated_at_ms);
  EXPECT_EQ(scoring::EncodeFactors(c_after->factors),
            scoring::EncodeFactors(c.factors));

  // A rule that scores neither (no school known) rewrites nothing.
  bool school = false;
  pass = RescoreWith([&](auto& r) {
    school = EditWhere(
        r.fit, [](auto& fit) { return fit.field == "school"; },
        [](auto& fit) { fit.label += "（已核实）"; });
  });
  ASSERT_TRUE(school) << "the default rules score a known school";
  EXPECT_EQ(pass.unchanged, 2u);
  auto b_kept = store_->Get(b.id);
  ASSERT_TRUE(b_kept.ok());
  EXPECT_EQ(b_kept->updated_at_ms, kNow + 1000);

  EXPECT_TRUE(FreshPassKeeps(nullptr, 0, b.id, kNow + 1000).second);
  EXPECT_TRUE(FreshPassKeeps(nullptr, 0, c.id, c.updated_at_ms).second);
}

// New fit rules keep a lead's probability only under the same model: with
// a new one set since, the pass predicts again.
TEST_F(LeadStoreTest, NewFitRulesAndANewModelPredictAgain) {
  auto a = ModelFrom(3), other = ModelFrom(4);
  ASSERT_TRUE(a && other);
  const scoring::Lead before = LeadUnder(a, /*contact=*/false);
  engine_->SetModel(other, 2);
  auto pass = RescoreWith([](auto& r) {
    for (auto& fit : r.fit) fit.points += 5;
  });
  EXPECT_EQ(pass.predicted, 1u);
  auto after = store_->Get(before.id);
  ASSERT_TRUE(after.ok());
  EXPECT_NE(after->probability, before.probability);
  EXPECT_TRUE(FreshPassKeeps(other, 2, before.id, kNow + 1000).second);
}

// New weight for a phrase rewrites the leads of those who wrote it, and
// predicts their probability alone, again.
TEST_F(LeadStoreTest, AnIntentWeightEditRewritesOnlyTheLeadsThatWroteIt) {
  auto model = ModelFrom(3);
  ASSERT_TRUE(model);
  engine_->SetModel(model, 1);
  const auto [b, c] = LeadsOfBAndC("想报下一期", "多少钱");
  ASSERT_NE(b.id, 0);
  bool found = false;
  auto pass = RescoreWith([&](auto& r) {
    found = EditWhere(
        r.intent, [](auto& p) { return p.phrase == "多少钱"; },
        [](auto& p) { p.weight += 10; });
  });
  ASSERT_TRUE(found) << "the default dictionary has 多少钱";
  EXPECT_EQ(pass.unchanged, 1u);
  EXPECT_EQ(pass.predicted, 1u);
  auto b_after = store_->Get(b.id), c_after = store_->Get(c.id);
  ASSERT_TRUE(b_after.ok() && c_after.ok());
  EXPECT_EQ(b_after->updated_at_ms, b.updated_at_ms);
  EXPECT_EQ(b_after->probability, b.probability);
  EXPECT_EQ(c_after->updated_at_ms, kNow + 1000);
  EXPECT_EQ(c_after->intent, c.intent + 10);
  EXPECT_EQ(std::get<double>(c_after->attributes.at("intent")),
            std::get<double>(c.attributes.at("intent")) + 10);
  EXPECT_TRUE(FreshPassKeeps(model, 1, b.id, b.updated_at_ms).second);
  EXPECT_TRUE(FreshPassKeeps(model, 1, c.id, kNow + 1000).second);
}

// The rows a statement updated in lead_texts, and wrote in lead_intent,
// since the counting began.
class LeadTextsWritesTest : public LeadStoreTest {
 protected:
  void CountTextWrites() {
    Exec("CREATE TABLE texts_written (lead_id INTEGER, tbl TEXT)");
    Exec(
        "CREATE TRIGGER texts_updated AFTER UPDATE ON lead_texts BEGIN"
        " INSERT INTO texts_written VALUES (NEW.lead_id, 'texts'); END");
    for (const char* what : {"INSERT", "UPDATE", "DELETE"}) {
      Exec(std::string("CREATE TRIGGER intent_") + what + " AFTER " + what +
           " ON lead_intent BEGIN INSERT INTO texts_written VALUES (0,"
           " 'intent'); END");
    }
  }
  int64_t TextWrites(const char* table = "texts") {
    int64_t n = -1;
    EXPECT_TRUE(db_->Read([&](Connection& c) -> Status {
                     QY_ASSIGN_OR_RETURN(
                         n, QueryInt(c, std::string("SELECT COUNT(*) FROM"
                                                    " texts_written WHERE"
                                                    " tbl = '") +
                                            table + "'"));
                     return Status::Ok();
                   })
                    .ok());
    return n;
  }
  static bool LargestFirst(const std::vector<scoring::PointsFactor>& f) {
    return std::is_sorted(f.begin(), f.end(), [](const auto& a, const auto& b) {
      return std::abs(a.points) > std::abs(b.points);
    });
  }
};

// New fit rules change the fit factors alone, kept in the lead's row: the
// larger texts (the other factors, the model inputs) are not written.
TEST_F(LeadTextsWritesTest, NewFitRulesLeaveTheOtherFactorsAndInputsUnwritten) {
  auto a = ModelFrom(3);
  ASSERT_TRUE(a);
  const scoring::Lead before = LeadUnder(a, /*contact=*/false);
  CountTextWrites();
  RescoreWith([&](auto& r) {
    for (auto& fit : r.fit) fit.points += 7;
  });
  auto after = store_->Get(before.id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(TextWrites(), 0);
  EXPECT_EQ(TextWrites("intent"), 0);
  EXPECT_GT(after->fit, before.fit);
  EXPECT_EQ(after->updated_at_ms, kNow + 1000);
  ASSERT_EQ(after->factors.size(), before.factors.size());
  EXPECT_TRUE(LargestFirst(after->factors))
      << scoring::EncodeFactors(after->factors);
  size_t fit = 0;
  for (const auto& f : before.factors) {
    auto same = std::find_if(
        after->factors.begin(), after->factors.end(),
        [&](const auto& g) { return g.part == f.part && g.name == f.name; });
    ASSERT_NE(same, after->factors.end()) << f.name;
    if (f.part == "fit") {
      ++fit;
      EXPECT_EQ(same->points, f.points + 7) << f.name;
    } else {
      EXPECT_EQ(same->points, f.points) << f.name;
    }
  }
  EXPECT_GT(fit, 0u) << "member B has no fit factor";

  // A check-in changes the engagement factors: those are written.
  Checkin(2, 2, 2, 2);
  RescoreWith([](auto&) {});
  EXPECT_EQ(TextWrites(), 1);
}

// New intent weights change the intent part and input (in the lead's
// row) and its intent factors (lead_intent): the larger texts are not
// written, and the lead reads as an engine without memory would write it.
TEST_F(LeadTextsWritesTest, NewIntentWeightsLeaveTheOtherTextsUnwritten) {
  auto a = ModelFrom(3);
  ASSERT_TRUE(a);
  const scoring::Lead before = LeadUnder(a, /*contact=*/false);
  const double intent = std::get<double>(before.attributes.at("intent"));
  ASSERT_GT(intent, 0);
  CountTextWrites();
  auto pass = RescoreWith([](auto& r) {
    for (auto& phrase : r.intent) phrase.weight *= 0.5;
  });
  EXPECT_EQ(pass.texts_kept, 1u);
  EXPECT_EQ(TextWrites(), 0);
  EXPECT_EQ(TextWrites("intent"), 1);
  auto after = store_->Get(before.id);
  ASSERT_TRUE(after.ok());
  EXPECT_DOUBLE_EQ(std::get<double>(after->attributes.at("intent")),
                   intent * 0.5);
  EXPECT_EQ(after->attributes.size(), before.attributes.size());
  EXPECT_TRUE(LargestFirst(after->factors));
  size_t halved = 0;
  for (const auto& f : after->factors) {
    if (f.part != "intent") continue;
    auto was = std::find_if(
        before.factors.begin(), before.factors.end(),
        [&](const auto& g) { return g.part == f.part && g.name == f.name; });
    ASSERT_NE(was, before.factors.end()) << f.name;
    halved += f.points == was->points * 0.5;
  }
  EXPECT_GT(halved, 0u);
  EXPECT_EQ(after->factors.size(), before.factors.size());
  auto expected = a->Predict({after->attributes});
  ASSERT_TRUE(expected.ok());
  ASSERT_TRUE(after->probability);
  EXPECT_NEAR(*after->probability, expected->front(), 1e-6);
  EXPECT_TRUE(FreshPassKeeps(a, 1, before.id, after->updated_at_ms).second);
}

// A lead written before its fit factors (migration 21) and intent factors
// (24) were kept apart has every factor in lead_texts and reads as it
// did; the next pass that rewrites it splits them.
TEST_F(LeadTextsWritesTest, ALeadStoredBeforeTheSplitReadsWholeUntilRewritten) {
  auto a = ModelFrom(3);
  ASSERT_TRUE(a);
  const scoring::Lead before = LeadUnder(a, /*contact=*/false);
  const std::string whole = scoring::EncodeFactors(before.factors);
  ASSERT_NE(whole.find("fit\t"), std::string::npos) << whole;
  Exec(
      "UPDATE leads SET fit_factors = '', texts_digest = 0, intent_digest = 0,"
      " intent_input = NULL");
  Exec("DELETE FROM lead_intent");
  ASSERT_TRUE(db_->Write([&](Connection& c) -> Status {
                   QY_ASSIGN_OR_RETURN(
                       Statement * st,
                       c.Prepare("UPDATE lead_texts SET factors = ?"));
                   return st->Bind(1, whole).Run();
                 })
                  .ok());
  auto old = store_->Get(before.id);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(scoring::EncodeFactors(old->factors), whole);

  CountTextWrites();
  RescoreWith([&](auto& r) {
    for (auto& fit : r.fit) fit.points += 7;
  });
  EXPECT_EQ(TextWrites(), 1);  // Its digest was not known.
  auto after = store_->Get(before.id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->factors.size(), before.factors.size());
  EXPECT_TRUE(LargestFirst(after->factors));
  RescoreWith([&](auto& r) {
    for (auto& fit : r.fit) fit.points += 1;
  });
  EXPECT_EQ(TextWrites(), 1);
}

// The same for a contacted lead, whose texts_digest is always 0: new fit
// rules that leave its other texts as written drop the stored fit and
// intent factors from lead_texts (and store the intent factors apart).
TEST_F(LeadTextsWritesTest, AContactedLeadStoredBeforeTheSplitShowsFitOnce) {
  auto a = ModelFrom(3);
  ASSERT_TRUE(a);
  const scoring::Lead before = LeadUnder(a, /*contact=*/true);
  ASSERT_TRUE(before.frozen);
  Exec("UPDATE leads SET fit_factors = '', intent_digest = 0");
  Exec("DELETE FROM lead_intent");
  ASSERT_TRUE(
      db_->Write([&](Connection& c) -> Status {
           QY_ASSIGN_OR_RETURN(Statement * st,
                               c.Prepare("UPDATE lead_texts SET factors = ?"));
           return st->Bind(1, scoring::EncodeFactors(before.factors)).Run();
         })
          .ok());
  auto pass = RescoreWith([&](auto& r) {
    for (auto& fit : r.fit) fit.points += 7;
  });
  EXPECT_EQ(pass.texts_kept, 1u);
  auto after = store_->Get(before.id);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->factors.size(), before.factors.size())
      << scoring::EncodeFactors(after->factors);
  for (size_t i = 0; i < after->factors.size(); ++i) {
    EXPECT_EQ(after->factors[i].name, before.factors[i].name);
    EXPECT_EQ(
        after->factors[i].points,
        before.factors[i].points + (after->factors[i].part == "fit" ? 7 : 0));
  }
}

TEST_F(LeadStoreTest, ANewIntentDictionaryRewritesAttributesAndProbability) {
  auto a = ModelFrom(3);
  ASSERT_TRUE(a);
  const scoring::Lead before = LeadUnder(a, /*contact=*/false);
  const double intent = std::get<double>(before.attributes.at("intent"));
  ASSERT_GT(intent, 0);
  auto pass = RescoreWith([](auto& r) {
    for (auto& phrase : r.intent) phrase.weight *= 0.5;
  });
  EXPECT_GT(pass.predicted, 0u);
  auto after = store_->Get(before.id);
  ASSERT_TRUE(after.ok());
  EXPECT_DOUBLE_EQ(std::get<double>(after->attributes.at("intent")),
                   intent * 0.5);
  auto expected = a->Predict({after->attributes});
  ASSERT_TRUE(expected.ok());
  ASSERT_TRUE(after->probability);
  EXPECT_NEAR(*after->probability, expected->front(), 1e-6);
}

TEST_F(LeadStoreTest, AContactedLeadKeepsItsProbabilityUnderANewModel) {
  auto a = ModelFrom(3), b = ModelFrom(4);
  ASSERT_TRUE(a && b);
  const scoring::Lead before = LeadUnder(a, /*contact=*/true);
  ASSERT_TRUE(before.frozen);
  engine_->SetModel(b, 2);
  ASSERT_TRUE(engine_->Rescore().ok());
  auto after = store_->Get(before.id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->probability, before.probability);
  EXPECT_EQ(after->model_id, 1);
  // New activity rewrites the scores, still not the probability.
  Checkin(2, 2, 2, 2);
  ASSERT_TRUE(engine_->Rescore().ok());
  auto rescored = store_->Get(before.id);
  ASSERT_TRUE(rescored.ok());
  EXPECT_GT(rescored->score, before.score);
  EXPECT_EQ(rescored->probability, before.probability);
  EXPECT_EQ(rescored->model_id, 1);
}

TEST_F(LeadStoreTest, AProbabilityThresholdMakesLeadsOfAnyMember) {
  auto a = ModelFrom(3);
  ASSERT_TRUE(a);
  Checkin(1, 2, 2, 1, false, "想报下一期");
  engine_->SetModel(a, 1);
  ASSERT_TRUE(engine_->Rescore().ok());
  auto by_points = store_->List({});
  ASSERT_TRUE(by_points.ok());
  EXPECT_EQ(by_points->size(), 1u);  // Member A scores under the threshold.
  // Every member's probability is above this: all become leads, though
  // the last pass needed no probability for member A.
  auto rules = engine_->rules();
  rules.lead_probability = 1e-9;
  engine_->SetRules(rules);
  auto pass = engine_->Rescore();
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->created, 1);
  auto leads = store_->List({});
  ASSERT_TRUE(leads.ok());
  ASSERT_EQ(leads->size(), 2u);
  for (const auto& l : leads.value()) {
    ASSERT_TRUE(l.probability) << "lead " << l.id;
    EXPECT_EQ(l.model_id, 1);
  }
}

// Migration 12 moved a lead's texts into lead_texts.
TEST(LeadTextsMigrationTest, LeadsStoredBeforeTheTextsMovedKeepThem) {
  TempDir dir;
  const std::string path = dir.File("old.db");
  const std::string attributes = scoring::EncodeAttributes(
      {{"checkins", 3.0}, {"city", std::string("上海")}});
  const std::string factors = scoring::EncodeFactors(
      {{"intent", "想报下一期", "想报下一期", "说过“想报下一期”", 12}});
  {
    auto conn = OpenAtVersion(path, 11);
    ASSERT_NE(conn, nullptr);
    auto ins = conn->Prepare(
        "INSERT INTO leads (id, external_id, source, attributes, factors,"
        " created_at_ms, updated_at_ms) VALUES (5, 'x1', 'import', ?, ?, 0,"
        " 0)");
    ASSERT_TRUE(ins.ok());
    ASSERT_TRUE((*ins)->Bind(1, attributes).Bind(2, factors).Run().ok());
  }
  auto db = OpenTestDb(path);
  ASSERT_NE(db, nullptr);
  EXPECT_GE(db->SchemaVersion(), 12);
  SqliteLeadStore store(db.get());
  auto lead = store.Get(5);
  ASSERT_TRUE(lead.ok()) << lead.status().ToString();
  EXPECT_EQ(scoring::EncodeAttributes(lead->attributes), attributes);
  EXPECT_EQ(scoring::EncodeFactors(lead->factors), factors);
  scoring::LeadInputs open;
  ASSERT_TRUE(store.OpenLeadInputs(0, 0, &open).ok());
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open.id(0), 5);
  EXPECT_EQ(open.inputs(0), attributes);
}

// Migration 16 keeps the settings a model was trained with; a model saved
// before it reads back with none, and a new one with its own.
TEST(ModelSettingsMigrationTest, OldModelsHaveNoSettingsAndNewOnesKeepTheirs) {
  TempDir dir;
  auto db = UpgradedTestDb(dir.File("old.db"), 15,
                           "INSERT INTO scoring_models (kind, schema, bytes,"
                           " calibration, n_train, n_won, auc_cv,"
                           " created_at_ms) VALUES ('logistic', '', 'b', '',"
                           " 40, 20, 0.7, 0)");
  ASSERT_NE(db, nullptr);
  SqliteLeadStore store(db.get());
  scoring::StoredModel m;
  m.kind = "xgboost";
  m.bytes = "{}";
  m.settings = "depth 8 × 300 rounds, eta 0.05";
  ASSERT_TRUE(store.SaveModel(m).ok());
  auto models = store.Models(10);
  ASSERT_TRUE(models.ok()) << models.status().ToString();
  ASSERT_EQ(models->size(), 2u);
  EXPECT_EQ((*models)[0].settings, m.settings);  // Newest first.
  EXPECT_EQ((*models)[1].settings, "");
  EXPECT_EQ((*models)[1].kind, "logistic");
  auto latest = store.LatestModel();
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->bytes, "{}");
  EXPECT_EQ((*latest)->settings, m.settings);
}

// An old database's member 1 and campaign 1, for the migration tests below
// to add check-ins and hints to.
constexpr char kOldMemberAndCampaign[] =
    "INSERT INTO members (id, nickname, created_at_ms, updated_at_ms)"
    " VALUES (1, 'a', 0, 0);"
    " INSERT INTO campaigns (id, name, theme, series, starts_on, days,"
    " created_at_ms) VALUES (1, 'c', 't', 's', 0, 21, 0);";

// Migration 27: merges before it moved a member's check-ins but left the
// hints read from their photos with the merged record; they go to their
// check-in's member now, and hints already there stay.
TEST(HintsFollowCheckinsMigrationTest, HintsLeftBehindByAMergeMove) {
  TempDir dir;
  auto db = UpgradedTestDb(
      dir.File("old.db"), 26,
      std::string(kOldMemberAndCampaign) +
          "INSERT INTO members (id, nickname, created_at_ms, updated_at_ms)"
          " VALUES (2, 'b', 0, 0); UPDATE members SET merged_into = 2 WHERE"
          " id = 1;"
          " INSERT INTO checkins (id, member_id, campaign_id, day, client_id,"
          " created_at_ms) VALUES (10, 2, 1, 1, 'x', 0), (11, 2, 1, 2, 'y', 0);"
          " INSERT INTO hints (checkin_id, member_id, field, value, confidence,"
          " line_no, created_at_ms) VALUES (10, 1, 'grade', '三年级', 0.9, 0, "
          "0),"
          " (11, 2, 'city', '杭州', 0.9, 0, 0)");
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(CountOf(db.get(), "SELECT COUNT(*) FROM hints WHERE member_id = 2"),
            2);
  EXPECT_EQ(CountOf(db.get(), "SELECT COUNT(*) FROM hints WHERE member_id = 1"),
            0);
}

// Migration 28: on a database that had check-ins before it, the scan of
// the typed texts starts with the first, so what was written then counts.
TEST(TextHintsMigrationTest, TextsWrittenBeforeTheUpgradeAreRead) {
  TempDir dir;
  auto db = UpgradedTestDb(
      dir.File("old.db"), 27,
      std::string(kOldMemberAndCampaign) +
          "INSERT INTO checkins (id, member_id, campaign_id, day, client_id,"
          " text, created_at_ms) VALUES (10, 1, 1, 1, 'x', '孩子三年级了', 0),"
          " (11, 1, 1, 2, 'y', '', 0);"
          " INSERT INTO hints (checkin_id, member_id, field, value, confidence,"
          " line_no, created_at_ms) VALUES (11, 1, 'city', '杭州', 0.9, 0, 0)");
  ASSERT_NE(db, nullptr);
  SqliteOcrJobStore store(db.get());
  auto read = store.ReadTypedTexts(1, 0);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, 1u);
  auto hints = store.HintsFor(0, 1);
  ASSERT_TRUE(hints.ok());
  std::set<std::string> seen;
  for (const auto& h : *hints) seen.insert(h.source + ":" + h.hint.value);
  EXPECT_EQ(seen, (std::set<std::string>{"text:三年级", "photo:杭州"}));
  EXPECT_EQ(*store.ReadTypedTexts(10, 0), 1u);  // 11, which has no hint.
  EXPECT_EQ(*store.ReadTypedTexts(10, 0), 0u);
}

// Migration 22 moves probabilities out of the leads' rows: a lead with
// one keeps it, its model and its time; a lead without one has none.
TEST(LeadProbabilitiesMigrationTest, StoredProbabilitiesMoveWithTheirModel) {
  TempDir dir;
  auto db = UpgradedTestDb(dir.File("old.db"), 21,
                           "INSERT INTO leads (id, external_id, source,"
                           " probability, model_id, created_at_ms,"
                           " updated_at_ms) VALUES (4, 'a', 'import', 0.375,"
                           " 6, 10, 20), (5, 'b', 'import', NULL, NULL, 10,"
                           " 30)");
  ASSERT_NE(db, nullptr);
  EXPECT_GE(db->SchemaVersion(), 22);
  SqliteLeadStore store(db.get());
  auto with = store.Get(4);
  ASSERT_TRUE(with.ok()) << with.status().ToString();
  EXPECT_EQ(with->probability, 0.375);
  EXPECT_EQ(with->model_id, 6);
  EXPECT_EQ(with->updated_at_ms, 20);
  auto without = store.Get(5);
  ASSERT_TRUE(without.ok()) << without.status().ToString();
  EXPECT_FALSE(without->probability);
  EXPECT_EQ(without->model_id, 0);
  EXPECT_EQ(without->updated_at_ms, 30);
}

// Migration 24 moves a scored lead's intent factors and input to its row.
// A lead stored before keeps them in lead_texts and reads as it did; one
// whose row holds the input reads it from there, wherever inputs are read.
TEST(LeadIntentMigrationTest, InputsReadTheSameBeforeAndAfterTheMove) {
  TempDir dir;
  const std::string fit =
      scoring::EncodeFactors({{"fit", "grade", "三年级", "三至六年级", 40}});
  const std::string others = scoring::EncodeFactors(
      {{"intent", "想报下一期", "想报下一期", "说过“想报下一期”", 12},
       {"engagement", "checkins", "3", "打卡 3 次", 5}});
  const std::string old_inputs =
      scoring::EncodeAttributes({{"checkins", 3.0}, {"intent", 12.0}});
  auto db = UpgradedTestDb(
      dir.File("old.db"), 23,
      "INSERT INTO leads (id, external_id, source, status, fit_factors,"
      " created_at_ms, updated_at_ms) VALUES (4, 'a', 'import', 'won', '" +
          fit + "', 0, 0), (5, 'b', 'import', 'new', '" + fit +
          "', 0, 0); INSERT INTO lead_texts (lead_id, attributes, factors)"
          " VALUES (4, '" +
          old_inputs + "', '" + others + "'), (5, '" + old_inputs + "', '" +
          others + "')");
  ASSERT_NE(db, nullptr);
  EXPECT_GE(db->SchemaVersion(), 24);
  SqliteLeadStore store(db.get());
  auto old = store.Get(5);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(std::get<double>(old->attributes.at("intent")), 12.0);
  ASSERT_EQ(old->factors.size(), 3u);
  EXPECT_EQ(old->factors[0].part, "fit");
  EXPECT_EQ(old->factors[1].part, "intent");

  // Written again: the input in the row (over any left in the texts).
  ASSERT_TRUE(db->Write([](Connection& c) -> Status {
                  return c.Exec(
                      "UPDATE leads SET intent_input = 7.25 WHERE id = 5;"
                      " UPDATE leads SET intent_input = 3.5 WHERE id = 4");
                }).ok());
  auto moved = store.Get(5);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(std::get<double>(moved->attributes.at("intent")), 7.25);
  EXPECT_EQ(std::get<double>(moved->attributes.at("checkins")), 3.0);
  scoring::LeadInputs open;
  ASSERT_TRUE(store.OpenLeadInputs(0, 0, &open).ok());
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(scoring::DecodeAttributes(open.inputs(0)), moved->attributes);
  auto rows = store.TrainingRows();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(std::get<double>(rows->front().first.at("intent")), 3.5);
  EXPECT_TRUE(rows->front().second);
}

TEST_F(LeadStoreTest, ContactFreezesModelInputsButNotTheLiveScore) {
  Checkin(1, 2, 2, 1, false, "想报下一期");
  auto rep = engine_->Rescore();
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->members, 2u);
  auto leads = store_->List({});
  ASSERT_TRUE(leads.ok());
  ASSERT_EQ(leads->size(), 1u);  // Member A scores under the threshold.
  const scoring::Lead before = leads->front();
  EXPECT_EQ(std::get<double>(before.attributes.at("checkins")), 1.0);
  Exec(
      "INSERT INTO users (id, username, password_hash, role, display_name,"
      " created_at_ms) VALUES (7, 'rep', 'x', 'sales', 'Rep', 0)");
  auto claimed = engine_->Claim(7, 1);
  ASSERT_TRUE(claimed.ok());
  ASSERT_TRUE(
      store_->SetStatus(before.id, {"contacted", "", "", 0}, 7, kNow).ok());
  for (int d : {2, 3, 4, 5}) Checkin(10 + d, 2, 2, d);
  ASSERT_TRUE(engine_->Rescore().ok());
  auto after = store_->Get(before.id);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->frozen);
  EXPECT_EQ(std::get<double>(after->attributes.at("checkins")), 1.0);
  EXPECT_GT(after->score, before.score);  // Reps still see the live score.
  // Closed as won, it is a training row with the inputs as of contact.
  ASSERT_TRUE(
      store_->SetStatus(before.id, {"won", "", "", 990000}, 7, kNow).ok());
  auto rows = store_->TrainingRows();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(std::get<double>(rows->front().first.at("checkins")), 1.0);
  EXPECT_TRUE(rows->front().second);
}

TEST_F(LeadStoreTest, RescoringRewritesOnlyLeadsThatChanged) {
  Checkin(1, 2, 2, 1, false, "想报下一期");
  ASSERT_TRUE(engine_->Rescore().ok());
  auto first = store_->List({});
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  clock_.Advance(60 * 1000);  // A minute later, nothing new.
  ASSERT_TRUE(engine_->Rescore().ok());
  auto same = store_->Get(first->front().id);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->updated_at_ms, first->front().updated_at_ms);
  Checkin(2, 2, 2, 2);  // New activity changes the score.
  ASSERT_TRUE(engine_->Rescore().ok());
  auto changed = store_->Get(first->front().id);
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->updated_at_ms, kNow + 60 * 1000);
  EXPECT_GT(changed->score, same->score);
}

// A pass writes in slices, each its own transaction, so that other
// writes wait for one slice rather than the whole pass; a slice reads its
// members' leads afresh.
// Fails a pass's write while `fail` is set, as a full disk would.
class FailingWriteStore : public SqliteLeadStore {
 public:
  using SqliteLeadStore::SqliteLeadStore;
  Result<int> ApplyScores(const scoring::ScoredParts& scored,
                          const scoring::ScoreFormula& formula, int64_t now_ms,
                          scoring::ScoringProgress* progress) override {
    if (fail) return Status(StatusCode::kUnavailable, "disk full");
    return SqliteLeadStore::ApplyScores(scored, formula, now_ms, progress);
  }
  bool fail = false;
};

// A failed pass may have loaded features that do not match the rules of
// the last good one: a preview waits for the next good pass.
TEST_F(LeadStoreTest, APreviewWaitsForAPassToSucceed) {
  FailingWriteStore store(db_.get());
  scoring::LeadEngine engine(&store, &clock_, scoring::LeadEngineOptions{});
  engine.SetRules(engine_->rules());
  Checkin(1, 2, 2, 1, false, "想报下一期");
  ASSERT_TRUE(engine.Rescore().ok());
  EXPECT_TRUE(engine.PreviewRules(engine.rules()).ok());
  store.fail = true;
  ASSERT_FALSE(engine.Rescore().ok());
  auto preview = engine.PreviewRules(engine.rules());
  ASSERT_FALSE(preview.ok());
  EXPECT_EQ(preview.status().code(), StatusCode::kConflict);
  store.fail = false;
  ASSERT_TRUE(engine.Rescore().ok());
  auto again = engine.PreviewRules(engine.rules());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->members, 2u);
  EXPECT_EQ(again->new_leads, 0u);  // The same rules: nothing new.
}

// After training, every open lead's probability, in slices of their own
// transactions so that other writes wait for one slice: a scored lead gets
// its probability, an imported one also its score (100 × p).
TEST_F(LeadStoreTest, NewProbabilitiesAreWrittenInSlices) {
  Checkin(1, 2, 2, 1, false, "想报下一期");
  ASSERT_TRUE(engine_->Rescore().ok());
  scoring::ImportRow row;
  row.external_id = "crm-7";
  row.attributes["checkins"] = 3.0;
  ASSERT_TRUE(store_->Import({row}, 0, kNow).ok());
  auto leads = store_->List({});
  ASSERT_TRUE(leads.ok());
  ASSERT_EQ(leads->size(), 2u);
  std::vector<std::pair<int64_t, double>> p;
  for (const scoring::Lead& l : *leads)
    p.push_back({l.id, 0.25 + 0.5 * static_cast<double>(p.size())});
  SqliteLeadStoreOptions one_per_slice;
  one_per_slice.write_slice_members = 1;
  one_per_slice.write_slice_ms = 0;
  SqliteLeadStore store(db_.get(), one_per_slice);
  const uint64_t writes = db_->Stats().writes;
  ASSERT_TRUE(store.SetProbabilities(p, 9, kNow + 5000).ok());
  EXPECT_EQ(db_->Stats().writes - writes, 2u);
  for (size_t i = 0; i < p.size(); ++i) {
    const auto& [id, prob] = p[i];
    auto lead = store.Get(id);
    ASSERT_TRUE(lead.ok());
    EXPECT_EQ(lead->model_id, 9);
    EXPECT_EQ(lead->probability, prob);
    EXPECT_EQ(lead->updated_at_ms, kNow + 5000) << "changed with it";
    if (lead->source == "import") {
      EXPECT_DOUBLE_EQ(lead->score, std::round(prob * 1000) / 10);
    } else {
      EXPECT_EQ(lead->score, (*leads)[i].score) << "a points score";
    }
  }
}

// A store whose reads of open leads' inputs, or writes of probabilities,
// fail from the `fail_at`-th call on (0: the first).
class FailingStageStore : public SqliteLeadStore {
 public:
  using SqliteLeadStore::SqliteLeadStore;
  Status OpenLeadInputs(int64_t after_id, size_t limit,
                        scoring::LeadInputs* out) override {
    if (read_fail_at >= 0 && reads++ >= read_fail_at)
      return Status::Unavailable("read failed");
    return SqliteLeadStore::OpenLeadInputs(after_id, limit, out);
  }
  Status SetProbabilities(const std::vector<std::pair<int64_t, double>>& p,
                          int64_t model_id, int64_t now_ms) override {
    if (write_fail_at >= 0 && writes++ >= write_fail_at)
      return Status::Unavailable("write failed");
    return SqliteLeadStore::SetProbabilities(p, model_id, now_ms);
  }
  int read_fail_at = -1, write_fail_at = -1;
  int reads = 0, writes = 0;
};

// After training, the open leads are read, predicted and written in parts
// that overlap (PredictOpenLeads). In small parts, every open lead gets
// the probability the model predicts from all of them at once; a failed
// read or write ends the work with its error.
TEST_F(LeadStoreTest, OpenLeadsArePredictedInPartsAsAllAtOnce) {
  for (int m = 3; m <= 9; ++m) {
    Enroll(m, 2, 19900, /*add_member=*/true);
    Checkin(100 + m, m, 2, 1, false, m % 2 ? "想报下一期" : "多少钱");
    if (m % 3 == 0) Checkin(200 + m, m, 2, 2);
  }
  Checkin(1, 2, 2, 1, false, "想报下一期");
  ASSERT_TRUE(engine_->Rescore().ok());
  scoring::LeadInputs all, part;
  ASSERT_TRUE(store_->OpenLeadInputs(0, 0, &all).ok());
  ASSERT_GE(all.size(), 7u);
  // Read in parts of three, the same leads in the same order.
  std::vector<int64_t> ids;
  for (int64_t after = 0;;) {
    ASSERT_TRUE(store_->OpenLeadInputs(after, 3, &part).ok());
    for (size_t i = 0; i < part.size(); ++i) {
      ASSERT_LT(ids.size(), all.size());
      EXPECT_EQ(part.inputs(i), all.inputs(ids.size()));
      ids.push_back(part.id(i));
    }
    if (part.size() < 3) break;
    after = part.id(part.size() - 1);
  }
  ASSERT_EQ(ids.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(ids[i], all.id(i));

  auto model = ModelFrom(3);
  ASSERT_TRUE(model);
  auto want = scoring::PredictStoredInputs(*model, all);
  ASSERT_TRUE(want.ok());
  // A last part shorter than the others.
  const size_t part_leads = all.size() % 2 ? 2 : 3;
  ASSERT_NE(all.size() % part_leads, 0u);
  auto n = scoring::PredictOpenLeads(*store_, *model, 9, kNow + 5000,
                                     {.part_leads = part_leads});
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    auto lead = store_->Get(all.id(i));
    ASSERT_TRUE(lead.ok());
    EXPECT_EQ(lead->probability, (*want)[i]) << "lead " << all.id(i);
    EXPECT_EQ(lead->model_id, 9);
  }

  for (auto [read_at, write_at] :
       {std::pair{0, -1}, {2, -1}, {-1, 0}, {-1, 1}}) {
    FailingStageStore failing(db_.get());
    failing.read_fail_at = read_at, failing.write_fail_at = write_at;
    auto r = scoring::PredictOpenLeads(failing, *model, 10, kNow + 6000,
                                       {.part_leads = 2});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(),
              read_at >= 0 ? "read failed" : "write failed");
  }
}

// A failed pass leaves some parts stored and some not, so the engine
// forgets what it wrote; the next pass (whose open leads are read beside
// the features) compares each lead with the store instead, and finds the
// lead as stored and does not write it.
TEST_F(LeadStoreTest, APassAfterAFailedOneFindsTheLeadsAsStored) {
  FailingWriteStore store(db_.get());
  scoring::LeadEngine engine(&store, &clock_, scoring::LeadEngineOptions{});
  engine.SetRules(engine_->rules());
  Checkin(1, 2, 2, 1, false, "想报下一期");
  auto first = engine.Rescore();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->created, 1);
  auto leads = store.List({});
  ASSERT_TRUE(leads.ok());
  ASSERT_EQ(leads->size(), 1u);
  store.fail = true;
  clock_.Advance(1000);
  ASSERT_FALSE(engine.Rescore().ok());
  store.fail = false;
  clock_.Advance(1000);
  auto after = engine.Rescore();
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->unchanged, 1u);
  auto lead = store.Get(leads->front().id);
  ASSERT_TRUE(lead.ok());
  EXPECT_EQ(lead->updated_at_ms, leads->front().updated_at_ms);
}

// Starts a rescoring pass on another thread when the engine asks for the
// training rows, and notes whether the pass finished while training was
// under way. Had Train held the pass lock from the start, the pass could
// not end before the training did.
class PassDuringTrainingStore : public SqliteLeadStore {
 public:
  using SqliteLeadStore::SqliteLeadStore;
  Result<std::vector<std::pair<scoring::Attributes, bool>>> TrainingRows()
      override {
    pass = std::async(std::launch::async, [this] { return engine->Rescore(); });
    finished_during_training =
        pass.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
    return SqliteLeadStore::TrainingRows();
  }
  scoring::LeadEngine* engine = nullptr;
  std::future<Result<scoring::RescoreReport>> pass;
  bool finished_during_training = false;
};

TEST_F(LeadStoreTest, APassRunsWhileAModelIsTrained) {
  PassDuringTrainingStore store(db_.get());
  scoring::LeadEngine engine(&store, &clock_, scoring::LeadEngineOptions{});
  store.engine = &engine;
  Checkin(1, 2, 2, 1, false, "想报下一期");
  auto trained = engine.Train();
  // Kept out of the engine's lock: the pass ends only after Train here
  // when the lock is held (the check below then fails rather than hangs).
  auto pass = store.pass.get();
  EXPECT_TRUE(store.finished_during_training);
  ASSERT_TRUE(pass.ok()) << pass.status().ToString();
  EXPECT_EQ(pass->members, 2u);
  // No outcomes yet: the training itself is refused, with the counts.
  ASSERT_FALSE(trained.ok());
  EXPECT_EQ(trained.status().code(), StatusCode::kConflict);
}

TEST_F(LeadStoreTest, APassWritesInSlicesOfItsOwnTransactions) {
  Checkin(1, 2, 2, 1, false, "想报下一期");
  Checkin(2, 1, 1, 1, false, "想报下一期");  // Member A makes a lead too.
  SqliteLeadStore sliced(db_.get(), {/*write_slice_members=*/1,
                                     /*write_slice_ms=*/0});
  scoring::LeadEngine engine(&sliced, &clock_, {});
  engine.SetRules(engine_->rules());
  uint64_t before = db_->Stats().commits;
  auto r = engine.Rescore();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->created, 2);
  EXPECT_EQ(db_->Stats().commits - before, 2u);  // One member each.
  EXPECT_EQ(sliced.last_write_stats().transactions, 2);
  EXPECT_EQ(sliced.last_write_stats().index_ms, 0.0);  // Not made again.
  // A pass by the unsliced store finds both written as it would write
  // them: nothing to rewrite.
  auto leads = store_->List({});
  ASSERT_TRUE(leads.ok());
  ASSERT_EQ(leads->size(), 2u);
  ASSERT_TRUE(engine_->Rescore().ok());
  for (const auto& l : *leads) {
    auto again = store_->Get(l.id);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->updated_at_ms, l.updated_at_ms);
    EXPECT_EQ(again->score, l.score);
  }
  // With the default slice both go in one transaction.
  Checkin(3, 2, 2, 2);
  Checkin(4, 1, 1, 2);
  before = db_->Stats().commits;
  r = engine_->Rescore();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(db_->Stats().commits - before, 1u);
  EXPECT_EQ(store_->last_write_stats().transactions, 1);
}

// Members far apart in id (a pass after a few check-ins) are read one by
// one rather than as the range between them; the result is the same: no
// lead made twice, a contacted lead's inputs kept.
TEST_F(LeadStoreTest, AScatteredPassFindsEachMembersLead) {
  Enroll(100, 2, 19900, /*add_member=*/true);
  Enroll(200, 2, 19900, /*add_member=*/true);
  int id = 1;
  for (int member : {2, 100, 200})
    Checkin(id++, member, 2, 1, false, "想报下一期");
  ASSERT_TRUE(engine_->Rescore().ok());
  auto leads = store_->List({});
  ASSERT_TRUE(leads.ok());
  ASSERT_EQ(leads->size(), 3u);
  const scoring::Lead* mid = nullptr;
  for (const auto& l : *leads)
    if (l.member_id == 100) mid = &l;
  ASSERT_NE(mid, nullptr);
  Exec(
      "INSERT INTO users (id, username, password_hash, role, display_name,"
      " created_at_ms) VALUES (7, 'rep', 'x', 'sales', 'Rep', 0)");
  ASSERT_TRUE(
      store_->SetStatus(mid->id, {"contacted", "", "", 0}, 7, kNow).ok());
  for (int member : {2, 100, 200}) Checkin(id++, member, 2, 2);
  auto r = engine_->Rescore();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->created, 0);
  auto after = store_->List({});
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 3u);
  for (const auto& before : *leads) {
    auto now = store_->Get(before.id);
    ASSERT_TRUE(now.ok());
    EXPECT_GT(now->score, before.score) << before.member_id;
    double checkins = std::get<double>(now->attributes.at("checkins"));
    EXPECT_EQ(checkins, before.member_id == 100 ? 1.0 : 2.0)
        << before.member_id;
  }
}

TEST_F(LeadStoreTest, AttributesAndFactorsSurviveTheirTextForm) {
  scoring::Attributes a{{"城市", std::string("上\t海\\n")},
                        {"x", 0.1},
                        {"gone", std::monostate{}}};
  EXPECT_EQ(scoring::DecodeAttributes(scoring::EncodeAttributes(a)), a);
  std::vector<scoring::PointsFactor> f{
      {"intent", "有没有*课", "v\n", "说过“有没有*课”", 25}};
  auto back = scoring::DecodeFactors(scoring::EncodeFactors(f));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].value, "v\n");
  EXPECT_EQ(back[0].points, 25);
}

}  // namespace
}  // namespace qunying::storage

namespace qunying::storage {
namespace {

// The digest kept between passes must give what reading every check-in
// again gives: the test compares each load with one by a fresh store.
class CheckinDigestTest : public LeadStoreTest {};

TEST_F(CheckinDigestTest, ReadsOnlyTheCheckinsAddedSinceTheLastPass) {
  for (int d : {1, 2}) Checkin(10 + d, 2, 2, d);
  ASSERT_TRUE(Load().ok());
  EXPECT_TRUE(store_->digest_rebuilt());
  Checkin(13, 2, 2, 3, false, "想报下一期");
  Checkin(14, 1, 1, 21);
  auto all = Load();
  ASSERT_TRUE(all.ok());
  EXPECT_FALSE(store_->digest_rebuilt());
  EXPECT_EQ(Of(*all, 2).checkins, 3);
  EXPECT_EQ(Of(*all, 2).longest_streak, 3);
  EXPECT_EQ(Phrases(Of(*all, 2)), PhrasesIn({"想报下一期"}));
  EXPECT_EQ(Of(*all, 1).checkins, 1);
  ExpectSameAsFreshLoad("after inserts");
}

TEST_F(CheckinDigestTest, AMergeThatMovesCheckinsIsReadAgainInFull) {
  for (int d : {1, 2}) Checkin(10 + d, 2, 2, d);
  Checkin(13, 1, 2, 3, false, "想报下一期");  // Member A, not enrolled in c2.
  ASSERT_TRUE(Load().ok());
  // What a merge does: the check-in changes member, its id stays below
  // the highest read.
  Exec("UPDATE checkins SET member_id = 2 WHERE id = 13");
  auto all = Load();
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(store_->digest_rebuilt());
  EXPECT_EQ(Of(*all, 2).checkins, 3);
  EXPECT_EQ(Phrases(Of(*all, 2)), PhrasesIn({"想报下一期"}));
  EXPECT_TRUE(Of(*all, 1).intent_found.empty());
  Exec("DELETE FROM checkins WHERE id = 12");
  ASSERT_TRUE(Load().ok());
  EXPECT_TRUE(store_->digest_rebuilt());
  ExpectSameAsFreshLoad("after an update and a delete");
}

TEST_F(CheckinDigestTest, IntentCountsOnlyTheLastFiftyTexts) {
  Exec(
      "INSERT INTO campaigns (id, name, theme, series, starts_on, days,"
      " created_at_ms) VALUES (5, '百日', '阅读', '百日', 0, 100, 0)");
  Checkin(1000, 2, 2, 1, false, "想报下一期");
  ASSERT_TRUE(Load().ok());
  // 49 more texts: the phrase is in the 50th-last, still counted.
  for (int i = 1; i <= 49; ++i) Checkin(1000 + i, 2, 5, i, false, "打卡");
  auto all = Load();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Phrases(Of(*all, 2)), PhrasesIn({"想报下一期"}));
  Checkin(1050, 2, 5, 50, false, "打卡");  // Now 51 texts back.
  all = Load();
  ASSERT_TRUE(all.ok());
  EXPECT_FALSE(store_->digest_rebuilt());
  EXPECT_TRUE(Of(*all, 2).intent_found.empty());
  ExpectSameAsFreshLoad("after the window moved");
}

TEST_F(CheckinDigestTest, ANewDictionaryFindsThePhrasesAgain) {
  Checkin(11, 2, 2, 1, false, "请问学费多少钱");
  auto all = Load();
  ASSERT_TRUE(all.ok());
  dict_ = {{"学费", 10}, {"想报下一期", 40}};
  all = Load();
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(store_->digest_rebuilt());
  EXPECT_EQ(Phrases(Of(*all, 2)), std::vector<std::string>{"学费"});
  EXPECT_EQ(Phrases(Of(*all, 2)), PhrasesIn({"请问学费多少钱"}));
}

}  // namespace
}  // namespace qunying::storage

namespace qunying::storage {
namespace {

// The event digest against a fresh store's full read, as time moves on
// and events arrive, leave the 30-day window and move between members.
class EventDigestTest : public LeadStoreTest {
 protected:
  void Event(int id, int member, const char* type, int64_t dwell_ms,
             int64_t ts_ms) {
    Exec(
        "INSERT INTO events (id, member_id, type, dwell_ms, ts_ms, client_id,"
        " received_at_ms) VALUES (" +
        std::to_string(id) + ", " + std::to_string(member) + ", '" + type +
        "', " + std::to_string(dwell_ms) + ", " + std::to_string(ts_ms) +
        ", 'e" + std::to_string(id) + "', 0)");
  }
  int64_t Dwell(int64_t now, int member) {
    auto all = Load(now);
    EXPECT_TRUE(all.ok());
    return all.ok() ? Of(*all, member).dwell_s_30d : -1;
  }
};

TEST_F(EventDigestTest, EventsLeaveTheWindowAsTimeMovesOn) {
  Event(1, 2, "content_read", 50000, kNow - 29 * kDay);
  Event(2, 2, "page_view", 7000, kNow - kDay);
  Event(3, 1, "page_view", 3000, kNow - 40 * kDay);
  EXPECT_EQ(Dwell(kNow, 2), 57);
  EXPECT_TRUE(store_->event_digest_rebuilt());
  // Two days on, the 29-day-old read has left the window; a new event,
  // stamped five days back (clients may send late), is in it.
  Event(4, 2, "content_read", 11000, kNow - 5 * kDay);
  const int64_t later = kNow + 2 * kDay;
  EXPECT_EQ(Dwell(later, 2), 18);
  EXPECT_FALSE(store_->event_digest_rebuilt()) << "read everything again";
  ExpectSameAsFreshLoad("two days on", later);
  // A late event already outside the window counts for recency only.
  Event(5, 1, "page_view", 9000, later - 35 * kDay);
  ExpectSameAsFreshLoad("a late event", later);
  EXPECT_FALSE(store_->event_digest_rebuilt());
}

TEST_F(EventDigestTest, AMergeThatMovesEventsIsReadAgainInFull) {
  Event(1, 2, "content_read", 50000, kNow - kDay);
  Event(2, 1, "page_view", 7000, kNow - 3 * kDay);
  ASSERT_TRUE(Load().ok());
  Exec("UPDATE events SET member_id = 1 WHERE member_id = 2");
  ExpectSameAsFreshLoad("after the merge");
  EXPECT_TRUE(store_->event_digest_rebuilt());
  EXPECT_EQ(Dwell(kNow, 1), 57);
  EXPECT_EQ(Dwell(kNow, 2), 0);
}

// A participant's sign-in record, with the events of their first visits,
// merged into the record their order was placed with (POST /mp/phone):
// the events come as copies with new ids, read like any new ones, and
// nothing is read again in full until the merge is undone.
TEST_F(EventDigestTest, EventsOfARecordMergedInAreReadAsNewOnes) {
  Exec(
      "INSERT INTO members (id, openid, nickname, created_at_ms,"
      " updated_at_ms) VALUES (3, 'c', 'C', 0, 0)");
  Event(1, 2, "page_view", 7000, kNow - kDay);
  Event(2, 3, "content_read", 50000, kNow - 2 * kDay);
  Event(3, 3, "page_view", 9000, kNow - 40 * kDay);
  ASSERT_TRUE(Load().ok());
  SqliteIdentityAdminStore admin(db_.get());
  auto merge = admin.Merge(3, 2, 0, "phone proven", kNow);
  ASSERT_TRUE(merge.ok()) << merge.status().ToString();
  EXPECT_EQ(Dwell(kNow, 2), 57);
  EXPECT_FALSE(store_->event_digest_rebuilt()) << "read everything again";
  ExpectSameAsFreshLoad("after the merge");
  // The copy of the two-day-old read leaves the window like any event.
  const int64_t later = kNow + 28 * kDay + kDay / 2;
  EXPECT_EQ(Dwell(later, 2), 7);
  EXPECT_FALSE(store_->event_digest_rebuilt());
  ExpectSameAsFreshLoad("the copies leave the window", later);
  // The undo moves the copies back; member 3 enrolls so that its features
  // show where they went.
  ASSERT_TRUE(admin.Unmerge(*merge, 0, kNow).ok());
  Enroll(3, 2, 0);
  EXPECT_EQ(Dwell(kNow, 2), 7);
  EXPECT_TRUE(store_->event_digest_rebuilt());
  EXPECT_EQ(Dwell(kNow, 3), 50);
  ExpectSameAsFreshLoad("after the undo");
}

// Events, merges (as operators make them, and as a participant proving a
// phone does: records without enrollments), their undos and a moving
// window, at random: the kept digest agrees with a fresh load throughout.
TEST_F(EventDigestTest, RandomMergesAndUndosAgreeWithAFreshLoad) {
  constexpr int kMembers = 12;
  for (int m = 3; m <= kMembers; ++m) {
    Exec(
        "INSERT INTO members (id, openid, nickname, created_at_ms,"
        " updated_at_ms) VALUES (" +
        std::to_string(m) + ", 'o" + std::to_string(m) + "', 'N" +
        std::to_string(m) + "', 0, 0)");
    if (m % 3 == 0) Enroll(m, m % 2 + 1, 100);  // Others sign in only.
  }
  SqliteIdentityAdminStore admin(db_.get());
  std::vector<int64_t> merges;  // Made and not undone.
  std::mt19937 rng(34);
  int64_t now = kNow;
  int event = 0, made = 0, undone = 0;
  auto merged = [&](int64_t m) {
    int64_t n = 0;
    EXPECT_TRUE(db_->Read([&](Connection& c) -> Status {
                     QY_ASSIGN_OR_RETURN(
                         n, QueryInt(c,
                                     "SELECT COUNT(*) FROM members WHERE id ="
                                     " ? AND merged_into IS NOT NULL",
                                     m, true));
                     return Status::Ok();
                   })
                    .ok());
    return n > 0;
  };
  for (int step = 0; step < 300; ++step) {
    const int64_t m = static_cast<int64_t>(rng() % kMembers) + 1;
    switch (rng() % 6) {
      case 0: {
        auto merge = admin.Merge(m, static_cast<int64_t>(rng() % kMembers) + 1,
                                 0, "", now);
        if (merge.ok()) merges.push_back(*merge), ++made;
        break;
      }
      case 1:
        if (!merges.empty() && admin.Unmerge(merges.back(), 0, now).ok())
          ++undone;
        if (!merges.empty()) merges.pop_back();
        break;
      case 2:
        now += kDay / 2;  // The window moves on.
        break;
      default:
        // The server takes events only from members who sign in, and a
        // merged record signs in as the member it joined.
        if (merged(m)) break;
        Event(1000 * ++event, static_cast<int>(m),
              rng() % 4 ? "page_view" : "content_read",
              static_cast<int64_t>(rng() % 5) * 60000,
              now - static_cast<int64_t>(rng() % 35) * kDay);
    }
    if (step % 10 == 9) {
      ExpectSameAsFreshLoad(("step " + std::to_string(step)).c_str(), now);
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_GT(made, 5);
  EXPECT_GT(undone, 2);
}

TEST_F(EventDigestTest, AWindowThatMovesBackIsReadAgainInFull) {
  Event(1, 2, "page_view", 50000, kNow - 20 * kDay);
  EXPECT_EQ(Dwell(kNow + 15 * kDay, 2), 0);  // Out of the window then.
  EXPECT_EQ(Dwell(kNow, 2), 50);
  EXPECT_TRUE(store_->event_digest_rebuilt());
}

}  // namespace
}  // namespace qunying::storage

namespace qunying::storage {
namespace {

// The facts digest against a fresh store's full read, as hints arrive,
// are read again, reviewed and moved by a merge.
class FactsDigestTest : public LeadStoreTest {
 protected:
  void SetUp() override {
    LeadStoreTest::SetUp();
    Checkin(11, 2, 2, 1);
    Checkin(13, 2, 2, 2);
    Checkin(12, 1, 1, 20);
    Checkin(14, 1, 1, 21);
  }
  void Hint(int checkin, int member, const char* field, const char* value,
            double confidence) {
    Exec(
        "INSERT INTO hints (checkin_id, member_id, field, value, confidence,"
        " line_no, created_at_ms) VALUES (" +
        std::to_string(checkin) + ", " + std::to_string(member) + ", '" +
        field + "', '" + value + "', " + std::to_string(confidence) +
        ", 0, 0)");
  }
  std::string Fact(int member, const std::string& field) {
    auto all = Load();
    EXPECT_TRUE(all.ok());
    if (!all.ok()) return "?";
    const auto& facts = Of(*all, member).facts;
    auto it = facts.find(field);
    return it == facts.end() ? "" : it->second;
  }
};

TEST_F(FactsDigestTest, OnlyMembersWhoseHintsChangedAreBuiltAgain) {
  Hint(11, 2, "grade", "三年级", 0.7);
  Hint(13, 2, "grade", "三年级", 0.6);
  Hint(12, 1, "city", "上海", 0.9);
  Hint(14, 1, "city", "上海", 0.8);
  ExpectSameAsFreshLoad("first");
  EXPECT_EQ(store_->facts_members_rebuilt(), 2u);
  EXPECT_EQ(Fact(2, "grade"), "三年级");
  EXPECT_EQ(Fact(1, "city"), "上海");
  EXPECT_EQ(store_->facts_members_rebuilt(), 0u) << "nothing changed";
  Hint(12, 1, "grade", "五年级", 0.9);
  Hint(14, 1, "grade", "五年级", 0.9);
  ExpectSameAsFreshLoad("a new hint");
  EXPECT_EQ(store_->facts_members_rebuilt(), 1u);
  EXPECT_EQ(Fact(1, "grade"), "五年级");
  // OCR read again: the check-ins' hints are replaced, here by none.
  Exec("DELETE FROM hints WHERE checkin_id IN (11, 13)");
  ExpectSameAsFreshLoad("hints deleted");
  EXPECT_EQ(store_->facts_members_rebuilt(), 1u);
  EXPECT_EQ(Fact(2, "grade"), "");
  Exec(
      "INSERT INTO hint_reviews (member_id, field, value, decision,"
      " by_user_id, at_ms) VALUES (1, 'city', '上海', 'rejected', 1, 0)");
  ExpectSameAsFreshLoad("a review");
  EXPECT_EQ(store_->facts_members_rebuilt(), 1u);
  EXPECT_EQ(Fact(1, "city"), "");
}

TEST_F(FactsDigestTest, AMergeRebuildsBothMembers) {
  Hint(12, 1, "city", "上海", 0.9);
  Hint(14, 1, "city", "上海", 0.8);
  ASSERT_TRUE(Load().ok());
  EXPECT_EQ(Fact(2, "city"), "");
  Exec("UPDATE hints SET member_id = 2 WHERE member_id = 1");
  ExpectSameAsFreshLoad("after the merge");
  EXPECT_EQ(store_->facts_members_rebuilt(), 2u);
  EXPECT_EQ(Fact(2, "city"), "上海");
  EXPECT_EQ(Fact(1, "city"), "");
}

}  // namespace
}  // namespace qunying::storage

namespace qunying::storage {
namespace {

// The enrollment rows kept between passes against a fresh store's full
// read: new enrollments are read alone; a changed payment, a merge and a
// delete make the pass read every enrollment again.
class EnrollmentRowsTest : public LeadStoreTest {};

TEST_F(EnrollmentRowsTest, ReadsOnlyTheEnrollmentsAddedSinceTheLastPass) {
  auto all = Load();
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(store_->enrollments_reread());
  EXPECT_EQ(Of(*all, 1).campaigns, 1);
  Enroll(1, 2, 29900);
  all = Load();
  ASSERT_TRUE(all.ok());
  EXPECT_FALSE(store_->enrollments_reread());
  EXPECT_EQ(Of(*all, 1).campaigns, 2);
  EXPECT_EQ(Of(*all, 1).paid_fen, 9900 + 29900);
  ExpectSameAsFreshLoad("after an enrollment");
  Enroll(3, 2, 100, /*add_member=*/true);
  all = Load();
  ASSERT_TRUE(all.ok());
  EXPECT_FALSE(store_->enrollments_reread());
  EXPECT_EQ(all->size(), 3u);
  ExpectSameAsFreshLoad("after a new member enrolled");
}

TEST_F(EnrollmentRowsTest, AChangedPaymentAMergeOrADeleteIsReadAgainInFull) {
  ASSERT_TRUE(Load().ok());
  Exec("UPDATE enrollments SET paid_fen = 0 WHERE member_id = 2");
  auto all = Load();
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(store_->enrollments_reread());
  EXPECT_EQ(Of(*all, 2).paid_fen, 0);
  ExpectSameAsFreshLoad("after a refund");
  // What a merge does: member A's enrollment becomes member B's.
  Exec("DELETE FROM enrollments WHERE member_id = 2 AND campaign_id = 1");
  ASSERT_TRUE(Load().ok());
  EXPECT_TRUE(store_->enrollments_reread());
  Exec("UPDATE enrollments SET member_id = 2 WHERE member_id = 1");
  all = Load();
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(store_->enrollments_reread());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(Of(*all, 2).campaigns, 2);
  ExpectSameAsFreshLoad("after a merge");
}

TEST_F(EnrollmentRowsTest, ARefundedEnrollmentIsLeftOutUntilRestored) {
  Enroll(1, 2, 29900);
  auto all = Load();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(Of(*all, 1).campaigns, 2);
  Exec(
      "UPDATE enrollments SET refunded_at_ms = 1 WHERE member_id = 1 AND"
      " campaign_id = 2");
  all = Load();
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(store_->enrollments_reread());
  EXPECT_EQ(Of(*all, 1).campaigns, 1);
  EXPECT_EQ(Of(*all, 1).paid_fen, 9900);
  ExpectSameAsFreshLoad("after a refund");
  Exec("UPDATE enrollments SET refunded_at_ms = NULL WHERE member_id = 1");
  all = Load();
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(store_->enrollments_reread());
  EXPECT_EQ(Of(*all, 1).paid_fen, 9900 + 29900);
}

TEST_F(EnrollmentRowsTest, MovingAMemberToAnotherGroupReadsNothingAgain) {
  ASSERT_TRUE(Load().ok());
  Exec(
      "INSERT INTO chat_groups (id, name, campaign_id, theme, series,"
      " created_at_ms) VALUES (1, '2期群', 2, '阅读', '阅读', 0)");
  Exec("UPDATE enrollments SET group_id = 1 WHERE campaign_id = 2");
  ASSERT_TRUE(Load().ok());
  EXPECT_FALSE(store_->enrollments_reread());
  ExpectSameAsFreshLoad("after a group move");
}

}  // namespace
}  // namespace qunying::storage
