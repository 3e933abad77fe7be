// Content, feedback, calendars, leaderboards, dwell, dormant lists and
// cohorts over real HTTP.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "community/campaign.h"
#include "core/time_util.h"
#include "tests/server/test_server.h"

namespace qunying::server {
namespace {

using nlohmann::json;

class EngagementApiTest : public ServerTest {
 protected:
  void SetUp() override {
    Start();
    op_ = CreateStaff("yunying", "operator");
    today_ = community::LocalDay(clock_.NowMillis(), 480);
    a_ = Campaign("第1期", -30, 21);
    b_ = Campaign("第2期", -5, 21);
    auto g = client_->Post("/api/v1/groups",
                           {{"name", "第2期群"}, {"campaign_id", b_}}, op_);
    group_ = g.data()["id"];
    Enroll(a_, {"p1", "p2", "p3"});
    Enroll(b_, {"p1", "p2"});
    p1_ = ParticipantToken("p1", "甲妈妈");
    p2_ = ParticipantToken("p2", "乙妈妈");
    p3_ = ParticipantToken("p3", "丙妈妈");
  }
  std::string Campaign(const std::string& name, int64_t start, int days) {
    auto r = client_->Post("/api/v1/campaigns",
                           {{"name", name},
                            {"theme", "阅读"},
                            {"series", "阅读21天"},
                            {"starts_on", FormatIsoDate(today_ + start)},
                            {"days", days}},
                           op_);
    return r.data()["id"];
  }
  void Enroll(const std::string& campaign,
              const std::vector<std::string>& openids) {
    json rows = json::array();
    for (const auto& o : openids) {
      rows.push_back({{"openid", o},
                      {"nickname", o + "妈妈"},
                      {"group_id", campaign == b_ ? group_ : ""}});
      if (campaign != b_) rows.back().erase("group_id");
    }
    auto r = client_->Post("/api/v1/campaigns/" + campaign + "/enrollments",
                           {{"enrollments", rows}}, op_);
    ASSERT_EQ(r.status, 200) << r.body.dump();
  }
  // "第3课" published to campaign 2's group; its id ("" if refused).
  std::string PublishLesson() {
    auto c = client_->Post("/api/v1/contents",
                           {{"title", "第3课"},
                            {"body", "今天读《草房子》"},
                            {"group_id", group_}},
                           op_);
    EXPECT_EQ(c.status, 201) << c.body.dump();
    return c.status == 201 ? c.data()["id"].get<std::string>() : "";
  }
  std::string op_, a_, b_, group_, p1_, p2_, p3_;
  int64_t today_ = 0;
};

TEST_F(EngagementApiTest, ContentReachesItsGroupAndReadingCountsAsActivity) {
  std::string id = PublishLesson();
  ASSERT_FALSE(id.empty());
  auto mine = client_->Get("/api/v1/mp/contents", p1_);
  ASSERT_EQ(mine.data()["items"].size(), 1u);
  EXPECT_FALSE(mine.data()["items"][0].contains("body"));
  EXPECT_EQ(mine.data()["items"][0]["read"], false);
  // p3 is not in the group (did not renew into campaign 2): not visible.
  EXPECT_EQ(client_->Get("/api/v1/mp/contents", p3_).data()["items"].size(),
            0u);
  EXPECT_EQ(client_->Get("/api/v1/mp/contents/" + id, p3_).status, 404);
  auto read = client_->Get("/api/v1/mp/contents/" + id, p1_);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.data()["body"], "今天读《草房子》");
  // The list marks it read for p1 (an unread badge goes), not for p2.
  EXPECT_EQ(client_->Get("/api/v1/mp/contents", p1_).data()["items"][0]["read"],
            true);
  EXPECT_EQ(client_->Get("/api/v1/mp/contents", p2_).data()["items"][0]["read"],
            false);
  // The read makes p1 active in campaign 1's retention window.
  auto rep =
      client_->Get("/api/v1/campaigns/" + a_ + "/retention?next=" + b_, op_);
  EXPECT_EQ(rep.data()["active"], 1);
  // Series-wide content reaches everyone enrolled in the series.
  client_->Post(
      "/api/v1/contents",
      {{"title", "公告"}, {"body", "下期预告"}, {"series", "阅读21天"}}, op_);
  EXPECT_EQ(client_->Get("/api/v1/mp/contents", p3_).data()["items"].size(),
            1u);
  // Newest first, in pages like every list.
  auto first = client_->Get("/api/v1/mp/contents?limit=1", p1_);
  ASSERT_EQ(first.data()["items"].size(), 1u);
  EXPECT_EQ(first.data()["items"][0]["title"], "公告");
  ASSERT_EQ(first.data()["next_cursor"], "1");
  auto second = client_->Get("/api/v1/mp/contents?limit=1&cursor=1", p1_);
  ASSERT_EQ(second.data()["items"].size(), 1u);
  EXPECT_EQ(second.data()["items"][0]["id"], id);
  EXPECT_TRUE(second.data()["next_cursor"].is_null());
  // A mistyped series would reach nobody.
  EXPECT_EQ(
      client_
          ->Post("/api/v1/contents",
                 {{"title", "公告"}, {"body", "x"}, {"series", "阅读12天"}},
                 op_)
          .data()["field"],
      "series");
  EXPECT_EQ(
      client_->Post("/api/v1/contents", {{"title", "x"}, {"body", "y"}}, op_)
          .status,
      400);
}

TEST_F(EngagementApiTest, OperatorsSeeHowManyMembersOpenedEachContent) {
  std::string id = PublishLesson();
  ASSERT_FALSE(id.empty());
  auto readers = [&] {
    auto list = client_->Get("/api/v1/contents", op_);
    EXPECT_EQ(list.status, 200) << list.body.dump();
    if (list.status != 200) return int64_t{-2};
    for (const auto& item : list.data()["items"])
      if (item["id"] == id) return item["readers"].get<int64_t>();
    return int64_t{-1};
  };
  EXPECT_EQ(readers(), 0);
  ASSERT_EQ(client_->Get("/api/v1/mp/contents/" + id, p1_).status, 200);
  ASSERT_EQ(client_->Get("/api/v1/mp/contents/" + id, p1_).status, 200);
  EXPECT_EQ(readers(), 1);  // Once per member, however often.
  // The next day's read is another event, the same reader. (A day on,
  // the staff sign in again.)
  clock_.Advance(86400 * 1000);
  op_ = LoginAs("yunying", "yunying-pass-1");
  p1_ = ParticipantToken("p1", "甲妈妈");
  p2_ = ParticipantToken("p2", "乙妈妈");
  ASSERT_EQ(client_->Get("/api/v1/mp/contents/" + id, p1_).status, 200);
  ASSERT_EQ(client_->Get("/api/v1/mp/contents/" + id, p2_).status, 200);
  EXPECT_EQ(readers(), 2);
  // Participants are not told who else read it.
  auto mine = client_->Get("/api/v1/mp/contents", p1_);
  ASSERT_EQ(mine.data()["items"].size(), 1u) << mine.body.dump();
  EXPECT_FALSE(mine.data()["items"][0].contains("readers"));
  EXPECT_FALSE(client_->Get("/api/v1/mp/contents/" + id, p1_)
                   .data()
                   .contains("readers"));
  auto fixed = client_->Call("PATCH", "/api/v1/contents/" + id,
                             json{{"title", "第3课（改）"}}.dump(), op_);
  ASSERT_EQ(fixed.status, 200) << fixed.body.dump();
  EXPECT_EQ(fixed.data()["readers"], 2) << fixed.body.dump();
  // Of those who can see it: the group's two; the series' three.
  EXPECT_EQ(fixed.data()["audience"], 2);
  auto notice = client_->Post(
      "/api/v1/contents",
      {{"title", "公告"}, {"body", "下期预告"}, {"series", "阅读21天"}}, op_);
  ASSERT_EQ(notice.status, 201) << notice.body.dump();
  bool listed = false;
  auto list = client_->Get("/api/v1/contents", op_);
  ASSERT_EQ(list.status, 200) << list.body.dump();
  for (const auto& item : list.data()["items"]) {
    if (item["id"] != notice.data()["id"]) continue;
    listed = true;
    EXPECT_EQ(item["audience"], 3);
    EXPECT_EQ(item["readers"], 0);
  }
  EXPECT_TRUE(listed);
}

TEST_F(EngagementApiTest, PublishedContentIsCorrectedOrWithdrawnAndAudited) {
  auto c = client_->Post(
      "/api/v1/contents",
      {{"title", "第3科"}, {"body", "今天读《草房子》"}, {"group_id", group_}},
      op_);
  ASSERT_EQ(c.status, 201) << c.body.dump();
  std::string id = c.data()["id"];
  std::string path = "/api/v1/contents/" + id;
  auto fixed = client_->Call("PATCH", path, R"({"title":"第3课"})", op_);
  ASSERT_EQ(fixed.status, 200) << fixed.body.dump();
  EXPECT_EQ(fixed.data()["title"], "第3课");
  EXPECT_EQ(fixed.data()["body"], "今天读《草房子》");
  EXPECT_EQ(fixed.data()["group_id"], group_);
  EXPECT_EQ(client_->Get("/api/v1/mp/contents/" + id, p1_).data()["title"],
            "第3课");
  // Where it was published does not change; nor may a title go empty.
  EXPECT_EQ(client_->Call("PATCH", path, R"({"series":"阅读21天"})", op_)
                .data()["field"],
            "series");
  EXPECT_EQ(
      client_->Call("PATCH", path, R"({"title":""})", op_).data()["field"],
      "title");
  // Withdrawn: participants no longer see it.
  EXPECT_EQ(client_->Call("DELETE", path, "", op_).status, 200);
  EXPECT_EQ(client_->Get("/api/v1/mp/contents/" + id, p1_).status, 404);
  EXPECT_EQ(client_->Get("/api/v1/mp/contents", p1_).data()["items"].size(),
            0u);
  EXPECT_EQ(client_->Call("DELETE", path, "", op_).status, 404);
  EXPECT_EQ(client_->Call("PATCH", path, R"({"title":"x"})", op_).status, 404);
  auto audit = client_->Get("/api/v1/audit?limit=50", AdminToken());
  std::string actions;
  for (const auto& e : audit.data()["items"]) {
    std::string a = e["action"];
    if (a.rfind("content.", 0) == 0)
      actions += a + ":" + e["detail"].get<std::string>() + ";";
  }
  EXPECT_NE(actions.find("content.update:title;"), std::string::npos)
      << actions;
  EXPECT_NE(actions.find("content.delete:第3课;"), std::string::npos)
      << actions;
  // A participant cannot do either.
  EXPECT_EQ(client_->Call("DELETE", "/api/v1/contents/1", "", p1_).status, 401);
}

TEST_F(EngagementApiTest, FeedbackIsAnsweredClosedAndTimed) {
  auto f = client_->Post("/api/v1/mp/feedback",
                         {{"kind", "question"}, {"text", "怎么补卡？"}}, p1_);
  ASSERT_EQ(f.status, 201) << f.body.dump();
  std::string id = f.data()["id"];
  EXPECT_EQ(client_->Get("/api/v1/mp/feedback/" + id, p2_).status,
            404);  // Not theirs.
  auto open = client_->Get("/api/v1/feedback?status=open", op_);
  ASSERT_EQ(open.data()["items"].size(), 1u);
  // Operators see who asked, by the name they go by now.
  EXPECT_EQ(open.data()["items"][0]["nickname"], "p1妈妈");
  ASSERT_EQ(
      client_->Call("PUT", "/api/v1/mp/me", R"({"nickname":"p1妈妈🌸"})", p1_)
          .status,
      200);
  EXPECT_EQ(client_->Get("/api/v1/feedback/" + id, op_).data()["nickname"],
            "p1妈妈🌸");
  clock_.Advance(90 * 1000);
  auto reply = client_->Post("/api/v1/feedback/" + id + "/replies",
                             {{"text", "在日历里点缺卡的那天"}}, op_);
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(reply.data()["status"], "answered");
  EXPECT_EQ(reply.data()["response_s"], 90);
  auto closed = client_->Post("/api/v1/feedback/" + id + "/replies",
                              {{"close", true}}, op_);
  EXPECT_EQ(closed.data()["status"], "closed");
  auto mine = client_->Get("/api/v1/mp/feedback/" + id, p1_);
  EXPECT_EQ(mine.data()["replies"].size(), 1u);
  // The lists carry the replies too, for the participant and for staff.
  auto my_list = client_->Get("/api/v1/mp/feedback", p1_);
  ASSERT_EQ(my_list.data()["items"].size(), 1u);
  ASSERT_EQ(my_list.data()["items"][0]["replies"].size(), 1u);
  EXPECT_EQ(my_list.data()["items"][0]["replies"][0]["text"],
            "在日历里点缺卡的那天");
  // A second ticket: the participant's list pages, newest first.
  ASSERT_EQ(
      client_
          ->Post("/api/v1/mp/feedback",
                 {{"kind", "suggestion"}, {"text", "希望有英语绘本"}}, p1_)
          .status,
      201);
  auto newest = client_->Get("/api/v1/mp/feedback?limit=1", p1_);
  ASSERT_EQ(newest.data()["items"].size(), 1u);
  EXPECT_EQ(newest.data()["items"][0]["text"], "希望有英语绘本");
  ASSERT_FALSE(newest.data()["next_cursor"].is_null());
  auto older = client_->Get("/api/v1/mp/feedback?limit=1&cursor=" +
                                newest.data()["next_cursor"].get<std::string>(),
                            p1_);
  ASSERT_EQ(older.data()["items"].size(), 1u);
  EXPECT_EQ(older.data()["items"][0]["id"], id);
  EXPECT_EQ(client_->Get("/api/v1/feedback?status=closed", op_)
                .data()["items"][0]["replies"]
                .size(),
            1u);
  auto stats = client_->Get("/api/v1/feedback/stats", op_);
  EXPECT_EQ(stats.data()["closed"], 1);
  EXPECT_DOUBLE_EQ(stats.data()["median_response_s"].get<double>(), 90.0);
  EXPECT_EQ(
      client_
          ->Post("/api/v1/mp/feedback", {{"kind", "rant"}, {"text", "x"}}, p1_)
          .data()["field"],
      "kind");
  EXPECT_EQ(client_->Post("/api/v1/feedback/999/replies", {{"text", "x"}}, op_)
                .status,
            404);
}

TEST_F(EngagementApiTest, CalendarLeaderboardAndOwnCheckinsOnly) {
  auto k = client_->Post(
      "/api/v1/mp/checkins",
      {{"campaign_id", b_}, {"client_id", "c1"}, {"duration_s", 600}}, p1_);
  ASSERT_EQ(k.status, 201);
  client_->Post("/api/v1/mp/checkins",
                {{"campaign_id", b_}, {"client_id", "m"}, {"makeup_day", 2}},
                p1_);
  auto cal = client_->Get("/api/v1/mp/checkins?campaign_id=" + b_, p1_);
  ASSERT_EQ(cal.status, 200) << cal.body.dump();
  EXPECT_EQ(cal.data()["today"], 6);
  EXPECT_EQ(cal.data()["days"].size(), 21u);
  EXPECT_TRUE(cal.data()["days"][5]["checked"].get<bool>());
  EXPECT_TRUE(cal.data()["days"][1]["makeup"].get<bool>());
  EXPECT_EQ(cal.data()["makeups_left"], 2);
  EXPECT_EQ(client_->Get("/api/v1/mp/checkins?campaign_id=" + b_, p3_).status,
            404);
  std::string id = k.data()["id"];
  EXPECT_EQ(client_->Get("/api/v1/mp/checkins/" + id, p1_).status, 200);
  EXPECT_EQ(client_->Get("/api/v1/mp/checkins/" + id, p2_).status, 404);
  auto board = client_->Get("/api/v1/mp/campaigns/" + b_ + "/leaderboard", p2_);
  ASSERT_EQ(board.status, 200);
  EXPECT_EQ(board.data()["items"][0]["checkins"], 2);
  EXPECT_FALSE(board.data()["items"][0].contains("phone"));
  EXPECT_EQ(
      client_->Get("/api/v1/mp/campaigns/" + b_ + "/leaderboard", p3_).status,
      404);
}

TEST_F(EngagementApiTest, AParticipantBelowTheTopFiftySeesTheirPlace) {
  // 52 participants check in once each, the later ones for less time.
  json rows = json::array();
  for (int i = 0; i < 52; ++i)
    rows.push_back({{"openid", "r" + std::to_string(i)},
                    {"nickname", "读者" + std::to_string(i)}});
  ASSERT_EQ(client_
                ->Post("/api/v1/campaigns/" + b_ + "/enrollments",
                       {{"enrollments", rows}}, op_)
                .status,
            200);
  std::vector<std::string> tokens;
  for (int i = 0; i < 52; ++i) {
    tokens.push_back(ParticipantToken("r" + std::to_string(i), "读者"));
    ASSERT_EQ(client_
                  ->Post("/api/v1/mp/checkins",
                         {{"campaign_id", b_},
                          {"client_id", "k"},
                          {"duration_s", 6000 - 100 * i}},
                         tokens.back())
                  .status,
              201);
  }
  auto board = [&](const std::string& token) {
    auto r = client_->Get("/api/v1/mp/campaigns/" + b_ + "/leaderboard", token);
    EXPECT_EQ(r.status, 200) << r.body.dump();
    return r.data();
  };
  const json last = board(tokens[51]);
  EXPECT_EQ(last["items"].size(), 50u);
  // The board pages like every list: the next page goes on ranking.
  EXPECT_EQ(last["next_cursor"], "50");
  auto rest =
      client_->Get("/api/v1/campaigns/" + b_ + "/leaderboard?cursor=50", op_);
  ASSERT_EQ(rest.data()["items"].size(), 2u) << rest.body.dump();
  EXPECT_EQ(rest.data()["items"][0]["rank"], 51);
  EXPECT_EQ(rest.data()["items"][1]["nickname"], "读者51");
  EXPECT_TRUE(rest.data()["next_cursor"].is_null());
  EXPECT_EQ(
      client_->Get("/api/v1/campaigns/" + b_ + "/leaderboard?limit=500", op_)
          .data()["items"]
          .size(),
      52u);
  EXPECT_EQ(
      client_->Get("/api/v1/campaigns/" + b_ + "/leaderboard?cursor=x", op_)
          .data()["field"],
      "cursor");
  EXPECT_EQ(last["me"]["rank"], 52);
  EXPECT_EQ(last["me"]["checkins"], 1);
  EXPECT_EQ(last["me"]["total_duration_s"], 6000 - 5100);
  EXPECT_EQ(board(tokens[3])["me"]["rank"], 4);
  // A second check-in (a make-up) puts r40 first.
  ASSERT_EQ(
      client_
          ->Post("/api/v1/mp/checkins",
                 {{"campaign_id", b_}, {"client_id", "m"}, {"makeup_day", 2}},
                 tokens[40])
          .status,
      201);
  EXPECT_EQ(board(tokens[40])["me"]["rank"], 1);
  EXPECT_EQ(board(tokens[0])["me"]["rank"], 2);
  // No check-in yet: no place. Staff get the board without "me".
  EXPECT_TRUE(board(p1_)["me"]["rank"].is_null());
  EXPECT_FALSE(client_->Get("/api/v1/campaigns/" + b_ + "/leaderboard", op_)
                   .data()
                   .contains("me"));
}

TEST_F(EngagementApiTest, DormantListsAndTimelinesPageLikeEveryList) {
  json rows = json::array();
  for (int i = 0; i < 3; ++i)
    rows.push_back({{"openid", "q" + std::to_string(i)},
                    {"nickname", "安静" + std::to_string(i)},
                    {"group_id", group_}});
  ASSERT_EQ(client_
                ->Post("/api/v1/campaigns/" + b_ + "/enrollments",
                       {{"enrollments", rows}}, op_)
                .status,
            200);
  // Five quiet members (p1, p2 and the three), two a page.
  const std::string dormant =
      "/api/v1/groups/" + group_ + "/dormant?days=1&limit=2";
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = client_->Get(
        dormant + (cursor.empty() ? "" : "&cursor=" + cursor), op_);
    ASSERT_EQ(page.status, 200) << page.body.dump();
    EXPECT_EQ(page.data()["count"], 5);
    EXPECT_LE(page.data()["items"].size(), 2u);
    for (const auto& m : page.data()["items"]) seen.insert(m["member_id"]);
    cursor = page.data()["next_cursor"].is_null()
                 ? ""
                 : page.data()["next_cursor"].get<std::string>();
  } while (!cursor.empty() && ++pages < 10);
  EXPECT_EQ(seen.size(), 5u);
  // The CSV export has every row, whatever the page asked.
  auto csv = client_->raw().Get(dormant + "&format=csv",
                                {{"Authorization", "Bearer " + op_}});
  ASSERT_TRUE(csv);
  EXPECT_EQ(std::count(csv->body.begin(), csv->body.end(), '\n'), 6)
      << csv->body;  // The header and five rows.
  // A member's timeline, newest first, one entry a page.
  std::string p1 =
      client_
          ->Post("/api/v1/mp/login", {{"openid", "p1"}, {"nickname", "甲妈妈"}})
          .data()["member_id"];
  auto first = client_->Get("/api/v1/members/" + p1 + "/timeline?limit=1", op_);
  ASSERT_EQ(first.data()["items"].size(), 1u) << first.body.dump();
  ASSERT_EQ(first.data()["next_cursor"], "1");
  auto second =
      client_->Get("/api/v1/members/" + p1 + "/timeline?limit=1&cursor=1", op_);
  ASSERT_EQ(second.data()["items"].size(), 1u);
  EXPECT_NE(second.data()["items"][0], first.data()["items"][0]);
  EXPECT_GE(first.data()["items"][0]["at"], second.data()["items"][0]["at"]);
}

