// The demo's sales history (server/demo_sales.h), read back through the API
// as a rep, an admin and the training page would.
#include <map>
#include <set>

#include "core/time_util.h"
#include "tests/server/demo_server_test.h"

namespace qunying::server {
namespace {

using json = nlohmann::json;

class DemoSalesTest : public DemoServerTest {
 protected:
  void SetUp() override {
    DemoServerTest::SetUp();
    ASSERT_FALSE(HasFatalFailure());
    admin_ = AdminToken();
  }

  // Every lead, through the list's pages.
  std::vector<json> AllLeads() {
    std::vector<json> out;
    std::string cursor;
    for (int page = 0; page < 100; ++page) {
      auto r = client_->Get("/api/v1/leads?limit=100" +
                                (cursor.empty() ? "" : "&cursor=" + cursor),
                            admin_);
      EXPECT_EQ(r.status, 200) << r.body.dump();
      if (r.status != 200) break;
      const json data = r.data();
      for (const json& l : data["items"]) out.push_back(l);
      if (data["next_cursor"].is_null()) break;
      cursor = data["next_cursor"].get<std::string>();
    }
    return out;
  }

  static double Chance(const json& lead) {
    return DemoWinChance(lead["fit"].get<double>(),
                         lead["engagement"].get<double>(),
                         lead["intent"].get<double>());
  }

