// Check-ins filed at once by many participants, with and without photos,
// survive kill -9 once acknowledged: the group commit answers only after
// its commit, and a photo is on disk before the row that names it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "community/campaign.h"
#include "core/clock.h"
#include "core/time_util.h"
#include "ocr/photo_renderer.h"
#include "tests/server/server_process.h"

namespace qunying::server {
namespace {

// One participant's check-in as the test sent it, and what came back.
struct SentCheckin {
  std::string token, member_id, client_id, photo;
  int status = 0;  // 0: no answer (the server was killed first).
  std::string id;
};

// Sends `c`'s check-in (with its photo as a multipart part when it has
// one) and fills in the answer.
void SendCheckin(httplib::Client& http, const std::string& campaign,
                 SentCheckin& c) {
  httplib::Headers auth = {{"Authorization", "Bearer " + c.token}};
  httplib::Result res{nullptr, httplib::Error::Unknown};
  if (c.photo.empty()) {
    nlohmann::json body = {{"campaign_id", campaign},
                           {"client_id", c.client_id},
                           {"text", "今天读了二十分钟"},
                           {"duration_s", 1200}};
    res =
        http.Post("/api/v1/mp/checkins", auth, body.dump(), "application/json");
  } else {
    httplib::MultipartFormDataItems items = {
        {"campaign_id", campaign, "", ""},
        {"client_id", c.client_id, "", ""},
        {"text", "今天读了十页", "", ""},
        {"photo", c.photo, "p.jpg", "image/jpeg"}};
    res = http.Post("/api/v1/mp/checkins", auth, items);
  }
  if (!res) return;
  c.status = res->status;
  auto body = nlohmann::json::parse(res->body, nullptr, false);
  if (body.is_object() && body.contains("data") && body["data"].is_object())
    c.id = body["data"].value("id", "");
}

// Participants check in at once, a third of them with a photo, and the
// server is killed while check-ins are still in flight. After a restart
// every check-in that was answered 201 is there with its member and its
// photo's bytes, and sending it again answers 200 with the same id.
TEST(ProcessTest, CheckinsAcknowledgedUnderLoadSurviveKillNine) {
  constexpr int kParticipants = 150;
  constexpr int kThreads = 8;
  storage::TempDir dir;
  std::string db = dir.File("c.db");
  const std::vector<std::string> flags = {"--dev-login", "--ocr-workers", "0"};
  std::vector<SentCheckin> sent(kParticipants);
  std::string campaign;
  {
    ServerProcess proc(db, dir.File(""), flags);
    ASSERT_GT(proc.port(), 0);
    ApiClient c(proc.port());
    std::string admin = Login(c);
    int64_t today =
        community::LocalDay(SystemClock::Default()->NowMillis(), 480);
    auto camp = c.Post("/api/v1/campaigns",
                       {{"name", "第1期"},
                        {"theme", "阅读"},
                        {"series", "阅读"},
                        {"starts_on", FormatIsoDate(today - 2)},
                        {"days", 21}},
                       admin);
    ASSERT_EQ(camp.status, 201) << camp.body.dump();
    campaign = camp.data()["id"];
    nlohmann::json people = nlohmann::json::array();
    for (int i = 0; i < kParticipants; ++i)
      people.push_back({{"openid", "kill-" + std::to_string(i)},
                        {"nickname", "学员" + std::to_string(i)}});
    auto enrolled = c.Post("/api/v1/campaigns/" + campaign + "/enrollments",
                           {{"enrollments", people}}, admin);
    ASSERT_EQ(enrolled.status, 200) << enrolled.body.dump();
    for (int i = 0; i < kParticipants; ++i) {
      auto login = c.Post("/api/v1/mp/login",
                          {{"openid", "kill-" + std::to_string(i)},
                           {"nickname", "学员" + std::to_string(i)}});
      ASSERT_EQ(login.status, 200) << login.body.dump();
      sent[i].token = login.data()["token"];
      sent[i].member_id = login.data()["member_id"];
      sent[i].client_id = "kill9-" + std::to_string(i);
      if (i % 3 == 0) {
        ocr::RenderOptions o;
        o.width = 240;
        o.height = 320;
        auto jpeg = ocr::RenderPhotoJpeg({"第" + std::to_string(i) + "天"}, o);
        ASSERT_TRUE(jpeg.ok());
        sent[i].photo = *jpeg;
      }
    }
    // Every thread files its share, one after another, until the kill.
    std::atomic<int> next{0}, answered{0};
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        httplib::Client http("127.0.0.1", proc.port());
        http.set_read_timeout(10, 0);
        for (int i; (i = next++) < kParticipants;) {
          SendCheckin(http, campaign, sent[i]);
          if (sent[i].status == 0) return;  // Killed.
          ++answered;
        }
      });
    }
    // Half answered, or a minute gone (then too few were answered, below).
    auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    while (answered < kParticipants / 2 &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    int status = proc.Signal(SIGKILL);
    for (auto& th : threads) th.join();
    ASSERT_TRUE(WIFSIGNALED(status));
  }
  int acknowledged = 0, photos = 0;
  for (const auto& c : sent) {
    if (c.status == 0) continue;
    ASSERT_EQ(c.status, 201) << c.client_id;
    ASSERT_FALSE(c.id.empty()) << c.client_id;
    ++acknowledged;
    photos += !c.photo.empty();
  }
  // The kill came while check-ins were still being filed.
  ASSERT_GE(acknowledged, kParticipants / 2);
  ASSERT_LT(acknowledged, kParticipants);
  ASSERT_GT(photos, 0);

  ServerProcess again(db, dir.File(""), flags);
  ASSERT_GT(again.port(), 0);
  ApiClient c(again.port());
  std::string admin = Login(c);
  for (auto& sc : sent) {
    if (sc.status == 0) continue;
    auto k = c.Get("/api/v1/checkins/" + sc.id, admin);
    ASSERT_EQ(k.status, 200) << sc.client_id << ": " << k.body.dump();
    EXPECT_EQ(k.data()["member_id"], sc.member_id);
    EXPECT_EQ(k.data()["client_id"], sc.client_id);
    EXPECT_EQ(k.data()["has_photo"].get<bool>(), !sc.photo.empty());
    if (!sc.photo.empty()) {
      auto photo = c.raw().Get("/api/v1/checkins/" + sc.id + "/photo",
                               {{"Authorization", "Bearer " + admin}});
      ASSERT_TRUE(photo);
      EXPECT_EQ(photo->status, 200);
      EXPECT_TRUE(photo->body == sc.photo) << sc.client_id;
    }
    // The same submission again is recognised, not filed twice.
    SentCheckin retry = sc;
    SendCheckin(c.raw(), campaign, retry);
    EXPECT_EQ(retry.status, 200) << sc.client_id;
    EXPECT_EQ(retry.id, sc.id) << sc.client_id;
  }
}

}  // namespace
}  // namespace qunying::server