TEST_F(EngagementApiTest, DailyCheckinsCountEachCampaignDayWithMakeupsApart) {
  ASSERT_EQ(client_
                ->Post("/api/v1/mp/checkins",
                       {{"campaign_id", b_}, {"client_id", "t1"}}, p1_)
                .status,
            201);
  ASSERT_EQ(client_
                ->Post("/api/v1/mp/checkins",
                       {{"campaign_id", b_}, {"client_id", "t2"}}, p2_)
                .status,
            201);
  ASSERT_EQ(
      client_
          ->Post("/api/v1/mp/checkins",
                 {{"campaign_id", b_}, {"client_id", "m1"}, {"makeup_day", 3}},
                 p1_)
          .status,
      201);
  auto d = client_->Get("/api/v1/campaigns/" + b_ + "/daily", op_);
  ASSERT_EQ(d.status, 200) << d.body.dump();
  EXPECT_EQ(d.data()["enrolled"], 2);
  const auto& days = d.data()["days"];
  ASSERT_EQ(days.size(), 21u);
  EXPECT_EQ(days[0]["date"], FormatIsoDate(today_ - 5));
  EXPECT_EQ(days[5]["day"], 6);  // Today.
  EXPECT_EQ(days[5]["checkins"], 2);
  EXPECT_EQ(days[5]["rate"], 1.0);
  EXPECT_EQ(days[2]["checkins"], 0);
  EXPECT_EQ(days[2]["makeups"], 1);
  EXPECT_EQ(days[2]["rate"], 0.0);
  EXPECT_EQ(client_->Get("/api/v1/campaigns/999/daily", op_).status, 404);
  EXPECT_EQ(client_->Get("/api/v1/campaigns/" + b_ + "/daily", p1_).status,
            401);
}

