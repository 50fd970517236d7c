#include "media/redact.h"

#include <dirent.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <functional>

#include "common/file_system.h"
#include "media/libav_util.h"
#include "media/probe.h"
#include "media/test_video.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/display.h>
#include <libswscale/swscale.h>
}

namespace canvass::media {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

// ---- Writing fixtures: Matroska with MPEG-4 Part 2 video (built into libavcodec) and, on
// request, 16-bit PCM audio, which MP4 cannot hold (so RedactClip must re-encode it). ----

struct ClipSpec {
  int width = 320;
  int height = 240;
  int fps = 10;
  int frames = 10;
  // Paints frame `index` (YUV 4:2:0); the default leaves it mid-grey.
  std::function<void(int index, AVFrame* frame)> draw;
  bool pcm_audio = false;
  // When not 0: an MP4 (Matroska in libav 5.1 keeps no rotation) whose display matrix tells
  // players to turn the picture this many degrees clockwise.
  int display_rotation = 0;
};

void FillGrey(AVFrame* f, uint8_t luma) {
  for (int y = 0; y < f->height; ++y) std::memset(f->data[0] + y * f->linesize[0], luma, f->width);
  for (int p = 1; p < 3; ++p) {
    for (int y = 0; y < f->height / 2; ++y) {
      std::memset(f->data[p] + y * f->linesize[p], 128, f->width / 2);
    }
  }
}

Status WriteMkv(const std::string& path, const ClipSpec& spec) {
  AVFormatContext* out = nullptr;
  const char* muxer = spec.display_rotation != 0 ? "mp4" : "matroska";
  if (avformat_alloc_output_context2(&out, nullptr, muxer, path.c_str()) < 0) {
    return InternalError("no muxer");
  }
  std::unique_ptr<AVFormatContext, void (*)(AVFormatContext*)> owner(out, [](AVFormatContext* c) {
    if (c->pb != nullptr) avio_closep(&c->pb);
    avformat_free_context(c);
  });
  const AVCodec* vcodec = avcodec_find_encoder(AV_CODEC_ID_MPEG4);
  AvCodecContextPtr venc(avcodec_alloc_context3(vcodec));
  venc->width = spec.width;
  venc->height = spec.height;
  venc->pix_fmt = AV_PIX_FMT_YUV420P;
  venc->time_base = AVRational{1, spec.fps};
  venc->framerate = AVRational{spec.fps, 1};
  venc->flags |= AV_CODEC_FLAG_QSCALE | AV_CODEC_FLAG_GLOBAL_HEADER;
  venc->global_quality = FF_QP2LAMBDA * 2;  // High quality: the fixture should look as drawn.
  if (avcodec_open2(venc.get(), vcodec, nullptr) < 0) return InternalError("mpeg4 encoder");
  AVStream* vst = avformat_new_stream(out, nullptr);
  vst->time_base = venc->time_base;
  if (avcodec_parameters_from_context(vst->codecpar, venc.get()) < 0) return InternalError("par");
  if (spec.display_rotation != 0) {
    auto* matrix = reinterpret_cast<int32_t*>(
        av_stream_new_side_data(vst, AV_PKT_DATA_DISPLAYMATRIX, 9 * sizeof(int32_t)));
    // av_display_rotation_set takes clockwise degrees (av_display_rotation_get gives them back
    // counterclockwise).
    av_display_rotation_set(matrix, spec.display_rotation);
  }

  constexpr int kRate = 16000;
  AvCodecContextPtr aenc;
  AVStream* ast = nullptr;
  if (spec.pcm_audio) {
    const AVCodec* acodec = avcodec_find_encoder(AV_CODEC_ID_PCM_S16LE);
    aenc.reset(avcodec_alloc_context3(acodec));
    aenc->sample_fmt = AV_SAMPLE_FMT_S16;
    aenc->sample_rate = kRate;
    av_channel_layout_default(&aenc->ch_layout, 1);
    aenc->time_base = AVRational{1, kRate};
    if (avcodec_open2(aenc.get(), acodec, nullptr) < 0) return InternalError("pcm encoder");
    ast = avformat_new_stream(out, nullptr);
    ast->time_base = aenc->time_base;
    if (avcodec_parameters_from_context(ast->codecpar, aenc.get()) < 0) {
      return InternalError("par");
    }
  }
  if (avio_open(&out->pb, path.c_str(), AVIO_FLAG_WRITE) < 0) return InternalError("open");
  if (avformat_write_header(out, nullptr) < 0) return InternalError("header");

  AvPacketPtr packet(av_packet_alloc());
  auto drain = [&](AVCodecContext* enc, AVStream* st) -> Status {
    while (avcodec_receive_packet(enc, packet.get()) == 0) {
      if (packet->duration == 0 && enc == venc.get()) packet->duration = 1;
      av_packet_rescale_ts(packet.get(), enc->time_base, st->time_base);
      packet->stream_index = st->index;
      if (av_interleaved_write_frame(out, packet.get()) < 0) return InternalError("write");
    }
    return OkStatus();
  };
  AvFramePtr frame(av_frame_alloc());
  frame->format = AV_PIX_FMT_YUV420P;
  frame->width = spec.width;
  frame->height = spec.height;
  if (av_frame_get_buffer(frame.get(), 0) < 0) return InternalError("frame");
  const int samples_per_frame = kRate / spec.fps;
  AvFramePtr audio(av_frame_alloc());
  if (spec.pcm_audio) {
    audio->format = AV_SAMPLE_FMT_S16;
    audio->sample_rate = kRate;
    audio->nb_samples = samples_per_frame;
    av_channel_layout_default(&audio->ch_layout, 1);
    if (av_frame_get_buffer(audio.get(), 0) < 0) return InternalError("audio frame");
  }
  for (int i = 0; i < spec.frames; ++i) {
    if (av_frame_make_writable(frame.get()) < 0) return InternalError("writable");
    FillGrey(frame.get(), 128);
    if (spec.draw) spec.draw(i, frame.get());
    frame->pts = i;
    frame->quality = venc->global_quality;
    if (avcodec_send_frame(venc.get(), frame.get()) < 0) return InternalError("encode");
    CANVASS_RETURN_IF_ERROR(drain(venc.get(), vst));
    if (spec.pcm_audio) {
      if (av_frame_make_writable(audio.get()) < 0) return InternalError("writable");
      auto* s = reinterpret_cast<int16_t*>(audio->data[0]);
      for (int k = 0; k < samples_per_frame; ++k) {
        const int n = i * samples_per_frame + k;
        s[k] = static_cast<int16_t>(8000 * std::sin(2 * 3.14159265 * 440 * n / kRate));
      }
      audio->pts = static_cast<int64_t>(i) * samples_per_frame;
      if (avcodec_send_frame(aenc.get(), audio.get()) < 0) return InternalError("encode");
      CANVASS_RETURN_IF_ERROR(drain(aenc.get(), ast));
    }
  }
  avcodec_send_frame(venc.get(), nullptr);
  CANVASS_RETURN_IF_ERROR(drain(venc.get(), vst));
  if (spec.pcm_audio) {
    avcodec_send_frame(aenc.get(), nullptr);
    CANVASS_RETURN_IF_ERROR(drain(aenc.get(), ast));
  }
  if (av_write_trailer(out) < 0) return InternalError("trailer");
  return OkStatus();
}

// A decoded frame (see DecodeFrames).
struct Image {
  int width = 0, height = 0, channels = 1;
  int64_t pts_us = 0;
  std::vector<uint8_t> pixels;  // Packed rows, width * channels bytes each.
  int at(int x, int y) const { return pixels[static_cast<size_t>(y * width + x) * channels]; }
};

// A frame of fine texture: 4x4-pixel checks of luma 60 and 200, shifted a pixel a frame. Lots of
// high-frequency energy, which pixelation removes.
void DrawChecks(int index, AVFrame* f) {
  for (int y = 0; y < f->height; ++y) {
    for (int x = 0; x < f->width; ++x) {
      f->data[0][y * f->linesize[0] + x] = (((x + index) / 4 + y / 4) % 2) ? 200 : 60;
    }
  }
}

// A cartoon face (hair, brows, eyes, nose, mouth) that OpenCV's frontal-face cascade finds,
// drawn as filled ellipses on the luma plane, centred at (cx, cy), about 116x130 px at s = 1.
struct Plane {
  uint8_t* data;
  int stride, width, height;
};
void LumaEllipse(const Plane& p, double cx, double cy, double rx, double ry, uint8_t v,
                 bool top_half = false) {
  for (int y = 0; y < p.height; ++y) {
    if (top_half && y + 0.5 > cy) break;
    for (int x = 0; x < p.width; ++x) {
      const double dx = (x + 0.5 - cx) / rx, dy = (y + 0.5 - cy) / ry;
      if (dx * dx + dy * dy <= 1.0) p.data[y * p.stride + x] = v;
    }
  }
}
void DrawFace(const Plane& p, double cx, double cy, double s) {
  LumaEllipse(p, cx, cy - 25 * s, 58 * s, 55 * s, 42, /*top_half=*/true);  // hair
  LumaEllipse(p, cx, cy, 50 * s, 65 * s, 188);                             // face
  LumaEllipse(p, cx - 20 * s, cy - 20 * s, 14 * s, 4 * s, 51);             // brows
  LumaEllipse(p, cx + 20 * s, cy - 20 * s, 14 * s, 4 * s, 51);
  LumaEllipse(p, cx - 20 * s, cy - 8 * s, 10 * s, 5 * s, 40);  // eyes
  LumaEllipse(p, cx + 20 * s, cy - 8 * s, 10 * s, 5 * s, 40);
  LumaEllipse(p, cx - 2 * s, cy + 7 * s, 2 * s, 12 * s, 141);  // nose
  LumaEllipse(p, cx, cy + 20 * s, 9 * s, 4 * s, 134);
  LumaEllipse(p, cx, cy + 37 * s, 18 * s, 5 * s, 84);  // mouth
}
Plane LumaOf(AVFrame* f) { return Plane{f->data[0], f->linesize[0], f->width, f->height}; }
void DrawMovingFace(int index, AVFrame* f) {
  FillGrey(f, 90);
  DrawFace(LumaOf(f), 150 + 2 * index, 120 + index, 1.0);
}
// The upright face of a portrait (240x320) picture, stored turned a quarter counterclockwise
// in a 320x240 frame: players turn it back 90 degrees clockwise.
void DrawSidewaysFace(int index, AVFrame* f) {
  std::vector<uint8_t> upright(240 * 320, 90);
  DrawFace(Plane{upright.data(), 240, 240, 320}, 120 + index, 160 + 2 * index, 1.0);
  for (int y = 0; y < f->height; ++y) {
    for (int x = 0; x < f->width; ++x) {
      // Turning the stored frame clockwise takes (x, y) to (height - 1 - y, x).
      f->data[0][y * f->linesize[0] + x] = upright[x * 240 + (f->height - 1 - y)];
    }
  }
}
// A packed BGR image turned 90 degrees clockwise, as a player shows it.
Image TurnClockwise(const Image& in) {
  Image out = in;
  out.width = in.height;
  out.height = in.width;
  for (int y = 0; y < in.height; ++y) {
    for (int x = 0; x < in.width; ++x) {
      std::memcpy(&out.pixels[((x * out.width) + (in.height - 1 - y)) * 3],
                  &in.pixels[(y * in.width + x) * 3], 3);
    }
  }
  return out;
}

// ---- Reading outputs back ----

// Every frame of the first video stream, as grey (GRAY8) or BGR24.
StatusOr<std::vector<Image>> DecodeFrames(const std::string& path, AVPixelFormat format) {
  AVFormatContext* in = nullptr;
  if (avformat_open_input(&in, path.c_str(), nullptr, nullptr) < 0) return InternalError("open");
  std::unique_ptr<AVFormatContext, void (*)(AVFormatContext*)> owner(
      in, [](AVFormatContext* c) { avformat_close_input(&c); });
  if (avformat_find_stream_info(in, nullptr) < 0) return InternalError("info");
  const int index = av_find_best_stream(in, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (index < 0) return InternalError("no video");
  AVStream* st = in->streams[index];
  AvCodecContextPtr dec(avcodec_alloc_context3(avcodec_find_decoder(st->codecpar->codec_id)));
  avcodec_parameters_to_context(dec.get(), st->codecpar);
  dec->pkt_timebase = st->time_base;
  if (avcodec_open2(dec.get(), nullptr, nullptr) < 0) return InternalError("decoder");
  AvPacketPtr packet(av_packet_alloc());
  AvFramePtr frame(av_frame_alloc());
  std::vector<Image> out;
  SwsContext* sws = nullptr;
  auto receive = [&] {
    while (avcodec_receive_frame(dec.get(), frame.get()) == 0) {
      Image img;
      img.width = frame->width;
      img.height = frame->height;
      img.channels = format == AV_PIX_FMT_BGR24 ? 3 : 1;
      img.pts_us =
          av_rescale_q(frame->best_effort_timestamp, st->time_base, AVRational{1, 1000000});
      img.pixels.resize(static_cast<size_t>(img.width * img.height * img.channels));
      sws = sws_getCachedContext(sws, frame->width, frame->height,
                                 static_cast<AVPixelFormat>(frame->format), frame->width,
                                 frame->height, format, SWS_POINT, nullptr, nullptr, nullptr);
      uint8_t* dst[4] = {img.pixels.data()};
      int dst_stride[4] = {img.width * img.channels};
      sws_scale(sws, frame->data, frame->linesize, 0, frame->height, dst, dst_stride);
      out.push_back(std::move(img));
    }
  };
  while (av_read_frame(in, packet.get()) >= 0) {
    if (packet->stream_index == index) {
      avcodec_send_packet(dec.get(), packet.get());
      receive();
    }
    av_packet_unref(packet.get());
  }
  avcodec_send_packet(dec.get(), nullptr);
  receive();
  sws_freeContext(sws);
  return out;
}

// "video:h264", "audio:aac", ... for every stream of the file.
std::vector<std::string> StreamCodecs(const std::string& path) {
  AVFormatContext* in = nullptr;
  if (avformat_open_input(&in, path.c_str(), nullptr, nullptr) < 0) return {"unreadable"};
  std::vector<std::string> out;
  for (unsigned i = 0; i < in->nb_streams; ++i) {
    const AVCodecParameters* par = in->streams[i]->codecpar;
    out.push_back(std::string(av_get_media_type_string(par->codec_type)) + ":" +
                  avcodec_get_name(par->codec_id));
  }
  avformat_close_input(&in);
  return out;
}

// Mean absolute difference between horizontally and vertically adjacent pixels in a rectangle.
double EdgeEnergy(const Image& img, int x0, int y0, int x1, int y1) {
  double sum = 0;
  int n = 0;
  for (int y = y0; y < y1 - 1; ++y) {
    for (int x = x0; x < x1 - 1; ++x) {
      sum += std::abs(img.at(x + 1, y) - img.at(x, y)) + std::abs(img.at(x, y + 1) - img.at(x, y));
      n += 2;
    }
  }
  return sum / n;
}

double MeanAbsDiff(const Image& a, const Image& b, int x0, int y0, int x1, int y1) {
  double sum = 0;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) sum += std::abs(a.at(x, y) - b.at(x, y));
  }
  return sum / ((x1 - x0) * (y1 - y0));
}

