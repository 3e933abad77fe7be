// Campaigns, enrollments, rosters and the retention report over real HTTP,
// including the field report the product must reproduce.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "community/campaign.h"
#include "core/time_util.h"
#include "tests/server/test_server.h"

namespace qunying::server {
namespace {

using nlohmann::json;

class CommunityApiTest : public ServerTest {
 protected:
  void SetUp() override {
    Start();
    op_ = CreateStaff("yunying", "operator");
    today_ = community::LocalDay(clock_.NowMillis(), 480);
  }

  std::string Date(int64_t days_from_today) {
    return FormatIsoDate(today_ + days_from_today);
  }

  std::string CreateCampaign(const std::string& name, int64_t start, int days) {
    auto r = client_->Post("/api/v1/campaigns",
                           {{"name", name},
                            {"theme", "亲子阅读"},
                            {"series", "阅读21天"},
                            {"starts_on", Date(start)},
                            {"days", days},
                            {"price_fen", 9900}},
                           op_);
    EXPECT_EQ(r.status, 201) << r.body.dump();
    return r.data()["id"];
  }

  std::string CreateGroup(const std::string& name,
                          const std::string& campaign) {
    auto r = client_->Post("/api/v1/groups",
                           {{"name", name}, {"campaign_id", campaign}}, op_);
    EXPECT_EQ(r.status, 201) << r.body.dump();
    return r.data()["id"];
  }

  ApiReply Enroll(const std::string& campaign, const json& rows) {
    return client_->Post("/api/v1/campaigns/" + campaign + "/enrollments",
                         {{"enrollments", rows}}, op_);
  }

  std::string op_;
  int64_t today_ = 0;
};

// 177 distinct nicknames such as "王小明妈妈".
std::string Parent(int i) {
  static const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨",
                                    "黄", "赵", "吴", "周", "徐", "孙",
                                    "马", "朱", "胡", "郭"};
  static const char* kGiven[] = {"小明", "欣怡", "子涵", "梓萱",
                                 "浩然", "雨桐", "宇轩", "一诺",
                                 "思远", "可馨", "俊熙", "诗涵"};
  return std::string(kSurnames[i % 16]) + kGiven[i / 16 % 12] + "妈妈";
}

TEST_F(CommunityApiTest, FieldReportTellsExactChurnFromResolvedChurn) {
  std::string a = CreateCampaign("21天阅读 第1期", -40, 21);
  std::string b = CreateCampaign("21天阅读 第2期", -10, 21);
  std::string group_a = CreateGroup("第1期打卡群", a);
  CreateGroup("第2期打卡群", b);

  json base = json::array();
  for (int i = 0; i < 177; ++i) {
    base.push_back({{"openid", "p" + std::to_string(i)},
                    {"nickname", Parent(i)},
                    {"group_id", group_a},
                    {"paid_fen", 9900},
                    {"channel", "朋友圈"}});
  }
  auto enrolled = Enroll(a, base);
  ASSERT_EQ(enrolled.status, 200) << enrolled.body.dump();
  EXPECT_EQ(enrolled.data()["created"], 177);
  json renew = json::array();
  for (int i = 0; i < 60; ++i) {
    renew.push_back(
        {{"openid", "p" + std::to_string(i)}, {"nickname", Parent(i)}});
  }
  auto renewed = Enroll(b, renew);
  EXPECT_EQ(renewed.data()["matched_existing"], 60);

  // Members 147..154 renamed themselves in the mini-program; their group
  // nickname stayed the old one.
  for (int i = 147; i < 155; ++i) {
    std::string p = ParticipantToken("p" + std::to_string(i), Parent(i));
    auto put = client_->Call(
        "PUT", "/api/v1/mp/me",
        json{{"nickname", "读书的" + std::to_string(i)}}.dump(), p);
    ASSERT_EQ(put.status, 200) << put.body.dump();
  }
  json roster = json::array();
  for (int i = 30; i < 155; ++i) roster.push_back({{"nickname", Parent(i)}});
  const char* decorations[] = {"A{}", "{}🌸", "{}-北京", "{}（三年级）", "★{}"};
  for (int i = 155; i < 165; ++i) {  // Decorated group nicknames.
    std::string d = decorations[i % 5];
    d.replace(d.find("{}"), 2, Parent(i));
    roster.push_back({{"nickname", d}});
  }
  for (int i = 165; i < 168; ++i) {  // Look-alike strangers: 爸爸, not 妈妈.
    std::string dad = Parent(i);
    dad.replace(dad.find("妈妈"), 6, "爸爸");
    roster.push_back({{"nickname", dad}});
  }
  // Members 165..176 really left.
  auto imported = client_->Post(
      "/api/v1/groups/" + group_a + "/rosters",
      {{"as_of", FormatRfc3339(clock_.NowMillis())}, {"members", roster}}, op_);
  ASSERT_EQ(imported.status, 200) << imported.body.dump();
  EXPECT_EQ(imported.data()["rows"], 125 + 10 + 3);
  EXPECT_EQ(imported.data()["matched_by"]["nickname"], 117);
  EXPECT_EQ(imported.data()["matched_by"]["nickname_history"], 8);
  EXPECT_EQ(imported.data()["matched_by"]["fuzzy"], 10);
  EXPECT_EQ(imported.data()["unmatched"], 3);  // The strangers.
  EXPECT_EQ(imported.data()["review"], 0);

  auto rep =
      client_->Get("/api/v1/campaigns/" + a + "/retention?next=" + b, op_);
  ASSERT_EQ(rep.status, 200) << rep.body.dump();
  const json& d = rep.data();
  EXPECT_EQ(d["base"], 177);
  EXPECT_EQ(d["renewed"], 60);
  EXPECT_DOUBLE_EQ(d["renewal_rate"].get<double>(), 0.339);
  EXPECT_EQ(d["churned_exact"], 30);
  EXPECT_DOUBLE_EQ(d["churn_rate_exact"].get<double>(), 0.1695);
  EXPECT_EQ(d["stayed"], 87 + 8 + 10);
  EXPECT_EQ(d["churned"], 12);
  EXPECT_LT(d["churn_rate"].get<double>(), 0.15);
  EXPECT_EQ(d["matched_by"]["nickname"], 87);
  EXPECT_EQ(d["matched_by"]["nickname_history"], 8);
  EXPECT_EQ(d["matched_by"]["fuzzy"], 10);
  EXPECT_EQ(d["base"].get<int>(), d["renewed"].get<int>() +
                                      d["stayed"].get<int>() +
                                      d["churned"].get<int>());
}

TEST_F(CommunityApiTest, RosterCsvInGb18030WithChineseHeadersIsRead) {
  std::string a = CreateCampaign("第1期", -5, 21);
  std::string g = CreateGroup("打卡群", a);
  // "群昵称,微信号,入群时间\n王小明妈妈,wx_1,2026/3/1 20:15\n" in GB18030.
  std::string csv =
      "\xC8\xBA\xEA\xC7\xB3\xC6,\xCE\xA2\xD0\xC5\xBA\xC5,"
      "\xC8\xEB\xC8\xBA\xCA\xB1\xBC\xE4\n"
      "\xCD\xF5\xD0\xA1\xC3\xF7\xC2\xE8\xC2\xE8,wx_1,2026/3/1 20:15\n";
  std::string as_of = FormatRfc3339(clock_.NowMillis());
  as_of.replace(as_of.find('+'), 1, "%2B");
  auto r =
      client_->Call("POST", "/api/v1/groups/" + g + "/rosters?as_of=" + as_of,
                    csv, op_, "text/csv");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.data()["rows"], 1);
  EXPECT_EQ(r.data()["unmatched"], 1);
}

