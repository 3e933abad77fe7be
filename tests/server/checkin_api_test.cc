// Participants' check-ins and events over real HTTP.
#include <gtest/gtest.h>

#include <thread>

#include "community/campaign.h"
#include "core/time_util.h"
#include "ocr/photo_renderer.h"
#include "tests/server/test_server.h"

namespace qunying::server {
namespace {

using nlohmann::json;

class CheckinApiTest : public ServerTest {
 protected:
  void SetUp() override {
    Start();
    op_ = CreateStaff("yunying", "operator");
    campaign_ = CreateRunningCampaign(op_, 4);
    ASSERT_FALSE(campaign_.empty());
    me_ = EnrollAndSignIn(op_, campaign_, "kid-1", "小明妈妈");
  }

  ApiReply Checkin(const json& body, const std::string& token = "") {
    return client_->Post("/api/v1/mp/checkins", body,
                         token.empty() ? me_ : token);
  }

  // `photos` file parts named `part` (one "photo" unless a test asks for
  // more or another name), after the fields and any `extra` parts.
  ApiReply MultipartCheckin(const std::string& client_id,
                            const std::string& photo,
                            const std::string& type = "image/jpeg",
                            int photos = 1, const std::string& part = "photo",
                            const httplib::MultipartFormDataItems& extra = {}) {
    httplib::MultipartFormDataItems items = {
        {"campaign_id", campaign_, "", ""},
        {"client_id", client_id, "", ""},
        {"text", "今天读了十页", "", ""},
        {"duration_s", "600", "", ""},
    };
    items.insert(items.end(), extra.begin(), extra.end());
    for (int i = 0; i < photos; ++i)
      items.push_back({part, photo, "p.jpg", type});
    auto res = client_->raw().Post("/api/v1/mp/checkins",
                                   {{"Authorization", "Bearer " + me_}}, items);
    ApiReply reply;
    if (res) {
      reply.status = res->status;
      reply.body = json::parse(res->body, nullptr, false);
    }
    return reply;
  }