// Returns a fixed box on every call and counts the calls.
class FixedBoxDetector : public FaceDetector {
 public:
  explicit FixedBoxDetector(std::vector<Box> boxes) : boxes_(std::move(boxes)) {}
  std::vector<Box> Detect(const uint8_t* bgr, int width, int height, int stride) const override {
    EXPECT_NE(bgr, nullptr);
    EXPECT_GE(stride, 3 * width);
    EXPECT_GT(height, 0);
    ++calls_;
    return boxes_;
  }
  int calls() const { return calls_; }

 private:
  std::vector<Box> boxes_;
  mutable std::atomic<int> calls_{0};
};

class RedactTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/canvass-redact-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (const std::string& name : Files()) ::unlink(Path(name).c_str());
    ::rmdir(dir_.c_str());
  }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  std::vector<std::string> Files() const {
    std::vector<std::string> names;
    DIR* d = ::opendir(dir_.c_str());
    if (d == nullptr) return names;
    while (dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(d);
    return names;
  }
  std::string WriteTestClip(const std::string& name, const TestVideoOptions& options) {
    const std::string path = Path(name);
    Status s = WriteTestVideo(path, options);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return path;
  }

  std::string dir_;
};

TestVideoOptions WithAudio() {
  TestVideoOptions o;
  o.width = 320;
  o.height = 240;
  o.fps = 10;
  o.duration_ms = 2000;
  o.with_audio = true;
  return o;
}

