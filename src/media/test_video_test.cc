#include "media/test_video.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "common/file_system.h"
#include "media/probe.h"

namespace canvass::media {
namespace {

StatusOr<VideoInfo> ProbeBytes(const std::string& data) {
  return ProbeVideo(
      [&data](int64_t offset, size_t n) -> StatusOr<std::string> {
        if (offset >= static_cast<int64_t>(data.size())) return std::string();
        return data.substr(static_cast<size_t>(offset), n);
      },
      static_cast<int64_t>(data.size()));
}

TEST(TestVideoTest, CodecIsH264OrMpeg4) {
  const std::string codec = TestVideoCodec();
  EXPECT_TRUE(codec == "h264" || codec == "mpeg4") << codec;
}

TEST(TestVideoTest, WrittenFileProbesBack) {
  struct Case {
    int width, height, fps;
    int64_t duration_ms;
    bool with_audio;
  };
  for (const Case& c : {Case{320, 240, 10, 2000, false}, Case{640, 360, 25, 1000, true},
                        Case{176, 144, 15, 3000, true}}) {
    SCOPED_TRACE(testing::Message() << c.width << "x" << c.height << "@" << c.fps);
    char path[] = "/tmp/canvass-test-video-test-XXXXXX";
    const int fd = ::mkstemp(path);
    ASSERT_GE(fd, 0);
    ::close(fd);
    TestVideoOptions options;
    options.width = c.width;
    options.height = c.height;
    options.fps = c.fps;
    options.duration_ms = c.duration_ms;
    options.with_audio = c.with_audio;
    Status written = WriteTestVideo(path, options);
    ASSERT_TRUE(written.ok()) << written.ToString();
    StatusOr<VideoInfo> info = ProbeVideoFile(path);
    ::unlink(path);
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    EXPECT_EQ(info->container, "mp4");
    EXPECT_EQ(info->video_codec, TestVideoCodec());
    EXPECT_EQ(info->width, c.width);
    EXPECT_EQ(info->height, c.height);
    const int64_t frame_us = 1000000 / c.fps;
    EXPECT_NEAR(info->duration_us, c.duration_ms * 1000, frame_us);
    EXPECT_EQ(info->has_audio, c.with_audio);
  }
}

TEST(TestVideoTest, BytesAreDeterministicAndDifferWithSeed) {
  TestVideoOptions options;
  options.duration_ms = 500;
  StatusOr<std::string> a = MakeTestVideoBytes(options);
  StatusOr<std::string> again = MakeTestVideoBytes(options);
  options.seed = 2;
  StatusOr<std::string> b = MakeTestVideoBytes(options);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_GT(a->size(), 1000u);
  EXPECT_TRUE(*a == *again);
  EXPECT_FALSE(*a == *b);
  StatusOr<VideoInfo> info = ProbeBytes(*b);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_NEAR(info->duration_us, 500000, 100000);
}

TEST(TestVideoTest, ShortestVideoHasOneFrame) {
  TestVideoOptions options;
  options.duration_ms = 1;
  options.with_audio = true;  // Shorter than one audio frame: no audio packets.
  StatusOr<std::string> bytes = MakeTestVideoBytes(options);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  StatusOr<VideoInfo> info = ProbeBytes(*bytes);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_NEAR(info->duration_us, 100000, 10000);
}

TEST(TestVideoTest, RejectsBadOptions) {
  TestVideoOptions odd;
  odd.width = 321;
  Status s = WriteTestVideo("/tmp/canvass-never-written.mp4", odd);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_THAT(s.message(), ::testing::HasSubstr("width must be even"));
  TestVideoOptions no_fps;
  no_fps.fps = 0;
  EXPECT_EQ(MakeTestVideoBytes(no_fps).status().code(), Code::kInvalidArgument);
  TestVideoOptions no_duration;
  no_duration.duration_ms = 0;
  EXPECT_EQ(MakeTestVideoBytes(no_duration).status().code(), Code::kInvalidArgument);
  EXPECT_FALSE(FileSystem::Posix()->Exists("/tmp/canvass-never-written.mp4"));
}

TEST(TestVideoTest, UnwritablePathFailsAndLeavesNothing) {
  Status s = WriteTestVideo("/nonexistent-dir/canvass/clip.mp4", TestVideoOptions{});
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), ::testing::HasSubstr("/nonexistent-dir/canvass/clip.mp4"));
}

}  // namespace
}  // namespace canvass::media
