#include "agent/motion_detector.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "agent/agent_test_util.h"
#include "common/time_format.h"
#include "media/synthetic_video.h"

namespace canvass::agent {
namespace {

using testing::kT0us;
using testing::RunPipeline;
using testing::TempDir;
using testing::TestCamera;

media::SyntheticObject Box(int64_t start_ms, int64_t end_ms, double y = 0.6) {
  media::SyntheticObject o;
  o.start_ms = start_ms;
  o.end_ms = end_ms;
  o.x0 = 0.15;
  o.x1 = 0.85;
  o.y0 = o.y1 = y;
  o.width = 0.12;
  o.height = 0.2;
  return o;
}

std::vector<int64_t> MotionTimes(const std::vector<OutboxItem>& items) {
  std::vector<int64_t> at;
  for (const auto& i : items) {
    if (i.kind != OutboxKind::kMotion) continue;
    auto v = boost::json::parse(i.body);
    at.push_back(*ParseRfc3339(std::string(v.at("at").as_string())) - kT0us);
  }
  return at;
}

TEST(MotionDetector, FindsTheEventWhereMotionWasMade) {
  TempDir dir;
  media::SyntheticVideoOptions v;
  v.duration_ms = 12000;
  v.noise = 4;  // sensor noise must not count as motion
  v.objects = {Box(4000, 7000)};
  ASSERT_TRUE(media::WriteSyntheticVideo(dir.file("in.mp4"), v).ok());
  auto run = RunPipeline(TestCamera(dir.file("in.mp4")), dir.file("outbox"));
  const auto at = MotionTimes(run.items);
  ASSERT_EQ(at.size(), 1u);
  EXPECT_GE(at[0], 4'000'000);
  EXPECT_LE(at[0], 4'600'000);
  int clips = 0;
  for (const auto& i : run.items) clips += i.kind == OutboxKind::kClip;
  EXPECT_EQ(clips, 1);  // hysteresis: one event, one clip
}

TEST(MotionDetector, StillVideoHasNoEvents) {
  TempDir dir;
  media::SyntheticVideoOptions v;
  v.duration_ms = 8000;
  v.noise = 4;
  ASSERT_TRUE(media::WriteSyntheticVideo(dir.file("in.mp4"), v).ok());
  auto run = RunPipeline(TestCamera(dir.file("in.mp4")), dir.file("outbox"));
  EXPECT_TRUE(run.items.empty());
  EXPECT_GT(run.stats.frames_analysed, 30);
}

TEST(MotionDetector, TwoSeparateMovementsAreTwoEvents) {
  TempDir dir;
  media::SyntheticVideoOptions v;
  v.duration_ms = 16000;
  v.objects = {Box(2000, 4000), Box(10000, 12000)};
  ASSERT_TRUE(media::WriteSyntheticVideo(dir.file("in.mp4"), v).ok());
  auto run = RunPipeline(TestCamera(dir.file("in.mp4")), dir.file("outbox"));
  const auto at = MotionTimes(run.items);
  ASSERT_EQ(at.size(), 2u);
  EXPECT_NEAR(at[0], 2'000'000, 600'000);
  EXPECT_NEAR(at[1], 10'000'000, 600'000);
}

TEST(MotionDetector, MotionInsideAPrivacyZoneIsIgnored) {
  TempDir dir;
  media::SyntheticVideoOptions v;
  v.duration_ms = 8000;
  v.objects = {Box(2000, 6000, 0.25)};  // moves along the top band only
  ASSERT_TRUE(media::WriteSyntheticVideo(dir.file("in.mp4"), v).ok());
  CameraConfig cam = TestCamera(dir.file("in.mp4"));
  cam.privacy_zones = {{{0, 0}, {1, 0}, {1, 0.45}, {0, 0.45}}};
  auto run = RunPipeline(cam, dir.file("outbox"));
  EXPECT_TRUE(run.items.empty());
}

TEST(MotionDetector, LightingChangeIsNotMotion) {
  MotionDetector d({});
  std::vector<uint8_t> dark(64 * 48, 30), bright(64 * 48, 200);
  d.Process(dark.data(), 64, 48, 64);
  MotionResult r = d.Process(bright.data(), 64, 48, 64);
  EXPECT_TRUE(r.lighting_change);
  EXPECT_FALSE(r.motion);
  EXPECT_FALSE(d.Process(bright.data(), 64, 48, 64).motion);
}

TEST(MotionEventTracker, NeedsConsecutiveFramesAndEndsAfterQuiet) {
  MotionEventTracker t(2, 1'000'000);
  using C = MotionEventTracker::Change;
  EXPECT_EQ(t.Update(true, 0), C::kNone);
  EXPECT_EQ(t.Update(false, 200'000), C::kNone);  // a single frame is noise
  EXPECT_EQ(t.Update(true, 400'000), C::kNone);
  EXPECT_EQ(t.Update(true, 600'000), C::kStarted);
  EXPECT_EQ(t.started_at_us(), 400'000);
  EXPECT_EQ(t.Update(false, 1'000'000), C::kNone);
  EXPECT_EQ(t.Update(true, 1'200'000), C::kNone);  // still the same event
  EXPECT_EQ(t.Update(false, 2'100'000), C::kNone);
  EXPECT_EQ(t.Update(false, 2'200'000), C::kEnded);
}

}  // namespace
}  // namespace canvass::agent
