// The real `qunying` binary as a process: graceful SIGTERM, and acknowledged
// writes surviving kill -9 (check-ins under load: checkin_kill_test.cc).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "core/startup_env.h"
#include "tests/server/server_process.h"
#include "tests/server/test_server.h"

namespace qunying::server {
namespace {

TEST(ProcessTest, SigtermShutsDownGracefully) {
  storage::TempDir dir;
  ServerProcess proc(dir.File("p.db"), dir.File(""));
  ASSERT_GT(proc.port(), 0);
  ApiClient c(proc.port());
  EXPECT_EQ(c.Get("/healthz").status, 200);
  int status = proc.Signal(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_NE(proc.RestOfStdout().find("Shutting down"), std::string::npos);
  // The database was closed cleanly: the WAL was checkpointed away.
  EXPECT_FALSE(std::filesystem::exists(dir.File("p.db-wal")) &&
               std::filesystem::file_size(dir.File("p.db-wal")) > 0);
}

// The lead pass's fresh memory in huge pages (core/startup_env.h): the
// server starts itself again with glibc's tunable set.
TEST(ProcessTest, TheServerRunsWithMallocAskingForHugePages) {
  storage::TempDir dir;
  ServerProcess proc(dir.File("h.db"), dir.File(""));
  ASSERT_GT(proc.port(), 0);
  std::ifstream in("/proc/" + std::to_string(proc.pid()) + "/environ");
  std::string env((std::istreambuf_iterator<char>(in)),
                  std::istreambuf_iterator<char>());
  EXPECT_NE(env.find(std::string("GLIBC_TUNABLES=") + kHugePageMalloc + '\0'),
            std::string::npos);
  EXPECT_NE(env.find("OMP_THREAD_LIMIT="), std::string::npos);
}

TEST(ProcessTest, AcknowledgedWritesSurviveKillNine) {
  storage::TempDir dir;
  std::string db = dir.File("k.db");
  int acknowledged = 0;
  {
    ServerProcess proc(db, dir.File(""));
    ASSERT_GT(proc.port(), 0);
    ApiClient c(proc.port());
    std::string token = Login(c);
    for (int i = 0; i < 25; ++i) {
      auto r = c.Post("/api/v1/users",
                      {{"username", "staff" + std::to_string(i)},
                       {"password", "staff-pass-1"},
                       {"role", "operator"}},
                      token);
      if (r.status == 201) ++acknowledged;
    }
    int status = proc.Signal(SIGKILL);
    ASSERT_TRUE(WIFSIGNALED(status));
  }
  ASSERT_EQ(acknowledged, 25);
  ServerProcess again(db, dir.File(""));
  ASSERT_GT(again.port(), 0);
  ApiClient c(again.port());
  auto r = c.Get("/api/v1/users?limit=500", Login(c));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.data()["items"].size(), 26u);  // 25 + the admin.
}

}  // namespace
}  // namespace qunying::server

namespace qunying::server {
namespace {

std::string RunCommand(const std::string& cmd, int* exit_code) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  char buf[512];
  while (p && fgets(buf, sizeof buf, p)) out += buf;
  int status = p ? pclose(p) : -1;
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

TEST(ImportCommandTest, ImportsACsvRosterTwiceMatchingTheSecondTime) {
  storage::TempDir dir;
  std::string db = dir.File("i.db");
  {
    auto opened = storage::OpenTestDb(db);
    ASSERT_TRUE(opened
                    ->Write([](storage::Connection& c) {
                      return c.Exec(
                          "INSERT INTO campaigns (name, theme, series, "
                          "starts_on, days, created_at_ms)"
                          " VALUES ('a', 't', 's', 20000, 21, 0);"
                          "INSERT INTO chat_groups (name, campaign_id, theme, "
                          "series, created_at_ms)"
                          " VALUES ('g', 1, 't', 's', 0);");
                    })
                    .ok());
  }
  std::string csv = dir.File("r.csv");
  FILE* f = fopen(csv.c_str(), "w");
  fputs("群昵称,微信号\n王小明妈妈,wx1\n李欣怡,\n", f);
  fclose(f);
  std::string cmd =
      std::string(QUNYING_BINARY) + " import roster --db " + db + " --group 1 ";
  int code = -1;
  std::string first = RunCommand(cmd + csv, &code);
  EXPECT_EQ(code, 0) << first;
  EXPECT_NE(first.find("2 rows, 0 matched"), std::string::npos) << first;
  std::string second = RunCommand(cmd + csv, &code);
  EXPECT_NE(second.find("2 matched"), std::string::npos) << second;
  EXPECT_NE(second.find("wechat_id 1"), std::string::npos) << second;
  std::string missing =
      RunCommand(std::string(QUNYING_BINARY) + " import roster --db " + db +
                     " --group 7 " + csv,
                 &code);
  EXPECT_EQ(code, 1);
  EXPECT_NE(missing.find("group 7 not found"), std::string::npos) << missing;
}

}  // namespace
}  // namespace qunying::server

#include "ocr/photo_renderer.h"

namespace qunying::server {
namespace {

TEST(OcrCommandTest, PrintsOneJsonLinePerPhotoInOrder) {
  storage::TempDir dir;
  ocr::RenderOptions o;
  auto jpeg =
      ocr::RenderPhotoJpeg({"上海市浦东新区建平实验小学", "五年级三班"}, o);
  ASSERT_TRUE(jpeg.ok());
  std::string good = dir.File("good.jpg"), bad = dir.File("bad.jpg");
  FILE* f = fopen(good.c_str(), "wb");
  fwrite(jpeg->data(), 1, jpeg->size(), f);
  fclose(f);
  f = fopen(bad.c_str(), "wb");
  fputs("not a photo", f);
  fclose(f);
  int code = -1;
  std::string out =
      RunCommand(std::string(QUNYING_BINARY) + " ocr --json --workers 2 " +
                     good + " " + bad,
                 &code);
  EXPECT_EQ(code, 1) << out;  // One file could not be read.
  std::istringstream lines(out);
  std::string line;
  std::vector<nlohmann::json> rows;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object()) rows.push_back(j);
  }
  ASSERT_EQ(rows.size(), 2u) << out;
  EXPECT_EQ(rows[0]["file"], good);
  EXPECT_NE(rows[0]["text"].get<std::string>().find("浦东"), std::string::npos)
      << out;
  bool grade = false;
  for (const auto& h : rows[0]["hints"])
    grade = grade || h["value"] == "五年级";
  EXPECT_TRUE(grade) << out;
  EXPECT_TRUE(rows[0]["ms"].is_number());
  EXPECT_EQ(rows[1]["file"], bad);
  EXPECT_TRUE(rows[1].contains("error"));
  std::string only_good =
      RunCommand(std::string(QUNYING_BINARY) + " ocr --json " + good, &code);
  EXPECT_EQ(code, 0) << only_good;
}

}  // namespace
}  // namespace qunying::server