  std::string op_, campaign_, me_;
};

TEST_F(CheckinApiTest, MeListsTheParticipantsCampaignsWithTodaysDay) {
  int64_t today = community::LocalDay(clock_.NowMillis(), 480);
  auto later = client_->Post("/api/v1/campaigns",
                             {{"name", "第2期"},
                              {"theme", "阅读"},
                              {"series", "阅读"},
                              {"starts_on", FormatIsoDate(today + 10)},
                              {"days", 21}},
                             op_);
  ASSERT_EQ(later.status, 201);
  std::string next = later.data()["id"];
  EnrollAndSignIn(op_, next, "kid-1", "小明妈妈");
  CreateRunningCampaign(op_, 2);  // Not enrolled: not listed.
  auto me = client_->Get("/api/v1/mp/me", me_);
  ASSERT_EQ(me.status, 200) << me.body.dump();
  const auto& camps = me.data()["campaigns"];
  ASSERT_EQ(camps.size(), 2u) << camps.dump();
  EXPECT_EQ(camps[0]["id"], next);  // Latest start first.
  EXPECT_EQ(camps[0]["state"], "upcoming");
  EXPECT_TRUE(camps[0]["today"].is_null());
  EXPECT_EQ(camps[1]["id"], campaign_);
  EXPECT_EQ(camps[1]["state"], "running");
  EXPECT_EQ(camps[1]["today"], 5);  // Started 4 days ago: day 5.
}

TEST_F(CheckinApiTest, ChecksInOnTodaysCampaignDayAndIsIdempotent) {
  auto first = Checkin({{"campaign_id", campaign_},
                        {"text", "读完了"},
                        {"duration_s", 900},
                        {"client_id", "c-1"}});
  ASSERT_EQ(first.status, 201) << first.body.dump();
  EXPECT_EQ(first.data()["day"], 5);
  EXPECT_EQ(first.data()["streak"], 1);
  EXPECT_EQ(first.data()["ocr_status"], "none");
  auto again = Checkin({{"campaign_id", campaign_},
                        {"text", "读完了"},
                        {"duration_s", 900},
                        {"client_id", "c-1"}});
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.data()["id"], first.data()["id"]);
  auto second = Checkin({{"campaign_id", campaign_}, {"client_id", "c-2"}});
  EXPECT_EQ(second.status, 409);
  EXPECT_EQ(second.code(), 40901);
}

TEST_F(CheckinApiTest, StreaksCountConsecutiveDaysAndMakeUpsAreLimited) {
  for (int d = 0; d < 2; ++d) {
    auto r = Checkin(
        {{"campaign_id", campaign_}, {"client_id", "d" + std::to_string(d)}});
    ASSERT_EQ(r.status, 201) << r.body.dump();
    EXPECT_EQ(r.data()["streak"], d + 1);
    clock_.Advance(86400000);
  }
  // Today is day 7; day 3 was missed (and 1, 2, 4). Make up day 4: no
  // streak change until days join up.
  auto makeup = Checkin(
      {{"campaign_id", campaign_}, {"client_id", "m4"}, {"makeup_day", 4}});
  ASSERT_EQ(makeup.status, 201) << makeup.body.dump();
  EXPECT_TRUE(makeup.data()["makeup"].get<bool>());
  EXPECT_EQ(makeup.data()["day"], 4);
  EXPECT_EQ(makeup.data()["streak"], 3);  // Days 4, 5, 6.
  EXPECT_EQ(
      Checkin(
          {{"campaign_id", campaign_}, {"client_id", "m4b"}, {"makeup_day", 4}})
          .status,
      409);
  EXPECT_EQ(
      Checkin(
          {{"campaign_id", campaign_}, {"client_id", "m3"}, {"makeup_day", 3}})
          .status,
      201);
  EXPECT_EQ(
      Checkin(
          {{"campaign_id", campaign_}, {"client_id", "m2"}, {"makeup_day", 2}})
          .status,
      201);
  auto fourth = Checkin(
      {{"campaign_id", campaign_}, {"client_id", "m1"}, {"makeup_day", 1}});
  EXPECT_EQ(fourth.status, 409);  // Three make-ups per campaign.
  EXPECT_EQ(
      Checkin(
          {{"campaign_id", campaign_}, {"client_id", "fut"}, {"makeup_day", 9}})
          .status,
      400);
}

TEST_F(CheckinApiTest, OnlyEnrolledMembersOfRunningCampaignsCheckIn) {
  std::string stranger = ParticipantToken("kid-2", "陌生人");
  auto r = Checkin({{"campaign_id", campaign_}, {"client_id", "x"}}, stranger);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Checkin({{"campaign_id", "99999"}, {"client_id", "x"}}).status,
            404);
  EXPECT_EQ(Checkin({{"campaign_id", campaign_}}).data()["field"], "client_id");
  EXPECT_EQ(
      Checkin(
          {{"campaign_id", campaign_}, {"client_id", "x"}, {"duration_s", -5}})
          .data()["field"],
      "duration_s");
  clock_.Advance(20LL * 86400000);  // Day 25 of 21: past the end.
  EXPECT_EQ(Checkin({{"campaign_id", campaign_}, {"client_id", "late"}}).status,
            409);
  // A staff token is not a participant's.
  EXPECT_EQ(
      client_->Post("/api/v1/mp/checkins", {{"campaign_id", campaign_}}, op_)
          .status,
      401);
}

