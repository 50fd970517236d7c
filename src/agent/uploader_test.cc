#include "agent/uploader.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <thread>

#include "agent/agent_test_util.h"
#include "common/encoding.h"
#include "common/time_format.h"
#include "media/e2ee.h"
#include "media/test_video.h"
#include "testing/test_app.h"

namespace canvass::agent {
namespace {

namespace json = boost::json;
using canvass::testing::Bearer;
using canvass::testing::TestApp;
using testing::TempDir;

std::string Video(uint32_t seed) {
  return *media::MakeTestVideoBytes({.duration_ms = 2000, .seed = seed});
}

// Queues a clip of `bytes` recorded a minute ago, and a motion event.
void Queue(Outbox& box, const std::string& bytes, bool e2ee = false) {
  const int64_t now = SystemClock::Get()->NowMicros();
  const std::string path = box.TempPath(".mp4");
  ASSERT_TRUE(FileSystem::Posix()->WriteFileAtomic(path, bytes).ok());
  ASSERT_TRUE(box.EnqueueClip("porch", path, now - 60'000'000, now - 58'000'000, e2ee).ok());
  const std::string motion = json::serialize(
      json::object{{"at", FormatRfc3339(now - 60'000'000)}, {"score", 0.25}});
  ASSERT_TRUE(box.EnqueueMessage(OutboxKind::kMotion, "porch", motion).ok());
}

// Simulated time that runs out: Run returns once `limit_us` have been slept.
class SleeperWithLimit final : public Sleeper {
 public:
  explicit SleeperWithLimit(int64_t limit_us) : limit_us_(limit_us) {}
  bool SleepUs(int64_t duration_us, const std::atomic<bool>&) override {
    total_us_ += duration_us;
    return total_us_ < limit_us_;
  }
  int64_t total_us() const { return total_us_; }

 private:
  int64_t limit_us_;
  int64_t total_us_ = 0;
};

json::array Clips(TestApp& t, const std::string& token) {
  auto r = t.Client()->Send("GET", "/api/v1/clips", "", Bearer(token));
  return json::parse(r->body).at("clips").as_array();
}

// A server with one owner and their camera "porch", an empty outbox, and simulated time.
struct ServerWithCamera {
  TempDir dir;
  TestApp t;
  TestApp::Login owner = t.Make(Role::kResident, "owner");
  std::string device = t.MakeCamera(owner);
  std::unique_ptr<Outbox> box = *Outbox::Open(FileSystem::Posix(), dir.path(), 1 << 30);
  SimulatedClock clock{testing::kT0us};
  SimulatedSleeper sleeper{&clock};

  UploaderOptions Options() {
    return {.server_url = t.url(), .cameras = {{"porch", {device, ""}}}};
  }
};

TEST(Uploader, NothingIsLostWhileTheServerIsDownForMinutes) {
  TempDir dir;
  TestApp t;
  auto owner = t.Make(Role::kResident, "owner");
  const std::string device = t.MakeCamera(owner);
  auto box = *Outbox::Open(FileSystem::Posix(), dir.path(), 1 << 30);
  Queue(*box, Video(1));

  // Down: nothing listens on port 1. Five simulated minutes of retries.
  SimulatedClock clock(testing::kT0us);
  SimulatedSleeper sleeper(&clock);
  UploaderOptions o{.server_url = "http://127.0.0.1:1",
                    .cameras = {{"porch", {device, ""}}},
                    .backoff_min_ms = 500,
                    .backoff_max_ms = 60000};
  {
    SleeperWithLimit five_minutes(5 * 60 * 1'000'000LL);
    Uploader down(box.get(), o, &five_minutes, Random::System());
    std::atomic<bool> stop{false};
    down.Run(stop);
    // Waits of 0.5, 1, 2, ... 32 s, then 60 s: 11 tries in 5 minutes, not thousands.
    EXPECT_EQ(down.failures(), 11);
    EXPECT_EQ(down.backoff_ms(), 60000);
    EXPECT_EQ(down.sent(), 0);
  }
  EXPECT_EQ(box->pending(), 2u);

  // Up again: everything goes, motion first.
  o.server_url = t.url();
  Uploader up(box.get(), o, &sleeper, Random::System());
  auto first = up.SendNext();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto motion = t.Client()->Send("GET", "/api/v1/motion", "", Bearer(owner.token));
  EXPECT_EQ(json::parse(motion->body).at("motion").as_array().size(), 1u);
  ASSERT_TRUE(up.SendNext().ok());
  EXPECT_EQ(*up.SendNext(), Uploader::Result::kEmpty);
  EXPECT_EQ(Clips(t, owner.token).size(), 1u);
}

TEST(Uploader, ARepeatedClipIsStoredOnce) {
  ServerWithCamera e;
  TestApp& t = e.t;
  Outbox* box = e.box.get();
  const std::string video = Video(2);
  Queue(*box, video);
  Queue(*box, video);  // e.g. a crash after the server stored it, before Complete
  Uploader up(box, e.Options(), &e.sleeper, Random::System());
  for (int i = 0; i < 4; ++i) ASSERT_EQ(*up.SendNext(), Uploader::Result::kSent);
  EXPECT_EQ(Clips(t, e.owner.token).size(), 1u);
}

TEST(Uploader, RefusedItemsDoNotBlockTheQueue) {
  ServerWithCamera e;
  Outbox* box = e.box.get();
  ASSERT_TRUE(box->EnqueueMessage(OutboxKind::kMotion, "porch",
                                  R"({"at":"2001-01-01T00:00:00Z","score":0.5})")
                  .ok());
  Queue(*box, Video(3));
  Uploader up(box, e.Options(), &e.sleeper, Random::System());
  EXPECT_EQ(*up.SendNext(), Uploader::Result::kRefused);  // a day old: never accepted
  EXPECT_EQ(*up.SendNext(), Uploader::Result::kSent);
  EXPECT_EQ(*up.SendNext(), Uploader::Result::kSent);
  EXPECT_EQ(box->pending(), 0u);
}

TEST(Uploader, EndToEndClipsWaitForTheOwnersKeyThenArriveSealed) {
  ServerWithCamera e;
  TestApp& t = e.t;
  Outbox* box = e.box.get();
  const std::string video = Video(4);
  Queue(*box, video, /*e2ee=*/true);
  Uploader up(box, e.Options(), &e.sleeper, Random::System());
  ASSERT_EQ(*up.SendNext(), Uploader::Result::kSent);  // motion
  // No owner key yet: the clip waits, unsent and unsealed.
  auto waiting = up.SendNext();
  EXPECT_EQ(waiting.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(box->pending(), 1u);
  media::E2eeKeyPair keys = media::NewE2eeKeyPair();
  auto set = t.Client()->Send(
      "PUT", "/api/v1/me/e2ee-key",
      json::serialize(json::object{{"public_key", Base64Encode(keys.public_key)}}),
      Bearer(e.owner.token));
  ASSERT_EQ(set->status, 200) << set->body;
  ASSERT_EQ(*up.SendNext(), Uploader::Result::kSent);
  auto clips = Clips(t, e.owner.token);
  ASSERT_EQ(clips.size(), 1u);
  EXPECT_TRUE(clips[0].at("e2ee").as_bool());
  const std::string id(clips[0].at("id").as_string());
  auto sealed =
      t.Client()->Send("GET", "/api/v1/clips/" + id + "/content", "", Bearer(e.owner.token));
  EXPECT_EQ(*media::OpenSealed(keys.public_key, keys.secret_key, sealed->body), video);
}

}  // namespace
}  // namespace canvass::agent