TEST_F(CommunityApiTest, ATabSeparatedRosterIsReadAsTextNotJson) {
  std::string a = CreateCampaign("第1期", -5, 21);
  std::string g = CreateGroup("打卡群", a);
  auto r = client_->Call("POST", "/api/v1/groups/" + g + "/rosters",
                         "群昵称\t微信号\n小明妈妈\twx_1\n小红妈妈\twx_2\n",
                         op_, "text/tab-separated-values");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.data()["rows"], 2);
  // Plain text, as a browser labels a .txt file, is read the same way.
  r = client_->Call("POST", "/api/v1/groups/" + g + "/rosters",
                    "群昵称\t微信号\n小明妈妈\twx_1\n", op_,
                    "text/plain; charset=utf-8");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.data()["rows"], 1);
  EXPECT_EQ(r.data()["left"], 1);
}

TEST_F(CommunityApiTest, AnOrderListIsEnrolledFromCsvOrRefusedWhole) {
  std::string a = CreateCampaign("第1期", -5, 21);
  std::string g = CreateGroup("打卡群", a);
  std::string csv =
      "订单号,微信昵称,手机号,实付金额,渠道,群\n"
      "A1,小明妈妈,138 1234 5678,99.00,抖音," +
      g +
      "\n"
      "A2,小红妈妈,13900001111,199,公众号,\n";
  auto path = "/api/v1/campaigns/" + a + "/enrollments";
  // A bad amount in the last row: nothing of the file is enrolled.
  auto bad = client_->Call("POST", path, csv + "A3,小刚妈妈,,九十九,,\n", op_,
                           "text/csv");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body["msg"].get<std::string>().find("row 4, column 4"),
            std::string::npos)
      << bad.body.dump();
  auto ok = client_->Call("POST", path, csv, op_, "text/csv; charset=utf-8");
  ASSERT_EQ(ok.status, 200) << ok.body.dump();
  EXPECT_EQ(ok.data()["created"], 2);
  // The phone matches the same person again; the group holds the first.
  // A shop's list names no group: ?group_id= puts its rows in one, and a
  // group of another campaign is refused by name.
  std::string other = CreateGroup("别期群", CreateCampaign("别期", 30, 21));
  std::string shop = "微信昵称,手机号\n小刚妈妈,13900002222\n";
  auto wrong =
      client_->Call("POST", path + "?group_id=" + other, shop, op_, "text/csv");
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(wrong.data()["field"], "group_id");
  EXPECT_EQ(
      client_->Call("POST", path + "?group_id=99999", shop, op_, "text/csv")
          .data()["field"],
      "group_id");
  ASSERT_EQ(
      client_->Call("POST", path + "?group_id=" + g, shop, op_, "text/csv")
          .status,
      200);
  auto again = Enroll(a, {{{"phone", "13812345678"}, {"nickname", "x"}}});
  EXPECT_EQ(again.data()["already_enrolled"], 1);
  // The group holds the row that named it and the one put there by
  // ?group_id=, not 小红妈妈's (no group).
  auto dormant = client_->Get("/api/v1/groups/" + g + "/dormant?days=1", op_);
  std::set<std::string> in_group;
  for (const auto& m : dormant.data()["items"]) in_group.insert(m["nickname"]);
  EXPECT_EQ(in_group, (std::set<std::string>{"小明妈妈", "小刚妈妈"}))
      << dormant.body.dump();
}