TEST_F(EngagementApiTest, ParticipantsShowProgressAndWhoMissedADay) {
  // p4 came through an ad, paid, and is in no group yet.
  auto e = client_->Post("/api/v1/campaigns/" + b_ + "/enrollments",
                         {{"enrollments",
                           {{{"openid", "p4"},
                             {"nickname", "丁妈妈"},
                             {"phone", "13812345678"},
                             {"channel", "抖音"},
                             {"paid_fen", 9900}}}}},
                         op_);
  ASSERT_EQ(e.status, 200) << e.body.dump();
  std::string p4 = ParticipantToken("p4", "丁妈妈");
  auto check = [&](const std::string& token, const std::string& client,
                   int makeup_day = 0) {
    json body = {{"campaign_id", b_}, {"client_id", client}};
    if (makeup_day) body["makeup_day"] = makeup_day;
    ASSERT_EQ(client_->Post("/api/v1/mp/checkins", body, token).status, 201);
  };
  check(p1_, "a6");  // Day 6, and a make-up for day 5.
  check(p1_, "a5", 5);
  check(p2_, "b6");
  clock_.Advance(86400000);  // Day 7: only p1 checks in.
  check(p1_, "a7");
  op_ = LoginAs("yunying", "yunying-pass-1");  // Staff sessions idle out.
  // p1 renews into a later campaign of the series.
  std::string c = Campaign("第3期", 2, 21);
  auto renew = client_->Post(
      "/api/v1/campaigns/" + c + "/enrollments",
      {{"enrollments", {{{"openid", "p1"}, {"nickname", "甲妈妈"}}}}}, op_);
  ASSERT_EQ(renew.status, 200) << renew.body.dump();
  const std::string base = "/api/v1/campaigns/" + b_;

  auto sum = client_->Get(base + "/summary", op_);
  ASSERT_EQ(sum.status, 200) << sum.body.dump();
  const json d = sum.data();
  EXPECT_EQ(d["state"], "running");
  EXPECT_EQ(d["today"], 7);
  EXPECT_EQ(d["completed_days"], 6);
  EXPECT_EQ(d["enrolled"], 3);
  EXPECT_EQ(d["paid_fen"], 9900);
  EXPECT_EQ(d["checked_in_today"], 1);
  EXPECT_DOUBLE_EQ(d["checkin_rate_today"].get<double>(), 0.3333);
  ASSERT_EQ(d["channels"].size(), 2u);
  EXPECT_EQ(d["channels"][0]["channel"], "");  // p1, p2: most enrolled first.
  EXPECT_EQ(d["channels"][0]["renewed"], 1);
  EXPECT_DOUBLE_EQ(d["channels"][0]["renewal_rate"].get<double>(), 0.5);
  // Day 6's two on-day check-ins over 2 members × 6 days over; the
  // make-up and today's check-in are not counted.
  EXPECT_DOUBLE_EQ(d["channels"][0]["checkin_rate"].get<double>(), 0.1667);
  EXPECT_EQ(d["channels"][1]["channel"], "抖音");
  EXPECT_EQ(d["channels"][1]["paid_fen"], 9900);
  EXPECT_EQ(d["channels"][1]["renewed"], 0);
  ASSERT_EQ(d["groups"].size(), 2u);
  EXPECT_EQ(d["groups"][0]["group_id"], group_);
  EXPECT_EQ(d["groups"][0]["checked_in_today"], 1);
  EXPECT_TRUE(d["groups"][1]["group_id"].is_null());
  EXPECT_EQ(d["groups"][1]["enrolled"], 1);

  auto all = client_->Get(base + "/enrollments", op_);
  ASSERT_EQ(all.status, 200) << all.body.dump();
  const json items = all.data()["items"];
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0]["nickname"], "p1妈妈");
  EXPECT_EQ(items[0]["checkins"], 2);
  EXPECT_EQ(items[0]["makeups"], 1);
  EXPECT_EQ(items[0]["last_day"], 7);
  EXPECT_EQ(items[0]["streak"], 3);  // Days 5 (made up), 6 and 7.
  EXPECT_TRUE(items[1]["group_id"] == group_);
  EXPECT_EQ(items[1]["streak"], 1);  // Day 6; today is not over yet.
  EXPECT_TRUE(items[2]["last_day"].is_null());
  EXPECT_EQ(items[2]["phone"], "138****5678");  // Operators see it masked.
  auto names = [&](const std::string& query) {
    std::vector<std::string> out;
    auto r = client_->Get(base + "/enrollments?" + query, op_);
    EXPECT_EQ(r.status, 200) << query << " " << r.body.dump();
    const json page = r.data()["items"];
    for (const auto& i : page) out.push_back(i["nickname"]);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names("missed_day=7"), (V{"p2妈妈", "丁妈妈"}));
  EXPECT_EQ(names("missed_day=6"), (V{"丁妈妈"}));
  EXPECT_EQ(names("missed_day=7&group_id=" + group_), (V{"p2妈妈"}));
  EXPECT_EQ(names("channel=%E6%8A%96%E9%9F%B3"), (V{"丁妈妈"}));  // 抖音
  EXPECT_EQ(names("channel="), (V{"p1妈妈", "p2妈妈"}));
  auto first = client_->Get(base + "/enrollments?limit=2", op_);
  std::string cursor = first.data()["next_cursor"];
  EXPECT_EQ(names("limit=2&cursor=" + cursor), (V{"丁妈妈"}));
  auto admin = client_->Get(base + "/enrollments?channel=%E6%8A%96%E9%9F%B3",
                            AdminToken());
  EXPECT_EQ(admin.data()["items"][0]["phone"], "13812345678");

  auto csv = client_->raw().Get(base + "/enrollments?format=csv&missed_day=7",
                                {{"Authorization", "Bearer " + op_}});
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(std::count(csv->body.begin(), csv->body.end(), '\n'), 3);
  EXPECT_NE(csv->body.find("丁妈妈,138****5678,抖音,,9900"), std::string::npos)
      << csv->body;

  // A day not yet begun, not a number, another campaign, another role.
  EXPECT_EQ(
      client_->Get(base + "/enrollments?missed_day=8", op_).data()["field"],
      "missed_day");
  EXPECT_EQ(client_->Get(base + "/enrollments?missed_day=x", op_).status, 400);
  EXPECT_EQ(client_->Get(base + "/enrollments?group_id=0", op_).data()["field"],
            "group_id");
  EXPECT_EQ(client_->Get(base + "/enrollments?format=xls", op_).status, 400);
  EXPECT_EQ(client_->Get("/api/v1/campaigns/999/summary", op_).status, 404);
  EXPECT_EQ(client_->Get("/api/v1/campaigns/999/enrollments", op_).status, 404);
  EXPECT_EQ(
      client_->Get(base + "/summary", CreateStaff("xiaoshou", "sales")).status,
      403);
  EXPECT_EQ(client_->Get(base + "/enrollments", p1_).status, 401);
  // Before it starts and after it ends there is no "today".
  auto later = client_->Get("/api/v1/campaigns/" + c + "/summary", op_);
  EXPECT_EQ(later.data()["state"], "upcoming");
  EXPECT_TRUE(later.data()["checked_in_today"].is_null());
  EXPECT_TRUE(later.data()["channels"][0]["checkin_rate"].is_null());
  auto ended = client_->Get("/api/v1/campaigns/" + a_ + "/summary", op_);
  EXPECT_EQ(ended.data()["state"], "ended");
  EXPECT_EQ(ended.data()["completed_days"], 21);
}

