#include "common/config.h"

#include <gtest/gtest.h>

namespace canvass {
namespace {

TEST(Config, DefaultsAreValid) { EXPECT_TRUE(Config().Validate().ok()); }

TEST(Config, ParsesKnownOptions) {
  auto c = ParseConfig(R"(
[server]
listen = "127.0.0.1:9999"
data_dir = "/tmp/x"
[clips]
default_retention_days = 30
[log]
format = "json"
)", "test.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->server.listen, "127.0.0.1:9999");
  EXPECT_EQ(c->clips.default_retention_days, 30);
  EXPECT_EQ(c->log.format, "json");
  EXPECT_TRUE(c->Validate().ok());
}

TEST(Config, UnknownKeysAndSectionsAreErrors) {
  auto c = ParseConfig("[server]\nlisten_addr = \"x\"\n", "t.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("server.listen_addr"), std::string::npos);
  EXPECT_FALSE(ParseConfig("[bogus]\nx = 1\n", "t.toml").ok());
}

TEST(Config, WrongTypeAndSyntaxNameThePlace) {
  auto c = ParseConfig("[server]\nthreads = \"four\"\n", "t.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("server.threads"), std::string::npos);
  auto s = ParseConfig("[server\n", "t.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("t.toml:1"), std::string::npos);
}

TEST(Config, ValidationNamesOptionAndRange) {
  Config c;
  c.clips.default_retention_days = 365;
  Status s = c.Validate();
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("clips.default_retention_days must be between 1 and 180"),
            std::string::npos);
  Config d;
  d.server.listen = "localhost";
  EXPECT_FALSE(d.Validate().ok());
  Config e;
  e.auth.password_cost = "minimum";
  EXPECT_FALSE(e.Validate().ok());
  e.auth.allow_weak_passwords = true;
  EXPECT_TRUE(e.Validate().ok());
  Config f;
  f.clips.max_upload_chunk_bytes = 3 * 1000 * 1000;
  EXPECT_FALSE(f.Validate().ok());
}

TEST(Config, IntegersThatDoNotFitAreRefusedNotWrapped) {
  auto c = ParseConfig("[server]\nthreads = 4294967298\n", "t.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("server.threads is out of range"), std::string::npos);
}

TEST(Config, ListenAddress) {
  std::string host;
  uint16_t port;
  ASSERT_TRUE(ParseListenAddress("[::1]:8080", &host, &port).ok());
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 8080);
  EXPECT_FALSE(ParseListenAddress("127.0.0.1:99999", &host, &port).ok());
  EXPECT_FALSE(ParseListenAddress(":80", &host, &port).ok());
}

}  // namespace
}  // namespace canvass