TEST_F(CommunityApiTest, AnOrderRowWithANicknameAloneFindsItsOneMember) {
  std::string a = CreateCampaign("第1期", -40, 21);
  std::string b = CreateCampaign("第2期", -10, 21);
  ASSERT_EQ(Enroll(a, {{{"openid", "o1"}, {"nickname", "王小明妈妈"}},
                       {{"openid", "o2"}, {"nickname", "小红妈妈"}},
                       {{"openid", "o3"}, {"nickname", "小红妈妈"}},
                       {{"phone", "13800000001"}, {"nickname", "张三爸爸"}},
                       {{"openid", "o5"}, {"nickname", "旧名"}},
                       {{"openid", "o6"}, {"nickname", "赵六妈妈"}},
                       {{"openid", "o7"}, {"nickname", "微信用户"}}})
                .data()["created"],
            7);
  std::string renamed = ParticipantToken("o5", "旧名");
  ASSERT_EQ(client_
                ->Call("PUT", "/api/v1/mp/me",
                       json{{"nickname", "新名"}}.dump(), renamed)
                .status,
            200);
  // The shop's order list has the WeChat nickname and, at most, a phone.
  std::string csv =
      "微信昵称,手机号,实付金额\n"
      "王小明妈妈,,99\n"           // the one 王小明妈妈: a renewal
      "小红妈妈,,99\n"             // two go by it: a new member
      "张三爸爸,13900000009,99\n"  // another phone: another person
      "旧名,13900000010,99\n"      // what o5 went by before
      "李四妈妈,,99\n"             // nobody: a new member
      "新朋友,,99\n"               // nobody: a new member...
      "新朋友,,99\n"               // ...and one more, not the first again
      "赵六妈妈,,99\n"             // on two rows: which of them is o6?
      "赵六妈妈,,99\n"
      "微信用户,,99\n";  // WeChat's name for anyone: nobody in particular
  auto path = "/api/v1/campaigns/" + b + "/enrollments";
  auto r = client_->Call("POST", path, csv, op_, "text/csv");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.data()["matched_existing"], 2) << r.body.dump();
  EXPECT_EQ(r.data()["matched_by_nickname"], 2);
  EXPECT_EQ(r.data()["created"], 8);
  auto retention =
      client_->Get("/api/v1/campaigns/" + a + "/retention?next=" + b, op_);
  EXPECT_EQ(retention.data()["renewed"], 2) << retention.body.dump();
  // o5 learned the phone of its order.
  auto found = client_->Get("/api/v1/members?q=13900000010", op_);
  ASSERT_EQ(found.data()["items"].size(), 1u) << found.body.dump();
  EXPECT_EQ(found.data()["items"][0]["nickname"], "新名");
  // Rows of the list imported again enroll nobody twice, the new
  // member made for a nickname included.
  auto again = client_->Call("POST", path,
                             "微信昵称,实付金额\n王小明妈妈,99\n李四妈妈,99\n",
                             op_, "text/csv");
  ASSERT_EQ(again.status, 200) << again.body.dump();
  EXPECT_EQ(again.data()["created"], 0) << again.body.dump();
  EXPECT_EQ(again.data()["already_enrolled"], 2);
  auto summary = client_->Get("/api/v1/campaigns/" + b + "/summary", op_);
  EXPECT_EQ(summary.data()["enrolled"], 10) << summary.body.dump();
  // Another openid is another WeChat account.
  auto other = Enroll(b, {{{"openid", "o9"}, {"nickname", "王小明妈妈"}}});
  EXPECT_EQ(other.data()["created"], 1) << other.body.dump();
  // A record merged away is not a candidate: the two 张三爸爸 turn out to
  // be one person who changed phones.
  auto id_of = [&](const std::string& q) {
    auto f = client_->Get("/api/v1/members?q=" + q, op_);
    EXPECT_EQ(f.data()["items"].size(), 1u) << f.body.dump();
    return f.data()["items"].empty()
               ? std::string()
               : f.data()["items"][0]["id"].get<std::string>();
  };
  std::string old = id_of("13800000001"), now = id_of("13900000009");
  auto merge = client_->Post("/api/v1/members/" + old + "/merge",
                             {{"into", now}, {"reason", "换了手机号"}}, op_);
  ASSERT_EQ(merge.status, 201) << merge.body.dump();
  std::string c = CreateCampaign("第3期", 10, 21);
  path = "/api/v1/campaigns/" + c + "/enrollments";
  auto merged =
      client_->Call("POST", path, "微信昵称\n张三爸爸\n", op_, "text/csv");
  EXPECT_EQ(merged.data()["matched_by_nickname"], 1) << merged.body.dump();
  auto list = client_->Get(path, op_);
  ASSERT_EQ(list.data()["items"].size(), 1u) << list.body.dump();
  EXPECT_EQ(list.data()["items"][0]["member_id"], now);
}