TEST_F(EngagementApiTest, ARefundedEnrollmentCountsNowhereUntilRestored) {
  std::string p2 =
      client_->Post("/api/v1/mp/login", {{"openid", "p2"}, {"nickname", "乙"}})
          .data()["member_id"];
  const std::string retention =
      "/api/v1/campaigns/" + a_ + "/retention?next=" + b_;
  ASSERT_EQ(client_->Get(retention, op_).data()["renewed"], 2);
  const std::string refund =
      "/api/v1/campaigns/" + b_ + "/enrollments/" + p2 + "/refund";
  auto r = client_->Post(refund, {{"reason", "7天无理由退款"}}, op_);
  ASSERT_EQ(r.status, 200) << r.body.dump();

  auto k = client_->Post("/api/v1/mp/checkins",
                         {{"campaign_id", b_}, {"client_id", "x"}}, p2_);
  EXPECT_EQ(k.status, 403);
  EXPECT_NE(k.body["msg"].get<std::string>().find("refunded"),
            std::string::npos);
  EXPECT_EQ(client_->Get(retention, op_).data()["renewed"], 1);
  auto sum = client_->Get("/api/v1/campaigns/" + b_ + "/summary", op_).data();
  EXPECT_EQ(sum["enrolled"], 1);
  EXPECT_EQ(sum["refunded"], 1);
  auto list =
      client_->Get("/api/v1/campaigns/" + b_ + "/enrollments", op_).data();
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["nickname"], "p1妈妈");
  EXPECT_EQ(client_->Get("/api/v1/campaigns/" + b_ + "/daily", op_)
                .data()["enrolled"],
            1);
  bool listed = false;
  auto me = client_->Get("/api/v1/mp/me", p2_);  // Held: loops read into it.
  for (const auto& c : me.data()["campaigns"]) listed |= c["id"] == b_;
  EXPECT_FALSE(listed);
  EXPECT_EQ(
      client_->Get("/api/v1/mp/campaigns/" + b_ + "/leaderboard", p2_).status,
      404);

  // Twice, without a reason, someone not enrolled, another role.
  EXPECT_EQ(client_->Post(refund, {{"reason", "重复"}}, op_).status, 409);
  EXPECT_EQ(
      client_
          ->Post("/api/v1/campaigns/" + b_ + "/enrollments/" + p2 + "/refund",
                 {{"reason", " "}}, op_)
          .data()["field"],
      "reason");
  EXPECT_EQ(client_
                ->Post("/api/v1/campaigns/" + b_ + "/enrollments/99999/refund",
                       {{"reason", "x"}}, op_)
                .status,
            404);
  EXPECT_EQ(client_
                ->Post("/api/v1/campaigns/999/enrollments/" + p2 + "/refund",
                       {{"reason", "x"}}, op_)
                .status,
            404);
  EXPECT_EQ(
      client_->Post(refund, {{"reason", "x"}}, CreateStaff("xiaoshou", "sales"))
          .status,
      403);
  auto audit = client_->Get("/api/v1/audit", AdminToken());
  ASSERT_EQ(audit.status, 200) << audit.body.dump();
  bool audited = false;
  for (const auto& a : audit.data()["items"])
    audited |=
        a["action"] == "enrollment.refund" && a["detail"] == "7天无理由退款";
  EXPECT_TRUE(audited) << audit.body.dump();
  // The member's timeline shows it, with the reason, while it stands.
  const std::string timeline = "/api/v1/members/" + p2 + "/timeline";
  auto refunded_in = [&](const std::string& path) {
    auto t = client_->Get(path, op_);  // Held: the loop reads into it.
    EXPECT_EQ(t.status, 200) << t.body.dump();
    int n = 0;
    for (const auto& e : t.data()["items"]) {
      n += e["kind"] == "refunded" && e["detail"].get<std::string>().find(
                                          "7天无理由退款") != std::string::npos;
    }
    return n;
  };
  EXPECT_EQ(refunded_in(timeline), 1);

  // A refund entered by mistake is taken back.
  ASSERT_EQ(client_->Call("DELETE", refund, "", op_).status, 200);
  EXPECT_EQ(refunded_in(timeline), 0);
  EXPECT_EQ(client_->Call("DELETE", refund, "", op_).status, 409);
  EXPECT_EQ(client_
                ->Post("/api/v1/mp/checkins",
                       {{"campaign_id", b_}, {"client_id", "y"}}, p2_)
                .status,
            201);
  EXPECT_EQ(client_->Get(retention, op_).data()["renewed"], 2);
}