  std::string admin_;
};

TEST_F(DemoSalesTest, RepsWonAndLostLeadsInTheWeeksBefore) {
  const std::vector<json> leads = AllLeads();
  std::map<std::string, int> won, lost;  // By owner.
  int64_t revenue = 0;
  double won_chance = 0, lost_chance = 0;
  for (const json& l : leads) {
    const std::string status = l["status"];
    if (status == "won") {
      ++won[l["owner_id"].get<std::string>()];
      EXPECT_GT(l["amount_fen"].get<int64_t>(), 0);
      revenue += l["amount_fen"].get<int64_t>();
      won_chance += Chance(l);
    } else if (status == "lost") {
      ++lost[l["owner_id"].get<std::string>()];
      EXPECT_NE(l["lost_reason"], "");
      lost_chance += Chance(l);
    }
  }
  // Both reps won some and lost some, as the summary says.
  ASSERT_EQ(won.size(), 2u);
  ASSERT_EQ(lost.size(), 2u);
  int n_won = won.begin()->second + won.rbegin()->second;
  int n_lost = lost.begin()->second + lost.rbegin()->second;
  EXPECT_EQ(n_won, summary_.sales.won);
  EXPECT_EQ(n_lost, summary_.sales.lost);
  EXPECT_EQ(revenue, summary_.sales.revenue_fen);
  // Outcomes follow the leads' parts (DemoWinChance), not a coin.
  EXPECT_GT(won_chance / n_won, lost_chance / n_lost + 0.1);
  // The reps' KPIs count the same.
  auto kpis = client_->Get("/api/v1/leads/kpis", admin_);
  ASSERT_EQ(kpis.status, 200) << kpis.body.dump();
  int kpi_won = 0;
  int64_t kpi_revenue = 0;
  for (const json& k : kpis.data()["items"]) {
    kpi_won += k["won"].get<int>();
    kpi_revenue += k["revenue_fen"].get<int64_t>();
    EXPECT_GT(k["claimed"].get<int>(), 0) << k.dump();
  }
  EXPECT_EQ(kpi_won, n_won);
  EXPECT_EQ(kpi_revenue, revenue);
}

TEST_F(DemoSalesTest, EachLeadsHistoryRunsInOrderUpToNow) {
  const int64_t now = clock_.NowMillis();
  int worked = 0, sla_returns = 0, followed_up = 0;
  for (const json& l : AllLeads()) {
    auto r =
        client_->Get("/api/v1/leads/" + l["id"].get<std::string>(), admin_);
    ASSERT_EQ(r.status, 200) << r.body.dump();
    const json lead = r.data();
    const json& history = lead["history"];
    ASSERT_FALSE(history.empty());
    EXPECT_EQ(history[0]["kind"], "created");
    int64_t last = 0;
    for (const json& e : history) {
      auto at = ParseRfc3339(e["at"].get<std::string>());
      ASSERT_TRUE(at.ok()) << e.dump();
      EXPECT_GE(*at, last) << lead["id"] << " " << history.dump();
      EXPECT_LE(*at, now) << e.dump();
      last = *at;
      if (e["kind"] == "sla_release") ++sla_returns;
    }
    if (history.size() > 2) ++worked;
    if (!lead["follow_up_at"].is_null()) {
      auto due = ParseRfc3339(lead["follow_up_at"].get<std::string>());
      ASSERT_TRUE(due.ok());
      EXPECT_GT(*due, now) << "the demo's follow-ups are still to come";
      ++followed_up;
    }
  }
  EXPECT_GE(worked, summary_.sales.won + summary_.sales.lost);
  EXPECT_GT(sla_returns, 0) << "some leads went uncalled and back to the pool";
  EXPECT_GT(followed_up, 0) << "reps mean to call back the leads still open";
}

TEST_F(DemoSalesTest, AModelLearntFromTheOutcomesScoresTheOpenLeads) {
  auto models = client_->Get("/api/v1/scoring/models", admin_);
  ASSERT_EQ(models.status, 200) << models.body.dump();
  ASSERT_EQ(models.data()["items"].size(), 1u);
  const json model = models.data()["items"][0];
  EXPECT_EQ(model["n_train"].get<int>(),
            summary_.sales.won + summary_.sales.lost);
  EXPECT_EQ(model["kind"], summary_.model_kind);
  // The reps' few dozen outcomes are enough to learn the demo's hidden
  // propensity: it ranks them well above chance (0.49 with the gentler
  // propensity of before), and it reads intent, which drives it most, as
  // raising the chance of the leads that said the most.
  EXPECT_GE(model["auc_cv"].get<double>(), 0.65) << model.dump();
  int read_intent = 0;
  int open = 0;
  std::string an_open;
  for (const json& l : AllLeads()) {
    const std::string status = l["status"];
    if (status == "won" || status == "lost") continue;
    ++open;
    EXPECT_FALSE(l["probability"].is_null()) << l.dump();
    an_open = l["id"];
    if (l["intent"].get<double>() < 100 || read_intent) continue;
    auto card = client_->Get("/api/v1/leads/" + an_open, admin_);
    for (const json& f : card.data()["model_factors"]) {
      if (f["name"] != "intent") continue;
      EXPECT_GT(f["contribution"].get<double>(), 0) << f.dump();
      ++read_intent;
    }
  }
  ASSERT_GT(open, 0);
  EXPECT_EQ(read_intent, 1) << "no open lead with intent 100 names intent";
  auto card = client_->Get("/api/v1/leads/" + an_open, admin_);
  ASSERT_EQ(card.status, 200);
  const json factors = card.data()["model_factors"];
  EXPECT_FALSE(factors.empty()) << card.body.dump();
  // In words a rep reads ("最长连续打卡 9 天，提高成交可能"), not the
  // model's column names ("longest_streak = 9").
  for (const json& f : factors) {
    const std::string label = f["label"];
    EXPECT_EQ(label.find('_'), std::string::npos) << label;
    EXPECT_EQ(label.find(" = "), std::string::npos) << label;
    EXPECT_NE(label.find("成交可能"), std::string::npos) << label;
  }
}

TEST_F(DemoSalesTest, ARepListsOpenLeadsApartFromWonAndLostOnes) {
  std::string rep = LoginAs(kDemoStaff[1].username, kDemoStaff[1].password);
  auto me = client_->Get("/api/v1/auth/me", rep);
  ASSERT_EQ(me.status, 200);
  const std::string my_id = me.data()["id"];
  int open = 0, closed = 0;
  for (const json& l : AllLeads()) {
    if (l["owner_id"] != my_id) continue;
    const bool done = l["status"] == "won" || l["status"] == "lost";
    ++(done ? closed : open);
  }
  ASSERT_GT(open, 0);
  ASSERT_GT(closed, 0);
  for (const char* sort : {"id", "score"}) {
    std::map<std::string, int> shown;
    for (const char* status : {"open", "closed"}) {
      auto r = client_->Get(std::string("/api/v1/leads?mine=true&limit=500") +
                                "&sort=" + sort + "&status=" + status,
                            rep);
      ASSERT_EQ(r.status, 200) << r.body.dump();
      for (const json& l : r.data()["items"]) {
        EXPECT_EQ(l["owner_id"], my_id);
        const bool done = l["status"] == "won" || l["status"] == "lost";
        EXPECT_EQ(done, std::string(status) == "closed") << l.dump();
        ++shown[status];
      }
    }
    EXPECT_EQ(shown["open"], open) << sort;
    EXPECT_EQ(shown["closed"], closed) << sort;
  }
  auto bad = client_->Get("/api/v1/leads?status=opened", rep);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.data()["field"], "status");
}

TEST_F(DemoSalesTest, ARepFindsLeadsByNameAndOwnLeadsByPhone) {
  std::string rep = LoginAs(kDemoStaff[1].username, kDemoStaff[1].password);
  auto me = client_->Get("/api/v1/auth/me", rep);
  const std::string my_id = me.data()["id"];
  json mine, pooled;  // A lead of the rep's and one in the pool, with phones.
  for (const json& l : AllLeads()) {
    if (l["phone"] == "") continue;
    if (l["owner_id"] == my_id && mine.is_null()) mine = l;
    if (l["owner_id"].is_null() && pooled.is_null()) pooled = l;
  }
  ASSERT_FALSE(mine.is_null());
  ASSERT_FALSE(pooled.is_null());
  auto ids = [&](const std::string& query, const std::string& token) {
    std::set<std::string> out;
    auto r = client_->Get("/api/v1/leads?limit=500&q=" + query, token);
    EXPECT_EQ(r.status, 200) << r.body.dump();
    for (const json& l : r.data()["items"]) out.insert(l["id"]);
    return out;
  };
  // The last six digits of a phone (admins see them whole).
  auto tail = [](const json& l) {
    return l["phone"].get<std::string>().substr(5);
  };
  EXPECT_TRUE(ids(tail(mine), rep).count(mine["id"]));
  EXPECT_FALSE(ids(tail(pooled), rep).count(pooled["id"]))
      << "a rep learns whose a pool phone is";
  EXPECT_TRUE(ids(tail(pooled), admin_).count(pooled["id"]));
  // A part of a nickname finds pool leads too, and only matching ones.
  const std::string nickname = pooled["nickname"];
  size_t end = 0;  // After its first two characters.
  for (int chars = 0; chars < 2 && end < nickname.size(); ++chars) {
    do ++end;
    while (end < nickname.size() && (nickname[end] & 0xC0) == 0x80);
  }
  const std::string part = nickname.substr(0, end);
  auto found = client_->Get("/api/v1/leads?limit=500&q=" + part, rep);
  ASSERT_EQ(found.status, 200);
  bool has = false;
  for (const json& l : found.data()["items"]) {
    EXPECT_NE(l["nickname"].get<std::string>().find(part), std::string::npos)
        << l["nickname"];
    has = has || l["id"] == pooled["id"];
  }
  EXPECT_TRUE(has);
  EXPECT_EQ(client_->Get("/api/v1/leads?q=" + std::string(65, 'x'), rep).status,
            400);
}

}  // namespace
}  // namespace qunying::server
