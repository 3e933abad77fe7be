// The web console's files served at `/` beside the API, over real HTTP.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "server/static_files.h"
#include "tests/server/test_server.h"

namespace qunying::server {
namespace {

void WriteFile(const std::string& path, const std::string& body) {
  std::filesystem::create_directories(
      std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << body;
}

class StaticFilesTest : public ServerTest {
 protected:
  void SetUp() override {
    root_ = dir_.File("site/dist");
    WriteFile(root_ + "/index.html", "<!doctype html><title>群营</title>");
    WriteFile(root_ + "/assets/app-1a2b.js", "console.log(1)");
    WriteFile(root_ + "/.env", "SECRET=1");
    WriteFile(dir_.File("site/secret.txt"), "outside the root");
    options_.http.web_dir = root_;
    Start();
  }
  httplib::Result Fetch(const std::string& path) {
    return client_->raw().Get(path);
  }
  std::string root_;
};

TEST_F(StaticFilesTest, ServesTheShellAtRootAndForClientRoutes) {
  for (const char* path : {"/", "/leads", "/h5/checkin"}) {
    auto res = Fetch(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path;
    EXPECT_EQ(res->body, "<!doctype html><title>群营</title>") << path;
    EXPECT_EQ(res->get_header_value("Content-Type"),
              "text/html; charset=utf-8");
    EXPECT_EQ(res->get_header_value("Cache-Control"), "no-cache");
  }
}

TEST_F(StaticFilesTest, HashedAssetsAreCachedForAYear) {
  auto res = Fetch("/assets/app-1a2b.js");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "console.log(1)");
  EXPECT_EQ(res->get_header_value("Content-Type"),
            "text/javascript; charset=utf-8");
  EXPECT_NE(res->get_header_value("Cache-Control").find("immutable"),
            std::string::npos);
  EXPECT_EQ(Fetch("/assets/missing.js")->status, 404);
}

TEST_F(StaticFilesTest, NothingOutsideTheRootOrHiddenIsServed) {
  for (const char* path :
       {"/../secret.txt", "/assets/../../secret.txt", "/.env",
        "/%2e%2e/secret.txt", "/assets//app-1a2b.js", "/a%00.js"}) {
    auto res = Fetch(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(res->body.find("outside the root"), std::string::npos) << path;
    EXPECT_EQ(res->body.find("SECRET"), std::string::npos) << path;
  }
}

TEST_F(StaticFilesTest, TheApiKeepsItsJsonErrors) {
  auto api = client_->Get("/api/v1/no-such-thing");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.code(), 40401);
  auto post = client_->Post("/", nlohmann::json::object());
  EXPECT_EQ(post.status, 404);
  EXPECT_EQ(post.code(), 40401);
  EXPECT_EQ(client_->Get("/healthz").status, 200);
}

TEST(StaticFilesUnitTest, AnUnbuiltConsoleSaysHowToBuildIt) {
  StaticFiles files("/nonexistent/qunying/web/dist");
  auto shell = files.Load("/");
  ASSERT_FALSE(shell.ok());
  EXPECT_EQ(shell.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(shell.status().message().find("scripts/build"), std::string::npos);
  EXPECT_EQ(files.Load("/assets/x.js").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(StaticFiles("").Load("/").status().code(), StatusCode::kNotFound);
}

TEST(StaticFilesUnitTest, ContentTypesFollowTheExtension) {
  EXPECT_EQ(StaticFiles::ContentType("a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(StaticFiles::ContentType("a.svg"), "image/svg+xml");
  EXPECT_EQ(StaticFiles::ContentType("a.woff2"), "font/woff2");
  EXPECT_EQ(StaticFiles::ContentType("a.bin"), "application/octet-stream");
}

}  // namespace
}  // namespace qunying::server