TEST_F(EngagementApiTest, DwellAveragesOverActiveMembersPerDay) {
  std::string now = FormatRfc3339(clock_.NowMillis());
  client_->Post("/api/v1/mp/events",
                {{"events",
                  {{{"type", "page_view"},
                    {"dwell_ms", 1000000},
                    {"ts", now},
                    {"client_id", "a"}},
                   {{"type", "page_view"},
                    {"dwell_ms", 400000},
                    {"ts", now},
                    {"client_id", "b"}}}}},
                p1_);
  client_->Post("/api/v1/mp/events",
                {{"events",
                  {{{"type", "page_view"},
                    {"dwell_ms", 0},
                    {"ts", now},
                    {"client_id", "c"}}}}},
                p2_);
  auto d = client_->Get("/api/v1/campaigns/" + b_ + "/dwell", op_);
  ASSERT_EQ(d.status, 200) << d.body.dump();
  ASSERT_EQ(d.data()["days"].size(), 1u);
  EXPECT_EQ(d.data()["days"][0]["active"], 2);
  EXPECT_DOUBLE_EQ(d.data()["days"][0]["avg_dwell_s"].get<double>(), 700.0);
  std::string p1 =
      client_->Post("/api/v1/mp/login", {{"openid", "p1"}, {"nickname", "甲"}})
          .data()["member_id"];
  auto mine = client_->Get("/api/v1/members/" + p1 + "/dwell", op_);
  ASSERT_EQ(mine.status, 200) << mine.body.dump();
  EXPECT_DOUBLE_EQ(mine.data()["days"][0]["dwell_s"].get<double>(), 1400.0);
  EXPECT_EQ(client_->Get("/api/v1/members/99999/dwell", op_).status, 404);
}