// ---- (1) Audio ----

TEST_F(RedactTest, MuteAudioDropsTheAudioStream) {
  const std::string in = WriteTestClip("in.mp4", WithAudio());
  ASSERT_TRUE(ProbeVideoFile(in)->has_audio);
  const std::string out = Path("out.mp4");
  StatusOr<RedactStats> stats = RedactClip(in, out, RedactOptions{.mute_audio = true}, nullptr);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_TRUE(stats->audio_removed);
  EXPECT_EQ(stats->frames, 20);
  StatusOr<VideoInfo> info = ProbeVideoFile(out);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_FALSE(info->has_audio);
  EXPECT_EQ(StreamCodecs(out), std::vector<std::string>{"video:" + TestVideoCodec()});
}

TEST_F(RedactTest, WithoutMuteTheAudioIsCopied) {
  const std::string in = WriteTestClip("in.mp4", WithAudio());
  const std::string out = Path("out.mp4");
  FixedBoxDetector detector({{100, 80, 60, 60}});
  StatusOr<RedactStats> stats = RedactClip(in, out, RedactOptions{.blur_faces = true}, &detector);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_FALSE(stats->audio_removed);
  EXPECT_TRUE(ProbeVideoFile(out)->has_audio);
  EXPECT_THAT(StreamCodecs(out), UnorderedElementsAre("video:" + TestVideoCodec(), "audio:aac"));
}