TEST_F(CommunityApiTest, AnOrderImportedAgainGoesToItsMemberOnce) {
  std::string a = CreateCampaign("第1期", -10, 21);
  // Two buyers named 小红妈妈, neither with a phone: only their order
  // numbers tell them apart when the list comes again.
  std::string csv =
      "订单号,微信昵称,实付金额\n"
      "T1,小红妈妈,99\n"
      "T2,小红妈妈,99\n"
      "T3,王芳,99\n"
      "T3,王芳,99\n";  // an export that repeats a line
  auto path = "/api/v1/campaigns/" + a + "/enrollments";
  auto first = client_->Call("POST", path, csv, op_, "text/csv");
  ASSERT_EQ(first.status, 200) << first.body.dump();
  EXPECT_EQ(first.data()["created"], 3) << first.body.dump();
  EXPECT_EQ(first.data()["already_enrolled"], 1);
  // This week's export overlaps last week's, and the shop's nickname for
  // T3 has changed since.
  auto again = client_->Call(
      "POST", path,
      "订单号,微信昵称,实付金额\nT2,小红妈妈,99\nT1,小红妈妈,99\nT3,芳芳,99\n"
      "T4,小红妈妈,99\n",
      op_, "text/csv");
  ASSERT_EQ(again.status, 200) << again.body.dump();
  EXPECT_EQ(again.data()["already_enrolled"], 3) << again.body.dump();
  EXPECT_EQ(again.data()["created"], 1);
  auto summary = client_->Get("/api/v1/campaigns/" + a + "/summary", op_);
  EXPECT_EQ(summary.data()["enrolled"], 4) << summary.body.dump();
  // JSON rows carry it as order_no; its bounds are checked.
  auto json_row = Enroll(a, {{{"nickname", "别名"}, {"order_no", "T4"}}});
  EXPECT_EQ(json_row.data()["already_enrolled"], 1) << json_row.body.dump();
  auto bad =
      Enroll(a, {{{"nickname", "x"}, {"order_no", std::string(65, '9')}}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.data()["field"], "enrollments[0].order_no") << bad.body.dump();
  // T4's buyer turns out to be o7 of another campaign: merged, the order
  // is o7's.
  auto list = client_->Get(path, op_);
  ASSERT_EQ(list.data()["items"].size(), 4u) << list.body.dump();
  std::string t4 = list.data()["items"][3]["member_id"];
  std::string b = CreateCampaign("第2期", 20, 21);
  ASSERT_EQ(Enroll(b, {{{"openid", "o7"}, {"nickname", "小红妈妈-北京"}}})
                .data()["created"],
            1);
  std::string o7 = client_->Get("/api/v1/campaigns/" + b + "/enrollments", op_)
                       .data()["items"][0]["member_id"];
  auto merge = client_->Post("/api/v1/members/" + t4 + "/merge",
                             {{"into", o7}, {"reason", "同一个人"}}, op_);
  ASSERT_EQ(merge.status, 201) << merge.body.dump();
  auto after = Enroll(a, {{{"nickname", "小红妈妈"}, {"order_no", "T4"}}});
  EXPECT_EQ(after.data()["already_enrolled"], 1) << after.body.dump();
  summary = client_->Get("/api/v1/campaigns/" + a + "/summary", op_);
  EXPECT_EQ(summary.data()["enrolled"], 4) << summary.body.dump();
}

TEST_F(CommunityApiTest, AnXlsxThatIsNotAWorkbookIs415) {
  std::string a = CreateCampaign("第1期", -5, 21);
  std::string g = CreateGroup("打卡群", a);
  auto r = client_->Call(
      "POST", "/api/v1/groups/" + g + "/rosters", "PK\x03\x04garbage", op_,
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(r.code(), 41501);
}

TEST_F(CommunityApiTest, ABadRosterIsRefusedWholeNamingRowAndColumn) {
  std::string a = CreateCampaign("第1期", -5, 21);
  std::string g = CreateGroup("打卡群", a);
  std::string csv =
      "nickname,joined_at\n小明妈妈,2026-03-01\n\"broken,2026-03-02\n";
  auto r = client_->Call("POST", "/api/v1/groups/" + g + "/rosters", csv, op_,
                         "text/csv");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body["msg"].get<std::string>().find("row 3"), std::string::npos)
      << r.body.dump();
  std::string bad_date =
      "nickname,joined_at\n小明妈妈,2026-03-01\n小红妈妈,next tuesday\n";
  r = client_->Call("POST", "/api/v1/groups/" + g + "/rosters", bad_date, op_,
                    "text/csv");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body["msg"].get<std::string>().find("row 3, column 2"),
            std::string::npos)
      << r.body.dump();
  // Dated a year ahead (a mistyped year): it would stand as the latest
  // roster and mark everyone missing from it as gone.
  auto ahead = client_->Post(
      "/api/v1/groups/" + g + "/rosters",
      {{"as_of", FormatRfc3339(clock_.NowMillis() + 365LL * 86400000)},
       {"members", {{{"nickname", "小明妈妈"}}}}},
      op_);
  EXPECT_EQ(ahead.status, 400) << ahead.body.dump();
  EXPECT_EQ(ahead.data()["field"], "as_of");
  // A header and no rows (an empty export) would mark everyone as gone.
  auto empty = client_->Call("POST", "/api/v1/groups/" + g + "/rosters",
                             "群昵称,微信号\r\n", op_, "text/csv");
  EXPECT_EQ(empty.status, 400) << empty.body.dump();
  EXPECT_EQ(client_
                ->Post("/api/v1/groups/" + g + "/rosters",
                       {{"members", json::array()}}, op_)
                .status,
            400);
  // Nothing was half-applied: a good import afterwards is the first snapshot.
  auto ok = client_->Call("POST", "/api/v1/groups/" + g + "/rosters",
                          "nickname\n小明妈妈\n", op_, "text/csv");
  ASSERT_EQ(ok.status, 200);
  EXPECT_EQ(ok.data()["joined"], 1);
  EXPECT_EQ(ok.data()["left"], 0);
}

TEST_F(CommunityApiTest, SnapshotsRecordJoinsAndLeaves) {
  std::string a = CreateCampaign("第1期", -5, 21);
  std::string g = CreateGroup("打卡群", a);
  auto first =
      client_->Post("/api/v1/groups/" + g + "/rosters",
                    {{"as_of", FormatRfc3339(clock_.NowMillis() - 86400000)},
                     {"members", {{{"nickname", "甲"}}, {{"nickname", "乙"}}}}},
                    op_);
  ASSERT_EQ(first.status, 200) << first.body.dump();
  EXPECT_EQ(first.data()["joined"], 2);
  auto second =
      client_->Post("/api/v1/groups/" + g + "/rosters",
                    {{"as_of", FormatRfc3339(clock_.NowMillis())},
                     {"members", {{{"nickname", "乙"}}, {{"nickname", "丙"}}}}},
                    op_);
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(second.data()["matched"], 1);
  EXPECT_EQ(second.data()["joined"], 1);
  EXPECT_EQ(second.data()["left"], 1);

  auto t = client_->Get("/api/v1/groups/" + g + "/timeline", op_);
  ASSERT_EQ(t.status, 200) << t.body.dump();
  const auto& snaps = t.data()["snapshots"];
  ASSERT_EQ(snaps.size(), 2u);
  EXPECT_EQ(snaps[0]["rows"], 2);  // Newest first.
  EXPECT_EQ(snaps[0]["joined"], 1);
  EXPECT_EQ(snaps[0]["left"], 1);
  EXPECT_EQ(snaps[1]["joined"], 2);
  EXPECT_EQ(snaps[1]["left"], 0);
  std::multiset<std::string> latest;
  for (const auto& e : t.data()["events"]) {
    if (e["snapshot_id"] == snaps[0]["id"])
      latest.insert(e["kind"].get<std::string>() + ":" +
                    e["nickname"].get<std::string>());
  }
  EXPECT_EQ(latest, (std::multiset<std::string>{"join:丙", "leave:甲"}));
  EXPECT_EQ(t.data()["events"].size(), 4u);
  EXPECT_TRUE(t.data()["next_cursor"].is_null());
  // A page at a time, newest first, as the whole list has them.
  std::vector<json> paged;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    auto one = client_->Get("/api/v1/groups/" + g + "/timeline?limit=1" +
                                (cursor.empty() ? "" : "&cursor=" + cursor),
                            op_);
    ASSERT_EQ(one.status, 200) << one.body.dump();
    ASSERT_EQ(one.data()["events"].size(), 1u) << one.body.dump();
    EXPECT_EQ(one.data()["snapshots"].size(), 2u);
    paged.push_back(one.data()["events"][0]);
    if (one.data()["next_cursor"].is_null()) break;
    cursor = one.data()["next_cursor"];
  }
  EXPECT_EQ(json(paged), t.data()["events"]);
  EXPECT_EQ(client_->Get("/api/v1/groups/" + g + "/timeline?cursor=x", op_)
                .body["data"]["field"],
            "cursor");
  EXPECT_EQ(
      client_->Get("/api/v1/groups/" + g + "/timeline?limit=0", op_).code(),
      40001);
  EXPECT_EQ(client_->Get("/api/v1/groups/999/timeline", op_).status, 404);
}