TEST_F(CheckinApiTest, PhotoCheckinIsStoredQueuedForOcrAndServedToStaff) {
  ocr::RenderOptions o;
  o.width = 300;
  o.height = 400;
  auto jpeg = ocr::RenderPhotoJpeg({"三年级二班"}, o);
  ASSERT_TRUE(jpeg.ok());
  auto r = MultipartCheckin("photo-1", *jpeg);
  ASSERT_EQ(r.status, 201) << r.body.dump();
  EXPECT_EQ(r.data()["ocr_status"], "queued");
  std::string id = r.data()["id"];
  auto staff = client_->Get("/api/v1/checkins/" + id, op_);
  ASSERT_EQ(staff.status, 200);
  EXPECT_TRUE(staff.data()["has_photo"].get<bool>());
  EXPECT_EQ(staff.data()["text"], "今天读了十页");
  EXPECT_EQ(staff.data()["duration_s"], 600);
  auto photo = client_->raw().Get("/api/v1/checkins/" + id + "/photo",
                                  {{"Authorization", "Bearer " + op_}});
  ASSERT_TRUE(photo);
  EXPECT_EQ(photo->status, 200);
  EXPECT_EQ(photo->body, *jpeg);
  EXPECT_EQ(photo->get_header_value("Content-Type"), "image/jpeg");
  // Participants do not browse check-ins by id.
  EXPECT_EQ(client_->Get("/api/v1/checkins/" + id, me_).status, 401);
}

TEST_F(CheckinApiTest, BadPhotosAreRefusedAndNothingIsStored) {
  ocr::RenderOptions o;
  o.width = 300;
  o.height = 400;
  auto jpeg = ocr::RenderPhotoJpeg({"x"}, o);
  ASSERT_TRUE(jpeg.ok());
  EXPECT_EQ(MultipartCheckin("t1", "this is not an image").status, 415);
  EXPECT_EQ(MultipartCheckin("t2", jpeg->substr(0, 20)).status,
            415);  // Truncated.
  // A PNG header claiming 50000×50000 pixels: a decompression bomb.
  static const char kBomb[] =
      "\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR\0\0\xC3\x50\0\0\xC3\x50\x08\x02\0\0\0";
  std::string bomb(kBomb, sizeof kBomb - 1);
  auto big = MultipartCheckin("t3", bomb, "image/png");
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.code(), 41301);
  // Two photos in one check-in: which one would be kept is a guess.
  auto two = MultipartCheckin("t4", *jpeg, "image/jpeg", 2);
  EXPECT_EQ(two.status, 400);
  EXPECT_EQ(two.data()["field"], "photo");
  // A photo under another part name is refused, not dropped (the check-in
  // would be stored without it and the client told it succeeded).
  auto misnamed = MultipartCheckin("t5", *jpeg, "image/jpeg", 1, "image");
  EXPECT_EQ(misnamed.status, 400);
  EXPECT_EQ(misnamed.data()["field"], "image");
  EXPECT_NE(misnamed.body["msg"].get<std::string>().find("'photo'"),
            std::string::npos)
      << misnamed.body.dump();
  // So is a field sent twice: which value would count is a guess.
  auto twice = MultipartCheckin("t6", *jpeg, "image/jpeg", 1, "photo",
                                {{"duration_s", "30", "", ""}});
  EXPECT_EQ(twice.status, 400);
  EXPECT_EQ(twice.data()["field"], "duration_s");
  // None of the refused submissions became a check-in: today is still
  // free (a stored one would make this 409).
  EXPECT_EQ(MultipartCheckin("t1", *jpeg).status, 201);
}