TEST_F(RedactTest, AudioMp4CannotHoldIsReencodedToAac) {
  const std::string in = Path("in.mkv");
  ASSERT_TRUE(WriteMkv(in, ClipSpec{.frames = 10, .pcm_audio = true}).ok());
  ASSERT_THAT(StreamCodecs(in), UnorderedElementsAre("video:mpeg4", "audio:pcm_s16le"));
  const std::string out = Path("out.mp4");
  StatusOr<RedactStats> stats = RedactClip(in, out, RedactOptions{}, nullptr);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  // Nothing to redact: the video is copied as it is, the audio re-encoded.
  EXPECT_THAT(StreamCodecs(out), UnorderedElementsAre("video:mpeg4", "audio:aac"));
  EXPECT_EQ(stats->frames, 10);
  StatusOr<VideoInfo> info = ProbeVideoFile(out);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->container, "mp4");
  EXPECT_NEAR(info->duration_us, 1000000, 100000);
}

// ---- (2) Pixelation ----

TEST_F(RedactTest, BlurFlattensTheBoxAndLeavesTheRestAlone) {
  const std::string in = Path("in.mkv");
  ASSERT_TRUE(WriteMkv(in, ClipSpec{.frames = 10, .draw = DrawChecks}).ok());
  const std::string out = Path("out.mp4");
  const FaceDetector::Box box{120, 80, 80, 80};
  FixedBoxDetector detector({box});
  StatusOr<RedactStats> stats = RedactClip(in, out, RedactOptions{.blur_faces = true}, &detector);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->frames, 10);
  EXPECT_EQ(stats->faces_blurred, 10);  // One box in each frame.
  EXPECT_EQ(detector.calls(), 4);       // Frames 0, 3, 6 and 9.

  StatusOr<std::vector<Image>> before = DecodeFrames(in, AV_PIX_FMT_GRAY8);
  StatusOr<std::vector<Image>> after = DecodeFrames(out, AV_PIX_FMT_GRAY8);
  ASSERT_TRUE(before.ok() && after.ok());
  ASSERT_EQ(before->size(), 10u);
  ASSERT_EQ(after->size(), 10u);
  for (size_t i = 0; i < before->size(); ++i) {
    SCOPED_TRACE(i);
    const Image& a = (*before)[i];
    const Image& b = (*after)[i];
    ASSERT_EQ(b.width, 320);
    ASSERT_EQ(b.height, 240);
    // Inside the face box: the checks are gone.
    const double energy_in = EdgeEnergy(a, box.x, box.y, box.x + box.w, box.y + box.h);
    const double energy_out = EdgeEnergy(b, box.x, box.y, box.x + box.w, box.y + box.h);
    EXPECT_GT(energy_in, 30);
    EXPECT_LT(energy_out, energy_in / 10) << energy_in << " -> " << energy_out;
    EXPECT_GT(MeanAbsDiff(a, b, box.x, box.y, box.x + box.w, box.y + box.h), 40);
    // Far from it (the box padded by 20% and widened to whole blocks ends by x = 232): as before.
    EXPECT_LT(MeanAbsDiff(a, b, 260, 0, 320, 240), 6);
    EXPECT_LT(MeanAbsDiff(a, b, 0, 0, 80, 240), 6);
    EXPECT_NEAR(EdgeEnergy(b, 260, 0, 320, 240), EdgeEnergy(a, 260, 0, 320, 240), 6);
  }
}

