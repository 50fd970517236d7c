#include "media/test_video.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "common/file_system.h"
#include "media/libav_util.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libavutil/samplefmt.h>
}

namespace canvass::media {
namespace {

constexpr int kAudioSampleRate = 48000;

// splitmix64: turns the seed into well-mixed parameters.
uint64_t Mix(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The seeded picture: everything that differs between seeds.
struct Scene {
  int square_size;
  uint8_t square_y, square_u, square_v;
  int x0, y0, dx, dy;
  int phase;
  int tone_hz;
};

Scene MakeScene(const TestVideoOptions& o) {
  uint64_t state = o.seed;
  Scene s;
  const int small_side = std::min(o.width, o.height);
  s.square_size = std::max(4, small_side / 6 + static_cast<int>(Mix(state) % (small_side / 6 + 1)));
  s.square_size = std::min(s.square_size, small_side);
  s.square_y = static_cast<uint8_t>(40 + Mix(state) % 180);
  s.square_u = static_cast<uint8_t>(Mix(state) % 256);
  s.square_v = static_cast<uint8_t>(Mix(state) % 256);
  s.x0 = static_cast<int>(Mix(state) % static_cast<uint64_t>(o.width - s.square_size + 1));
  s.y0 = static_cast<int>(Mix(state) % static_cast<uint64_t>(o.height - s.square_size + 1));
  s.dx = (1 + static_cast<int>(Mix(state) % 8)) * ((Mix(state) & 1) ? 1 : -1);
  s.dy = (1 + static_cast<int>(Mix(state) % 8)) * ((Mix(state) & 1) ? 1 : -1);
  s.phase = static_cast<int>(Mix(state) % 256);
  s.tone_hz = 220 + 55 * static_cast<int>(Mix(state) % 8);
  return s;
}

// Position along one axis after `steps` steps of `speed`, bouncing between 0 and `limit`.
int Bounce(int start, int speed, int64_t steps, int limit) {
  if (limit <= 0) return 0;
  const int64_t period = 2 * static_cast<int64_t>(limit);
  int64_t p = (start + speed * steps) % period;
  if (p < 0) p += period;
  return static_cast<int>(p <= limit ? p : period - p);
}

void DrawFrame(const Scene& s, const TestVideoOptions& o, int64_t index, AVFrame* frame) {
  const int shift = static_cast<int>(index * 3);
  for (int y = 0; y < o.height; ++y) {
    uint8_t* row = frame->data[0] + static_cast<ptrdiff_t>(y) * frame->linesize[0];
    for (int x = 0; x < o.width; ++x) {
      row[x] = static_cast<uint8_t>(16 + (x * 200 / o.width + y * 20 / o.height + s.phase + shift) %
                                             200);
    }
  }
  for (int y = 0; y < o.height / 2; ++y) {
    uint8_t* u = frame->data[1] + static_cast<ptrdiff_t>(y) * frame->linesize[1];
    uint8_t* v = frame->data[2] + static_cast<ptrdiff_t>(y) * frame->linesize[2];
    for (int x = 0; x < o.width / 2; ++x) {
      u[x] = static_cast<uint8_t>(64 + (x * 128 / (o.width / 2) + s.phase) % 128);
      v[x] = static_cast<uint8_t>(64 + (y * 128 / (o.height / 2) + 2 * s.phase) % 128);
    }
  }
  if (o.noise) {
    uint64_t state = (uint64_t{o.seed} << 32) ^ static_cast<uint64_t>(index + 1);
    for (int y = 0; y < o.height; ++y) {
      uint8_t* row = frame->data[0] + static_cast<ptrdiff_t>(y) * frame->linesize[0];
      for (int x = 0; x < o.width; ++x) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        row[x] = static_cast<uint8_t>(row[x] + (state & 63) - 32);
      }
    }
  }
  const int sx = Bounce(s.x0, s.dx, index, o.width - s.square_size) & ~1;
  const int sy = Bounce(s.y0, s.dy, index, o.height - s.square_size) & ~1;
  const int side = s.square_size & ~1;
  for (int y = sy; y < sy + side; ++y) {
    std::fill_n(frame->data[0] + static_cast<ptrdiff_t>(y) * frame->linesize[0] + sx, side,
                s.square_y);
  }
  for (int y = sy / 2; y < (sy + side) / 2; ++y) {
    std::fill_n(frame->data[1] + static_cast<ptrdiff_t>(y) * frame->linesize[1] + sx / 2, side / 2,
                s.square_u);
    std::fill_n(frame->data[2] + static_cast<ptrdiff_t>(y) * frame->linesize[2] + sx / 2, side / 2,
                s.square_v);
  }
}

void FillTone(const Scene& s, int64_t first_sample, AVFrame* frame) {
  const auto fmt = static_cast<AVSampleFormat>(frame->format);
  for (int i = 0; i < frame->nb_samples; ++i) {
    const double t = static_cast<double>(first_sample + i) / kAudioSampleRate;
    const double value = 0.3 * std::sin(2 * std::numbers::pi * s.tone_hz * t);
    switch (fmt) {
      case AV_SAMPLE_FMT_FLT:
      case AV_SAMPLE_FMT_FLTP:
        reinterpret_cast<float*>(frame->data[0])[i] = static_cast<float>(value);
        break;
      case AV_SAMPLE_FMT_S16:
      case AV_SAMPLE_FMT_S16P:
        reinterpret_cast<int16_t*>(frame->data[0])[i] = static_cast<int16_t>(value * 32767);
        break;
      default:
        break;  // Excluded by PickSampleFormat.
    }
  }
}

AVSampleFormat PickSampleFormat(const AVCodec* codec) {
  if (codec->sample_fmts == nullptr) return AV_SAMPLE_FMT_NONE;
  for (AVSampleFormat want :
       {AV_SAMPLE_FMT_FLTP, AV_SAMPLE_FMT_FLT, AV_SAMPLE_FMT_S16, AV_SAMPLE_FMT_S16P}) {
    for (const AVSampleFormat* f = codec->sample_fmts; *f != AV_SAMPLE_FMT_NONE; ++f) {
      if (*f == want) return want;
    }
  }
  return AV_SAMPLE_FMT_NONE;
}

const AVCodec* VideoEncoder() {
  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  return codec != nullptr ? codec : avcodec_find_encoder_by_name("mpeg4");
}

const AVCodec* AudioEncoder() {
  const AVCodec* codec = avcodec_find_encoder_by_name("aac");
  return codec != nullptr ? codec : avcodec_find_encoder_by_name("mp2");
}

Status LibavError(std::string_view what, int rc) {
  return InternalError(std::string(what) + ": " + AvErrorString(rc));
}

// One encoder and the stream it feeds.
struct Track {
  AvCodecContextPtr codec;
  AVStream* stream = nullptr;
};

// Sends `frame` (nullptr: flush) to the track's encoder and writes out what comes back.
Status EncodeAndWrite(AVFormatContext* out, Track& track, const AVFrame* frame, AVPacket* packet) {
  int rc = avcodec_send_frame(track.codec.get(), frame);
  if (rc < 0) return LibavError("encoding failed", rc);
  while (true) {
    rc = avcodec_receive_packet(track.codec.get(), packet);
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return OkStatus();
    if (rc < 0) return LibavError("encoding failed", rc);
    // libx264 and mpeg4 leave the duration unset; the muxer needs it for the last frame.
    if (packet->duration == 0 && track.codec->codec_type == AVMEDIA_TYPE_VIDEO) {
      packet->duration = 1;
    }
    av_packet_rescale_ts(packet, track.codec->time_base, track.stream->time_base);
    packet->stream_index = track.stream->index;
    rc = av_interleaved_write_frame(out, packet);  // Takes the packet's reference.
    if (rc < 0) return LibavError("writing a packet failed", rc);
  }
}

// Owns the output AVFormatContext and its file.
class OutputFile {
 public:
  ~OutputFile() {
    if (context_ != nullptr) {
      if (context_->pb != nullptr) avio_closep(&context_->pb);
      avformat_free_context(context_);
    }
  }
  Status Open(const std::string& path) {
    int rc = avformat_alloc_output_context2(&context_, nullptr, "mp4", path.c_str());
    if (rc < 0 || context_ == nullptr) return LibavError("cannot set up the MP4 muxer", rc);
    context_->flags |= AVFMT_FLAG_BITEXACT;
    rc = avio_open(&context_->pb, path.c_str(), AVIO_FLAG_WRITE);
    if (rc < 0) return LibavError("cannot create " + path, rc);
    return OkStatus();
  }
  Status Close() {
    int rc = avio_closep(&context_->pb);
    if (rc < 0) return LibavError("cannot close the output file", rc);
    return OkStatus();
  }
  AVFormatContext* get() const { return context_; }