TEST_F(CheckinApiTest, EventsAreBatchedDeduplicatedAndChecked) {
  std::string now = FormatRfc3339(clock_.NowMillis());
  json batch = json::array();
  for (int i = 0; i < 3; ++i) {
    batch.push_back({{"type", "page_view"},
                     {"page", "/home"},
                     {"dwell_ms", 1400},
                     {"ts", now},
                     {"client_id", "e" + std::to_string(i)}});
  }
  auto r = client_->Post("/api/v1/mp/events", {{"events", batch}}, me_);
  ASSERT_EQ(r.status, 202) << r.body.dump();
  EXPECT_EQ(r.data()["accepted"], 3);
  EXPECT_EQ(r.data()["new"], 3);
  r = client_->Post("/api/v1/mp/events", {{"events", batch}}, me_);
  EXPECT_EQ(r.data()["new"], 0);
  EXPECT_EQ(r.data()["duplicates"], 3);
  batch[1]["ts"] = "2001-01-01T00:00:00+08:00";
  r = client_->Post("/api/v1/mp/events", {{"events", batch}}, me_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.data()["field"], "events[1].ts");
  // Epoch milliseconds (Date.now()) are a time too; seconds are not.
  batch[1]["ts"] = clock_.NowMillis();
  batch[1]["client_id"] = "e-ms";
  r = client_->Post("/api/v1/mp/events", {{"events", batch}}, me_);
  EXPECT_EQ(r.status, 202) << r.body.dump();
  EXPECT_EQ(r.data()["new"], 1);
  batch[1]["ts"] = clock_.NowMillis() / 1000;
  batch[1]["client_id"] = "e-s";
  EXPECT_EQ(client_->Post("/api/v1/mp/events", {{"events", batch}}, me_)
                .data()["field"],
            "events[1].ts");
  batch[1]["ts"] = true;
  r = client_->Post("/api/v1/mp/events", {{"events", batch}}, me_);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body["msg"].get<std::string>().find("epoch milliseconds"),
            std::string::npos);
  json many = json::array();
  for (int i = 0; i < 501; ++i) many.push_back(batch[0]);
  EXPECT_EQ(client_->Post("/api/v1/mp/events", {{"events", many}}, me_).status,
            413);
}

// A phone on a bad network retries while the first try is still in flight:
// the same check-in and the same event batch arrive at once on eight
// connections. One check-in is stored and every try gets its id; each
// event is counted new once.
TEST_F(CheckinApiTest, SimultaneousRetriesStoreOneCheckinAndEachEventOnce) {
  constexpr int kTries = 8;
  std::string now = FormatRfc3339(clock_.NowMillis());
  json events = json::array();
  for (int i = 0; i < 20; ++i) {
    events.push_back({{"type", "page_view"},
                      {"dwell_ms", 1000},
                      {"ts", now},
                      {"client_id", "retry-e" + std::to_string(i)}});
  }
  std::vector<ApiReply> checkins(kTries), batches(kTries);
  std::vector<std::thread> threads;
  for (int t = 0; t < kTries; ++t) {
    threads.emplace_back([&, t] {
      ApiClient client(client_->port());
      checkins[t] = client.Post("/api/v1/mp/checkins",
                                {{"campaign_id", campaign_},
                                 {"text", "读完了"},
                                 {"client_id", "retry-1"}},
                                me_);
      batches[t] = client.Post("/api/v1/mp/events", {{"events", events}}, me_);
    });
  }
  for (auto& t : threads) t.join();
  int created = 0, repeated = 0, fresh_events = 0;
  for (int t = 0; t < kTries; ++t) {
    ASSERT_TRUE(checkins[t].status == 201 || checkins[t].status == 200)
        << checkins[t].body.dump();
    (checkins[t].status == 201 ? created : repeated)++;
    EXPECT_EQ(checkins[t].data()["id"], checkins[0].data()["id"]);
    ASSERT_EQ(batches[t].status, 202) << batches[t].body.dump();
    EXPECT_EQ(batches[t].data()["new"].get<int>() +
                  batches[t].data()["duplicates"].get<int>(),
              20);
    fresh_events += batches[t].data()["new"].get<int>();
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(repeated, kTries - 1);
  EXPECT_EQ(fresh_events, 20);
  int64_t rows = -1, event_rows = -1;
  ASSERT_TRUE(app_->db()
                  .Read([&](storage::Connection& c) -> Status {
                    QY_ASSIGN_OR_RETURN(
                        rows,
                        storage::QueryInt(c,
                                          "SELECT COUNT(*) FROM checkins WHERE "
                                          "client_id = 'retry-1'"));
                    QY_ASSIGN_OR_RETURN(
                        event_rows,
                        storage::QueryInt(c,
                                          "SELECT COUNT(*) FROM events WHERE "
                                          "client_id LIKE 'retry-e%'"));
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(rows, 1);
  EXPECT_EQ(event_rows, 20);
}

}  // namespace
}  // namespace qunying::server