TEST_F(RedactTest, DetectsEveryThirdFrameAndCountsFaces) {
  const std::string in = WriteTestClip("in.mp4", WithAudio());  // 20 frames.
  FixedBoxDetector detector({{10, 10, 40, 40}, {200, 100, 50, 50}});
  StatusOr<RedactStats> stats =
      RedactClip(in, Path("out.mp4"), RedactOptions{.blur_faces = true}, &detector);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(detector.calls(), 7);  // ceil(20 / 3)
  EXPECT_EQ(stats->frames, 20);
  EXPECT_EQ(stats->faces_blurred, 40);

  FixedBoxDetector none({});
  stats = RedactClip(in, Path("out2.mp4"), RedactOptions{.blur_faces = true}, &none);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->faces_blurred, 0);
}

TEST_F(RedactTest, BoxesOutsideTheFrameAreClipped) {
  const std::string in = WriteTestClip("in.mp4", TestVideoOptions{.duration_ms = 500});
  FixedBoxDetector detector({{-50, -50, 100, 100}, {300, 220, 200, 200}, {1000, 1000, 10, 10}});
  StatusOr<RedactStats> stats =
      RedactClip(in, Path("out.mp4"), RedactOptions{.blur_faces = true}, &detector);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->faces_blurred, 2 * stats->frames);  // The third box is off the frame.
}