TEST_F(EngagementApiTest, DormantAndReactivationListsExportAsCsv) {
  for (int day = 0; day < 3; ++day) {  // p1 was engaged, then went quiet.
    client_->Post(
        "/api/v1/mp/checkins",
        {{"campaign_id", b_}, {"client_id", "d" + std::to_string(day)}}, p1_);
    clock_.Advance(86400000);
  }
  clock_.Advance(15LL * 86400000);
  std::string p2 = ParticipantToken("p2", "乙妈妈");
  op_ = LoginAs("yunying", "yunying-pass-1");  // Staff sessions idle out.
  client_->Post("/api/v1/mp/events",
                {{"events",
                  {{{"type", "page_view"},
                    {"ts", FormatRfc3339(clock_.NowMillis())},
                    {"client_id", "now"}}}}},
                p2);
  auto dormant =
      client_->Get("/api/v1/groups/" + group_ + "/dormant?days=14", op_);
  ASSERT_EQ(dormant.status, 200) << dormant.body.dump();
  ASSERT_EQ(dormant.data()["count"], 1);  // p1; p2 is active today.
  EXPECT_EQ(dormant.data()["items"][0]["past_checkins"], 3);
  auto csv = client_->raw().Get(
      "/api/v1/groups/" + group_ + "/reactivation?days=14&format=csv",
      {{"Authorization", "Bearer " + op_}});
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_NE(csv->body.find("p1妈妈"), std::string::npos) << csv->body;
  EXPECT_EQ(
      client_
          ->Get("/api/v1/groups/" + group_ + "/reactivation?days=14&format=xml",
                op_)
          .data()["field"],
      "format");
  EXPECT_EQ(
      client_->Get("/api/v1/groups/" + group_ + "/dormant?days=0", op_).status,
      400);
}