// Events (kind:nickname) of a group, by snapshot id.
std::map<std::string, std::multiset<std::string>> EventsBySnapshot(
    const ApiReply& timeline) {
  std::map<std::string, std::multiset<std::string>> out;
  for (const auto& e : timeline.data()["events"])
    out[e["snapshot_id"]].insert(e["kind"].get<std::string>() + ":" +
                                 e["nickname"].get<std::string>());
  return out;
}

TEST_F(CommunityApiTest, ASnapshotImportedOutOfDateOrderLeavesTheEventsRight) {
  std::string a = CreateCampaign("第1期", -5, 21);
  std::string g = CreateGroup("打卡群", a);
  int64_t day = 86400000, now = clock_.NowMillis();
  auto roster = [&](int64_t at, json rows) {
    auto r =
        client_->Post("/api/v1/groups/" + g + "/rosters",
                      {{"as_of", FormatRfc3339(at)}, {"members", rows}}, op_);
    EXPECT_EQ(r.status, 200) << r.body.dump();
    return r;
  };
  json both = {{{"nickname", "甲"}}, {{"nickname", "乙"}}};
  std::string s1 = roster(now - 2 * day, both).data()["snapshot_id"];
  std::string s3 = roster(now, both).data()["snapshot_id"];
  // The export of the day between, found later: 乙 had left that day.
  auto s2 = roster(now - day, {{{"nickname", "甲"}}});
  EXPECT_EQ(s2.data()["left"], 1);
  EXPECT_EQ(s2.data()["joined"], 0);
  auto events =
      EventsBySnapshot(client_->Get("/api/v1/groups/" + g + "/timeline", op_));
  EXPECT_EQ(events[s1], (std::multiset<std::string>{"join:甲", "join:乙"}));
  EXPECT_EQ(events[s2.data()["snapshot_id"]],
            (std::multiset<std::string>{"leave:乙"}));
  EXPECT_EQ(events[s3], (std::multiset<std::string>{"join:乙"}));  // Back.
}

TEST_F(CommunityApiTest, ARowSettledByReviewIsInItsSnapshotsJoinsAndLeaves) {
  std::string a = CreateCampaign("第1期", -5, 21);
  std::string g = CreateGroup("打卡群", a);
  ASSERT_EQ(
      Enroll(a, json::array({{{"openid", "o1"}, {"nickname", "王小明妈妈"}},
                             {{"openid", "o2"}, {"nickname", "王小明妈妈"}}}))
          .status,
      200);
  int64_t now = clock_.NowMillis();
  auto roster = [&](int64_t at, json rows) {
    return client_->Post("/api/v1/groups/" + g + "/rosters",
                         {{"as_of", FormatRfc3339(at)}, {"members", rows}},
                         op_);
  };
  // Two members share the nickname: the row waits for an operator, so
  // nobody joined yet.
  auto first = roster(now - 3600000, {{{"nickname", "王小明妈妈"}}});
  ASSERT_EQ(first.data()["review"], 1);
  EXPECT_EQ(first.data()["joined"], 0);
  auto queue = client_->Get("/api/v1/identity/reviews", op_);
  ASSERT_EQ(queue.data()["items"].size(), 1u);
  std::string review = queue.data()["items"][0]["id"];
  std::string member = queue.data()["items"][0]["candidates"][0]["member_id"];
  auto second = roster(now, {{{"nickname", "路人"}}});
  ASSERT_EQ(second.data()["joined"], 1);
  ASSERT_EQ(client_
                ->Post("/api/v1/identity/reviews/" + review,
                       {{"action", "match"}, {"member_id", member}}, op_)
                .status,
            200);
  auto events =
      EventsBySnapshot(client_->Get("/api/v1/groups/" + g + "/timeline", op_));
  EXPECT_EQ(events[first.data()["snapshot_id"]],
            (std::multiset<std::string>{"join:王小明妈妈"}));
  // So the next snapshot, without them, is where they left.
  EXPECT_EQ(events[second.data()["snapshot_id"]],
            (std::multiset<std::string>{"join:路人", "leave:王小明妈妈"}));
}

