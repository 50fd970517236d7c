#include "media/probe.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "common/file_system.h"
#include "common/random.h"
#include "media/clip_cipher.h"
#include "media/libav_util.h"
#include "media/test_video.h"

namespace canvass::media {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

ReadAtFn ReaderOver(const std::string& data) {
  return [&data](int64_t offset, size_t n) -> StatusOr<std::string> {
    if (offset < 0) return InvalidArgumentError("negative offset");
    if (offset >= static_cast<int64_t>(data.size())) return std::string();
    return data.substr(static_cast<size_t>(offset), n);
  };
}

StatusOr<VideoInfo> ProbeBytes(const std::string& data) {
  return ProbeVideo(ReaderOver(data), static_cast<int64_t>(data.size()));
}

const std::string& TestVideo() {
  static const std::string* bytes = [] {
    StatusOr<std::string> b = MakeTestVideoBytes(TestVideoOptions{});
    return new std::string(b.ok() ? *b : std::string());
  }();
  return *bytes;
}

// One still image encoded by libavcodec ("png" or "mjpeg"): the packet is the whole file.
std::string EncodeStillImage(const char* encoder, AVPixelFormat pix_fmt) {
  const AVCodec* codec = avcodec_find_encoder_by_name(encoder);
  if (codec == nullptr) return "";
  AvCodecContextPtr c(avcodec_alloc_context3(codec));
  c->width = 64;
  c->height = 48;
  c->pix_fmt = pix_fmt;
  c->time_base = AVRational{1, 25};
  if (avcodec_open2(c.get(), codec, nullptr) < 0) return "";
  AvFramePtr frame(av_frame_alloc());
  frame->format = pix_fmt;
  frame->width = c->width;
  frame->height = c->height;
  if (av_frame_get_buffer(frame.get(), 0) < 0) return "";
  for (int plane = 0; plane < 4 && frame->data[plane] != nullptr; ++plane) {
    const int rows = plane == 0 ? c->height : c->height / 2;
    for (int y = 0; y < rows; ++y) {
      for (int x = 0; x < frame->linesize[plane]; ++x) {
        frame->data[plane][y * frame->linesize[plane] + x] = static_cast<uint8_t>(x * 3 + y);
      }
    }
  }
  frame->pts = 0;
  AvPacketPtr packet(av_packet_alloc());
  if (avcodec_send_frame(c.get(), frame.get()) < 0) return "";
  if (avcodec_send_frame(c.get(), nullptr) < 0) return "";
  std::string out;
  while (avcodec_receive_packet(c.get(), packet.get()) == 0) {
    out.append(reinterpret_cast<const char*>(packet->data), static_cast<size_t>(packet->size));
    av_packet_unref(packet.get());
  }
  return out;
}

// A 1-second mono 8 kHz 16-bit PCM WAV file.
std::string WavBytes() {
  const uint32_t samples = 8000;
  const uint32_t data_bytes = samples * 2;
  std::string out;
  auto u32 = [&out](uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  auto u16 = [&out](uint16_t v) {
    out.push_back(static_cast<char>(v & 0xff));
    out.push_back(static_cast<char>(v >> 8));
  };
  out += "RIFF";
  u32(36 + data_bytes);
  out += "WAVEfmt ";
  u32(16);
  u16(1);         // PCM
  u16(1);         // mono
  u32(8000);      // sample rate
  u32(8000 * 2);  // byte rate
  u16(2);         // block align
  u16(16);        // bits per sample
  out += "data";
  u32(data_bytes);
  for (uint32_t i = 0; i < samples; ++i) u16(static_cast<uint16_t>((i * 37) & 0x3fff));
  return out;
}

TEST(ProbeTest, ProbesTestVideo) {
  ASSERT_FALSE(TestVideo().empty());
  StatusOr<VideoInfo> info = ProbeBytes(TestVideo());
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->container, "mp4");
  EXPECT_EQ(info->video_codec, TestVideoCodec());
  EXPECT_EQ(info->width, 320);
  EXPECT_EQ(info->height, 240);
  EXPECT_NEAR(info->duration_us, 2000000, 100000);
  EXPECT_FALSE(info->has_audio);
}

TEST(ProbeTest, ProbesFileOnDisk) {
  char path[] = "/tmp/canvass-probe-test-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  TestVideoOptions options;
  options.width = 160;
  options.height = 120;
  options.with_audio = true;
  ASSERT_TRUE(WriteTestVideo(path, options).ok());
  StatusOr<VideoInfo> info = ProbeVideoFile(path);
  ::unlink(path);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->width, 160);
  EXPECT_EQ(info->height, 120);
  EXPECT_TRUE(info->has_audio);
}

TEST(ProbeTest, MissingFileIsNotFound) {
  EXPECT_EQ(ProbeVideoFile("/nonexistent/canvass/clip.mp4").status().code(), Code::kNotFound);
}