// ---- (3) The OpenCV detector ----

TEST(RedactFaceDetectorTest, FindsADrawnFaceAndNothingInTestVideo) {
  StatusOr<std::unique_ptr<FaceDetector>> detector = OpenCvFaceDetector();
  ASSERT_TRUE(detector.ok()) << detector.status().ToString();

  // No photograph of a face ships with Debian's opencv-data; a drawn one is enough for the
  // frontal-face cascade (hair, brows, eyes, nose and mouth in the right places).
  AvFramePtr frame(av_frame_alloc());
  frame->format = AV_PIX_FMT_YUV420P;
  frame->width = 320;
  frame->height = 240;
  ASSERT_GE(av_frame_get_buffer(frame.get(), 0), 0);
  FillGrey(frame.get(), 90);
  DrawFace(LumaOf(frame.get()), 160, 120, 1.0);
  std::vector<uint8_t> bgr(320 * 240 * 3);
  for (int y = 0; y < 240; ++y) {
    for (int x = 0; x < 320; ++x) {
      std::memset(&bgr[(y * 320 + x) * 3], frame->data[0][y * frame->linesize[0] + x], 3);
    }
  }
  std::vector<FaceDetector::Box> faces = (*detector)->Detect(bgr.data(), 320, 240, 320 * 3);
  ASSERT_EQ(faces.size(), 1u);
  EXPECT_NEAR(faces[0].x + faces[0].w / 2, 160, 15);
  EXPECT_NEAR(faces[0].y + faces[0].h / 2, 120, 15);
  EXPECT_GT(faces[0].w, 80);

  // The same picture at 1280x960 (scaled down before detection): the box comes back in the
  // frame's own pixels.
  std::vector<uint8_t> big(1280 * 960 * 3);
  for (int y = 0; y < 960; ++y) {
    for (int x = 0; x < 1280; ++x) {
      std::memcpy(&big[(y * 1280 + x) * 3], &bgr[((y / 4) * 320 + x / 4) * 3], 3);
    }
  }
  faces = (*detector)->Detect(big.data(), 1280, 960, 1280 * 3);
  ASSERT_EQ(faces.size(), 1u);
  EXPECT_NEAR(faces[0].x + faces[0].w / 2, 640, 60);
  EXPECT_NEAR(faces[0].y + faces[0].h / 2, 480, 60);

  // Synthetic test video (gradient and a square): no face.
  char path[] = "/tmp/canvass-redact-testvideo-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  ASSERT_TRUE(WriteTestVideo(path, TestVideoOptions{.duration_ms = 300}).ok());
  StatusOr<std::vector<Image>> frames = DecodeFrames(path, AV_PIX_FMT_BGR24);
  ::unlink(path);
  ASSERT_TRUE(frames.ok());
  ASSERT_FALSE(frames->empty());
  for (const Image& img : *frames) {
    EXPECT_TRUE(
        (*detector)->Detect(img.pixels.data(), img.width, img.height, img.width * 3).empty());
  }
}

