// Whole flows over real HTTP on loopback against a real server and SQLite.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "agent/clip_uploader.h"
#include "common/encoding.h"
#include "common/sha256.h"
#include "common/time_format.h"
#include "media/e2ee.h"
#include "media/test_video.h"
#include "testing/test_app.h"

namespace canvass {
namespace {
namespace json = boost::json;
using testing::Bearer;
using testing::TestApp;

json::value Json(const std::string& s) { return json::parse(s); }

agent::UploadOptions UploadTo(TestApp& t, const std::string& device_token) {
  agent::UploadOptions o;
  o.server_url = t.url();
  o.device_token = device_token;
  o.started_at_us = SystemClock::Get()->NowMicros() - 120'000'000;
  o.ended_at_us = o.started_at_us + 10'000'000;
  o.chunk_bytes = 1 << 20;
  return o;
}

std::string Video(uint32_t seed = 1, bool big = false) {
  media::TestVideoOptions v;
  v.seed = seed;
  if (big) {
    v.width = 640;
    v.height = 480;
    v.duration_ms = 3000;
    v.noise = true;
  }
  return *media::MakeTestVideoBytes(v);
}

TEST(HttpFlow, ResidentSignsUpLogsInWithCookieAndCsrfGuardsChanges) {
  TestApp t;
  auto c = t.Client();
  auto signup = c->Send("POST", "/api/v1/accounts",
                        R"({"username":"dana","password":"correct horse 1","display_name":"Dana"})");
  ASSERT_TRUE(signup.ok());
  ASSERT_EQ(signup->status, 201) << signup->body;
  EXPECT_EQ(Json(signup->body).at("role").as_string(), "resident");

  auto login = c->Send("POST", "/api/v1/sessions", R"({"username":"dana","password":"correct horse 1"})");
  ASSERT_EQ(login->status, 201) << login->body;
  std::string set_cookie = login->Header("set-cookie");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(set_cookie.find("Secure"), std::string::npos);
  std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  std::string csrf(Json(login->body).at("csrf_token").as_string());

  const std::string camera = R"({"name":"front door","kind":"doorbell","location":{"lat":39.8,"lng":-89.65}})";
  auto no_csrf = c->Send("POST", "/api/v1/cameras", camera, {{"Cookie", cookie}});
  EXPECT_EQ(no_csrf->status, 403);
  EXPECT_NE(no_csrf->body.find("X-CSRF-Token"), std::string::npos);
  auto with_csrf =
      c->Send("POST", "/api/v1/cameras", camera, {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  ASSERT_EQ(with_csrf->status, 201) << with_csrf->body;
  auto cam = Json(with_csrf->body);
  EXPECT_TRUE(std::string(cam.at("device_token").as_string()).starts_with("cvd_"));
  EXPECT_EQ(cam.at("retention_days").as_int64(), 60);
  EXPECT_EQ(cam.at("sharing").as_string(), "ask");

  auto me = c->Send("GET", "/api/v1/me", "", {{"Cookie", cookie}});
  EXPECT_EQ(me->status, 200);
  auto logout = c->Send("DELETE", "/api/v1/sessions/current", "",
                        {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(logout->status, 204);
  auto stale = c->Send("GET", "/api/v1/me", "", {{"Cookie", cookie}});
  EXPECT_EQ(stale->status, 401);
  EXPECT_FALSE(stale->Header("www-authenticate").empty());
  // The browser still sends the stale cookie when it logs in again: that must work.
  auto again = c->Send("POST", "/api/v1/sessions",
                       R"({"username":"dana","password":"correct horse 1"})", {{"Cookie", cookie}});
  EXPECT_EQ(again->status, 201) << again->body;
}

TEST(HttpFlow, LoginsAreThrottledWithRetryAfter) {
  TestApp t;
  t.Make(Role::kResident, "erin");
  auto c = t.Client();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(c->Send("POST", "/api/v1/sessions", R"({"username":"erin","password":"wrong-wrong"})")
                  ->status,
              401);
  }
  auto locked = c->Send("POST", "/api/v1/sessions", R"({"username":"erin","password":"password1234"})");
  EXPECT_EQ(locked->status, 429);
  EXPECT_FALSE(locked->Header("retry-after").empty());
}

TEST(HttpFlow, DeviceUploadsOwnerPlaysWithRangeAndDeletes) {
  TestApp t;
  auto owner = t.Make(Role::kResident, "owner");
  std::string device = t.MakeCamera(owner);
  std::string video = Video(1, /*big=*/true);
  ASSERT_GT(video.size(), 1u << 20);
  auto up = agent::UploadClip(video, UploadTo(t, device), *Random::System());
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  EXPECT_FALSE(up->already_stored);
  auto clip = Json(up->clip_json);
  std::string id(clip.at("id").as_string());
  EXPECT_EQ(clip.at("sha256").as_string(), Sha256Hex(video));

  auto again = agent::UploadClip(video, UploadTo(t, device), *Random::System());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already_stored);

  auto c = t.Client();
  auto list = c->Send("GET", "/api/v1/clips", "", Bearer(owner.token));
  ASSERT_EQ(list->status, 200);
  EXPECT_EQ(Json(list->body).at("clips").as_array().size(), 1u);
  auto full = c->Send("GET", "/api/v1/clips/" + id + "/content", "", Bearer(owner.token));
  ASSERT_EQ(full->status, 200);
  EXPECT_EQ(full->body, video);
  EXPECT_EQ(full->Header("content-type"), "video/mp4");
  auto h = Bearer(owner.token);
  h.push_back({"Range", "bytes=1048570-1048585"});
  auto part = c->Send("GET", "/api/v1/clips/" + id + "/content", "", h);
  ASSERT_EQ(part->status, 206);
  EXPECT_EQ(part->body, video.substr(1048570, 16));
  EXPECT_EQ(part->Header("content-range"),
            "bytes 1048570-1048585/" + std::to_string(video.size()));
  h.back().second = "bytes=" + std::to_string(video.size()) + "-";
  EXPECT_EQ(c->Send("GET", "/api/v1/clips/" + id + "/content", "", h)->status, 416);

  // Another resident cannot see it, and police have no route to it at all.
  auto other = t.Make(Role::kResident, "neighbour");
  EXPECT_EQ(c->Send("GET", "/api/v1/clips/" + id, "", Bearer(other.token))->status, 404);
  auto officer = t.Make(Role::kOfficer, "officer");
  EXPECT_EQ(c->Send("GET", "/api/v1/clips/" + id + "/content", "", Bearer(officer.token))->status,
            403);

  EXPECT_EQ(c->Send("DELETE", "/api/v1/clips/" + id, "", Bearer(owner.token))->status, 204);
  EXPECT_EQ(c->Send("GET", "/api/v1/clips/" + id, "", Bearer(owner.token))->status, 404);
}

TEST(HttpFlow, UploadResumesAfterTheConnectionIsKilledMidChunk) {
  TestApp t;
  auto owner = t.Make(Role::kResident, "owner");
  std::string device = t.MakeCamera(owner);
  std::string video = Video(2, /*big=*/true);
  ASSERT_GT(video.size(), 2u << 20);
  auto c = t.Client();
  json::object decl{{"sha256", Sha256Hex(video)},
                    {"size_bytes", static_cast<int64_t>(video.size())},
                    {"started_at", FormatRfc3339(SystemClock::Get()->NowMicros() - 60'000'000)},
                    {"ended_at", FormatRfc3339(SystemClock::Get()->NowMicros() - 30'000'000)}};
  auto start = c->Send("POST", "/api/v1/uploads", json::serialize(decl), Bearer(device));
  ASSERT_EQ(start->status, 201) << start->body;
  std::string id(Json(start->body).at("upload_id").as_string());
  auto h = Bearer(device);
  h.push_back({"Upload-Offset", "0"});
  h.push_back({"Content-Type", "application/offset+octet-stream"});
  auto first = c->Send("PATCH", "/api/v1/uploads/" + id, video.substr(0, 1 << 20), h);
  ASSERT_EQ(first->status, 200) << first->body;
  // The second chunk dies half-way: the client is killed mid-body.
  h[1].second = std::to_string(1 << 20);
  ASSERT_TRUE(c->SendAndAbort("PATCH", "/api/v1/uploads/" + id, h, 1 << 20,
                              video.substr(1 << 20, 300'000)).ok());
  auto status = t.Client()->Send("GET", "/api/v1/uploads/" + id, "", Bearer(device));
  ASSERT_EQ(status->status, 200);
  EXPECT_EQ(Json(status->body).at("received_bytes").as_int64(), 1 << 20);
  EXPECT_EQ(status->Header("upload-offset"), std::to_string(1 << 20));
  // The agent resumes and finishes.
  auto o = UploadTo(t, device);
  o.started_at_us = *ParseRfc3339(std::string(decl["started_at"].as_string()));
  o.ended_at_us = *ParseRfc3339(std::string(decl["ended_at"].as_string()));
  auto done = agent::UploadClip(video, o, *Random::System());
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  auto clips = t.Client()->Send("GET", "/api/v1/clips", "", Bearer(owner.token));
  EXPECT_EQ(Json(clips->body).at("clips").as_array().size(), 1u);
}

TEST(HttpFlow, EndToEndEncryptedUploadIsOpenedOnlyByTheOwner) {
  TestApp t;
  auto owner = t.Make(Role::kResident, "owner");
  std::string device = t.MakeCamera(owner);
  media::E2eeKeyPair keys = media::NewE2eeKeyPair();
  auto c = t.Client();
  auto set = c->Send("PUT", "/api/v1/me/e2ee-key",
                     json::serialize(json::object{{"public_key", Base64Encode(keys.public_key)}}),
                     Bearer(owner.token));
  ASSERT_EQ(set->status, 200) << set->body;
  std::string video = Video(3);
  auto o = UploadTo(t, device);
  o.e2ee = true;
  auto up = agent::UploadClip(video, o, *Random::System());
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  std::string id(Json(up->clip_json).at("id").as_string());
  EXPECT_TRUE(Json(up->clip_json).at("e2ee").as_bool());
  auto sealed = c->Send("GET", "/api/v1/clips/" + id + "/content", "", Bearer(owner.token));
  ASSERT_EQ(sealed->status, 200);
  EXPECT_NE(sealed->body, video);
  EXPECT_EQ(*media::OpenSealed(keys.public_key, keys.secret_key, sealed->body), video);
}

// Reads from a raw socket until `needle` appears or the deadline passes.
bool ReadUntil(int fd, const std::string& needle, std::string* got, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[4096];
  while (got->find(needle) == std::string::npos) {
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    deadline - std::chrono::steady_clock::now()).count());
    if (left <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, left) <= 0) return false;
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    got->append(buf, static_cast<size_t>(n));
  }
  return true;
}

TEST(HttpFlow, MotionReachesTheOwnerLiveOverServerSentEvents) {
  TestApp t;
  auto owner = t.Make(Role::kResident, "owner");
  auto other = t.Make(Role::kResident, "other");
  std::string device = t.MakeCamera(owner);
  auto open_stream = [&](const std::string& token) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(t.app().port());
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    std::string req = "GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                      "\r\nAccept: text/event-stream\r\n\r\n";
    EXPECT_EQ(write(fd, req.data(), req.size()), static_cast<ssize_t>(req.size()));
    return fd;
  };
  int mine = open_stream(owner.token), theirs = open_stream(other.token);
  std::string got, their_got;
  ASSERT_TRUE(ReadUntil(mine, ": connected", &got, 5000)) << got;
  EXPECT_NE(got.find("text/event-stream"), std::string::npos);
  ASSERT_TRUE(ReadUntil(theirs, ": connected", &their_got, 5000));
  auto now = FormatRfc3339(SystemClock::Get()->NowMicros());
  auto m = t.Client()->Send("POST", "/api/v1/motion",
                            R"({"at":")" + now + R"(","score":0.5})", Bearer(device));
  ASSERT_EQ(m->status, 201) << m->body;
  ASSERT_TRUE(ReadUntil(mine, "event: motion", &got, 5000)) << got;
  EXPECT_FALSE(ReadUntil(theirs, "event: motion", &their_got, 300)) << "leaked to another resident";
  close(mine);
  close(theirs);
}

}  // namespace
}  // namespace canvass