TEST_F(CommunityApiTest, BadInputNamesTheFieldAndUnknownIdsAre404) {
  // A good campaign but for `change`: the field the answer names.
  auto refused = [&](const json& change) {
    json body = {{"name", "x"},
                 {"theme", "t"},
                 {"series", "s"},
                 {"starts_on", Date(0)},
                 {"days", 21}};
    body.update(change);
    auto r = client_->Post("/api/v1/campaigns", body, op_);
    EXPECT_EQ(r.status, 400) << change.dump();
    return r.data()["field"];
  };
  EXPECT_EQ(refused({{"starts_on", "2026-02-30"}}), "starts_on");
  EXPECT_EQ(refused({{"days", "21"}}), "days");
  EXPECT_EQ(refused({{"timezone", "Mars/Base"}}), "timezone");
  // Money is bounded (10^10 fen), so that a member's payments add up
  // without overflowing.
  EXPECT_EQ(refused({{"price_fen", INT64_MAX}}), "price_fen");
  std::string a = CreateCampaign("第1期", -5, 21);
  auto e = Enroll(a, {{{"nickname", "小明妈妈"}, {"phone", "12345"}}});
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.data()["field"], "enrollments[0].phone");
  e = Enroll(a, {{{"nickname", "小明妈妈"}, {"paid_fen", INT64_MAX}}});
  EXPECT_EQ(e.data()["field"], "enrollments[0].paid_fen");
  // Another campaign's activity group; a standing group is fine.
  std::string other = CreateGroup("别的群", CreateCampaign("别的", -5, 21));
  e = Enroll(a, {{{"nickname", "小明妈妈"}, {"group_id", other}}});
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.data()["field"], "enrollments[0].group_id");
  // Enrolled from an order list first, put in a group later.
  std::string own = CreateGroup("本期群", a);
  ASSERT_EQ(Enroll(a, {{{"openid", "late"}, {"nickname", "后分群"}}}).status,
            200);
  auto regroup = Enroll(
      a, {{{"openid", "late"}, {"nickname", "后分群"}, {"group_id", own}}});
  EXPECT_EQ(regroup.data()["already_enrolled"], 1);
  EXPECT_EQ(regroup.data()["regrouped"], 1);
  auto dormant = client_->Get("/api/v1/groups/" + own + "/dormant?days=1", op_);
  ASSERT_EQ(dormant.data()["items"].size(), 1u) << dormant.body.dump();
  EXPECT_EQ(dormant.data()["items"][0]["nickname"], "后分群");
  std::string standing = client_
                             ->Post("/api/v1/groups",
                                    {{"name", "长期群"},
                                     {"campaign_id", nullptr},
                                     {"theme", "t"},
                                     {"series", "s"}},
                                    op_)
                             .data()["id"];
  EXPECT_EQ(
      Enroll(a, {{{"nickname", "小红妈妈"}, {"group_id", standing}}}).status,
      200);
  // A report against itself (everyone "renewed"), or an empty window.
  std::string retention = "/api/v1/campaigns/" + a + "/retention?next=";
  EXPECT_EQ(client_->Get(retention + a, op_).data()["field"], "next");
  std::string b = CreateCampaign("第2期", 20, 21);
  EXPECT_EQ(client_
                ->Get(retention + b +
                          "&active_from=2026-03-02T00:00:00%2B08:00"
                          "&active_to=2026-03-01T00:00:00%2B08:00",
                      op_)
                .data()["field"],
            "active_from");
  EXPECT_EQ(client_->Get(retention + b, op_).status, 200);
  // An earlier campaign as `next` is answered (how many came from it), as
  // the contract allows.
  EXPECT_EQ(client_->Get("/api/v1/campaigns/" + b + "/retention?next=" + a, op_)
                .status,
            200);
  EXPECT_EQ(
      client_->Get("/api/v1/campaigns/99999/retention?next=" + b, op_).status,
      404);
  EXPECT_EQ(client_->Get("/api/v1/campaigns/99999", op_).status, 404);
  EXPECT_EQ(client_->Get("/api/v1/campaigns/abc", op_).status, 404);
  EXPECT_EQ(Enroll("99999", json::array()).status, 404);
  EXPECT_EQ(client_
                ->Post("/api/v1/groups/99999/rosters",
                       {{"members", json::array()}}, op_)
                .status,
            404);
  // A sales rep does not run the community.
  std::string sales = CreateStaff("rep", "sales");
  EXPECT_EQ(client_->Get("/api/v1/campaigns", sales).status, 403);
}

TEST_F(CommunityApiTest,
       CampaignsAreEditedAndAuditedButDatesFreezeAtFirstCheckin) {
  std::string a = CreateCampaign("第1期", -2, 21);
  auto patch = [&](const nlohmann::json& body) {
    return client_->Call("PATCH", "/api/v1/campaigns/" + a, body.dump(), op_);
  };
  auto renamed = patch({{"name", "第1期（春季）"}, {"price_fen", 12900}});
  ASSERT_EQ(renamed.status, 200) << renamed.body.dump();
  EXPECT_EQ(renamed.data()["name"], "第1期（春季）");
  EXPECT_EQ(renamed.data()["price_fen"], 12900);
  EXPECT_EQ(renamed.data()["days"], 21);  // Untouched fields stay.
  auto longer = patch({{"days", 28}});
  ASSERT_EQ(longer.status, 200);
  EXPECT_EQ(longer.data()["days"], 28);
  auto bad = patch({{"days", 0}});
  EXPECT_EQ(bad.code(), 40001);
  EXPECT_EQ(bad.data()["field"], "days");
  EXPECT_EQ(patch({{"starts_on", "2026-02-30"}}).code(), 40001);
  EXPECT_EQ(patch({{"timezone", "Mars/Olympus"}}).code(), 40001);

  auto e = client_->Post(
      "/api/v1/campaigns/" + a + "/enrollments",
      {{"enrollments", {{{"openid", "k1"}, {"nickname", "甲"}}}}}, op_);
  ASSERT_EQ(e.status, 200);
  std::string p = ParticipantToken("k1", "甲");
  ASSERT_EQ(client_
                ->Post("/api/v1/mp/checkins",
                       {{"campaign_id", a}, {"client_id", "x"}}, p)
                .status,
            201);
  auto frozen = patch({{"days", 14}});
  EXPECT_EQ(frozen.status, 409);
  EXPECT_NE(frozen.body["msg"].get<std::string>().find("check-ins"),
            std::string::npos);
  EXPECT_EQ(client_->Get("/api/v1/campaigns/" + a, op_).data()["days"], 28);
  EXPECT_EQ(patch({{"name", "第1期"}}).status, 200);  // Names still change.

  auto audit = client_->Get("/api/v1/audit?limit=50", AdminToken());
  int updates = 0;
  for (const auto& entry : audit.data()["items"])
    updates += entry["action"] == "campaign.update";
  EXPECT_EQ(updates, 3);
  EXPECT_EQ(client_->Call("PATCH", "/api/v1/campaigns/999", "{}", op_).status,
            404);
}