TEST(RedactFaceDetectorTest, MissingOrBadCascadeIsAClearError) {
  StatusOr<std::unique_ptr<FaceDetector>> missing = OpenCvFaceDetector("/nonexistent/c.xml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("opencv-data"));

  char path[] = "/tmp/canvass-redact-cascade-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "<opencv_storage></opencv_storage>\n", 34), 34);
  ::close(fd);
  StatusOr<std::unique_ptr<FaceDetector>> bad = OpenCvFaceDetector(path);
  ::unlink(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument) << bad.status().ToString();
}

TEST_F(RedactTest, RealDetectorPixelatesADrawnFaceUntilItIsNoLongerFound) {
  StatusOr<std::unique_ptr<FaceDetector>> detector = OpenCvFaceDetector();
  ASSERT_TRUE(detector.ok()) << detector.status().ToString();
  const std::string in = Path("face.mkv");
  ASSERT_TRUE(WriteMkv(in, ClipSpec{.frames = 8, .draw = DrawMovingFace}).ok());
  const std::string out = Path("out.mp4");
  StatusOr<RedactStats> stats =
      RedactClip(in, out, RedactOptions{.blur_faces = true}, detector->get());
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->frames, 8);
  EXPECT_GE(stats->faces_blurred, 8);

  StatusOr<std::vector<Image>> before = DecodeFrames(in, AV_PIX_FMT_BGR24);
  StatusOr<std::vector<Image>> after = DecodeFrames(out, AV_PIX_FMT_BGR24);
  ASSERT_TRUE(before.ok() && after.ok());
  ASSERT_EQ(after->size(), 8u);
  for (size_t i = 0; i < after->size(); ++i) {
    SCOPED_TRACE(i);
    const Image& a = (*before)[i];
    const Image& b = (*after)[i];
    EXPECT_EQ((*detector)->Detect(a.pixels.data(), a.width, a.height, a.width * 3).size(), 1u);
    EXPECT_TRUE((*detector)->Detect(b.pixels.data(), b.width, b.height, b.width * 3).empty());
  }
}

TEST_F(RedactTest, RealDetectorLooksAtRotatedVideoTheWayPlayersShowIt) {
  StatusOr<std::unique_ptr<FaceDetector>> detector = OpenCvFaceDetector();
  ASSERT_TRUE(detector.ok()) << detector.status().ToString();
  const std::string in = Path("portrait.mp4");
  ASSERT_TRUE(
      WriteMkv(in, ClipSpec{.frames = 6, .draw = DrawSidewaysFace, .display_rotation = 90}).ok());
  const std::string out = Path("out.mp4");
  StatusOr<RedactStats> stats =
      RedactClip(in, out, RedactOptions{.blur_faces = true}, detector->get());
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_GE(stats->faces_blurred, 6);

  StatusOr<std::vector<Image>> before = DecodeFrames(in, AV_PIX_FMT_BGR24);
  StatusOr<std::vector<Image>> after = DecodeFrames(out, AV_PIX_FMT_BGR24);
  ASSERT_TRUE(before.ok() && after.ok());
  ASSERT_EQ(after->size(), 6u);
  for (size_t i = 0; i < after->size(); ++i) {
    SCOPED_TRACE(i);
    const Image a = TurnClockwise((*before)[i]);
    const Image b = TurnClockwise((*after)[i]);
    EXPECT_EQ((*detector)->Detect(a.pixels.data(), a.width, a.height, a.width * 3).size(), 1u);
    EXPECT_TRUE((*detector)->Detect(b.pixels.data(), b.width, b.height, b.width * 3).empty());
  }
  // The rotation is kept, so the output plays upright too.
  AVFormatContext* fmt = nullptr;
  ASSERT_GE(avformat_open_input(&fmt, out.c_str(), nullptr, nullptr), 0);
  size_t size = 0;
  const uint8_t* matrix =
      av_stream_get_side_data(fmt->streams[0], AV_PKT_DATA_DISPLAYMATRIX, &size);
  ASSERT_NE(matrix, nullptr);
  EXPECT_NEAR(av_display_rotation_get(reinterpret_cast<const int32_t*>(matrix)), -90, 0.5);
  avformat_close_input(&fmt);
}

// ---- (4) Errors leave nothing behind ----

TEST_F(RedactTest, UndecodableInputIsInvalidArgumentAndLeavesNoFile) {
  const std::string in = Path("garbage.mp4");
  ASSERT_TRUE(FileSystem::Posix()->WriteFileAtomic(in, std::string(4096, 'x')).ok());
  const std::string out = Path("out.mp4");
  FixedBoxDetector detector({});
  StatusOr<RedactStats> stats =
      RedactClip(in, out, RedactOptions{.blur_faces = true, .mute_audio = true}, &detector);
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), Code::kInvalidArgument) << stats.status().ToString();
  EXPECT_THAT(stats.status().message(), HasSubstr("not a decodable video"));
  EXPECT_THAT(Files(), UnorderedElementsAre("garbage.mp4"));  // No output, no temporary file.
}