TEST(ProbeTest, RefusesGarbage) {
  DeterministicRandom random(9);
  StatusOr<VideoInfo> info = ProbeBytes(random.Bytes(100000));
  EXPECT_EQ(info.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(info.status().message(), StartsWith("not a video"));
  StatusOr<VideoInfo> text = ProbeBytes("hello, this is a text file and not a video at all\n");
  EXPECT_EQ(text.status().code(), Code::kInvalidArgument);
}

TEST(ProbeTest, RefusesEmptyAndNegativeSize) {
  EXPECT_EQ(ProbeBytes("").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ProbeVideo(ReaderOver(""), -1).status().code(), Code::kInvalidArgument);
}

TEST(ProbeTest, RefusesTruncatedMp4) {
  // The moov box is at the end, so the first half has no index.
  const std::string half = TestVideo().substr(0, TestVideo().size() / 2);
  StatusOr<VideoInfo> info = ProbeBytes(half);
  EXPECT_EQ(info.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(info.status().message(), StartsWith("not a video"));
}

TEST(ProbeTest, RefusesStillImages) {
  const std::string png = EncodeStillImage("png", AV_PIX_FMT_RGB24);
  ASSERT_FALSE(png.empty());
  ASSERT_EQ(png.substr(1, 3), "PNG");
  StatusOr<VideoInfo> png_info = ProbeBytes(png);
  EXPECT_EQ(png_info.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(png_info.status().message(), StartsWith("not a video"));

  const std::string jpeg = EncodeStillImage("mjpeg", AV_PIX_FMT_YUVJ420P);
  ASSERT_FALSE(jpeg.empty());
  StatusOr<VideoInfo> jpeg_info = ProbeBytes(jpeg);
  EXPECT_EQ(jpeg_info.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(jpeg_info.status().message(), StartsWith("not a video"));
}

TEST(ProbeTest, RefusesAudioOnly) {
  StatusOr<VideoInfo> info = ProbeBytes(WavBytes());
  EXPECT_EQ(info.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(info.status().message(), StartsWith("no video stream"));
}

TEST(ProbeTest, RefusesPlaylistsThatNameOtherFiles) {
  char path[] = "/tmp/canvass-probe-playlist-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  ASSERT_TRUE(WriteTestVideo(path, TestVideoOptions{}).ok());
  const std::string file(path);
  const std::string hls =
      "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n"
      "#EXTINF:2.0,\nfile://" +
      file + "\n#EXTINF:2.0,\n" + file + "\n#EXT-X-ENDLIST\n";
  const std::string concat = "ffconcat version 1.0\nfile " + file + "\n";
  StatusOr<VideoInfo> hls_info = ProbeBytes(hls);
  StatusOr<VideoInfo> concat_info = ProbeBytes(concat);
  ::unlink(path);
  EXPECT_EQ(hls_info.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(hls_info.status().message(), StartsWith("not a video"));
  EXPECT_EQ(concat_info.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(concat_info.status().message(), StartsWith("not a video"));
}

TEST(ProbeTest, ReadErrorsPassThrough) {
  const std::string& video = TestVideo();
  ReadAtFn failing = [&video](int64_t offset, size_t n) -> StatusOr<std::string> {
    if (offset + static_cast<int64_t>(n) > 4096) return DataLossError("disk block unreadable");
    return video.substr(static_cast<size_t>(offset), n);
  };
  StatusOr<VideoInfo> info = ProbeVideo(failing, static_cast<int64_t>(video.size()));
  EXPECT_EQ(info.status().code(), Code::kDataLoss);
  EXPECT_EQ(info.status().message(), "disk block unreadable");
}

class MemoryFile final : public RandomAccessFile {
 public:
  explicit MemoryFile(std::string data) : data_(std::move(data)) {}
  StatusOr<std::string> ReadAt(int64_t offset, size_t n) const override {
    if (offset >= static_cast<int64_t>(data_.size())) return std::string();
    return data_.substr(static_cast<size_t>(offset), n);
  }
  StatusOr<int64_t> Size() const override { return static_cast<int64_t>(data_.size()); }

 private:
  std::string data_;
};

class StringWritableFile final : public WritableFile {
 public:
  explicit StringWritableFile(std::string* out) : out_(out) {}
  Status Append(std::string_view data) override {
    out_->append(data);
    return OkStatus();
  }
  Status Sync() override { return OkStatus(); }
  Status Close() override { return OkStatus(); }

 private:
  std::string* out_;
};

TEST(ProbeTest, ProbesEncryptedClipThroughClipReader) {
  const std::string& video = TestVideo();
  DeterministicRandom random(4);
  const ClipKey key = NewClipKey(random);
  std::string cipher;
  StringWritableFile file(&cipher);
  SegmentWriter writer(key, static_cast<int64_t>(video.size()), 0, &file);
  ASSERT_TRUE(writer.Append(video).ok());
  ASSERT_TRUE(writer.done());

  auto reader = ClipReader::Open(std::make_unique<MemoryFile>(cipher), key,
                                 static_cast<int64_t>(video.size()));
  ASSERT_TRUE(reader.ok());
  ClipReader* r = reader->get();
  StatusOr<VideoInfo> info =
      ProbeVideo([r](int64_t offset, size_t n) { return r->ReadAt(offset, n); }, r->size());
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->width, 320);

  // One flipped bit: the probe reports the clip's corruption, not "not a video".
  cipher[cipher.size() / 2] ^= 0x10;
  auto bad_reader = ClipReader::Open(std::make_unique<MemoryFile>(cipher), key,
                                     static_cast<int64_t>(video.size()));
  ASSERT_TRUE(bad_reader.ok());
  ClipReader* br = bad_reader->get();
  StatusOr<VideoInfo> bad =
      ProbeVideo([br](int64_t offset, size_t n) { return br->ReadAt(offset, n); }, br->size());
  EXPECT_EQ(bad.status().code(), Code::kDataLoss);
}

TEST(ProbeTest, ContainerNamesMapToOneExtensionAndMimeType) {
  EXPECT_EQ(ContainerFileExtension("mov"), ".mov");
  EXPECT_EQ(ContainerMimeType("mov"), "video/quicktime");
  EXPECT_EQ(ContainerMimeType("avi"), "video/x-msvideo");
  EXPECT_EQ(ContainerFileExtension("flv"), ".bin");
  EXPECT_EQ(ContainerMimeType("flv"), "application/octet-stream");
}

}  // namespace
}  // namespace canvass::media
