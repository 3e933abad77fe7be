// Leads end to end: scoring members into leads, claims (atomic, capped,
// with an SLA), visibility and masking for reps, status changes, import,
// training and KPIs.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "core/time_util.h"
#include "ocr/photo_renderer.h"
#include "scoring/points.h"
#include "scoring/synthetic.h"
#include "storage/database.h"
#include "storage/sqlite_lead_store.h"
#include "tests/server/test_server.h"

namespace qunying::server {
namespace {

using nlohmann::json;

class LeadApiTest : public ServerTest {
 protected:
  void SetUp() override {
    Start();
    admin_ = AdminToken();
    op_ = CreateStaff("operator1", "operator");
  }

  // Imports `n` open leads "ext-<offset+i>" with a descending score order
  // once a model exists; returns nothing (ids come from listing).
  void ImportOpen(int n, int offset = 0) {
    json rows = json::array();
    for (int i = 0; i < n; ++i)
      rows.push_back({{"external_id", "ext-" + std::to_string(offset + i)},
                      {"attributes", {{"visits", i}, {"city", "北京"}}},
                      {"outcome", nullptr}});
    auto r = client_->Post("/api/v1/leads/import", {{"rows", rows}}, admin_);
    ASSERT_EQ(r.status, 200) << r.body.dump();
  }

  // A member enrolled with a phone who checked in today saying they want
  // the next campaign; rescored into a lead. Returns the lead id.
  std::string EngagedMemberLead(const std::string& nickname = "王小明妈妈") {
    std::string campaign = CreateRunningCampaign(op_, 3);
    auto e = client_->Post("/api/v1/campaigns/" + campaign + "/enrollments",
                           {{"enrollments",
                             {{{"openid", "o-lead"},
                               {"nickname", nickname},
                               {"phone", "13812345678"},
                               {"paid_fen", 9900}}}}},
                           op_);
    EXPECT_EQ(e.status, 200) << e.body.dump();
    std::string mp = ParticipantToken("o-lead", nickname);
    auto c = client_->Post("/api/v1/mp/checkins",
                           {{"campaign_id", campaign},
                            {"text", "今天读完了，想报下一期，多少钱？"},
                            {"duration_s", 900},
                            {"client_id", "c1"}},
                           mp);
    EXPECT_EQ(c.status, 201) << c.body.dump();
    auto rules = client_->Call("PUT", "/api/v1/scoring/rules",
                               json{{"lead_threshold", 10}}.dump(), admin_);
    EXPECT_EQ(rules.status, 200) << rules.body.dump();
    auto rescore =
        client_->Post("/api/v1/scoring/rescore", json::object(), admin_);
    EXPECT_EQ(rescore.status, 200) << rescore.body.dump();
    EXPECT_EQ(rescore.data()["created"], 1);
    auto list = client_->Get("/api/v1/leads?source=score", admin_);
    EXPECT_EQ(list.data()["items"].size(), 1u);
    return list.data()["items"].empty()
               ? ""
               : list.data()["items"][0]["id"].get<std::string>();
  }

  // After EngagedMemberLead: another parent, in a campaign of their own,
  // who also asks the price; the id of the lead the next pass makes.
  std::string AnotherMemberLead(const std::string& openid) {
    std::string campaign = CreateRunningCampaign(op_, 3);
    auto e = client_->Post(
        "/api/v1/campaigns/" + campaign + "/enrollments",
        {{"enrollments",
          {{{"openid", openid}, {"nickname", openid}, {"paid_fen", 9900}}}}},
        op_);
    EXPECT_EQ(e.status, 200) << e.body.dump();
    auto c = client_->Post("/api/v1/mp/checkins",
                           {{"campaign_id", campaign},
                            {"text", "想报下一期，多少钱？"},
                            {"duration_s", 600},
                            {"client_id", "c-" + openid}},
                           ParticipantToken(openid, openid));
    EXPECT_EQ(c.status, 201) << c.body.dump();
    auto rescore =
        client_->Post("/api/v1/scoring/rescore", json::object(), admin_);
    EXPECT_EQ(rescore.data()["created"], 1) << rescore.body.dump();
    std::string id;  // The newest.
    const json leads =
        client_->Get("/api/v1/leads?source=score", admin_).data()["items"];
    for (const json& l : leads) {
      const std::string at = l["id"];
      if (id.empty() || std::stoll(at) > std::stoll(id)) id = at;
    }
    return id;
  }

  // Merges the member of lead `from` into the member of lead `into`, as an
  // operator; the merge's id ("" if refused).
  std::string MergeMembersOf(const std::string& from, const std::string& into) {
    std::string a =
        client_->Get("/api/v1/leads/" + from, admin_).data()["member_id"];
    std::string b =
        client_->Get("/api/v1/leads/" + into, admin_).data()["member_id"];
    auto merged =
        client_->Post("/api/v1/members/" + a + "/merge", {{"into", b}}, op_);
    EXPECT_EQ(merged.status, 201) << merged.body.dump();
    return merged.status == 201 ? merged.data()["merge_id"].get<std::string>()
                                : "";
  }

  ApiReply Patch(const std::string& id, const json& body,
                 const std::string& token) {
    return client_->Call("PATCH", "/api/v1/leads/" + id, body.dump(), token);
  }

