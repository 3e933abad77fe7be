// OCR hints merged into profile facts and the operator's review queue, over
// real HTTP. The hints are stored through the OCR job store as a worker
// would store them (the recogniser itself is tested in ocr_test).
#include <gtest/gtest.h>

#include "community/campaign.h"
#include "core/time_util.h"
#include "storage/sqlite_ocr_job_store.h"
#include "tests/server/test_server.h"

namespace qunying::server {
namespace {

using nlohmann::json;

class HintReviewApiTest : public ServerTest {
 protected:
  void SetUp() override {
    Start();
    op_ = CreateStaff("yunying", "operator");
    std::string campaign = CreateRunningCampaign(op_, 2);
    std::string me = EnrollAndSignIn(op_, campaign, "kid", "小明妈妈");
    // Today's check-in and two make-ups: three photos' worth of evidence.
    for (int day : {0, 1, 2}) {
      json body = {{"campaign_id", campaign},
                   {"client_id", "c" + std::to_string(day)}};
      if (day) body["makeup_day"] = day;
      auto r = client_->Post("/api/v1/mp/checkins", body, me);
      ASSERT_EQ(r.status, 201) << r.body.dump();
      checkins_.push_back(std::stoll(r.data()["id"].get<std::string>()));
    }
    member_ =
        client_->Get("/api/v1/checkins/" + std::to_string(checkins_[0]), op_)
            .data()["member_id"];
    storage::SqliteOcrJobStore store(&app_->db());
    auto complete = [&](int i, std::vector<ocr::Hint> hints) {
      ocr::OcrJob job{0, checkins_[i], "", 1};
      ASSERT_TRUE(
          store.Complete(job, "text", 80, hints, clock_.NowMillis()).ok());
    };
    complete(0, {{"grade", "三年级", 0.9, 0},
                 {"city", "杭州", 0.6, 1},
                 {"phone", "13812345678", 0.9, 2}});
    complete(1, {{"grade", "三年级", 0.85, 0}, {"city", "湖州", 0.55, 1}});
    complete(2, {{"grade", "四年级", 0.3, 0}});
  }
  // `field`'s fact of member_ (or of `id`), null when there is none.
  json Fact(const std::string& field, const std::string& token,
            const std::string& id = "") {
    ApiReply member =
        client_->Get("/api/v1/members/" + (id.empty() ? member_ : id), token);
    for (const auto& f : member.data()["profile"]) {
      if (f["field"] == field) return f;
    }
    return json();
  }
  bool Queued(const std::string& field) {
    ApiReply queue = client_->Get("/api/v1/hints/review", op_);
    for (const auto& item : queue.data()["items"]) {
      if (item["member_id"] == member_ && item["field"] == field) return true;
    }
    return false;
  }
  std::string op_, member_;
  std::vector<int64_t> checkins_;
};

TEST_F(HintReviewApiTest, EvidenceMergesIntoFactsAndConflictsAreKept) {
  json grade = Fact("grade", op_);
  ASSERT_FALSE(grade.is_null());
  EXPECT_EQ(grade["value"], "三年级");
  EXPECT_EQ(grade["evidence"], 2);
  // 1 - (1 - 0.9)(1 - 0.85) = 0.985, shown to two decimals.
  EXPECT_NEAR(grade["confidence"].get<double>(), 0.985, 0.006);
  EXPECT_EQ(grade["status"], "auto");
  EXPECT_EQ(grade["about_child"], true);
  ASSERT_EQ(grade["conflicts"].size(), 1u);
  EXPECT_EQ(grade["conflicts"][0]["value"], "四年级");
  json city = Fact("city", op_);
  EXPECT_EQ(city["status"], "review");  // 杭州 0.6 against 湖州 0.55.
  EXPECT_EQ(city["conflicts"][0]["value"], "湖州");
  EXPECT_EQ(Fact("phone", op_)["value"], "138****5678");
  EXPECT_EQ(Fact("phone", AdminToken())["value"], "13812345678");
  EXPECT_TRUE(Queued("city"));
  EXPECT_FALSE(Queued("grade"));
}

TEST_F(HintReviewApiTest, RejectThenAcceptSettlesAFieldAndIsAudited) {
  auto decide = [&](json body) {
    body["member_id"] = member_;
    body["field"] = "city";
    return client_->Post("/api/v1/hints/review", body, op_);
  };
  auto rejected = decide({{"value", "湖州"}, {"decision", "reject"}});
  ASSERT_EQ(rejected.status, 200) << rejected.body.dump();
  json city = Fact("city", op_);
  EXPECT_EQ(city["value"], "杭州");
  EXPECT_TRUE(city["conflicts"].empty());
  EXPECT_EQ(city["status"], "review");  // 0.6 alone is not enough.
  auto edited = decide(
      {{"value", "杭州"}, {"decision", "edit"}, {"new_value", "宁波市"}});
  ASSERT_EQ(edited.status, 200) << edited.body.dump();
  city = Fact("city", op_);
  EXPECT_EQ(city["value"], "宁波");  // As the hints write it, without 市.
  EXPECT_EQ(city["status"], "accepted");
  EXPECT_FALSE(Queued("city"));
  // Audited by action and field; the value (personal data) is not copied.
  std::string audit = client_->Get("/api/v1/audit", AdminToken()).body.dump();
  EXPECT_NE(audit.find("hint.reject"), std::string::npos) << audit;
  EXPECT_NE(audit.find("hint.edit"), std::string::npos) << audit;
  EXPECT_EQ(audit.find("湖州"), std::string::npos) << audit;
}

TEST_F(HintReviewApiTest, BadDecisionsAreRefusedWithReasons) {
  auto post = [&](json body) {
    return client_->Post("/api/v1/hints/review", body, op_);
  };
  json base = {{"member_id", member_},
               {"field", "city"},
               {"value", "杭州"},
               {"decision", "accept"}};
  json bad = base;
  bad["decision"] = "maybe";
  EXPECT_EQ(post(bad).status, 400);
  EXPECT_EQ(post(bad).data()["field"], "decision") << post(bad).body.dump();
  bad = base;
  bad["field"] = "salary";
  EXPECT_EQ(post(bad).status, 400);
  bad = base;
  bad["value"] = "北京";  // Never hinted.
  EXPECT_EQ(post(bad).status, 404);
  bad = base;
  bad["member_id"] = "999999";
  EXPECT_EQ(post(bad).status, 404);
  bad = base;
  bad["decision"] = "edit";  // Without new_value.
  EXPECT_EQ(post(bad).status, 400);
  bad["new_value"] = " \u3000";  // Only spaces.
  EXPECT_EQ(post(bad).status, 400);
  EXPECT_EQ(post(bad).data()["field"], "new_value");
  bad["field"] = "phone";
  bad["new_value"] = "12345";
  EXPECT_EQ(post(bad).status, 400);  // (Refused before the value is looked up.)
  std::string kid = ParticipantToken("kid", "小明妈妈");
  EXPECT_EQ(client_->Post("/api/v1/hints/review", base, kid).status, 401);
  EXPECT_EQ(Fact("city", op_)["status"], "review");  // Nothing applied.
}

TEST_F(HintReviewApiTest, FactsFollowTheirCheckinsIntoAMergeAndBackOnUndo) {
  auto accepted = client_->Post("/api/v1/hints/review",
                                {{"member_id", member_},
                                 {"field", "city"},
                                 {"value", "杭州"},
                                 {"decision", "accept"}},
                                op_);
  ASSERT_EQ(accepted.status, 200) << accepted.body.dump();
  // The same person signed in under a second WeChat account, which an
  // operator merges into: the first record's check-ins and facts go there.
  std::string other = client_
                          ->Post("/api/v1/mp/login",
                                 {{"openid", "kid-2"}, {"nickname", "小明妈"}})
                          .data()["member_id"];
  auto merged = client_->Post("/api/v1/members/" + member_ + "/merge",
                              {{"into", other}}, op_);
  ASSERT_EQ(merged.status, 201) << merged.body.dump();
  json grade = Fact("grade", op_, other);
  ASSERT_FALSE(grade.is_null()) << "the survivor lost the photos' facts";
  EXPECT_EQ(grade["value"], "三年级");
  EXPECT_EQ(grade["evidence"], 2);
  EXPECT_EQ(Fact("city", op_, other)["status"], "accepted");
  EXPECT_TRUE(Fact("grade", op_).is_null());
  auto hints = client_->Get("/api/v1/members/" + other, op_).data()["hints"];
  EXPECT_EQ(hints.size(), 6u) << hints.dump();
  // Undone: each record has its own again.
  std::string undo = "/api/v1/merges/" +
                     merged.data()["merge_id"].get<std::string>() + "/undo";
  ASSERT_EQ(client_->Post(undo, json::object(), op_).status, 200);
  EXPECT_TRUE(Fact("grade", op_, other).is_null());
  EXPECT_EQ(Fact("grade", op_)["value"], "三年级");
  EXPECT_EQ(Fact("city", op_)["status"], "accepted");
}

}  // namespace
}  // namespace qunying::server
