// OCR hints merged into profile facts and the operator's review queue, over
// real HTTP. The hints are stored through the OCR job store as a worker
// would store them (the recogniser itself is tested in ocr_test).
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

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

// Hints in what participants type into their check-ins (the scan of the
// typed texts, driven here by hand unless a test starts it).
class TypedHintsApiTest : public ServerTest {
 protected:
  // Starts the server (after a test's options) with an operator, a running
  // campaign and a participant in it.
  void Begin() {
    Start();
    op_ = CreateStaff("yunying", "operator");
    campaign_ = CreateRunningCampaign(op_, 2);
    me_ = EnrollAndSignIn(op_, campaign_, "kid", "小明妈妈");
  }
  // Checks in with `text` (a make-up for `makeup_day` > 0); the id.
  std::string CheckIn(const std::string& text, int makeup_day = 0) {
    json body = {{"campaign_id", campaign_},
                 {"client_id", "c" + std::to_string(makeup_day)},
                 {"text", text}};
    if (makeup_day) body["makeup_day"] = makeup_day;
    auto r = client_->Post("/api/v1/mp/checkins", body, me_);
    EXPECT_EQ(r.status, 201) << r.body.dump();
    return r.status == 201 ? r.data()["id"].get<std::string>() : "";
  }
  json HintsOf(const std::string& checkin, const std::string& token) {
    return client_->Get("/api/v1/checkins/" + checkin, token).data()["hints"];
  }
  size_t ReadTexts() {
    auto n = app_->ocr_jobs().ReadTypedTexts(100, clock_.NowMillis());
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : 0;
  }
  std::string op_, campaign_, me_;
};

TEST_F(TypedHintsApiTest, WhatAParticipantWritesBecomesFactsBesideThePhotos) {
  Begin();
  std::string grade = CheckIn("孩子五年级了，老师表扬了她。");
  std::string phone = CheckIn("我的电话 139 0000 2026，周末去北京玩", 1);
  EXPECT_TRUE(HintsOf(grade, op_).empty());  // Not read yet.
  EXPECT_EQ(ReadTexts(), 2u);
  EXPECT_EQ(ReadTexts(), 0u);  // Each check-in is read once.
  json hints = HintsOf(grade, op_);
  ASSERT_EQ(hints.size(), 1u) << hints.dump();  // Not the teacher.
  EXPECT_EQ(hints[0]["field"], "grade");
  EXPECT_EQ(hints[0]["value"], "五年级");
  EXPECT_EQ(hints[0]["source"]["kind"], "text");
  EXPECT_EQ(hints[0]["source"]["checkin_id"], grade);
  EXPECT_NEAR(hints[0]["confidence"].get<double>(), 0.81, 0.006);
  hints = HintsOf(phone, op_);
  ASSERT_EQ(hints.size(), 1u) << hints.dump();  // Not the trip to 北京.
  EXPECT_EQ(hints[0]["value"], "139****2026");  // Masked, as from a photo.
  EXPECT_EQ(HintsOf(phone, AdminToken())[0]["value"], "13900002026");

  std::string member =
      client_->Get("/api/v1/checkins/" + grade, op_).data()["member_id"];
  auto fact = [&](const std::string& field) {
    auto m = client_->Get("/api/v1/members/" + member, op_);
    for (const auto& f : m.data()["profile"])
      if (f["field"] == field) return f;
    return json();
  };
  EXPECT_EQ(fact("grade")["value"], "五年级");
  EXPECT_EQ(fact("grade")["status"], "auto");
  // The photo of the same check-in read later keeps what was typed.
  storage::SqliteOcrJobStore store(&app_->db());
  ocr::OcrJob job{0, std::stoll(grade), "", 1};
  ASSERT_TRUE(store
                  .Complete(job, "杭州市学军小学", 80,
                            {{"city", "杭州", 0.9, 0}}, clock_.NowMillis())
                  .ok());
  std::set<std::string> kinds;
  for (const auto& h : HintsOf(grade, op_))
    kinds.insert(h["field"].get<std::string>() + "/" +
                 h["source"]["kind"].get<std::string>());
  EXPECT_EQ(kinds, (std::set<std::string>{"grade/text", "city/photo"}));
  ASSERT_TRUE(store.Complete(job, "", 80, {}, clock_.NowMillis()).ok());
  EXPECT_EQ(HintsOf(grade, op_).size(), 1u);  // The photo's went, not these.
  EXPECT_EQ(fact("grade")["value"], "五年级");
}

TEST_F(TypedHintsApiTest, TheScannerReadsANewCheckinByItself) {
  options_.text_hints.poll_ms = 20;
  Begin();
  std::string id = CheckIn("孩子今年8岁，在学军小学上学");
  json hints;
  for (int i = 0; i < 250 && hints.size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    hints = HintsOf(id, op_);
  }
  std::set<std::string> fields;
  for (const auto& h : hints) fields.insert(h["field"]);
  EXPECT_EQ(fields, (std::set<std::string>{"age", "school"})) << hints.dump();
}

TEST_F(TypedHintsApiTest, AFactWrittenOnlyInTextShowsItsLineForReview) {
  Begin();
  CheckIn("打卡第2天\n孩子在学军小学读书，电话13900002026");
  ASSERT_EQ(ReadTexts(), 1u);
  // A school from a typed line (0.9 × 0.85) waits for an operator.
  json item;
  auto queue = client_->Get("/api/v1/hints/review", op_);
  for (const auto& i : queue.data()["items"]) {
    if (i["field"] == "school") item = i;
  }
  ASSERT_FALSE(item.is_null()) << queue.body.dump();
  EXPECT_EQ(item["value"], "学军小学");
  EXPECT_EQ(item["sources"], json::array({"text"}));
  EXPECT_FALSE(item.contains("photo_url"));  // It has no photo.
  EXPECT_EQ(item["evidence_text"], "孩子在学军小学读书，电话139****2026");
  auto admin = client_->Get("/api/v1/hints/review", AdminToken());
  for (const auto& i : admin.data()["items"]) {
    if (i["field"] == "school") {
      EXPECT_EQ(i["evidence_text"], "孩子在学军小学读书，电话13900002026");
    }
  }
}

}  // namespace
}  // namespace qunying::server