  std::string admin_, op_;
};

// A stopped server keeps what its lead pass read beside the database
// (<db>.leadstate); started again, its first pass reads only what is new
// and rewrites nothing that has not changed.
TEST_F(LeadApiTest, ARestartedServerTakesUpItsLeadPassWhereItStopped) {
  ASSERT_FALSE(EngagedMemberLead().empty());
  auto again = client_->Post("/api/v1/scoring/rescore", json::object(), admin_);
  ASSERT_EQ(again.status, 200) << again.body.dump();
  EXPECT_FALSE(again.data()["memory_restored"].get<bool>());
  int64_t members = again.data()["members"];
  EXPECT_EQ(again.data()["reused"], members);  // Nothing changed since.
  auto before = client_->Get("/api/v1/leads?source=score", admin_).data();

  app_->Stop();
  app_.reset();
  EXPECT_TRUE(std::filesystem::exists(options_.db.path + ".leadstate"));
  clock_.Advance(1000);  // A rewrite would show in updated_at.
  Start();
  admin_ = AdminToken();
  auto first = client_->Post("/api/v1/scoring/rescore", json::object(), admin_);
  ASSERT_EQ(first.status, 200) << first.body.dump();
  EXPECT_TRUE(first.data()["memory_restored"].get<bool>()) << first.body.dump();
  EXPECT_EQ(first.data()["reused"], members);
  EXPECT_EQ(first.data()["unchanged"], 1);
  EXPECT_EQ(first.data()["created"], 0);
  auto after = client_->Get("/api/v1/leads?source=score", admin_).data();
  EXPECT_EQ(after, before);
}

// With a rescoring schedule, a started server rescores at once, taking up
// the state file its last run left, rather than an interval later.
TEST_F(LeadApiTest, AServerWithARescoringScheduleRescoresAtStart) {
  ASSERT_FALSE(EngagedMemberLead().empty());
  app_->Stop();
  app_.reset();
  std::filesystem::remove(options_.log_path);
  options_.lead_schedule = {0, 3600, 0};  // Hourly: only the start pass.
  Start();
  std::string line;
  for (int i = 0; i < 100 && line.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::ifstream log(options_.log_path);
    for (std::string l; std::getline(log, l);)
      if (l.find("\"event\":\"rescored\"") != std::string::npos) line = l;
  }
  ASSERT_FALSE(line.empty()) << "no pass at start";
  json pass = json::parse(line);
  EXPECT_TRUE(pass["memory_restored"].get<bool>()) << line;
  EXPECT_EQ(pass["reused"], pass["members"]);
  EXPECT_EQ(pass["created"], 0);
  // The file it took up is not written again after that pass (only at
  // the stop).
  app_->Stop();
  std::ifstream log(options_.log_path);
  int saves = 0;
  for (std::string l; std::getline(log, l);) {
    if (l.find("\"lead state saved\"") == std::string::npos) continue;
    ++saves;
    EXPECT_NE(l.find("\"when\":\"stop\""), std::string::npos) << l;
  }
  EXPECT_EQ(saves, 1);
}

TEST_F(LeadApiTest, EngagedMemberBecomesALeadWithAScoreExplainedInWords) {
  std::string id = EngagedMemberLead();
  ASSERT_FALSE(id.empty());
  auto card = client_->Get("/api/v1/leads/" + id, admin_);
  ASSERT_EQ(card.status, 200) << card.body.dump();
  const json d = card.data();
  EXPECT_EQ(d["status"], "new");
  EXPECT_EQ(d["phone"], "13812345678");  // Admin sees it.
  EXPECT_GT(d["intent"].get<double>(), 50);
  EXPECT_TRUE(d["probability"].is_null());  // No model yet.
  std::set<std::string> names;
  for (const auto& f : d["factors"]) {
    names.insert(f["name"].get<std::string>());
    EXPECT_FALSE(f["label"].get<std::string>().empty());
  }
  EXPECT_TRUE(names.count("想报下一期")) << d["factors"].dump();
  EXPECT_TRUE(names.count("多少钱"));
  EXPECT_TRUE(names.count("completion"));
  EXPECT_TRUE(names.count("phone"));
  EXPECT_EQ(d["history"][0]["kind"], "created");
  // Rescoring again creates nothing new.
  auto again = client_->Post("/api/v1/scoring/rescore", json::object(), admin_);
  EXPECT_EQ(again.data()["created"], 0);
}

TEST_F(LeadApiTest, OwnerSeesTheMembersCheckinsAndPhotosOthersDoNot) {
  std::string lead = EngagedMemberLead();
  ASSERT_FALSE(lead.empty());
  // A make-up check-in with a photo from the same member.
  std::string mp = ParticipantToken("o-lead", "王小明妈妈");
  ocr::RenderOptions o;
  o.width = 300;
  o.height = 400;
  auto jpeg = ocr::RenderPhotoJpeg({"三年级二班"}, o);
  ASSERT_TRUE(jpeg.ok());
  std::string campaign = client_->Get("/api/v1/mp/me", mp)
                             .data()["campaigns"][0]["id"]
                             .get<std::string>();
  auto up = client_->raw().Post(
      "/api/v1/mp/checkins", {{"Authorization", "Bearer " + mp}},
      httplib::MultipartFormDataItems{{"campaign_id", campaign, "", ""},
                                      {"client_id", "c-photo", "", ""},
                                      {"makeup_day", "1", "", ""},
                                      {"photo", *jpeg, "p.jpg", "image/jpeg"}});
  ASSERT_TRUE(up);
  ASSERT_EQ(up->status, 201) << up->body;
  // Someone else's photo check-in, to try through this lead.
  std::string other_mp = EnrollAndSignIn(op_, campaign, "o-other", "李四");
  auto other = client_->raw().Post(
      "/api/v1/mp/checkins", {{"Authorization", "Bearer " + other_mp}},
      httplib::MultipartFormDataItems{{"campaign_id", campaign, "", ""},
                                      {"client_id", "c-x", "", ""},
                                      {"photo", *jpeg, "p.jpg", "image/jpeg"}});
  ASSERT_TRUE(other);
  ASSERT_EQ(other->status, 201);
  std::string other_id = json::parse(other->body)["data"]["id"];

  std::string rep = CreateStaff("sales_a", "sales");
  std::string rival = CreateStaff("sales_b", "sales");
  std::string path = "/api/v1/leads/" + lead + "/activity";
  EXPECT_EQ(client_->Get(path, rep).status, 404);  // In the pool: claim first.
  ASSERT_EQ(client_->Post("/api/v1/leads/claim", {{"count", 1}}, rep).status,
            200);
  auto act = client_->Get(path, rep);
  ASSERT_EQ(act.status, 200) << act.body.dump();
  const auto& checkins = act.data()["checkins"];
  ASSERT_EQ(checkins.size(), 2u);
  EXPECT_TRUE(checkins[0]["makeup"].get<bool>());  // Newest first.
  EXPECT_EQ(checkins[1]["text"], "今天读完了，想报下一期，多少钱？");
  EXPECT_TRUE(checkins[1]["photo_url"].is_null());
  std::string url = checkins[0]["photo_url"];
  auto photo =
      client_->raw().Get(url.c_str(), {{"Authorization", "Bearer " + rep}});
  ASSERT_TRUE(photo);
  EXPECT_EQ(photo->status, 200);
  EXPECT_EQ(photo->body, *jpeg);
  // Not through another rep, and not another member's photo.
  EXPECT_EQ(client_->Get(path, rival).status, 404);
  auto stolen =
      client_->raw().Get(url.c_str(), {{"Authorization", "Bearer " + rival}});
  EXPECT_EQ(stolen->status, 404);
  auto foreign = client_->raw().Get(
      ("/api/v1/leads/" + lead + "/photos/" + other_id).c_str(),
      {{"Authorization", "Bearer " + rep}});
  EXPECT_EQ(foreign->status, 404);
  EXPECT_EQ(client_->Get(path, op_).status, 403);  // Operators: not sales.
  EXPECT_EQ(client_->Get(path, admin_).status, 200);
}

TEST_F(LeadApiTest, RepSeesOwnLeadsAndThePoolOnlyWithPhonesMaskedInThePool) {
  // Some put their number in their nickname: masked there too.
  std::string id = EngagedMemberLead("王小明妈妈13812345678");
  std::string a = CreateStaff("rep-a", "sales"),
              b = CreateStaff("rep-b", "sales");
  auto pool = client_->Get("/api/v1/leads/" + id, b);
  ASSERT_EQ(pool.status, 200);
  EXPECT_EQ(pool.data()["phone"], "138****5678");
  EXPECT_EQ(pool.data()["nickname"], "王小明妈妈138****5678");
  EXPECT_EQ(client_->Get("/api/v1/leads", b).data()["items"][0]["nickname"],
            "王小明妈妈138****5678");
  auto claim = client_->Post("/api/v1/leads/claim", {{"count", 5}}, a);
  ASSERT_EQ(claim.status, 200) << claim.body.dump();
  ASSERT_EQ(claim.data()["items"].size(), 1u);
  EXPECT_EQ(claim.data()["items"][0]["phone"], "13812345678");
  EXPECT_EQ(client_->Get("/api/v1/leads/" + id, a).data()["phone"],
            "13812345678");
  EXPECT_EQ(client_->Get("/api/v1/leads/" + id, a).data()["nickname"],
            "王小明妈妈13812345678");
  // Rep B: 404 for A's lead, not in the list, cannot change it.
  EXPECT_EQ(client_->Get("/api/v1/leads/" + id, b).status, 404);
  EXPECT_EQ(client_->Get("/api/v1/leads", b).data()["items"].size(), 0u);
  EXPECT_EQ(Patch(id, {{"status", "contacted"}}, b).status, 404);
  // Operators have no lead access; participants neither.
  EXPECT_EQ(client_->Get("/api/v1/leads", op_).status, 403);
  // mine=true: only A's own.
  EXPECT_EQ(client_->Get("/api/v1/leads?mine=true", a).data()["items"].size(),
            1u);
  EXPECT_EQ(client_->Get("/api/v1/leads?mine=maybe", a).status, 400);
}

// The inbox's pool and "my leads" list best first, as claims take them,
// page by page without a gap or a repeat, ties by id.
TEST_F(LeadApiTest, LeadsListBestFirstPageByPageWithSortScore) {
  std::string campaign = CreateRunningCampaign(op_, 3);
  // Same engagement, intent by phrase (15, 45, 0, 20, 30, 20: a tie), so
  // that the score order is neither the members' nor the leads' id order.
  const std::vector<std::string> texts = {"报名",   "想报下一期", "今天读完了",
                                          "价格呢", "多少钱",     "试听一下"};
  for (size_t i = 0; i < texts.size(); ++i) {
    std::string openid = "o" + std::to_string(i);
    auto e =
        client_->Post("/api/v1/campaigns/" + campaign + "/enrollments",
                      {{"enrollments",
                        {{{"openid", openid}, {"nickname", "成员" + openid}}}}},
                      op_);
    ASSERT_EQ(e.status, 200) << e.body.dump();
    auto c = client_->Post("/api/v1/mp/checkins",
                           {{"campaign_id", campaign},
                            {"text", texts[i]},
                            {"duration_s", 900},
                            {"client_id", "c1"}},
                           ParticipantToken(openid, "成员" + openid));
    ASSERT_EQ(c.status, 201) << c.body.dump();
  }
  ASSERT_EQ(client_
                ->Call("PUT", "/api/v1/scoring/rules",
                       json{{"lead_threshold", 1}}.dump(), admin_)
                .status,
            200);
  ASSERT_EQ(
      client_->Post("/api/v1/scoring/rescore", json::object(), admin_).status,
      200);
  // Every lead, two a page.
  auto pages = [&](const std::string& query, const std::string& token) {
    std::vector<json> out;
    std::string cursor;
    for (int guard = 0; guard < 10; ++guard) {
      auto r = client_->Get("/api/v1/leads?sort=score&limit=2" + query +
                                (cursor.empty() ? "" : "&cursor=" + cursor),
                            token);
      EXPECT_EQ(r.status, 200) << r.body.dump();
      for (const auto& l : r.data()["items"]) out.push_back(l);
      if (r.data()["next_cursor"].is_null()) break;
      cursor = r.data()["next_cursor"].get<std::string>();
    }
    return out;
  };
  std::vector<json> all = pages("", admin_);
  ASSERT_EQ(all.size(), texts.size());
  std::set<std::string> ids;
  for (size_t i = 0; i < all.size(); ++i) {
    ids.insert(all[i]["id"].get<std::string>());
    if (i == 0) continue;
    double before = all[i - 1]["score"], now = all[i]["score"];
    EXPECT_GE(before, now) << i;
    if (before == now) {
      EXPECT_LT(std::stoll(all[i - 1]["id"].get<std::string>()),
                std::stoll(all[i]["id"].get<std::string>()));
    }
  }
  EXPECT_EQ(ids.size(), texts.size()) << "no lead twice";
  EXPECT_GT(all.front()["intent"].get<double>(),
            all.back()["intent"].get<double>());
  int ties = 0;
  for (size_t i = 1; i < all.size(); ++i)
    ties += all[i - 1]["score"] == all[i]["score"];
  EXPECT_GE(ties, 1) << "the case has a tie across a page boundary or in one";
  // A rep's pool: the same order; and after a claim, "mine" in it too.
  std::string rep = CreateStaff("rep-s", "sales");
  std::vector<json> pool = pages("", rep);
  ASSERT_EQ(pool.size(), all.size());
  for (size_t i = 0; i < pool.size(); ++i)
    EXPECT_EQ(pool[i]["id"], all[i]["id"]);
  ASSERT_EQ(client_->Post("/api/v1/leads/claim", {{"count", 3}}, rep).status,
            200);
  std::vector<json> mine = pages("&mine=true", rep);
  ASSERT_EQ(mine.size(), 3u);
  for (size_t i = 0; i < mine.size(); ++i)
    EXPECT_EQ(mine[i]["id"], all[i]["id"]) << "claims took the best";
  // The pool tab (status=new, which the pool's index serves): the rest, in
  // order, for the rep and for an admin; one handed back joins it.
  for (const std::string& token : {rep, admin_}) {
    std::vector<json> rest = pages("&status=new", token);
    ASSERT_EQ(rest.size(), all.size() - 3);
    for (size_t i = 0; i < rest.size(); ++i)
      EXPECT_EQ(rest[i]["id"], all[i + 3]["id"]);
  }
  ASSERT_EQ(Patch(all[1]["id"], {{"status", "new"}}, rep).status, 200);
  std::vector<json> back = pages("&status=new", rep);
  ASSERT_EQ(back.size(), all.size() - 2);
  EXPECT_EQ(back[0]["id"], all[1]["id"]);
  // Bad input.
  EXPECT_EQ(client_->Get("/api/v1/leads?sort=name", admin_).status, 400);
  for (const char* bad : {"12", "x_3", "12.5_", "12.5_0", "nan_3", "1_2_3"}) {
    EXPECT_EQ(
        client_
            ->Get(std::string("/api/v1/leads?sort=score&cursor=") + bad, admin_)
            .status,
        400)
        << bad;
  }
}

TEST_F(LeadApiTest, ConcurrentClaimsNeverShareALead) {
  ImportOpen(150);
  std::vector<std::string> reps;
  for (int i = 0; i < 10; ++i)
    reps.push_back(CreateStaff("rep" + std::to_string(i), "sales"));
  std::vector<std::vector<std::string>> got(reps.size());
  std::vector<std::thread> threads;
  int port = app_->port();
  for (size_t i = 0; i < reps.size(); ++i) {
    threads.emplace_back([&, i] {
      ApiClient c(port);
      for (int k = 0; k < 3; ++k) {
        auto r = c.Post("/api/v1/leads/claim", {{"count", 7}}, reps[i]);
        if (r.status != 200) continue;
        for (const auto& l : r.data()["items"])
          got[i].push_back(l["id"].get<std::string>());
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  size_t total = 0;
  for (const auto& g : got) {
    total += g.size();
    all.insert(g.begin(), g.end());
  }
  EXPECT_EQ(total, 150u);  // 10 reps × 3 × 7 = 210 asked for, 150 exist.
  EXPECT_EQ(all.size(), total);  // Nobody got a lead twice.
  auto left = client_->Post("/api/v1/leads/claim", {{"count", 1}}, reps[0]);
  EXPECT_EQ(left.data()["items"].size(), 0u);
}

TEST_F(LeadApiTest, ClaimsStopAtTheDailyCap) {
  app_->Stop();
  options_.leads.claim.daily_cap = 3;
  Start();
  admin_ = AdminToken();
  ImportOpen(10);
  std::string rep = CreateStaff("rep-x", "sales");
  EXPECT_EQ(client_->Post("/api/v1/leads/claim", {{"count", 2}}, rep)
                .data()["items"]
                .size(),
            2u);
  EXPECT_EQ(client_->Post("/api/v1/leads/claim", {{"count", 5}}, rep)
                .data()["items"]
                .size(),
            1u);
  auto over = client_->Post("/api/v1/leads/claim", {{"count", 1}}, rep);
  EXPECT_EQ(over.status, 409);
  EXPECT_NE(over.body["msg"].get<std::string>().find("daily claim cap"),
            std::string::npos);
  clock_.Advance(24 * 3600 * 1000LL);      // Tomorrow; yesterday's are overdue.
  rep = LoginAs("rep-x", "rep-x-pass-1");  // The session idled out.
  EXPECT_EQ(client_->Post("/api/v1/leads/claim", {{"count", 1}}, rep).status,
            200);
  EXPECT_EQ(client_->Post("/api/v1/leads/claim", {{"count", 0}}, rep).status,
            400);
}

TEST_F(LeadApiTest, ARepClaimsTheLeadTheyChoseFromThePool) {
  app_->Stop();
  options_.leads.claim.daily_cap = 2;
  Start();
  admin_ = AdminToken();
  ImportOpen(4);
  std::string a = CreateStaff("rep-a", "sales"),
              b = CreateStaff("rep-b", "sales");
  auto pool = client_->Get("/api/v1/leads?status=new&sort=score", a);
  ASSERT_EQ(pool.data()["items"].size(), 4u) << pool.body.dump();
  // Not the best: the one the rep read about and wants.
  std::string chosen = pool.data()["items"][3]["id"];
  std::string best = pool.data()["items"][0]["id"];
  auto claim =
      client_->Post("/api/v1/leads/" + chosen + "/claim", json::object(), a);
  ASSERT_EQ(claim.status, 200) << claim.body.dump();
  EXPECT_EQ(claim.data()["id"], chosen);
  EXPECT_EQ(claim.data()["status"], "assigned");
  auto mine = client_->Get("/api/v1/leads?mine=true", a);
  ASSERT_EQ(mine.data()["items"].size(), 1u);
  EXPECT_EQ(mine.data()["items"][0]["id"], chosen);
  auto left = client_->Get("/api/v1/leads?status=new&sort=score", b);
  EXPECT_EQ(left.data()["items"].size(), 3u);
  EXPECT_EQ(left.data()["items"][0]["id"], best);
  // A double click is still the rep's, and counts once against the cap.
  EXPECT_EQ(
      client_->Post("/api/v1/leads/" + chosen + "/claim", json::object(), a)
          .status,
      200);
  // Another rep, too late: the pool no longer has it, and they learn no
  // more about it than about any other rep's lead.
  auto late =
      client_->Post("/api/v1/leads/" + chosen + "/claim", json::object(), b);
  EXPECT_EQ(late.status, 404) << late.body.dump();
  EXPECT_EQ(
      client_->Post("/api/v1/leads/99999/claim", json::object(), b).status,
      404);
  EXPECT_EQ(client_->Post("/api/v1/leads/x/claim", json::object(), b).status,
            404);
  EXPECT_EQ(
      client_->Post("/api/v1/leads/" + best + "/claim", json::object(), op_)
          .status,
      403);
  // The daily cap holds for chosen leads as for the best ones.
  EXPECT_EQ(client_->Post("/api/v1/leads/" + best + "/claim", json::object(), a)
                .status,
            200);
  auto over = client_->Post(
      "/api/v1/leads/" + left.data()["items"][1]["id"].get<std::string>() +
          "/claim",
      json::object(), a);
  EXPECT_EQ(over.status, 409) << over.body.dump();
  EXPECT_NE(over.body["msg"].get<std::string>().find("daily claim cap"),
            std::string::npos);
}

TEST_F(LeadApiTest, StatusChangesAreRecordedAndAWonLeadStaysWon) {
  std::string id = EngagedMemberLead();
  std::string rep = CreateStaff("rep-x", "sales");
  ASSERT_EQ(client_->Post("/api/v1/leads/claim", {{"count", 1}}, rep).status,
            200);
  auto c =
      Patch(id, {{"status", "contacted"}, {"note", "打过电话，周末再聊"}}, rep);
  ASSERT_EQ(c.status, 200) << c.body.dump();
  EXPECT_FALSE(c.data()["contacted_at"].get<std::string>().empty());
  auto bad = Patch(id, {{"status", "lost"}}, rep);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["data"]["field"], "lost_reason");
  EXPECT_EQ(Patch(id, {{"status", "closed"}}, rep).status, 400);
  EXPECT_EQ(Patch(id, {{"status", 3}}, rep).status, 400);
  ASSERT_EQ(Patch(id, {{"status", "won"}, {"amount_fen", 9900}}, rep).status,
            200);
  auto reopen = Patch(id, {{"status", "contacted"}}, rep);
  EXPECT_EQ(reopen.status, 409);
  EXPECT_EQ(
      Patch(id, {{"status", "lost"}, {"lost_reason", "退款"}}, rep).status,
      409);
  auto card = client_->Get("/api/v1/leads/" + id, rep);
  std::vector<std::string> kinds;
  for (const auto& h : card.data()["history"]) kinds.push_back(h["kind"]);
  EXPECT_EQ(kinds,
            (std::vector<std::string>{"created", "claim", "status", "status"}));
  EXPECT_EQ(card.data()["history"][2]["note"], "打过电话，周末再聊");
  EXPECT_EQ(card.data()["status"], "won");
}

// 价格太高, marked lost; the parent keeps checking in, and a month later the
// lead is back in the pool for any rep, its lost outcome still learnt from.
TEST_F(LeadApiTest, ALostLeadWhoseParentStaysActiveReturnsToThePool) {
  std::string id = EngagedMemberLead();
  std::string quiet = AnotherMemberLead("o-quiet");
  std::string rep = CreateStaff("rep-x", "sales");
  ASSERT_EQ(client_->Post("/api/v1/leads/claim", {{"count", 2}}, rep).status,
            200);
  for (const std::string& l : {id, quiet}) {
    ASSERT_EQ(Patch(l, {{"status", "contacted"}}, rep).status, 200);
    ASSERT_EQ(
        Patch(l, {{"status", "lost"}, {"lost_reason", "价格太高"}}, rep).status,
        200);
  }
  auto outcomes = [&] { return *app_->lead_store().OutcomeCount(); };
  EXPECT_EQ(outcomes(), 2);
  std::string campaign =
      client_->Get("/api/v1/mp/me", ParticipantToken("o-lead", "王小明妈妈"))
          .data()["campaigns"][0]["id"];
  for (int day = 1; day <= 3; ++day) {  // The quiet parent does not.
    clock_.Advance(86'400'000LL);
    ASSERT_EQ(client_
                  ->Post("/api/v1/mp/checkins",
                         {{"campaign_id", campaign},
                          {"text", "打卡"},
                          {"client_id", "again-" + std::to_string(day)}},
                         ParticipantToken("o-lead", "王小明妈妈"))
                  .status,
              201);
  }
  clock_.Advance(25 * 86'400'000LL);  // 28 days lost: not yet.
  EXPECT_EQ(*app_->leads().ReturnActiveLost(), 0);
  clock_.Advance(3 * 86'400'000LL);
  EXPECT_EQ(*app_->leads().ReturnActiveLost(), 1);
  EXPECT_EQ(*app_->leads().ReturnActiveLost(), 0);  // Once.
  admin_ = AdminToken();                            // A new month's sign-in.
  auto back = client_->Get("/api/v1/leads/" + id, admin_).data();
  EXPECT_EQ(back["status"], "new");
  EXPECT_TRUE(back["owner_id"].is_null()) << back.dump();
  EXPECT_EQ(back["closed_at"], "");
  EXPECT_EQ(back["lost_reason"], "");
  EXPECT_EQ(back["history"].back()["kind"], "lost_return");
  EXPECT_EQ(back["history"].back()["note"],
            "3 check-ins since it was lost (lost_reason was 价格太高)");
  EXPECT_EQ(client_->Get("/api/v1/leads/" + quiet, admin_).data()["status"],
            "lost");
  // Open again, but the outcome it had is still one to learn from.
  EXPECT_EQ(outcomes(), 2);
  auto rows = app_->lead_store().TrainingRows();
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 2u);
  EXPECT_FALSE((*rows)[0].second || (*rows)[1].second);
  // Any rep may take it now, and it is worked afresh.
  std::string other = CreateStaff("rep-y", "sales");
  auto claimed = client_->Post("/api/v1/leads/claim", {{"count", 1}}, other);
  ASSERT_EQ(claimed.status, 200) << claimed.body.dump();
  ASSERT_EQ(claimed.data()["items"].size(), 1u);
  EXPECT_EQ(claimed.data()["items"][0]["id"], id);
  ASSERT_EQ(Patch(id, {{"status", "won"}, {"amount_fen", 19900}}, other).status,
            200);
  EXPECT_EQ(outcomes(), 3);  // Lost then, won now.
}

// 联系不上, marked lost; a week later the parent calls back and pays.
TEST_F(LeadApiTest, ALostLeadIsReopenedWhenTheParentComesBack) {
  std::string id = EngagedMemberLead();
  std::string rep = CreateStaff("rep-x", "sales");
  ASSERT_EQ(client_->Post("/api/v1/leads/claim", {{"count", 1}}, rep).status,
            200);
  ASSERT_EQ(Patch(id, {{"status", "contacted"}}, rep).status, 200);
  auto lost = Patch(id, {{"status", "lost"}, {"lost_reason", "联系不上"}}, rep);
  ASSERT_EQ(lost.status, 200);
  EXPECT_NE(lost.data()["closed_at"], "");
  EXPECT_EQ(lost.data()["checkins_since_lost"], 0);
  // The lost leads worth winning back: those whose parent is active again.
  auto again = [&](const std::string& token) {
    std::vector<std::string> ids;
    auto r = client_->Get("/api/v1/leads?mine=true&active_again=true", token);
    EXPECT_EQ(r.status, 200) << r.body.dump();
    for (const auto& l : r.data()["items"]) ids.push_back(l["id"]);
    return ids;
  };
  EXPECT_TRUE(again(rep).empty());
  auto kpis = client_->Get("/api/v1/leads/kpis", admin_);
  EXPECT_EQ(kpis.data()["items"][0]["lost"], 1);
  // The next day the parent checks in again: the rep's list says so.
  clock_.Advance(86'400'000LL);
  std::string campaign =
      client_->Get("/api/v1/mp/me", ParticipantToken("o-lead", "王小明妈妈"))
          .data()["campaigns"][0]["id"];
  ASSERT_EQ(client_
                ->Post("/api/v1/mp/checkins",
                       {{"campaign_id", campaign},
                        {"text", "又来打卡了"},
                        {"duration_s", 600},
                        {"client_id", "c-again"}},
                       ParticipantToken("o-lead", "王小明妈妈"))
                .status,
            201);
  rep = LoginAs("rep-x", "rep-x-pass-1");  // A new day's sign-in.
  auto closed = client_->Get("/api/v1/leads?mine=true&status=closed", rep);
  ASSERT_EQ(closed.data()["items"].size(), 1u);
  EXPECT_EQ(closed.data()["items"][0]["checkins_since_lost"], 1);
  EXPECT_EQ(again(rep), std::vector<std::string>{id});
  EXPECT_TRUE(again(CreateStaff("rep-y", "sales")).empty());  // Not theirs.
  EXPECT_EQ(client_->Get("/api/v1/leads?active_again=maybe", rep)
                .body["data"]["field"],
            "active_again");
  EXPECT_EQ(client_->Get("/api/v1/leads?active_again=true&status=open", rep)
                .body["data"]["field"],
            "status");
  clock_.Advance(6 * 86'400'000LL);
  rep = LoginAs("rep-x", "rep-x-pass-1");  // A new week's sign-in.
  auto back = Patch(id, {{"status", "qualified"}, {"note", "家长回电了"}}, rep);
  ASSERT_EQ(back.status, 200) << back.body.dump();
  EXPECT_EQ(back.data()["status"], "qualified");
  EXPECT_EQ(back.data()["closed_at"], "");
  EXPECT_EQ(back.data()["lost_reason"], "");
  EXPECT_EQ(back.data()["checkins_since_lost"], 0);  // Open again.
  // What it was is still an outcome to train on (it was not, before).
  EXPECT_EQ(*app_->lead_store().OutcomeCount(), 1);
  EXPECT_TRUE(again(rep).empty());
  auto card = client_->Get("/api/v1/leads/" + id, rep);
  EXPECT_EQ(card.data()["history"].back()["note"],
            "家长回电了 (reopened; lost_reason was 联系不上)");
  auto won = Patch(id, {{"status", "won"}, {"amount_fen", 19900}}, rep);
  ASSERT_EQ(won.status, 200) << won.body.dump();
  EXPECT_NE(won.data()["closed_at"], "");
  EXPECT_EQ(*app_->lead_store().OutcomeCount(), 2);
  kpis = client_->Get("/api/v1/leads/kpis", AdminToken());
  ASSERT_EQ(kpis.status, 200) << kpis.body.dump();
  EXPECT_EQ(kpis.data()["items"][0]["lost"], 0);
  EXPECT_EQ(kpis.data()["items"][0]["won"], 1);
  EXPECT_EQ(kpis.data()["items"][0]["revenue_fen"], 19900);
}

TEST_F(LeadApiTest, ARepSchedulesFollowUpsAndListsThoseDue) {
  ImportOpen(3);
  std::string rep = CreateStaff("rep-f", "sales"),
              other = CreateStaff("rep-g", "sales");
  auto claimed = client_->Post("/api/v1/leads/claim", {{"count", 3}}, rep);
  ASSERT_EQ(claimed.data()["items"].size(), 3u);
  std::vector<std::string> ids;
  for (const auto& l : claimed.data()["items"]) ids.push_back(l["id"]);
  const int64_t now = clock_.NowMillis();
  auto at = [&](int64_t hours) {
    return FormatRfc3339(now + hours * 3600 * 1000);
  };
  // Called, and to be called again tomorrow morning.
  auto first = Patch(ids[0],
                     {{"status", "contacted"},
                      {"note", "在开会，明早再打"},
                      {"follow_up_at", at(18)}},
                     rep);
  ASSERT_EQ(first.status, 200) << first.body.dump();
  EXPECT_EQ(first.data()["follow_up_at"], at(18));
  // A follow-up alone is a change; the second is due sooner.
  ASSERT_EQ(Patch(ids[1], {{"follow_up_at", at(2)}}, rep).status, 200);
  auto due = [&](int64_t hours, const std::string& token) {
    std::vector<std::string> out;
    auto r = client_->Get(
        "/api/v1/leads?follow_up_before=" + at(hours).replace(19, 1, "%2B"),
        token);
    EXPECT_EQ(r.status, 200) << r.body.dump();
    const json items = r.data()["items"];
    for (const auto& l : items) out.push_back(l["id"]);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(due(3, rep), (V{ids[1]}));
  EXPECT_EQ(due(24, rep), (V{ids[0], ids[1]}));
  EXPECT_EQ(due(24, other), V{});  // Nor does the pool show up.
  EXPECT_EQ(due(24, admin_), (V{ids[0], ids[1]}));
  // The export takes the same filter and carries the time.
  auto csv = client_->raw().Get(
      "/api/v1/leads/export?follow_up_before=" + at(3).replace(19, 1, "%2B"),
      {{"Authorization", "Bearer " + rep}});
  ASSERT_TRUE(csv);
  EXPECT_EQ(std::count(csv->body.begin(), csv->body.end(), '\n'), 2);
  EXPECT_NE(csv->body.find(",follow_up_at\n"), std::string::npos);
  EXPECT_NE(csv->body.find("," + at(2) + "\n"), std::string::npos) << csv->body;
  // Moved, then cleared; each is in the lead's history.
  ASSERT_EQ(Patch(ids[1], {{"follow_up_at", at(30)}}, rep).status, 200);
  EXPECT_EQ(due(24, rep), (V{ids[0]}));
  auto cleared = Patch(ids[1], {{"follow_up_at", nullptr}}, rep);
  EXPECT_TRUE(cleared.data()["follow_up_at"].is_null());
  auto card = client_->Get("/api/v1/leads/" + ids[1], rep);
  std::vector<std::string> notes;
  for (const auto& h : card.data()["history"])
    if (h["kind"] == "follow_up") notes.push_back(h["note"]);
  EXPECT_EQ(notes, (V{at(2), at(30), ""}));
  // Not in the past, not a date alone, not on a lead being closed.
  EXPECT_EQ(Patch(ids[2], {{"follow_up_at", at(-2)}}, rep).data()["field"],
            "follow_up_at");
  EXPECT_EQ(
      Patch(ids[2], {{"follow_up_at", "2026-12-06"}}, rep).data()["field"],
      "follow_up_at");
  EXPECT_EQ(Patch(ids[2], {{"follow_up_at", 5}}, rep).status, 400);
  EXPECT_EQ(Patch(ids[2],
                  {{"status", "lost"},
                   {"lost_reason", "没预算"},
                   {"follow_up_at", at(5)}},
                  rep)
                .status,
            409);
  EXPECT_EQ(client_->Get("/api/v1/leads/" + ids[2], rep).data()["status"],
            "assigned");  // The refused change left nothing behind.
  EXPECT_EQ(client_->Get("/api/v1/leads?follow_up_before=tomorrow", rep)
                .data()["field"],
            "follow_up_before");
  // Winning the lead ends its follow-up.
  auto won = Patch(ids[0], {{"status", "won"}, {"amount_fen", 99900}}, rep);
  ASSERT_EQ(won.status, 200) << won.body.dump();
  EXPECT_TRUE(won.data()["follow_up_at"].is_null());
  EXPECT_EQ(due(24, rep), V{});
}

TEST_F(LeadApiTest, AFollowUpEndsWhenTheLeadGoesBackToThePool) {
  ImportOpen(1);
  std::string rep = CreateStaff("rep-h", "sales");
  auto claimed = client_->Post("/api/v1/leads/claim", {{"count", 1}}, rep);
  ASSERT_EQ(claimed.data()["items"].size(), 1u);
  std::string id = claimed.data()["items"][0]["id"];
  std::string soon = FormatRfc3339(clock_.NowMillis() + 3600 * 1000);
  ASSERT_EQ(Patch(id, {{"follow_up_at", soon}}, rep).status, 200);
  // Never contacted: the SLA hands it back, and its next rep starts afresh.
  clock_.Advance(25 * 3600 * 1000LL);
  std::string next = CreateStaff("rep-i", "sales");
  auto again = client_->Post("/api/v1/leads/claim", {{"count", 1}}, next);
  ASSERT_EQ(again.data()["items"].size(), 1u);
  EXPECT_EQ(again.data()["items"][0]["id"], id);
  EXPECT_TRUE(again.data()["items"][0]["follow_up_at"].is_null());
}

TEST_F(LeadApiTest, AClosedLeadKeepsWhenAndWhyItClosedAndTakesCorrections) {
  std::string id = EngagedMemberLead();
  std::string rep = CreateStaff("rep-x", "sales");
  ASSERT_EQ(client_->Post("/api/v1/leads/claim", {{"count", 1}}, rep).status,
            200);
  auto refused = [&](const json& body) {  // The field named, or "".
    auto r = Patch(id, body, rep);
    return r.status == 400 ? r.data().value("field", "") : "";
  };
  // Only a won lead has an amount, only a lost one a reason.
  EXPECT_EQ(refused({{"status", "contacted"}, {"amount_fen", 100}}),
            "amount_fen");
  EXPECT_EQ(refused({{"status", "contacted"}, {"lost_reason", "价格"}}),
            "lost_reason");
  auto won = Patch(id, {{"status", "won"}}, rep);  // The amount forgotten.
  ASSERT_EQ(won.status, 200) << won.body.dump();
  std::string closed_at = won.data()["closed_at"];
  clock_.Advance(3'600'000);
  auto amount = Patch(id, {{"amount_fen", 99900}}, rep);
  ASSERT_EQ(amount.status, 200) << amount.body.dump();
  EXPECT_EQ(amount.data()["amount_fen"], 99900);
  auto note = Patch(id, {{"note", "已续费"}}, rep);
  ASSERT_EQ(note.status, 200);
  EXPECT_EQ(note.data()["closed_at"], closed_at);
  EXPECT_EQ(note.data()["amount_fen"], 99900);
  // With a note of the rep's, the correction is still in the history.
  ASSERT_EQ(Patch(id, {{"note", "按合同"}, {"amount_fen", 100000}}, rep).status,
            200);
  auto card = client_->Get("/api/v1/leads/" + id, rep);
  std::set<std::string> notes;
  for (const auto& h : card.data()["history"]) notes.insert(h["note"]);
  EXPECT_TRUE(notes.count("amount_fen 0 → 99900")) << card.data().dump();
  EXPECT_TRUE(notes.count("按合同 (amount_fen 99900 → 100000)"))
      << card.data().dump();
  auto kpis = client_->Get("/api/v1/leads/kpis", admin_).body.dump();
  EXPECT_NE(kpis.find("100000"), std::string::npos) << kpis;
}

TEST_F(LeadApiTest, ANoteOnALostLeadKeepsItsReason) {
  std::string id = EngagedMemberLead();
  std::string rep = CreateStaff("rep-x", "sales");
  ASSERT_EQ(client_->Post("/api/v1/leads/claim", {{"count", 1}}, rep).status,
            200);
  auto lost = Patch(id, {{"status", "lost"}, {"lost_reason", "价格"}}, rep);
  ASSERT_EQ(lost.status, 200);
  clock_.Advance(3'600'000);
  auto note = Patch(id, {{"note", "再问了一次，还是太贵"}}, rep);
  ASSERT_EQ(note.status, 200) << note.body.dump();
  EXPECT_EQ(note.data()["lost_reason"], "价格");
  EXPECT_EQ(note.data()["closed_at"], lost.data()["closed_at"]);
  auto reason = Patch(id, {{"lost_reason", "时间不合适"}}, rep);
  ASSERT_EQ(reason.status, 200) << reason.body.dump();
  EXPECT_EQ(reason.data()["lost_reason"], "时间不合适");
  EXPECT_EQ(Patch(id, {{"lost_reason", "时间不合适"}}, rep).status, 400);
}

TEST_F(LeadApiTest, ALeadFollowsItsMemberIntoAMergeAndBackOnUndo) {
  std::string id = EngagedMemberLead();
  const json before = client_->Get("/api/v1/leads/" + id, admin_).data();
  std::string member = before["member_id"].get<std::string>();
  // The same parent's second WeChat account.
  std::string other = client_
                          ->Post("/api/v1/mp/login",
                                 {{"openid", "o-second"}, {"nickname", "x"}})
                          .data()["member_id"];
  auto merged = client_->Post("/api/v1/members/" + member + "/merge",
                              {{"into", other}}, op_);
  ASSERT_EQ(merged.status, 201) << merged.body.dump();
  EXPECT_EQ(client_->Get("/api/v1/leads/" + id, admin_).data()["member_id"],
            other);
  // A rescoring pass keeps one lead for the person, not a second.
  ASSERT_EQ(
      client_->Post("/api/v1/scoring/rescore", json::object(), admin_).status,
      200);
  auto leads = client_->Get("/api/v1/leads?source=score", admin_);
  ASSERT_EQ(leads.data()["items"].size(), 1u) << leads.body.dump();
  EXPECT_EQ(leads.data()["items"][0]["member_id"], other);
  // Scored as the record it joined (whose phone the merge did not take).
  const json merged_lead = client_->Get("/api/v1/leads/" + id, admin_).data();
  ASSERT_NE(merged_lead["factors"], before["factors"]);
  std::string merge_id = merged.data()["merge_id"];
  ASSERT_EQ(
      client_->Post("/api/v1/merges/" + merge_id + "/undo", json::object(), op_)
          .status,
      200);
  EXPECT_EQ(client_->Get("/api/v1/leads/" + id, admin_).data()["member_id"],
            member);
  // Back with its member, the next pass scores it as before the merge.
  ASSERT_EQ(
      client_->Post("/api/v1/scoring/rescore", json::object(), admin_).status,
      200);
  const json after = client_->Get("/api/v1/leads/" + id, admin_).data();
  EXPECT_EQ(after["factors"], before["factors"]) << after.dump();
  for (const char* part : {"fit", "engagement", "intent", "score"})
    EXPECT_EQ(after[part], before[part]) << part;
}

// Two records of one parent, each a lead: the merge leaves one, so that
// two reps never call the same person.
TEST_F(LeadApiTest, AMergeOfTwoLeadsLeavesOneInThePool) {
  std::string kept = EngagedMemberLead();
  std::string dup = AnotherMemberLead("o-second");
  ASSERT_FALSE(dup.empty());
  MergeMembersOf(dup, kept);
  EXPECT_EQ(client_->Get("/api/v1/leads/" + dup, admin_).status, 404);
  auto pool = client_->Get("/api/v1/leads?status=new", admin_);
  ASSERT_EQ(pool.data()["items"].size(), 1u) << pool.body.dump();
  EXPECT_EQ(pool.data()["items"][0]["id"], kept);
  std::string rep = CreateStaff("rep-m", "sales");
  auto claim = client_->Post("/api/v1/leads/claim", {{"count", 5}}, rep);
  EXPECT_EQ(claim.data()["items"].size(), 1u) << claim.body.dump();
}

// The merged record's lead was being worked, the other never claimed: the
// worked one becomes the person's, and goes back with the undo.
TEST_F(LeadApiTest, AMergeKeepsTheLeadARepIsWorking) {
  std::string pooled = EngagedMemberLead();
  std::string worked = AnotherMemberLead("o-second");
  ASSERT_FALSE(worked.empty());
  std::string rep = CreateStaff("rep-w", "sales");
  ASSERT_EQ(
      client_->Post("/api/v1/leads/" + worked + "/claim", json::object(), rep)
          .status,
      200);
  ASSERT_EQ(Patch(worked, {{"status", "contacted"}}, rep).status, 200);
  const std::string from =
      client_->Get("/api/v1/leads/" + worked, admin_).data()["member_id"];
  const std::string into =
      client_->Get("/api/v1/leads/" + pooled, admin_).data()["member_id"];
  std::string merge_id = MergeMembersOf(worked, pooled);
  EXPECT_EQ(client_->Get("/api/v1/leads/" + pooled, admin_).status, 404);
  const json lead = client_->Get("/api/v1/leads/" + worked, rep).data();
  EXPECT_EQ(lead["member_id"], into);
  EXPECT_EQ(lead["status"], "contacted");
  EXPECT_EQ(
      client_->Get("/api/v1/leads?status=new", admin_).data()["items"].size(),
      0u);
  // Undone: the worked lead goes back with its record; the other parent's
  // record is a lead again from the next pass.
  ASSERT_EQ(
      client_->Post("/api/v1/merges/" + merge_id + "/undo", json::object(), op_)
          .status,
      200);
  EXPECT_EQ(client_->Get("/api/v1/leads/" + worked, rep).data()["member_id"],
            from);
  auto rescore =
      client_->Post("/api/v1/scoring/rescore", json::object(), admin_);
  EXPECT_EQ(rescore.data()["created"], 1) << rescore.body.dump();
}

TEST_F(LeadApiTest, UncontactedLeadsGoBackToThePoolAfterTheSla) {
  ImportOpen(1);
  std::string a = CreateStaff("rep-a", "sales"),
              b = CreateStaff("rep-b", "sales");
  auto first = client_->Post("/api/v1/leads/claim", {{"count", 1}}, a);
  ASSERT_EQ(first.data()["items"].size(), 1u);
  std::string id = first.data()["items"][0]["id"];
  EXPECT_EQ(client_->Post("/api/v1/leads/claim", {{"count", 1}}, b)
                .data()["items"]
                .size(),
            0u);
  clock_.Advance(25 * 3600 * 1000LL);
  a = LoginAs("rep-a", "rep-a-pass-1");  // Sessions idled out.
  b = LoginAs("rep-b", "rep-b-pass-1");
  admin_ = AdminToken();
  auto second = client_->Post("/api/v1/leads/claim", {{"count", 1}}, b);
  ASSERT_EQ(second.data()["items"].size(), 1u);
  EXPECT_EQ(second.data()["items"][0]["id"], id);
  EXPECT_EQ(client_->Get("/api/v1/leads/" + id, a).status, 404);
  auto card = client_->Get("/api/v1/leads/" + id, admin_);
  bool released = false;
  for (const auto& h : card.data()["history"])
    released |= h["kind"] == "sla_release";
  EXPECT_TRUE(released);
}

TEST_F(LeadApiTest, ImportIsCheckedWholeAndUpserts) {
  json rows = {{{"external_id", "x1"}, {"attributes", {{"age", 30}}}},
               {{"external_id", "x2"}, {"attributes", {{"tags", {1, 2}}}}}};
  auto bad = client_->Post("/api/v1/leads/import", {{"rows", rows}}, admin_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["data"]["field"], "rows[1].attributes.tags");
  // Too large to learn from: standardising 1e308 made every prediction NaN.
  auto huge = client_->Post(
      "/api/v1/leads/import",
      {{"rows", {{{"external_id", "x3"}, {"attributes", {{"v", 1e308}}}}}}},
      admin_);
  EXPECT_EQ(huge.body["data"]["field"], "rows[0].attributes.v");
  EXPECT_EQ(client_->Get("/api/v1/leads", admin_).data()["items"].size(), 0u);
  rows[1]["attributes"] = {{"城市", "上海"}, {"预算", nullptr}};
  rows[1]["outcome"] = "won";
  auto ok = client_->Post("/api/v1/leads/import", {{"rows", rows}}, admin_);
  ASSERT_EQ(ok.status, 200) << ok.body.dump();
  EXPECT_EQ(ok.data()["created"], 2);
  auto again = client_->Post("/api/v1/leads/import", {{"rows", rows}}, admin_);
  EXPECT_EQ(again.data()["created"], 0);
  EXPECT_EQ(again.data()["updated"], 2);
  auto dup = client_->Post(
      "/api/v1/leads/import",
      {{"rows", {{{"external_id", "x1"}}, {{"external_id", "x1"}}}}}, admin_);
  EXPECT_EQ(dup.status, 400);
  EXPECT_EQ(
      client_->Post("/api/v1/leads/import", {{"rows", "x"}}, admin_).status,
      400);
  EXPECT_EQ(client_->Post("/api/v1/leads/import", {{"rows", rows}}, op_).status,
            403);
  auto won = client_->Get("/api/v1/leads?status=won", admin_);
  ASSERT_EQ(won.data()["items"].size(), 1u);
  EXPECT_EQ(won.data()["items"][0]["external_id"], "x2");
}

TEST_F(LeadApiTest, ACrmExportIsImportedFromCsvWithNumbersTextAndOutcomes) {
  std::string csv =
      "外部编号,城市,访问次数,邮编,结果\n"
      "c1,北京,12,010,成交\n"
      "c2,上海,3.5,,\n"
      "c3,,7,200000,流失\n";
  auto r =
      client_->Call("POST", "/api/v1/leads/import", csv, admin_, "text/csv");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.data()["created"], 3);
  std::map<std::string, json> by_ext;
  auto listed = client_->Get("/api/v1/leads?source=import", admin_);
  for (const auto& l : listed.data()["items"]) {
    by_ext[l["external_id"]] =
        client_->Get("/api/v1/leads/" + l["id"].get<std::string>(), admin_)
            .data();
  }
  ASSERT_EQ(by_ext.size(), 3u) << listed.body.dump();
  // Numbers are numbers, a post code with a leading zero stays text, an
  // empty cell is missing, 成交/流失 are outcomes.
  EXPECT_EQ(by_ext["c1"]["attributes"],
            (json{{"城市", "北京"}, {"访问次数", 12}, {"邮编", "010"}}));
  EXPECT_EQ(by_ext["c1"]["status"], "won");
  EXPECT_EQ(by_ext["c2"]["attributes"],
            (json{{"城市", "上海"}, {"访问次数", 3.5}}));
  EXPECT_EQ(by_ext["c2"]["status"], "new");
  EXPECT_EQ(by_ext["c3"]["attributes"],
            (json{{"访问次数", 7}, {"邮编", 200000}}));
  EXPECT_EQ(by_ext["c3"]["status"], "lost");
  // A rep looking at the pool lead does not see its columns (they may hold
  // a phone); the rep who claims it does.
  std::string rep = CreateStaff("rep-csv", "sales");
  std::string c2 = by_ext["c2"]["id"];
  auto pool_view = client_->Get("/api/v1/leads/" + c2, rep);
  ASSERT_EQ(pool_view.status, 200);
  EXPECT_FALSE(pool_view.data().contains("attributes"));
  ASSERT_EQ(client_->Post("/api/v1/leads/claim", {{"count", 1}}, rep)
                .data()["items"][0]["id"],
            c2);
  EXPECT_EQ(client_->Get("/api/v1/leads/" + c2, rep).data()["attributes"],
            by_ext["c2"]["attributes"]);
  // A bad outcome is named with its row in the file, and nothing is kept.
  auto bad = client_->Call("POST", "/api/v1/leads/import",
                           "external_id,outcome\nd1,won\nd2,maybe\n", admin_,
                           "text/csv");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body["msg"].get<std::string>().find("row 3"), std::string::npos)
      << bad.body.dump();
  EXPECT_EQ(bad.data()["field"], "rows[1].outcome");
  auto again = client_->Call("POST", "/api/v1/leads/import",
                             "external_id\nd1\n", admin_, "text/csv");
  EXPECT_EQ(again.data()["created"], 1);  // d1 was not imported before.
  EXPECT_EQ(client_
                ->Call("POST", "/api/v1/leads/import", "城市\n北京\n", admin_,
                       "text/csv")
                .status,
            400);
}

TEST_F(LeadApiTest, TrainingLearnsFromOutcomesAndOpenLeadsGetTheProbability) {
  auto rules = scoring::ScoringRules::Defaults();
  auto members = scoring::GenerateCommunity(620, 17);
  json rows = json::array();
  for (size_t i = 0; i < members.size(); ++i) {
    json attrs = json::object();
    for (const auto& [k, v] :
         scoring::ToAttributes(members[i].features, rules)) {
      if (const auto* d = std::get_if<double>(&v))
        attrs[k] = *d;
      else if (const auto* s = std::get_if<std::string>(&v))
        attrs[k] = *s;
    }
    json outcome = i < 600 ? json(members[i].won ? "won" : "lost") : json();
    rows.push_back({{"external_id", "h" + std::to_string(i)},
                    {"attributes", attrs},
                    {"outcome", outcome}});
  }
  for (size_t i = 0; i < rows.size(); i += 60) {  // Under the 64 KB body cap.
    json batch(rows.begin() + i, rows.begin() + std::min(i + 60, rows.size()));
    ASSERT_EQ(
        client_->Post("/api/v1/leads/import", {{"rows", batch}}, admin_).status,
        200);
  }
  auto t = client_->Post("/api/v1/scoring/train", json::object(), admin_);
  ASSERT_EQ(t.status, 200) << t.body.dump();
  EXPECT_EQ(t.data()["n_train"], 600);
  EXPECT_EQ(t.data()["kind"], "xgboost");
  EXPECT_GT(t.data()["auc_cv"].get<double>(), 0.68);  // Oracle: ~0.78.
  EXPECT_EQ(t.data()["rescored"], 20);
  EXPECT_FALSE(t.data()["calibration"].empty());
  // Every tree shape tried is reported; the chosen one's AUC is auc_cv.
  ASSERT_EQ(t.data()["candidates"].size(), 4u);
  bool chosen_listed = false;
  for (const auto& c : t.data()["candidates"]) {
    if (c["settings"] == t.data()["settings"]) {
      chosen_listed = true;
      EXPECT_EQ(c["auc_cv"], t.data()["auc_cv"]);
    }
  }
  EXPECT_TRUE(chosen_listed) << t.data().dump();
  auto open = client_->Get("/api/v1/leads?status=new", admin_);
  ASSERT_EQ(open.data()["items"].size(), 20u);
  for (const auto& l : open.data()["items"]) {
    ASSERT_TRUE(l["probability"].is_number());
    EXPECT_NEAR(l["score"].get<double>(), l["probability"].get<double>() * 100,
                0.1);
  }
  std::string id = open.data()["items"][0]["id"];
  auto card = client_->Get("/api/v1/leads/" + id, admin_);
  EXPECT_EQ(card.data()["model_factors"].size(), 5u);
  // An imported lead is explained by the model, in words.
  EXPECT_EQ(card.data()["factors"], card.data()["model_factors"]);
  EXPECT_NE(
      card.data()["factors"][0]["label"].get<std::string>().find("成交可能"),
      std::string::npos);
  // A rep who has not claimed a lead sees the model's factors without the
  // child's grade; everything else as the admin sees it.
  std::string rep = CreateStaff("rep-view", "sales");
  int hidden = 0;
  for (const auto& l : open.data()["items"]) {
    std::string path = "/api/v1/leads/" + l["id"].get<std::string>();
    json whole = client_->Get(path, admin_).data()["model_factors"];
    json pool = client_->Get(path, rep).data()["model_factors"];
    ASSERT_EQ(whole.size(), pool.size());
    for (size_t i = 0; i < whole.size(); ++i) {
      std::string value = whole[i]["value"];
      if (whole[i]["name"] != "grade" || value.empty()) {
        EXPECT_EQ(pool[i], whole[i]);
        continue;
      }
      ++hidden;
      EXPECT_EQ(pool[i]["value"], "");
      EXPECT_EQ(pool[i]["label"].get<std::string>().find(value),
                std::string::npos)
          << pool[i].dump();
    }
  }
  EXPECT_GT(hidden, 0) << "no open lead is explained by its grade";
  std::string audit = client_->Get("/api/v1/audit", admin_).body.dump();
  EXPECT_NE(audit.find("scoring.train"), std::string::npos) << audit;
  auto models = client_->Get("/api/v1/scoring/models", admin_);
  ASSERT_EQ(models.data()["items"].size(), 1u);
  EXPECT_TRUE(models.data()["items"][0]["current"].get<bool>());
  EXPECT_EQ(models.data()["items"][0]["settings"], t.data()["settings"]);
  // Trained again: the list pages, newest (current) first.
  auto again = client_->Post("/api/v1/scoring/train", json::object(), admin_);
  ASSERT_EQ(again.status, 200) << again.body.dump();
  auto page1 = client_->Get("/api/v1/scoring/models?limit=1", admin_);
  ASSERT_EQ(page1.data()["items"].size(), 1u);
  EXPECT_EQ(page1.data()["items"][0]["id"], again.data()["model_id"]);
  ASSERT_EQ(page1.data()["next_cursor"], "1");
  auto page2 = client_->Get("/api/v1/scoring/models?limit=1&cursor=1", admin_);
  ASSERT_EQ(page2.data()["items"].size(), 1u);
  EXPECT_EQ(page2.data()["items"][0]["id"], t.data()["model_id"]);
  EXPECT_FALSE(page2.data()["items"][0]["current"].get<bool>());
  // A rep may read which model the probabilities come from, and how well
  // it ranks, but not the admin's list.
  auto current = client_->Get("/api/v1/scoring/model", rep);
  ASSERT_EQ(current.status, 200) << current.body.dump();
  EXPECT_EQ(current.data()["model"]["id"], again.data()["model_id"]);
  EXPECT_EQ(current.data()["model"]["auc_cv"],
            page1.data()["items"][0]["auc_cv"]);
  EXPECT_FALSE(current.data()["model"].contains("calibration"));
  EXPECT_EQ(client_->Get("/api/v1/scoring/models", rep).status, 403);
  EXPECT_EQ(client_->Get("/api/v1/scoring/model", op_).status, 403);
  // The model survives a restart.
  app_->Stop();
  Start();
  auto after = client_->Get("/api/v1/leads/" + id, AdminToken());
  EXPECT_EQ(after.data()["model_factors"], card.data()["model_factors"]);
}

TEST_F(LeadApiTest, TrainingWithFewOutcomesIsAClearConflict) {
  auto none = client_->Get("/api/v1/scoring/model", admin_);
  ASSERT_EQ(none.status, 200) << none.body.dump();
  EXPECT_TRUE(none.data()["model"].is_null()) << none.body.dump();
  auto t = client_->Post("/api/v1/scoring/train", json::object(), admin_);
  EXPECT_EQ(t.status, 409);
  EXPECT_NE(t.body["msg"].get<std::string>().find("not enough outcomes"),
            std::string::npos);
}

// New weights move a lead's score; its words stand, and the pass says it
// kept them.
// A lead stores its parts; new weights change its score from the next pass
// on without rewriting it, and the pool's filter follows them.
TEST_F(LeadApiTest, NewWeightsRescoreALeadWithoutRewritingIt) {
  std::string id = EngagedMemberLead();
  ASSERT_FALSE(id.empty());
  auto before = client_->Get("/api/v1/leads/" + id, admin_);
  ASSERT_EQ(before.status, 200) << before.body.dump();
  const json old = before.data();
  ASSERT_GT(old["intent"].get<double>(), 0) << old.dump();
  auto put = client_->Call("PUT", "/api/v1/scoring/rules",
                           json{{"weights", {{"intent", 0.9}}}}.dump(), admin_);
  ASSERT_EQ(put.status, 200) << put.body.dump();
  auto unpassed = client_->Get("/api/v1/leads/" + id, admin_);
  ASSERT_EQ(unpassed.status, 200);
  EXPECT_EQ(unpassed.data()["score"], old["score"]) << "before the pass";
  clock_.Advance(60'000);  // A rewrite would show in updated_at.
  auto pass = client_->Post("/api/v1/scoring/rescore", json::object(), admin_);
  ASSERT_EQ(pass.status, 200) << pass.body.dump();
  EXPECT_EQ(pass.data()["unchanged"], 1) << pass.body.dump();
  EXPECT_EQ(pass.data()["probability_only"], 0);
  EXPECT_EQ(pass.data()["texts_kept"], 0);
  EXPECT_EQ(pass.data()["predicted"], 0);  // No model yet.
  auto after = client_->Get("/api/v1/leads/" + id, admin_);
  ASSERT_EQ(after.status, 200);
  const json now = after.data();
  EXPECT_EQ(now["updated_at"], old["updated_at"]);
  EXPECT_EQ(now["factors"], old["factors"]);
  EXPECT_FALSE(now["factors"].empty());
  const double score = now["score"].get<double>();
  EXPECT_GT(score, old["score"].get<double>()) << "intent weighs more";
  // The pool's filter weighs by the new formula too.
  auto at = [&](double min) {
    auto list = client_->Get(
        "/api/v1/leads?source=score&min_score=" + std::to_string(min), admin_);
    EXPECT_EQ(list.status, 200);
    return list.data()["items"].size();
  };
  EXPECT_EQ(at(score), 1u);
  EXPECT_EQ(at(score + 0.05), 0u);
}

// An admin sees what rules would do before saving them; the preview's
// count of new leads is what the pass after saving creates.
TEST_F(LeadApiTest, APreviewShowsWhatNewRulesWouldDoAndSavesNothing) {
  std::string id = EngagedMemberLead();
  ASSERT_FALSE(id.empty());
  // A second member, enrolled without a check-in: below the threshold.
  auto list = client_->Get("/api/v1/campaigns", op_);
  ASSERT_EQ(list.status, 200);
  const std::string campaign = list.data()["items"][0]["id"];
  ASSERT_EQ(client_
                ->Post("/api/v1/campaigns/" + campaign + "/enrollments",
                       {{"enrollments",
                         {{{"openid", "o-quiet"}, {"nickname", "安静"}}}}},
                       op_)
                .status,
            200);
  ASSERT_EQ(
      client_->Post("/api/v1/scoring/rescore", json::object(), admin_).status,
      200);
  const json before = client_->Get("/api/v1/leads/" + id, admin_).data();
  auto preview = [&](const json& body) {
    return client_->Post("/api/v1/scoring/rules/preview", body, admin_);
  };
  auto all = preview({{"lead_threshold", 0}});
  ASSERT_EQ(all.status, 200) << all.body.dump();
  EXPECT_EQ(all.data()["members"], 2);
  EXPECT_EQ(all.data()["open_leads"], 1);
  EXPECT_EQ(all.data()["at_threshold"], 2);
  EXPECT_EQ(all.data()["new_leads"], 1);
  EXPECT_EQ(all.data()["mean_change"], 0);
  auto high = preview({{"lead_threshold", 100}}).data();
  EXPECT_EQ(high["new_leads"], 0);
  EXPECT_EQ(high["open_below_threshold"], 1);
  auto intent = preview({{"weights", {{"intent", 0.9}}}}).data();
  EXPECT_GT(intent["mean_change"].get<double>(), 0) << intent.dump();
  size_t tiered = 0;
  for (const auto& [tier, n] : intent["tiers"].items()) tiered += n.get<int>();
  EXPECT_EQ(tiered, 1u) << intent.dump();  // The open lead.
  // What a preview cannot know, and what no rules have.
  auto phrases = preview({{"intent", {{{"phrase", "续费"}, {"weight", 50}}}}});
  EXPECT_EQ(phrases.status, 400);
  EXPECT_EQ(phrases.body["data"]["field"], "intent");
  EXPECT_EQ(preview({{"threshold", 0}}).status, 400);
  EXPECT_EQ(client_
                ->Post("/api/v1/scoring/rules/preview", json::object(),
                       CreateStaff("rep-p", "sales"))
                .status,
            403);
  // Nothing was saved.
  EXPECT_EQ(client_->Get("/api/v1/scoring/rules", admin_).data()["version"], 2);
  EXPECT_EQ(client_->Get("/api/v1/leads/" + id, admin_).data(), before);
  // Saved, the pass creates what the preview said.
  ASSERT_EQ(client_
                ->Call("PUT", "/api/v1/scoring/rules",
                       json{{"lead_threshold", 0}}.dump(), admin_)
                .status,
            200);
  auto pass = client_->Post("/api/v1/scoring/rescore", json::object(), admin_);
  EXPECT_EQ(pass.data()["created"], all.data()["new_leads"]);
}

TEST_F(LeadApiTest, StoredRulesThatNoLongerPassStillLetTheServerStart) {
  app_->Stop();
  app_.reset();
  {  // As saved by a build before makeup_weight was bounded.
    storage::DatabaseOptions o;
    o.path = options_.db.path;
    auto db = storage::Database::Open(o);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    storage::SqliteLeadStore store(db->get());
    ASSERT_TRUE(
        store.SaveRules(R"({"engagement":{"makeup_weight":1e300}})", 0, 1)
            .ok());
  }
  Start();
  admin_ = AdminToken();
  auto rules = client_->Get("/api/v1/scoring/rules", admin_);
  ASSERT_EQ(rules.status, 200);
  EXPECT_EQ(rules.data()["engagement"]["makeup_weight"], 0.5);
  app_->Stop();  // Flushes the log.
  std::ifstream log(options_.log_path);
  std::string text((std::istreambuf_iterator<char>(log)), {});
  EXPECT_NE(text.find("scoring_rules_unreadable"), std::string::npos);
  EXPECT_NE(text.find("makeup_weight"), std::string::npos);
}

TEST_F(LeadApiTest, RulesAreVersionedAndBadRulesNameTheField) {
  auto get = client_->Get("/api/v1/scoring/rules", admin_);
  ASSERT_EQ(get.status, 200);
  EXPECT_EQ(get.data()["version"], 1);
  auto bad = client_->Call("PUT", "/api/v1/scoring/rules",
                           json{{"weights", {{"fit", "high"}}}}.dump(), admin_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["data"]["field"], "weights.fit");
  auto bad2 =
      client_->Call("PUT", "/api/v1/scoring/rules",
                    json{{"intent", {{{"phrase", ""}}}}}.dump(), admin_);
  EXPECT_EQ(bad2.body["data"]["field"], "intent[0].phrase");
  // A misspelt field is refused rather than ignored.
  for (const auto& [body, field] : std::vector<std::pair<json, std::string>>{
           {{{"tier_a", 5}}, "tier_a"},
           {{{"tiers", {{"a", 50}, {"c", 10}}}}, "tiers.c"},
           {{{"engagement", {{"streak_days", 5}}}},
            "engagement.streak_days"}}) {
    auto typo =
        client_->Call("PUT", "/api/v1/scoring/rules", body.dump(), admin_);
    EXPECT_EQ(typo.status, 400) << body.dump();
    EXPECT_EQ(typo.body["data"]["field"], field) << typo.body.dump();
  }
  auto put = client_->Call(
      "PUT", "/api/v1/scoring/rules",
      json{{"intent", {{{"phrase", "续费"}, {"weight", 50}}}}}.dump(), admin_);
  ASSERT_EQ(put.status, 200) << put.body.dump();
  EXPECT_EQ(put.data()["version"], 2);
  EXPECT_EQ(put.data()["intent"].size(), 1u);
  app_->Stop();
  Start();
  auto reloaded = client_->Get("/api/v1/scoring/rules", AdminToken());
  EXPECT_EQ(reloaded.data()["version"], 2);
  std::string audit = client_->Get("/api/v1/audit", AdminToken()).body.dump();
  EXPECT_NE(audit.find("scoring.rules"), std::string::npos) << audit;
  EXPECT_EQ(reloaded.data()["intent"][0]["phrase"], "续费");
}

TEST_F(LeadApiTest, ALeavingRepsOpenLeadsGoBackToThePoolAndTheirWinsCount) {
  ImportOpen(3);
  std::string rep = CreateStaff("rep-leaving", "sales");
  std::string rep_id = client_->Get("/api/v1/auth/me", rep).data()["id"];
  auto claim = client_->Post("/api/v1/leads/claim", {{"count", 3}}, rep);
  ASSERT_EQ(claim.data()["items"].size(), 3u);
  std::string won = claim.data()["items"][0]["id"];
  std::string contacted = claim.data()["items"][1]["id"];
  std::string assigned = claim.data()["items"][2]["id"];
  ASSERT_EQ(Patch(won, {{"status", "won"}, {"amount_fen", 99900}}, rep).status,
            200);
  ASSERT_EQ(Patch(contacted, {{"status", "contacted"}}, rep).status, 200);

  ASSERT_EQ(client_
                ->Call("PATCH", "/api/v1/users/" + rep_id,
                       R"({"disabled":true})", admin_)
                .status,
            200);
  // The two open leads are in the pool again, saying why; the win stays.
  for (const std::string& id : {contacted, assigned}) {
    auto card = client_->Get("/api/v1/leads/" + id, admin_);
    EXPECT_EQ(card.data()["status"], "new") << id;
    EXPECT_TRUE(card.data()["owner_id"].is_null()) << id;
    EXPECT_EQ(card.data()["history"].back()["kind"], "owner_release") << id;
  }
  EXPECT_EQ(client_->Get("/api/v1/leads/" + won, admin_).data()["owner_id"],
            rep_id);
  std::string next = CreateStaff("rep-next", "sales");
  auto taken = client_->Post("/api/v1/leads/claim", {{"count", 5}}, next);
  EXPECT_EQ(taken.data()["items"].size(), 2u) << taken.body.dump();
  // The rep who left is still on the month's KPIs, with their win.
  auto k = client_->Get("/api/v1/leads/kpis", admin_);
  bool listed = false;
  for (const auto& row : k.data()["items"]) {
    if (row["user_id"] != rep_id) continue;
    listed = true;
    EXPECT_TRUE(row["disabled"].get<bool>());
    EXPECT_EQ(row["won"], 1);
    EXPECT_EQ(row["revenue_fen"], 99900);
  }
  EXPECT_TRUE(listed) << k.body.dump();
}

TEST_F(LeadApiTest, KpisCountClaimsContactsWinsAndRevenue) {
  ImportOpen(3);
  std::string rep = CreateStaff("rep-x", "sales");
  auto claim = client_->Post("/api/v1/leads/claim", {{"count", 3}}, rep);
  ASSERT_EQ(claim.data()["items"].size(), 3u);
  std::string won = claim.data()["items"][0]["id"];
  std::string lost = claim.data()["items"][1]["id"];
  std::string later = claim.data()["items"][2]["id"];
  clock_.Advance(3600 * 1000);
  std::string in_two_hours = FormatRfc3339(clock_.NowMillis() + 7200 * 1000);
  ASSERT_EQ(
      Patch(later, {{"status", "contacted"}, {"follow_up_at", in_two_hours}},
            rep)
          .status,
      200);
  ASSERT_EQ(Patch(won, {{"status", "contacted"}}, rep).status, 200);
  ASSERT_EQ(Patch(won, {{"status", "won"}, {"amount_fen", 199900}}, rep).status,
            200);
  clock_.Advance(30 * 3600 * 1000LL);  // Past the SLA.
  rep = LoginAs("rep-x", "rep-x-pass-1");
  ASSERT_EQ(
      Patch(lost, {{"status", "lost"}, {"lost_reason", "没时间"}}, rep).status,
      200);
  auto k = client_->Get("/api/v1/leads/kpis", rep);
  ASSERT_EQ(k.status, 200) << k.body.dump();
  ASSERT_EQ(k.data()["items"].size(), 1u);
  const json row = k.data()["items"][0];
  EXPECT_EQ(row["claimed"], 3);
  EXPECT_EQ(row["contacted"], 3);
  EXPECT_EQ(row["contacted_within_sla"], 2);
  EXPECT_EQ(row["follow_ups_overdue"], 1);  // The call due 28 hours ago.
  EXPECT_EQ(row["won"], 1);
  EXPECT_EQ(row["lost"], 1);
  EXPECT_EQ(row["revenue_fen"], 199900);
  EXPECT_NEAR(row["conversion"].get<double>(), 0.3333, 1e-4);
  auto csv = client_->raw().Get("/api/v1/leads/export",
                                {{"Authorization", "Bearer " + rep}});
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_EQ(std::count(csv->body.begin(), csv->body.end(), '\n'), 4);
}

TEST_F(LeadApiTest, StandingRulesAssignPoolLeadsOnTheSweep) {
  app_->Stop();
  options_.lead_schedule = {1, 0, 0};  // Sweep every second.
  Start();
  admin_ = AdminToken();
  std::string a = CreateStaff("rep-a", "sales");
  std::string b = CreateStaff("rep-b", "sales");
  std::string a_id = client_->Get("/api/v1/auth/me", a).data()["id"];
  // Bad rules name the field and change nothing.
  auto bad = client_->Call(
      "PUT", "/api/v1/scoring/rules",
      json{{"auto_assign", {{{"rule", "lottery"}}}}}.dump(), admin_);
  EXPECT_EQ(bad.data()["field"], "auto_assign[0].rule");
  auto count =
      client_->Call("PUT", "/api/v1/scoring/rules",
                    json{{"auto_assign", {{{"count", 0}}}}}.dump(), admin_);
  EXPECT_EQ(count.data()["field"], "auto_assign[0].count");
  // Only rep-a, at most 3 per sweep.
  auto ok = client_->Call(
      "PUT", "/api/v1/scoring/rules",
      json{{"auto_assign",
            {{{"rule", "round_robin"}, {"reps", {a_id}}, {"count", 3}}}}}
          .dump(),
      admin_);
  ASSERT_EQ(ok.status, 200) << ok.body.dump();
  EXPECT_EQ(ok.data()["auto_assign"][0]["reps"][0], a_id);
  ImportOpen(5);
  size_t mine = 0;
  for (int i = 0; i < 60 && mine < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    mine = client_->Get("/api/v1/leads?mine=true", a).data()["items"].size();
  }
  EXPECT_EQ(mine, 5u);  // Two sweeps: 3, then 2.
  EXPECT_EQ(client_->Get("/api/v1/leads?mine=true", b).data()["items"].size(),
            0u);
  std::string id = client_->Get("/api/v1/leads?mine=true", a)
                       .data()["items"][0]["id"]
                       .get<std::string>();
  auto card = client_->Get("/api/v1/leads/" + id, a);
  bool assigned = false;
  for (const auto& e : card.data()["history"])
    assigned = assigned || (e["kind"] == "assign" && e["actor_id"].is_null());
  EXPECT_TRUE(assigned) << card.body.dump();
}

TEST_F(LeadApiTest, TheScheduleReturnsOverdueLeadsWithoutAnyClaim) {
  app_->Stop();
  options_.lead_schedule = {1, 0, 0};  // Sweep every second.
  Start();
  admin_ = AdminToken();
  ImportOpen(1);
  std::string rep = CreateStaff("rep-x", "sales");
  auto claim = client_->Post("/api/v1/leads/claim", {{"count", 1}}, rep);
  ASSERT_EQ(claim.data()["items"].size(), 1u);
  std::string id = claim.data()["items"][0]["id"];
  ASSERT_EQ(Patch(id, {{"note", "家长电话 139 8765 4321，晚上打"}}, rep).status,
            200);
  clock_.Advance(25 * 3600 * 1000LL);
  admin_ = AdminToken();
  std::string status;
  for (int i = 0; i < 50 && status != "new"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = client_->Get("/api/v1/leads/" + id, admin_).data()["status"];
  }
  EXPECT_EQ(status, "new");
  // Back in the pool with its history: a phone in the note is masked for
  // the next rep until they claim the lead.
  std::string next = CreateStaff("rep-y", "sales");
  auto notes = [&](const std::string& token) {
    auto card = client_->Get("/api/v1/leads/" + id, token);
    EXPECT_EQ(card.status, 200) << card.body.dump();
    std::string all;
    for (const auto& h : card.data()["history"])
      all += h["note"].get<std::string>() + ";";
    return all;
  };
  std::string pool = notes(next);
  EXPECT_NE(pool.find("139 **** 4321"), std::string::npos) << pool;
  EXPECT_EQ(pool.find("8765"), std::string::npos) << pool;
  EXPECT_NE(notes(admin_).find("139 8765 4321"), std::string::npos);
}

TEST_F(LeadApiTest, ModelProbabilityCanMakeALeadBelowThePointsThreshold) {
  // Train on imported outcomes whose only signal is completion_rate, which
  // members have too.
  json rows = json::array();
  for (int i = 0; i < 60; ++i)
    rows.push_back({{"external_id", "h" + std::to_string(i)},
                    {"attributes", {{"completion_rate", (i % 10) / 10.0}}},
                    {"outcome", i % 10 >= 3 ? "won" : "lost"}});
  ASSERT_EQ(
      client_->Post("/api/v1/leads/import", {{"rows", rows}}, admin_).status,
      200);
  auto t = client_->Post("/api/v1/scoring/train", json::object(), admin_);
  ASSERT_EQ(t.status, 200) << t.body.dump();
  EXPECT_EQ(t.data()["kind"], "logistic");
  std::string campaign = CreateRunningCampaign(op_, 3);
  std::string keen = EnrollAndSignIn(op_, campaign, "o-keen", "天天打卡");
  EnrollAndSignIn(op_, campaign, "o-idle", "潜水");
  for (int d = 0; d < 4; ++d) {
    auto c = client_->Post("/api/v1/mp/checkins",
                           {{"campaign_id", campaign},
                            {"client_id", "k" + std::to_string(d)},
                            {"text", "打卡"}},
                           keen);
    ASSERT_LT(c.status, 300) << c.body.dump();
    clock_.Advance(24 * 3600 * 1000LL);
    keen = ParticipantToken("o-keen", "天天打卡");
  }
  admin_ = AdminToken();
  auto rules = client_->Call(
      "PUT", "/api/v1/scoring/rules",
      json{{"lead_threshold", 100}, {"lead_probability", 0.6}}.dump(), admin_);
  ASSERT_EQ(rules.status, 200) << rules.body.dump();
  auto r = client_->Post("/api/v1/scoring/rescore", json::object(), admin_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.data()["created"], 1);  // The keen member, not the idle one.
  auto leads = client_->Get("/api/v1/leads?source=score", admin_);
  ASSERT_EQ(leads.data()["items"].size(), 1u);
  EXPECT_EQ(leads.data()["items"][0]["nickname"], "天天打卡");
  EXPECT_GT(leads.data()["items"][0]["probability"].get<double>(), 0.6);
  EXPECT_EQ(client_
                ->Call("PUT", "/api/v1/scoring/rules",
                       json{{"lead_probability", 2}}.dump(), admin_)
                .body["data"]["field"],
            "lead_probability");
}

TEST_F(LeadApiTest, AdminsAssignPoolLeadsRoundRobinByCapacityAndByCity) {
  json rows = json::array();
  for (int i = 0; i < 8; ++i)
    rows.push_back({{"external_id", "a" + std::to_string(i)},
                    {"attributes", {{"city", i < 6 ? "上海" : "北京"}}}});
  ASSERT_EQ(
      client_->Post("/api/v1/leads/import", {{"rows", rows}}, admin_).status,
      200);
  std::string a = CreateStaff("rep-a", "sales"),
              b = CreateStaff("rep-b", "sales");
  std::string a_id = client_->Get("/api/v1/auth/me", a).data()["id"];
  std::string b_id = client_->Get("/api/v1/auth/me", b).data()["id"];
  // Rep A already holds one lead (the 北京 lead claimed first by score
  // order is whatever; only the count matters here).
  ASSERT_EQ(client_->Post("/api/v1/leads/claim", {{"count", 1}}, a).status,
            200);
  auto rr = client_->Post(
      "/api/v1/leads/assign",
      {{"rule", "round_robin"}, {"count", 4}, {"city", "上海"}}, admin_);
  ASSERT_EQ(rr.status, 200) << rr.body.dump();
  ASSERT_EQ(rr.data()["assigned"], 4);
  std::map<std::string, int> per;
  for (const auto& it : rr.data()["items"]) per[it["owner_id"]]++;
  EXPECT_EQ(per[a_id], 2);
  EXPECT_EQ(per[b_id], 2);
  for (const auto& it : rr.data()["items"]) {
    auto card = client_->Get(
        "/api/v1/leads/" + it["lead_id"].get<std::string>(), admin_);
    EXPECT_EQ(card.data()["history"].back()["kind"], "assign");
  }
  // Capacity: A holds 3, B holds 2, so the next lead goes to B.
  auto cap = client_->Post("/api/v1/leads/assign",
                           {{"rule", "capacity"}, {"count", 1}}, admin_);
  ASSERT_EQ(cap.data()["assigned"], 1);
  EXPECT_EQ(cap.data()["items"][0]["owner_id"], b_id);
  // Rep B now sees 3 leads of their own.
  EXPECT_EQ(client_->Get("/api/v1/leads?mine=true", b).data()["items"].size(),
            3u);
  auto bad = client_->Post("/api/v1/leads/assign", {{"reps", {"999"}}}, admin_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["data"]["field"], "reps");
  EXPECT_EQ(client_->Post("/api/v1/leads/assign", {{"rule", "random"}}, admin_)
                .status,
            400);
  EXPECT_EQ(client_->Post("/api/v1/leads/assign", json::object(), a).status,
            403);
}

TEST_F(LeadApiTest, AssignmentBySeriesTakesOnlyThatSeriesLeads) {
  std::string id = EngagedMemberLead();  // A member of the 阅读 series.
  ASSERT_FALSE(id.empty());
  CreateStaff("rep-x", "sales");
  // A later 英语 enrollment, refunded: the member's latest campaign is
  // still the 阅读 one.
  int64_t today = community::LocalDay(clock_.NowMillis(), 480);
  auto english = client_->Post("/api/v1/campaigns",
                               {{"name", "英语1期"},
                                {"theme", "英语"},
                                {"series", "英语"},
                                {"starts_on", FormatIsoDate(today - 1)},
                                {"days", 21}},
                               op_);
  ASSERT_EQ(english.status, 201) << english.body.dump();
  const std::string campaign = english.data()["id"];
  ASSERT_EQ(client_
                ->Post("/api/v1/campaigns/" + campaign + "/enrollments",
                       {{"enrollments",
                         {{{"openid", "o-lead"}, {"nickname", "王小明妈妈"}}}}},
                       op_)
                .status,
            200);
  const std::string member =
      client_->Get("/api/v1/leads/" + id, admin_).data()["member_id"];
  auto refund = client_->Post(
      "/api/v1/campaigns/" + campaign + "/enrollments/" + member + "/refund",
      {{"reason", "退款"}}, op_);
  ASSERT_EQ(refund.status, 200) << refund.body.dump();
  auto other =
      client_->Post("/api/v1/leads/assign", {{"series", "英语"}}, admin_);
  ASSERT_EQ(other.status, 200) << other.body.dump();
  EXPECT_EQ(other.data()["assigned"], 0);
  auto reading =
      client_->Post("/api/v1/leads/assign", {{"series", "阅读"}}, admin_);
  ASSERT_EQ(reading.data()["assigned"], 1);
  EXPECT_EQ(reading.data()["items"][0]["lead_id"], id);
}

TEST_F(LeadApiTest, TheScheduleRetrainsOnlyWhenOutcomesArrive) {
  app_->Stop();
  options_.lead_schedule = {0, 0, 1};  // Retrain check every second.
  Start();
  admin_ = AdminToken();
  auto import = [&](int from, int n) {
    json rows = json::array();
    for (int i = from; i < from + n; ++i)
      rows.push_back({{"external_id", "h" + std::to_string(i)},
                      {"attributes", {{"visits", i % 10}}},
                      {"outcome", i % 10 >= 5 ? "won" : "lost"}});
    ASSERT_EQ(
        client_->Post("/api/v1/leads/import", {{"rows", rows}}, admin_).status,
        200);
  };
  auto models = [&] {
    return client_->Get("/api/v1/scoring/models", admin_)
        .data()["items"]
        .size();
  };
  auto wait_for = [&](size_t n) {
    for (int i = 0; i < 40 && models() < n; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return models();
  };
  import(0, 40);
  EXPECT_EQ(wait_for(1), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(models(), 1u);  // Nothing new: no second model.
  import(40, 20);
  EXPECT_EQ(wait_for(2), 2u);
}

}  // namespace
}  // namespace qunying::server
