// Check-in photos go through the persistent OCR queue to text, with the
// real Tesseract, over real HTTP.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <opencv2/imgcodecs.hpp>
#include <thread>

#include "community/campaign.h"
#include "core/time_util.h"
#include "ocr/photo_renderer.h"
#include "server/demo.h"
#include "storage/sqlite_ocr_job_store.h"
#include "tests/server/test_server.h"

namespace qunying::server {
namespace {

using nlohmann::json;

class OcrApiTest : public ServerTest {
 protected:
  void SetUp() override {
    options_.ocr.workers = 1;
    options_.ocr.backoff_ms = 50;
    options_.ocr.poll_ms = 50;
    StartAndEnroll();
  }
  void StartAndEnroll() {
    options_.http.max_body_bytes = 4u << 20;  // Room for a full-size photo.
    Start();
    op_ = CreateStaff("yunying", "operator");
    campaign_ = CreateRunningCampaign(op_, 2);
    me_ = EnrollAndSignIn(op_, campaign_, "kid", "小明妈妈");
  }
  std::string PhotoCheckin(const std::string& client_id,
                           const std::string& photo, const std::string& type) {
    httplib::MultipartFormDataItems items = {{"campaign_id", campaign_, "", ""},
                                             {"client_id", client_id, "", ""},
                                             {"photo", photo, "p", type}};
    auto res = client_->raw().Post("/api/v1/mp/checkins",
                                   {{"Authorization", "Bearer " + me_}}, items);
    EXPECT_TRUE(res && res->status == 201) << (res ? res->body : "no answer");
    return res ? json::parse(res->body)["data"]["id"].get<std::string>() : "";
  }
  // Any member with a check-in becomes a lead at the next pass.
  void LowerLeadThreshold(const std::string& admin) {
    ASSERT_EQ(client_
                  ->Call("PUT", "/api/v1/scoring/rules",
                         json{{"lead_threshold", 5}}.dump(), admin)
                  .status,
              200);
  }
  // Polls the check-in until OCR settles (or 90 s pass).
  json WaitForOcr(const std::string& id) {
    json data;
    for (int i = 0; i < 900; ++i) {
      data = client_->Get("/api/v1/checkins/" + id, op_).data();
      if (data["ocr_status"] != "queued") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return data;
  }
  std::string op_, campaign_, me_;
};

TEST_F(OcrApiTest, APhotoBecomesTextWithoutDelayingTheCheckin) {
  ocr::RenderOptions o;
  o.rotation_deg = 3;
  auto jpeg = ocr::RenderPhotoJpeg(
      {"北京市海淀区实验小学", "三年级二班", "联系电话 13812345678"}, o);
  ASSERT_TRUE(jpeg.ok());
  std::string id = PhotoCheckin("p1", *jpeg, "image/jpeg");
  json done = WaitForOcr(id);
  ASSERT_EQ(done["ocr_status"], "done") << done.dump();
  std::string text = done["ocr_text"];
  std::string compact;
  for (char c : text) {
    if (c != ' ') compact += c;
  }
  EXPECT_NE(compact.find("海淀"), std::string::npos) << text;
  EXPECT_NE(compact.find("三年级"), std::string::npos) << text;
  // The text's hints are on the check-in and on the member's profile.
  bool grade = false;
  for (const auto& h : done["hints"])
    grade = grade || (h["field"] == "grade" && h["value"] == "三年级");
  EXPECT_TRUE(grade) << done["hints"].dump();
  std::string member = done["member_id"];
  auto profile = client_->Get("/api/v1/members/" + member, op_);
  bool school = false;
  for (const auto& h : profile.data()["hints"]) {
    school = school || h["field"] == "school";
    EXPECT_EQ(h["source"]["checkin_id"], id);
  }
  EXPECT_TRUE(school) << profile.body.dump();
  // Phones found on photos are masked for operators, whole for admins.
  auto phone_of = [](const json& hints) {
    for (const auto& h : hints) {
      if (h["field"] == "phone") return h["value"].get<std::string>();
    }
    return std::string();
  };
  EXPECT_EQ(phone_of(profile.data()["hints"]), "138****5678")
      << profile.body.dump();
  auto as_admin = client_->Get("/api/v1/members/" + member, AdminToken());
  EXPECT_EQ(phone_of(as_admin.data()["hints"]), "13812345678");
  // So is the phone in the photo's text (read with or without spaces).
  EXPECT_EQ(compact.find("13812345678"), std::string::npos) << text;
  EXPECT_NE(compact.find("138****5678"), std::string::npos) << text;
  auto admin_view = client_->Get("/api/v1/checkins/" + id, AdminToken());
  std::string admin_text = admin_view.data()["ocr_text"];
  admin_text.erase(std::remove(admin_text.begin(), admin_text.end(), ' '),
                   admin_text.end());
  EXPECT_NE(admin_text.find("13812345678"), std::string::npos) << admin_text;
  auto metrics = client_->raw().Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("qunying_ocr_queue_depth 0"), std::string::npos);
  // The worker that read the photo counts as ready.
  auto gauge = [&](const std::string& name) {
    size_t at = metrics->body.find("\n" + name + " ");
    return at == std::string::npos
               ? -1.0
               : std::stod(metrics->body.substr(at + name.size() + 2));
  };
  EXPECT_GE(gauge("qunying_ocr_workers_ready"), 1.0) << metrics->body;
  EXPECT_LE(gauge("qunying_ocr_workers_ready"), gauge("qunying_ocr_workers"));
}

// `qunying demo` reads its photos after its first pass; its leads take up
// what the photos tell as soon as the queue is empty, not 10 minutes later.
TEST_F(OcrApiTest, RescoringWhenOcrIsDoneGivesLeadsThePhotosFacts) {
  std::string admin = AdminToken();
  ASSERT_NO_FATAL_FAILURE(LowerLeadThreshold(admin));
  auto jpeg = ocr::RenderPhotoJpeg({"北京市海淀区实验小学", "三年级二班"},
                                   ocr::RenderOptions{});
  ASSERT_TRUE(jpeg.ok());
  PhotoCheckin("p1", *jpeg, "image/jpeg");  // Queued, not waited for.
  std::atomic<bool> stop{false};
  auto r = RescoreWhenOcrIsDone(*app_, stop, /*poll_ms=*/20,
                                /*timeout_ms=*/120000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->created, 1);
  auto q = app_->ocr_jobs().Stats();
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->queued + q->running, 0);
  EXPECT_EQ(q->done, 1);
  auto list = client_->Get("/api/v1/leads", admin);
  ASSERT_EQ(list.data()["items"].size(), 1u) << list.body.dump();
  std::string lead = list.data()["items"][0]["id"];
  auto card = client_->Get("/api/v1/leads/" + lead, admin);
  std::string fit;
  for (const auto& f : card.data()["factors"]) {
    if (f["part"] == "fit") fit += f["label"].get<std::string>() + ";";
  }
  EXPECT_NE(fit.find("三至六年级：三年级"), std::string::npos)
      << card.body.dump();
}

TEST_F(OcrApiTest, RescoringWhenOcrIsDoneGivesUpWhenStopped) {
  std::string admin = AdminToken();
  ASSERT_NO_FATAL_FAILURE(LowerLeadThreshold(admin));
  auto jpeg = ocr::RenderPhotoJpeg({"三年级二班"}, ocr::RenderOptions{});
  ASSERT_TRUE(jpeg.ok());
  PhotoCheckin("p1", *jpeg, "image/jpeg");
  std::atomic<bool> stop{true};
  auto r = RescoreWhenOcrIsDone(*app_, stop, 20, 120000);
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(client_->Get("/api/v1/leads", admin).data()["items"].empty())
      << "no pass ran";
}

// A rep deciding on a pool lead sees which ideal-customer rules the child
// meets, not the child's grade or school: those, like the phone, are for
// the rep who claims the lead.
TEST_F(OcrApiTest, APoolLeadsCardHidesTheChildsGradeAndSchoolUntilClaimed) {
  auto jpeg =
      ocr::RenderPhotoJpeg({"北京市海淀区实验小学", "三年级二班", "想报下一期"},
                           ocr::RenderOptions{});
  ASSERT_TRUE(jpeg.ok());
  ASSERT_EQ(WaitForOcr(PhotoCheckin("p1", *jpeg, "image/jpeg"))["ocr_status"],
            "done");
  std::string admin = AdminToken();
  ASSERT_NO_FATAL_FAILURE(LowerLeadThreshold(admin));
  auto rescore =
      client_->Post("/api/v1/scoring/rescore", json::object(), admin);
  ASSERT_EQ(rescore.status, 200) << rescore.body.dump();
  auto list = client_->Get("/api/v1/leads", admin);
  ASSERT_EQ(list.data()["items"].size(), 1u) << list.body.dump();
  std::string lead = list.data()["items"][0]["id"];
  auto child_factors = [](const json& card) {
    std::string out;
    for (const auto& f : card["factors"]) {
      if (f["name"] == "grade" || f["name"] == "school")
        out += f["label"].get<std::string>() + "|" +
               f["value"].get<std::string>() + ";";
    }
    return out;
  };
  auto as_admin = client_->Get("/api/v1/leads/" + lead, admin);
  std::string whole = child_factors(as_admin.data());
  ASSERT_NE(whole.find("三年级"), std::string::npos) << as_admin.body.dump();
  ASSERT_NE(whole.find("实验小学"), std::string::npos) << as_admin.body.dump();

  std::string rep = CreateStaff("rep", "sales");
  auto pool = client_->Get("/api/v1/leads/" + lead, rep);
  ASSERT_EQ(pool.status, 200) << pool.body.dump();
  std::string hidden = child_factors(pool.data());
  EXPECT_FALSE(hidden.empty()) << "the rules met are still shown";
  EXPECT_EQ(hidden.find("三年级"), std::string::npos) << hidden;
  EXPECT_EQ(hidden.find("实验小学"), std::string::npos) << hidden;
  EXPECT_EQ(pool.data()["fit"], as_admin.data()["fit"]);

  ASSERT_EQ(client_->Post("/api/v1/leads/claim", {{"count", 1}}, rep).status,
            200);
  auto owned = client_->Get("/api/v1/leads/" + lead, rep);
  EXPECT_EQ(child_factors(owned.data()), whole);
}

TEST_F(OcrApiTest, APhotoTheCodecRefusesEndsFailedWithAReason) {
  cv::Mat img(200, 300, CV_8UC3, cv::Scalar(240, 240, 240));
  std::vector<uchar> png;
  ASSERT_TRUE(cv::imencode(".png", img, png));
  std::string bytes(png.begin(), png.end());
  size_t idat = bytes.find("IDAT");
  for (size_t i = idat + 6; i < idat + 30; ++i) bytes[i] ^= 0x5A;
  std::string id = PhotoCheckin("bad", bytes, "image/png");
  json failed = WaitForOcr(id);
  EXPECT_EQ(failed["ocr_status"], "failed") << failed.dump();
  EXPECT_FALSE(failed["ocr_error"].get<std::string>().empty());
  // The server is fine and OCR goes on with the next photo.
  EXPECT_EQ(client_->Get("/healthz").status, 200);
}

class OcrRestartTest : public OcrApiTest {
 protected:
  void SetUp() override {
    options_.ocr.workers = 0;  // Nobody reads photos yet.
    StartAndEnroll();
  }
  // Stops the server and starts it again on the same database, now with
  // one OCR worker.
  void RestartWithAWorker() {
    app_->Stop();
    app_.reset();
    options_.ocr.workers = 1;
    options_.ocr.poll_ms = 50;
    auto app = App::Create(options_, &clock_);
    ASSERT_TRUE(app.ok());
    app_ = std::move(app).value();
    auto port = app_->Start();
    ASSERT_TRUE(port.ok());
    client_ = std::make_unique<ApiClient>(*port);
    op_ = LoginAs("yunying", "yunying-pass-1");
  }
};

TEST_F(OcrRestartTest, QueuedPhotosSurviveARestartAndAreReadAfterIt) {
  ocr::RenderOptions o;
  auto jpeg = ocr::RenderPhotoJpeg({"上海市浦东新区"}, o);
  ASSERT_TRUE(jpeg.ok());
  std::string id = PhotoCheckin("p1", *jpeg, "image/jpeg");
  EXPECT_EQ(client_->Get("/api/v1/checkins/" + id, op_).data()["ocr_status"],
            "queued");
  ASSERT_NO_FATAL_FAILURE(RestartWithAWorker());
  json done = WaitForOcr(id);
  EXPECT_EQ(done["ocr_status"], "done") << done.dump();
  EXPECT_NE(done["ocr_text"].get<std::string>().find("浦东"), std::string::npos)
      << done.dump();
}

TEST_F(OcrRestartTest, APhotoEveryTryOfWhichStoppedTheServerFailsOnRestart) {
  // A photo that crashes the process while it is read: each restart
  // requeues it, and without a limit every restart would crash again.
  auto jpeg = ocr::RenderPhotoJpeg({"上海市浦东新区"}, ocr::RenderOptions{});
  ASSERT_TRUE(jpeg.ok());
  std::string id = PhotoCheckin("p1", *jpeg, "image/jpeg");
  storage::SqliteOcrJobStore store(&app_->db());
  // Three tries (the default max_attempts), each left running by a stop.
  for (int i = 1; i <= 3; ++i) {
    auto job = store.ClaimNext(clock_.NowMillis());
    ASSERT_TRUE(job.ok() && job->has_value());
    EXPECT_EQ((*job)->attempts, i);
    if (i == 3) break;
    auto recovered = store.RecoverRunning(clock_.NowMillis(), 3);
    ASSERT_TRUE(recovered.ok());
    EXPECT_EQ(recovered->requeued, 1);
    EXPECT_EQ(recovered->failed, 0);
  }
  ASSERT_NO_FATAL_FAILURE(RestartWithAWorker());
  json k = client_->Get("/api/v1/checkins/" + id, op_).data();
  EXPECT_EQ(k["ocr_status"], "failed") << k.dump();
  EXPECT_NE(k["ocr_error"].get<std::string>().find("stopped while reading"),
            std::string::npos)
      << k.dump();
}

}  // namespace
}  // namespace qunying::server