 private:
  AVFormatContext* context_ = nullptr;
};

Status CheckOptions(const TestVideoOptions& o) {
  if (o.width < 16 || o.width > 4096 || o.width % 2 != 0) {
    return InvalidArgumentError("width must be even and between 16 and 4096, got " +
                                std::to_string(o.width));
  }
  if (o.height < 16 || o.height > 4096 || o.height % 2 != 0) {
    return InvalidArgumentError("height must be even and between 16 and 4096, got " +
                                std::to_string(o.height));
  }
  if (o.fps < 1 || o.fps > 120) {
    return InvalidArgumentError("fps must be between 1 and 120, got " + std::to_string(o.fps));
  }
  if (o.duration_ms < 1 || o.duration_ms > 600000) {
    return InvalidArgumentError("duration_ms must be between 1 and 600000, got " +
                                std::to_string(o.duration_ms));
  }
  return OkStatus();
}

Status AddVideoTrack(const TestVideoOptions& o, AVFormatContext* out, Track& track) {
  const AVCodec* codec = VideoEncoder();
  if (codec == nullptr) return InternalError("libavcodec has neither libx264 nor mpeg4 encoders");
  track.codec.reset(avcodec_alloc_context3(codec));
  if (track.codec == nullptr) return ResourceExhaustedError("out of memory for the encoder");
  AVCodecContext* c = track.codec.get();
  c->width = o.width;
  c->height = o.height;
  c->pix_fmt = AV_PIX_FMT_YUV420P;
  c->time_base = AVRational{1, o.fps};
  c->framerate = AVRational{o.fps, 1};
  c->gop_size = o.fps;  // A key frame every second.
  c->max_b_frames = 0;
  c->thread_count = 1;  // Deterministic output.
  c->flags |= AV_CODEC_FLAG_BITEXACT;
  if (out->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (std::string_view(codec->name) == "libx264") {
    av_opt_set(c->priv_data, "preset", "veryfast", 0);
  } else {
    c->bit_rate = static_cast<int64_t>(o.width) * o.height * o.fps / 4;
  }
  int rc = avcodec_open2(c, codec, nullptr);
  if (rc < 0) return LibavError(std::string("cannot open the ") + codec->name + " encoder", rc);
  track.stream = avformat_new_stream(out, nullptr);
  if (track.stream == nullptr) return ResourceExhaustedError("out of memory for a stream");
  track.stream->time_base = c->time_base;
  rc = avcodec_parameters_from_context(track.stream->codecpar, c);
  if (rc < 0) return LibavError("cannot set the video stream's parameters", rc);
  return OkStatus();
}

Status AddAudioTrack(AVFormatContext* out, Track& track) {
  const AVCodec* codec = AudioEncoder();
  if (codec == nullptr) return InternalError("libavcodec has neither aac nor mp2 encoders");
  const AVSampleFormat sample_format = PickSampleFormat(codec);
  if (sample_format == AV_SAMPLE_FMT_NONE) {
    return InternalError(std::string("no usable sample format for the ") + codec->name +
                         " encoder");
  }
  track.codec.reset(avcodec_alloc_context3(codec));
  if (track.codec == nullptr) return ResourceExhaustedError("out of memory for the encoder");
  AVCodecContext* c = track.codec.get();
  c->sample_fmt = sample_format;
  c->sample_rate = kAudioSampleRate;
  av_channel_layout_default(&c->ch_layout, 1);
  c->bit_rate = 64000;
  c->time_base = AVRational{1, kAudioSampleRate};
  c->thread_count = 1;
  c->flags |= AV_CODEC_FLAG_BITEXACT;
  if (out->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  int rc = avcodec_open2(c, codec, nullptr);
  if (rc < 0) return LibavError(std::string("cannot open the ") + codec->name + " encoder", rc);
  track.stream = avformat_new_stream(out, nullptr);
  if (track.stream == nullptr) return ResourceExhaustedError("out of memory for a stream");
  track.stream->time_base = c->time_base;
  rc = avcodec_parameters_from_context(track.stream->codecpar, c);
  if (rc < 0) return LibavError("cannot set the audio stream's parameters", rc);
  return OkStatus();
}

Status WriteTestVideoUnchecked(const std::string& path, const TestVideoOptions& o) {
  const Scene scene = MakeScene(o);
  OutputFile out;
  CANVASS_RETURN_IF_ERROR(out.Open(path));
  Track video;
  CANVASS_RETURN_IF_ERROR(AddVideoTrack(o, out.get(), video));
  Track audio;
  if (o.with_audio) CANVASS_RETURN_IF_ERROR(AddAudioTrack(out.get(), audio));

  int rc = avformat_write_header(out.get(), nullptr);
  if (rc < 0) return LibavError("cannot write the MP4 header", rc);

  AvPacketPtr packet(av_packet_alloc());
  AvFramePtr video_frame(av_frame_alloc());
  if (packet == nullptr || video_frame == nullptr) return ResourceExhaustedError("out of memory");
  video_frame->format = AV_PIX_FMT_YUV420P;
  video_frame->width = o.width;
  video_frame->height = o.height;
  rc = av_frame_get_buffer(video_frame.get(), 0);
  if (rc < 0) return LibavError("cannot allocate a video frame", rc);

  AvFramePtr audio_frame;
  int audio_frame_samples = 0;
  if (o.with_audio) {
    audio_frame.reset(av_frame_alloc());
    if (audio_frame == nullptr) return ResourceExhaustedError("out of memory");
    audio_frame_samples = audio.codec->frame_size > 0 ? audio.codec->frame_size : 1024;
    audio_frame->format = audio.codec->sample_fmt;
    audio_frame->sample_rate = audio.codec->sample_rate;
    audio_frame->nb_samples = audio_frame_samples;
    rc = av_channel_layout_copy(&audio_frame->ch_layout, &audio.codec->ch_layout);
    if (rc < 0) return LibavError("cannot set the audio layout", rc);
    rc = av_frame_get_buffer(audio_frame.get(), 0);
    if (rc < 0) return LibavError("cannot allocate an audio frame", rc);
  }

  const int64_t frame_count = std::max<int64_t>(1, (o.duration_ms * o.fps + 999) / 1000);
  // Whole audio frames only, and no longer than the video.
  const int64_t video_samples = frame_count * kAudioSampleRate / o.fps;
  const int64_t audio_frame_count = o.with_audio ? video_samples / audio_frame_samples : 0;

  int64_t next_video = 0;
  int64_t next_audio = 0;
  while (next_video < frame_count || next_audio < audio_frame_count) {
    const bool video_turn =
        next_audio >= audio_frame_count ||
        (next_video < frame_count &&
         av_compare_ts(next_video, video.codec->time_base, next_audio * audio_frame_samples,
                       audio.codec->time_base) <= 0);
    if (video_turn) {
      rc = av_frame_make_writable(video_frame.get());
      if (rc < 0) return LibavError("cannot write a video frame", rc);
      DrawFrame(scene, o, next_video, video_frame.get());
      video_frame->pts = next_video;
      CANVASS_RETURN_IF_ERROR(EncodeAndWrite(out.get(), video, video_frame.get(), packet.get()));
      ++next_video;
    } else {
      rc = av_frame_make_writable(audio_frame.get());
      if (rc < 0) return LibavError("cannot write an audio frame", rc);
      const int64_t first_sample = next_audio * audio_frame_samples;
      FillTone(scene, first_sample, audio_frame.get());
      audio_frame->pts = first_sample;
      CANVASS_RETURN_IF_ERROR(EncodeAndWrite(out.get(), audio, audio_frame.get(), packet.get()));
      ++next_audio;
    }
  }
  CANVASS_RETURN_IF_ERROR(EncodeAndWrite(out.get(), video, nullptr, packet.get()));
  // An encoder that was never fed is not flushed: AAC would emit priming packets of silence.
  if (audio_frame_count > 0) {
    CANVASS_RETURN_IF_ERROR(EncodeAndWrite(out.get(), audio, nullptr, packet.get()));
  }
  rc = av_write_trailer(out.get());
  if (rc < 0) return LibavError("cannot finish the MP4 file", rc);
  return out.Close();
}

}  // namespace

std::string TestVideoCodec() {
  const AVCodec* codec = VideoEncoder();
  return codec != nullptr ? avcodec_get_name(codec->id) : "";
}

Status WriteTestVideo(const std::string& path, const TestVideoOptions& options) {
  CANVASS_RETURN_IF_ERROR(CheckOptions(options));
  QuietLibavLogging();
  Status status = WriteTestVideoUnchecked(path, options);
  if (!status.ok()) {
    ::unlink(path.c_str());  // Best effort: no half-written video left behind.
    return status.WithContext("writing test video " + path);
  }
  return OkStatus();
}

StatusOr<std::string> MakeTestVideoBytes(const TestVideoOptions& options) {
  CANVASS_RETURN_IF_ERROR(CheckOptions(options));
  std::string path = "/tmp/canvass-test-video-XXXXXX";
  const int fd = ::mkstemp(path.data());
  if (fd < 0) return ErrnoStatus(errno, "cannot create a temporary file under /tmp");
  ::close(fd);
  Status written = WriteTestVideo(path, options);
  if (!written.ok()) return written;  // WriteTestVideo removed the file.
  StatusOr<std::string> bytes = FileSystem::Posix()->ReadFile(path);
  FileSystem::Posix()->RemoveFile(path).IgnoreError();
  return bytes;
}

}  // namespace canvass::media