TEST_F(CommunityApiTest,
       GroupsAreRenamedAndMovedInTheMatrixButKeepTheirCampaign) {
  std::string a = CreateCampaign("第1期", -5, 21);
  std::string g = CreateGroup("打卡君", a);
  auto patch = [&](const json& body) {
    return client_->Call("PATCH", "/api/v1/groups/" + g, body.dump(), op_);
  };
  auto renamed = patch({{"name", "打卡群"}, {"series", "阅读·秋"}});
  ASSERT_EQ(renamed.status, 200) << renamed.body.dump();
  EXPECT_EQ(renamed.data()["name"], "打卡群");
  EXPECT_EQ(renamed.data()["series"], "阅读·秋");
  EXPECT_EQ(renamed.data()["campaign_id"], a);
  EXPECT_EQ(client_->Get("/api/v1/groups/" + g, op_).data()["name"], "打卡群");
  EXPECT_EQ(patch({{"campaign_id", nullptr}}).data()["field"], "campaign_id");
  EXPECT_EQ(patch({{"series", ""}}).data()["field"], "series");
  EXPECT_EQ(patch({{"name", "  "}}).data()["field"], "name");
  auto audit = client_->Get("/api/v1/audit?limit=50", AdminToken());
  std::string detail;
  for (const auto& entry : audit.data()["items"])
    if (entry["action"] == "group.update")
      detail += entry["detail"].get<std::string>();
  EXPECT_EQ(detail, "name,series");
  EXPECT_EQ(client_->Call("PATCH", "/api/v1/groups/999", "{}", op_).status,
            404);
}

TEST_F(CommunityApiTest, APhoneDoesNotJoinTwoWeChatAccounts) {
  std::string c = CreateRunningCampaign(op_, 1);
  auto first = Enroll(c, json::array({{{"openid", "mum"},
                                       {"phone", "13812345678"},
                                       {"nickname", "小明妈妈"}}}));
  ASSERT_EQ(first.data()["created"], 1);
  // The same number under another WeChat account: another member.
  auto other = Enroll(c, json::array({{{"openid", "dad"},
                                       {"phone", "13812345678"},
                                       {"nickname", "小明爸爸"}}}));
  ASSERT_EQ(other.status, 200) << other.body.dump();
  EXPECT_EQ(other.data()["created"], 1);
  EXPECT_EQ(other.data()["already_enrolled"], 0);
  std::string dad = ParticipantToken("dad", "小明爸爸");
  EXPECT_EQ(client_->Get("/api/v1/mp/me", dad).data()["campaigns"].size(), 1u);
  // A row with only the number still finds its member.
  auto by_phone = Enroll(
      c, json::array({{{"phone", "13812345678"}, {"nickname", "小明妈妈"}}}));
  EXPECT_EQ(by_phone.data()["already_enrolled"], 1);
}

TEST_F(CommunityApiTest, MatrixGroupsByThemeAndSeries) {
  std::string a = CreateCampaign("第1期", -5, 21);
  std::string g = CreateGroup("打卡群", a);
  auto standing = client_->Post(
      "/api/v1/groups",
      {{"name", "英语长期群"}, {"theme", "英语口语"}, {"series", "口语"}}, op_);
  ASSERT_EQ(standing.status, 201);
  Enroll(a, {{{"openid", "m1"}, {"nickname", "小明妈妈"}, {"group_id", g}}});
  auto m = client_->Get("/api/v1/matrix", op_);
  ASSERT_EQ(m.status, 200) << m.body.dump();
  EXPECT_EQ(m.data()["cells"].size(), 2u);
  bool found = false, found_empty = false;
  for (const auto& cell : m.data()["cells"]) {
    for (const auto& grp : cell["groups"]) {
      if (grp["id"] == g) {
        found = true;
        EXPECT_EQ(grp["members"], 1);
        // One member, not active in 7 days: unhealthy, but measured.
        EXPECT_EQ(grp["health"], 0);
      }
      if (grp["id"] == standing.data()["id"]) {
        found_empty = true;
        // Nobody in it yet: no health to speak of, not a dead group.
        EXPECT_EQ(grp["members"], 0);
        EXPECT_TRUE(grp["health"].is_null()) << grp.dump();
      }
    }
  }
  EXPECT_TRUE(found && found_empty);
}

TEST_F(CommunityApiTest, MatrixCountsAMemberActiveInTheWeekByCheckinOrEvent) {
  std::string a = CreateCampaign("第1期", -5, 21);
  std::string g = CreateGroup("打卡群", a);
  json rows = json::array();
  std::vector<std::string> tokens;
  for (int i = 1; i <= 4; ++i) {
    rows.push_back({{"openid", "w" + std::to_string(i)},
                    {"nickname", "妈妈" + std::to_string(i)},
                    {"group_id", g}});
  }
  ASSERT_EQ(Enroll(a, rows).status, 200);
  for (int i = 1; i <= 4; ++i)
    tokens.push_back(ParticipantToken("w" + std::to_string(i), "妈妈"));
  auto checkin = [&](int i) {
    EXPECT_EQ(
        client_
            ->Post("/api/v1/mp/checkins",
                   {{"campaign_id", a},
                    {"client_id", "k" + std::to_string(clock_.NowMillis())}},
                   tokens[i - 1])
            .status,
        201);
  };
  auto event = [&](int i) {
    EXPECT_EQ(
        client_
            ->Post(
                "/api/v1/mp/events",
                {{"events",
                  {{{"type", "page_view"},
                    {"ts", FormatRfc3339(clock_.NowMillis())},
                    {"client_id", "e" + std::to_string(clock_.NowMillis())}}}}},
                tokens[i - 1])
            .status,
        202);
  };
  checkin(4), event(4);  // Eight days before: not this week.
  clock_.Advance(8 * 86400000LL);
  op_ = LoginAs("yunying", "yunying-pass-1");  // Staff sessions idle out.
  checkin(1);                                  // A check-in alone,
  event(2);                                    // an event alone,
  checkin(3), event(3);                        // both: counted once.
  json group;
  const json matrix = client_->Get("/api/v1/matrix", op_).data();
  for (const auto& cell : matrix["cells"])
    for (const auto& grp : cell["groups"])
      if (grp["id"] == g) group = grp;
  ASSERT_FALSE(group.is_null());
  EXPECT_EQ(group["members"], 4);
  EXPECT_EQ(group["active_7d"], 3) << group.dump();
}

