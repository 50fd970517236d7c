#include "agent/clip_writer.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "agent/agent_test_util.h"
#include "common/time_format.h"
#include "media/probe.h"
#include "media/libav_util.h"
#include "media/synthetic_video.h"


namespace canvass::agent {
namespace {

using testing::kT0us;
using testing::RunPipeline;
using testing::TempDir;
using testing::TestCamera;

media::SyntheticObject MovingBox(int64_t start_ms, int64_t end_ms, double y) {
  media::SyntheticObject o;
  o.start_ms = start_ms;
  o.end_ms = end_ms;
  o.x0 = 0.1;
  o.x1 = 0.9;
  o.y0 = o.y1 = y;
  o.width = 0.12;
  o.height = 0.2;
  return o;
}

// Calls `check(frame)` for every decoded frame of the video at `path`; returns the count.
int ForEachFrame(const std::string& path, const std::function<void(const AVFrame*)>& check) {
  auto n = media::DecodeEveryFrame(path, check);
  EXPECT_TRUE(n.ok()) << n.status().ToString();
  return n.ok() ? static_cast<int>(*n) : -1;
}

const OutboxItem* First(const std::vector<OutboxItem>& items, OutboxKind kind) {
  for (const auto& i : items) {
    if (i.kind == kind) return &i;
  }
  return nullptr;
}

TEST(ClipWriter, ClipStartsWithThePreRoll) {
  TempDir dir;
  media::SyntheticVideoOptions v;
  v.duration_ms = 14000;
  v.gop_frames = 5;  // a key frame every 0.5 s
  v.objects = {MovingBox(6000, 8000, 0.6)};
  ASSERT_TRUE(media::WriteSyntheticVideo(dir.file("in.mp4"), v).ok());
  CameraConfig cam = TestCamera(dir.file("in.mp4"));
  cam.pre_roll_ms = 3000;
  cam.post_roll_ms = 2000;
  auto run = RunPipeline(cam, dir.file("outbox"));
  const OutboxItem* motion = First(run.items, OutboxKind::kMotion);
  const OutboxItem* clip = First(run.items, OutboxKind::kClip);
  ASSERT_NE(motion, nullptr);
  ASSERT_NE(clip, nullptr);
  const int64_t at =
      *ParseRfc3339(std::string(boost::json::parse(motion->body).at("at").as_string()));
  // From the key frame at or before at - 3 s: between 3 and 3.5 s of pre-roll.
  EXPECT_LE(clip->started_at_us, at - 3'000'000);
  EXPECT_GE(clip->started_at_us, at - 3'500'000);
  // Post-roll: the clip goes on 2 s past the last motion (the box leaves at 8 s).
  EXPECT_GE(clip->ended_at_us - kT0us, 9'500'000);
  EXPECT_LE(clip->ended_at_us - kT0us, 11'000'000);
  // The file is a real MP4 of that length, copied rather than re-encoded.
  auto info = media::ProbeVideoFile(dir.file("outbox/sent/" + clip->payload));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->video_codec, "h264");
  EXPECT_NEAR(info->duration_us, clip->ended_at_us - clip->started_at_us, 200'000);
}

TEST(ClipWriter, PrivacyZonesAreMaskedBeforeTheClipIsWritten) {
  TempDir dir;
  media::SyntheticVideoOptions v;
  v.duration_ms = 8000;
  v.noise = 3;
  // One box crosses the whole picture through the zone, so the zone's content changes.
  v.objects = {MovingBox(2000, 6000, 0.6)};
  ASSERT_TRUE(media::WriteSyntheticVideo(dir.file("in.mp4"), v).ok());
  CameraConfig cam = TestCamera(dir.file("in.mp4"));
  cam.privacy_zones = {{{0, 0}, {0.4, 0}, {0.4, 1}, {0, 1}}};  // the left 40%
  auto run = RunPipeline(cam, dir.file("outbox"));
  const OutboxItem* clip = First(run.items, OutboxKind::kClip);
  ASSERT_NE(clip, nullptr);
  int bad = 0;
  const int frames = ForEachFrame(dir.file("outbox/sent/" + clip->payload), [&](const AVFrame* f) {
    const int x_end = f->width * 4 / 10 - 4;  // a margin for the encoder's edge blur
    for (int y = 0; y < f->height; ++y) {
      const uint8_t* row = f->data[0] + static_cast<ptrdiff_t>(y) * f->linesize[0];
      for (int x = 0; x < x_end; ++x) bad += std::abs(row[x] - 16) > 2;
    }
  });
  EXPECT_GT(frames, 20);
  EXPECT_EQ(bad, 0) << "pixels inside the privacy zone that are not the mask's constant";
}

TEST(ClipWriter, RefusesAClipThatDoesNotStartAtAKeyFrame) {
  TempDir dir;
  media::SyntheticVideoOptions v;
  v.duration_ms = 1000;
  ASSERT_TRUE(media::WriteSyntheticVideo(dir.file("in.mp4"), v).ok());
  VideoSource src({.url = dir.file("in.mp4"), .reconnect = false}, SystemClock::Get(),
                  Sleeper::Real());
  std::atomic<bool> stop{false};
  auto key = src.Next(stop);
  auto delta = src.Next(stop);
  ASSERT_TRUE(delta.ok());
  auto w = ClipWriter::Open(src.stream(), dir.file("c.mp4"), {});
  ASSERT_TRUE(w.ok());
  EXPECT_EQ((*w)->Add(*delta).code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace canvass::agent