TEST_F(RedactTest, AudioOnlyInputIsInvalidArgument) {
  // A WAV file: a container libav reads, with audio and no video.
  const std::string in = Path("tone.wav");
  std::string wav = "RIFF";
  auto u32 = [&wav](uint32_t v) {
    for (int i = 0; i < 4; ++i) wav.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  auto u16 = [&wav](uint16_t v) {
    wav.push_back(static_cast<char>(v & 0xff));
    wav.push_back(static_cast<char>(v >> 8));
  };
  u32(36 + 1600);
  wav += "WAVEfmt ";
  u32(16);
  u16(1);
  u16(1);
  u32(8000);
  u32(16000);
  u16(2);
  u16(16);
  wav += "data";
  u32(1600);
  wav += std::string(1600, '\0');
  ASSERT_TRUE(FileSystem::Posix()->WriteFileAtomic(in, wav).ok());
  StatusOr<RedactStats> stats = RedactClip(in, Path("out.mp4"), RedactOptions{}, nullptr);
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), Code::kInvalidArgument) << stats.status().ToString();
  EXPECT_THAT(stats.status().message(), HasSubstr("no video stream"));
  EXPECT_THAT(Files(), UnorderedElementsAre("tone.wav"));
}

TEST_F(RedactTest, FailureLeavesAnExistingOutputUntouched) {
  const std::string in = Path("garbage.mp4");
  ASSERT_TRUE(FileSystem::Posix()->WriteFileAtomic(in, "not a video at all").ok());
  const std::string out = Path("out.mp4");
  ASSERT_TRUE(FileSystem::Posix()->WriteFileAtomic(out, "previous").ok());
  StatusOr<RedactStats> stats = RedactClip(in, out, RedactOptions{.mute_audio = true}, nullptr);
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(*FileSystem::Posix()->ReadFile(out), "previous");
  EXPECT_THAT(Files(), UnorderedElementsAre("garbage.mp4", "out.mp4"));
}

TEST_F(RedactTest, MissingInputIsNotFoundAndBlurWithoutDetectorIsInvalid) {
  StatusOr<RedactStats> stats =
      RedactClip(Path("nope.mp4"), Path("out.mp4"), RedactOptions{}, nullptr);
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), Code::kNotFound) << stats.status().ToString();

  const std::string in = WriteTestClip("in.mp4", TestVideoOptions{.duration_ms = 300});
  stats = RedactClip(in, Path("out.mp4"), RedactOptions{.blur_faces = true}, nullptr);
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(Files(), UnorderedElementsAre("in.mp4"));
}

// ---- (5) Duration, size, timestamps ----

TEST_F(RedactTest, KeepsDurationResolutionAndTimestamps) {
  TestVideoOptions o = WithAudio();
  o.width = 352;
  o.height = 288;
  o.fps = 15;
  o.duration_ms = 1500;
  const std::string in = WriteTestClip("in.mp4", o);
  FixedBoxDetector detector({{100, 100, 64, 64}});
  for (const RedactOptions& options : {RedactOptions{.blur_faces = true, .mute_audio = true},
                                       RedactOptions{.blur_faces = true}, RedactOptions{}}) {
    SCOPED_TRACE(testing::Message() << options.blur_faces << options.mute_audio);
    const std::string out = Path("out.mp4");
    StatusOr<RedactStats> stats = RedactClip(in, out, options, &detector);
    ASSERT_TRUE(stats.ok()) << stats.status().ToString();
    EXPECT_EQ(stats->frames, 23);  // ceil(1.5 s * 15 fps)
    StatusOr<VideoInfo> a = ProbeVideoFile(in);
    StatusOr<VideoInfo> b = ProbeVideoFile(out);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(b->width, 352);
    EXPECT_EQ(b->height, 288);
    EXPECT_EQ(b->container, "mp4");
    EXPECT_NEAR(b->duration_us, a->duration_us, 1000000 / 15);
    EXPECT_EQ(b->has_audio, !options.mute_audio);

    StatusOr<std::vector<Image>> fa = DecodeFrames(in, AV_PIX_FMT_GRAY8);
    StatusOr<std::vector<Image>> fb = DecodeFrames(out, AV_PIX_FMT_GRAY8);
    ASSERT_TRUE(fa.ok() && fb.ok());
    ASSERT_EQ(fa->size(), fb->size());
    for (size_t i = 0; i < fa->size(); ++i) {
      EXPECT_NEAR((*fb)[i].pts_us, (*fa)[i].pts_us, 1) << i;
    }
    EXPECT_THAT(Files(), UnorderedElementsAre("in.mp4", "out.mp4"));  // Replaced, no temp left.
  }
}

}  // namespace
}  // namespace canvass::media