TEST_F(CommunityApiTest, StaffInAGroupAreLeftOutOfItsFiguresAndDormantList) {
  std::string a = CreateCampaign("第1期", -5, 21);
  std::string g = CreateGroup("打卡群", a);
  auto roster = [&](int64_t ms) {
    return client_->Post("/api/v1/groups/" + g + "/rosters",
                         {{"as_of", FormatRfc3339(ms)},
                          {"members",
                           {{{"nickname", "甲妈妈"}},
                            {{"nickname", "乙妈妈"}},
                            {{"nickname", "班主任-李老师"}}}}},
                         op_);
  };
  ASSERT_EQ(roster(clock_.NowMillis() - 86400000).status, 200);
  auto members = [&] {
    const json matrix = client_->Get("/api/v1/matrix", op_).data();
    for (const auto& cell : matrix["cells"])
      for (const auto& grp : cell["groups"])
        if (grp["id"] == g) return grp["members"].get<int>();
    return -1;
  };
  auto dormant = [&] {
    std::set<std::string> names;
    auto r = client_->Get("/api/v1/groups/" + g + "/dormant?days=1", op_);
    EXPECT_EQ(r.status, 200) << r.body.dump();
    for (const auto& m : r.data()["items"]) names.insert(m["nickname"]);
    return names;
  };
  EXPECT_EQ(members(), 3);
  EXPECT_EQ(dormant().count("班主任-李老师"), 1u);
  auto lesson =
      client_->Post("/api/v1/contents",
                    {{"title", "第1课"}, {"body", "读"}, {"group_id", g}}, op_);
  ASSERT_EQ(lesson.status, 201) << lesson.body.dump();
  auto audience = [&] {
    const json list = client_->Get("/api/v1/contents", op_).data();
    for (const auto& c : list["items"])
      if (c["id"] == lesson.data()["id"]) return c["audience"].get<int>();
    return -1;
  };
  EXPECT_EQ(audience(), 3);
  auto found = client_->Get("/api/v1/members?q=李老师", op_);
  ASSERT_EQ(found.data()["items"].size(), 1u) << found.body.dump();
  EXPECT_EQ(found.data()["items"][0]["staff"], false);
  const std::string teacher = found.data()["items"][0]["id"];
  auto mark = [&](const std::string& id, const std::string& body) {
    return client_->Call("PATCH", "/api/v1/members/" + id, body, op_);
  };

  auto marked = mark(teacher, R"({"staff": true})");
  ASSERT_EQ(marked.status, 200) << marked.body.dump();
  EXPECT_EQ(marked.data()["staff"], true);
  EXPECT_EQ(marked.data()["nickname"], "班主任-李老师");
  EXPECT_EQ(members(), 2);
  EXPECT_EQ(dormant(), (std::set<std::string>{"甲妈妈", "乙妈妈"}));
  EXPECT_EQ(audience(), 2);  // Who the lesson is for: not the teacher.
  // Still in the group's rosters, and matched there like anyone.
  auto next = roster(clock_.NowMillis());
  ASSERT_EQ(next.status, 200) << next.body.dump();
  EXPECT_EQ(next.data()["matched"], 3);
  EXPECT_EQ(next.data()["left"], 0);
  EXPECT_EQ(members(), 2);
  EXPECT_EQ(mark(teacher, R"({"staff": true})").status, 200);  // As it is.

  EXPECT_EQ(mark(teacher, R"({"staff": "yes"})").body["data"]["field"],
            "staff");
  EXPECT_EQ(mark(teacher, "{}").status, 400);
  EXPECT_EQ(mark(teacher, R"({"nickname": "李老师"})").body["data"]["field"],
            "nickname");
  EXPECT_EQ(mark("999", R"({"staff": true})").status, 404);
  // A record merged into another is marked through the survivor.
  ASSERT_EQ(Enroll(a, {{{"openid", "t2"}, {"nickname", "李老师小号"}}}).status,
            200);
  std::string alt =
      client_->Get("/api/v1/members?q=小号", op_).data()["items"][0]["id"];
  ASSERT_EQ(client_
                ->Post("/api/v1/members/" + alt + "/merge",
                       {{"into", teacher}, {"reason", "同一个人"}}, op_)
                .status,
            201);
  auto merged = mark(alt, R"({"staff": false})");
  EXPECT_EQ(merged.status, 409);
  EXPECT_NE(merged.body["msg"].get<std::string>().find(teacher),
            std::string::npos)
      << merged.body.dump();

  ASSERT_EQ(mark(teacher, R"({"staff": false})").status, 200);
  EXPECT_EQ(members(), 3);
  std::vector<std::string> audited;  // Newest first; the repeat not audited.
  const json audit =
      client_->Get("/api/v1/audit?limit=50", AdminToken()).data();
  for (const auto& e : audit["items"]) {
    if (e["target"] == "member:" + teacher) audited.push_back(e["action"]);
  }
  EXPECT_EQ(audited,
            (std::vector<std::string>{"member.unstaff", "member.staff"}));
}

}  // namespace
}  // namespace qunying::server