TEST_F(EngagementApiTest, CohortsFollowASeries) {
  auto r = client_->Get(
      "/api/v1/cohorts?series=" + std::string("%E9%98%85%E8%AF%BB21%E5%A4%A9"),
      op_);
  ASSERT_EQ(r.status, 200) << r.body.dump();
  const auto& cohorts = r.data()["cohorts"];
  ASSERT_EQ(cohorts.size(), 2u);
  EXPECT_EQ(cohorts[0]["base"], 3);
  EXPECT_EQ(cohorts[0]["later"][0], 2);
  EXPECT_DOUBLE_EQ(cohorts[0]["later_rates"][0].get<double>(), 0.6667);
  EXPECT_EQ(cohorts[1]["base"], 2);
  EXPECT_TRUE(cohorts[1]["later"].empty());
}

TEST_F(EngagementApiTest, DaysToRenewCountFromTheCampaignsOwnEnd) {
  // A campaign run in UTC (families abroad): its last day ends 8 hours
  // after the same date's end in China.
  auto make = [&](const std::string& name, int64_t start) {
    return client_
        ->Post("/api/v1/campaigns",
               {{"name", name},
                {"theme", "t"},
                {"series", "海外班"},
                {"starts_on", FormatIsoDate(today_ + start)},
                {"days", 7},
                {"timezone", "+00:00"}},
               op_)
        .data()["id"]
        .get<std::string>();
  };
  std::string first = make("海外1期", -20), second = make("海外2期", 3),
              third = make("海外3期", 12);
  json row = {{{"openid", "abroad"}, {"nickname", "海外妈妈"}}};
  for (const auto& c : {first, second, third}) {
    ASSERT_EQ(client_
                  ->Post("/api/v1/campaigns/" + c + "/enrollments",
                         {{"enrollments", row}}, op_)
                  .status,
              200);
  }
  auto r =
      client_->Get("/api/v1/cohorts?series=%E6%B5%B7%E5%A4%96%E7%8F%AD", op_);
  ASSERT_EQ(r.status, 200) << r.body.dump();
  // The first campaign ended at 00:00 UTC of day today-13, the second
  // ends at that of today+10; every enrollment was made now. A renewal
  // before the end counts negative days.
  auto days_since = [&](int64_t day) {
    double d = (clock_.NowMillis() - day * 86400000.0) / 86400000.0;
    return std::round(d * 10) / 10;
  };
  const auto& cohorts = r.data()["cohorts"];
  ASSERT_EQ(cohorts.size(), 3u);
  EXPECT_DOUBLE_EQ(cohorts[0]["median_days_to_renew"].get<double>(),
                   days_since(today_ - 13));
  EXPECT_DOUBLE_EQ(cohorts[1]["median_days_to_renew"].get<double>(),
                   days_since(today_ + 10));
  EXPECT_LT(cohorts[1]["median_days_to_renew"].get<double>(), 0);
  EXPECT_TRUE(cohorts[2]["median_days_to_renew"].is_null());
}

}  // namespace
}  // namespace qunying::server
