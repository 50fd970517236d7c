// The static file handler that serves the built web UI: content types, caching, the SPA
// fallback, and no way out of the web directory (traversal, encoded separators, hidden files,
// symlinks), both called directly and through the real server.
#include "api/static_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "testing/test_app.h"

namespace canvass {
namespace {
namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("canvass-static-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    dir_ = base_ / "dist";
    fs::create_directories(dir_ / "assets");
    fs::create_directories(dir_ / ".git");
    Write(dir_ / "index.html", "<!doctype html><title>Canvass UI</title>");
    Write(dir_ / "assets" / "index-3f2a9c.js", "console.log(1)");
    Write(dir_ / "assets" / "index-77aa01.css", "body{}");
    Write(dir_ / "favicon.svg", "<svg/>");
    Write(dir_ / ".git" / "config", "secret");
    Write(base_ / "secret.txt", "outside the web directory");
    fs::create_symlink(base_ / "secret.txt", dir_ / "link.txt");
  }
  void TearDown() override { fs::remove_all(base_); }

  static void Write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

  api::Response Get(const std::string& path, const std::string& method = "GET") {
    api::Request r;
    r.method = method;
    r.target = path;
    r.path = path;
    return api::ServeStaticFile(dir_.string(), r);
  }
  static std::string Header(const api::Response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }

  fs::path base_, dir_;
};

TEST_F(StaticFilesTest, ServesIndexAndAssetsWithTypesAndCaching) {
  EXPECT_TRUE(api::HasWebUi(dir_.string()));
  EXPECT_FALSE(api::HasWebUi(""));
  EXPECT_FALSE(api::HasWebUi((base_ / "nowhere").string()));

  auto index = Get("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("Canvass UI"), std::string::npos);
  EXPECT_EQ(Header(index, "Cache-Control"), "no-cache");
  EXPECT_NE(Header(index, "Content-Security-Policy").find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(Header(index, "X-Frame-Options"), "DENY");
  EXPECT_EQ(Header(index, "Referrer-Policy"), "no-referrer");

  auto js = Get("/assets/index-3f2a9c.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(Header(js, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(Get("/assets/index-77aa01.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(Get("/favicon.svg").content_type, "image/svg+xml");
  EXPECT_EQ(api::ContentTypeFor("x.woff2"), "font/woff2");
  EXPECT_EQ(api::ContentTypeFor("x.unknown"), "application/octet-stream");
  EXPECT_EQ(api::ContentTypeFor("dir.d/file"), "application/octet-stream");

  auto head = Get("/assets/index-3f2a9c.js", "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
}

TEST_F(StaticFilesTest, AppRoutesFallBackToIndexButMissingFilesAre404) {
  auto route = Get("/inbox/req_hugo274pafhsg4a7unzq");
  EXPECT_EQ(route.status, 200);
  EXPECT_NE(route.body.find("Canvass UI"), std::string::npos);
  EXPECT_EQ(Header(route, "Cache-Control"), "no-cache");
  EXPECT_EQ(Get("/assets/missing-000000.js").status, 404);
  EXPECT_EQ(Get("/robots.txt").status, 404);
}

TEST_F(StaticFilesTest, OnlyGetAndHead) {
  auto post = Get("/", "POST");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(Header(post, "Allow"), "GET, HEAD");
  EXPECT_EQ(Get("/index.html", "DELETE").status, 405);
}

TEST_F(StaticFilesTest, NeverLeavesTheWebDirectory) {
  for (const char* path : {"/../secret.txt", "/assets/../../secret.txt", "/./index.html",
                           "/..", "/.git/config", "/assets/..\\..\\secret.txt"}) {
    auto r = Get(path);
    EXPECT_EQ(r.status, 400) << path;
    EXPECT_EQ(r.body.find("outside the web directory"), std::string::npos) << path;
    EXPECT_EQ(r.body.find("secret"), std::string::npos) << path;
  }
  // A symlink pointing out of the directory is not followed.
  auto link = Get("/link.txt");
  EXPECT_EQ(link.status, 404);
  EXPECT_EQ(link.body.find("outside the web directory"), std::string::npos);
  // Encoded separators in the raw target.
  api::Request r;
  r.method = "GET";
  r.target = "/assets%2f..%2f..%2fsecret.txt";
  r.path = "/assets/../../secret.txt";
  EXPECT_EQ(api::ServeStaticFile(dir_.string(), r).status, 400);
  r.target = "/index.html%00.js";
  r.path = std::string("/index.html\0.js", 15);
  EXPECT_EQ(api::ServeStaticFile(dir_.string(), r).status, 400);
}

TEST_F(StaticFilesTest, TheServerServesTheUiAndKeepsTheApiApart) {
  Config c = testing::TestApp::DefaultConfig();
  c.server.web_dir = dir_.string();
  testing::TestApp t(true, c);
  auto client = t.Client();
  auto index = client->Send("GET", "/");
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(index->status, 200);
  EXPECT_NE(index->body.find("Canvass UI"), std::string::npos);
  EXPECT_EQ(index->Header("x-content-type-options"), "nosniff");
  EXPECT_EQ(index->Header("x-frame-options"), "DENY");
  auto route = client->Send("GET", "/requests/new");
  ASSERT_TRUE(route.ok());
  EXPECT_EQ(route->status, 200);
  // The API is never answered by the UI: unknown API paths stay JSON 404s.
  auto api = client->Send("GET", "/api/v1/nope");
  ASSERT_TRUE(api.ok());
  EXPECT_EQ(api->status, 404);
  EXPECT_NE(api->body.find("NOT_FOUND"), std::string::npos);
  // Traversal over the wire, with raw targets the client does not normalise.
  for (const char* target : {"/../secret.txt", "/%2e%2e/secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt",
                             "/assets%2f..%2f..%2fsecret.txt", "/.git/config", "/link.txt"}) {
    auto raw = client->SendRaw(std::string("GET ") + target +
                               " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    ASSERT_TRUE(raw.ok()) << target;
    EXPECT_EQ(raw->find("outside the web directory"), std::string::npos) << target;
    EXPECT_EQ(raw->find("HTTP/1.1 200"), std::string::npos) << target << ": " << *raw;
  }
}

TEST(StaticFilesFallback, WithoutAWebDirectoryTheBuiltInPageStays) {
  Config c = testing::TestApp::DefaultConfig();
  c.server.web_dir = "";
  testing::TestApp t(true, c);
  auto client = t.Client();
  auto index = client->Send("GET", "/");
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(index->status, 200);
  EXPECT_NE(index->body.find("The Canvass server is running"), std::string::npos);
  auto other = client->Send("GET", "/inbox");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->status, 404);
}

}  // namespace
}  // namespace canvass
