#include "media/video_writer.h"

#include <unistd.h>

#include "media/libav_util.h"

extern "C" {
#include <libavutil/opt.h>
}

namespace canvass::media {
namespace {

Status LibavError(std::string_view what, int rc) {
  return InternalError(std::string(what) + ": " + AvErrorString(rc));
}

}  // namespace

struct VideoFileWriter::State {
  std::string path;
  AVFormatContext* out = nullptr;
  AvCodecContextPtr codec;
  AVStream* stream = nullptr;
  AvFramePtr frame;
  AvPacketPtr packet;
  bool finished = false;

  ~State() {
    if (out != nullptr) {
      if (out->pb != nullptr) avio_closep(&out->pb);
      avformat_free_context(out);
    }
    if (!finished && !path.empty()) ::unlink(path.c_str());
  }

  Status Drain(const AVFrame* f) {
    int rc = avcodec_send_frame(codec.get(), f);
    if (rc < 0) return LibavError("encoding failed", rc);
    while (true) {
      rc = avcodec_receive_packet(codec.get(), packet.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return OkStatus();
      if (rc < 0) return LibavError("encoding failed", rc);
      if (packet->duration == 0) packet->duration = 1;
      av_packet_rescale_ts(packet.get(), codec->time_base, stream->time_base);
      packet->stream_index = stream->index;
      rc = av_interleaved_write_frame(out, packet.get());
      if (rc < 0) return LibavError("writing a packet failed", rc);
    }
  }
};

StatusOr<std::unique_ptr<VideoFileWriter>> VideoFileWriter::Open(
    const VideoFileWriterOptions& o) {
  if (o.width < 16 || o.height < 16 || o.width % 2 || o.height % 2) {
    return InvalidArgumentError("video size must be even and at least 16x16, got " +
                                std::to_string(o.width) + "x" + std::to_string(o.height));
  }
  if (o.fps < 1 || o.fps > 120) return InvalidArgumentError("fps must be 1 to 120");
  if (o.format != "mp4" && o.format != "mpegts") {
    return InvalidArgumentError("video format must be mp4 or mpegts, got " + o.format);
  }
  QuietLibavLogging();
  std::unique_ptr<VideoFileWriter> w(new VideoFileWriter());
  w->s_ = std::make_unique<State>();
  State& s = *w->s_;
  int rc = avformat_alloc_output_context2(&s.out, nullptr, o.format.c_str(), o.path.c_str());
  if (rc < 0 || s.out == nullptr) return LibavError("cannot set up the " + o.format + " muxer", rc);
  if (o.bitexact) s.out->flags |= AVFMT_FLAG_BITEXACT;

  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  if (codec == nullptr) codec = avcodec_find_encoder_by_name("mpeg4");
  if (codec == nullptr) return InternalError("libavcodec has neither libx264 nor mpeg4 encoders");
  s.codec.reset(avcodec_alloc_context3(codec));
  if (s.codec == nullptr) return ResourceExhaustedError("out of memory for the encoder");
  AVCodecContext* c = s.codec.get();
  c->width = o.width;
  c->height = o.height;
  c->pix_fmt = AV_PIX_FMT_YUV420P;
  c->time_base = o.time_base_den > 0 ? AVRational{1, o.time_base_den} : AVRational{1, o.fps};
  c->framerate = AVRational{o.fps, 1};
  c->gop_size = o.gop_frames > 0 ? o.gop_frames : o.fps;
  c->max_b_frames = 0;
  if (o.bitexact) {
    c->thread_count = 1;
    c->flags |= AV_CODEC_FLAG_BITEXACT;
  }
  if (s.out->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (std::string_view(codec->name) == "libx264") {
    av_opt_set(c->priv_data, "preset", "veryfast", 0);
  } else {
    c->bit_rate = static_cast<int64_t>(o.width) * o.height * o.fps / 4;
  }
  rc = avcodec_open2(c, codec, nullptr);
  if (rc < 0) return LibavError(std::string("cannot open the ") + codec->name + " encoder", rc);
  s.stream = avformat_new_stream(s.out, nullptr);
  if (s.stream == nullptr) return ResourceExhaustedError("out of memory for a stream");
  s.stream->time_base = c->time_base;
  rc = avcodec_parameters_from_context(s.stream->codecpar, c);
  if (rc < 0) return LibavError("cannot set the video stream's parameters", rc);

  s.path = o.path;  // From here on, a failure removes the file.
  rc = avio_open(&s.out->pb, o.path.c_str(), AVIO_FLAG_WRITE);
  if (rc < 0) {
    s.path.clear();
    return LibavError("cannot create " + o.path, rc);
  }
  if (!o.creation_time.empty()) {
    av_dict_set(&s.out->metadata, "creation_time", o.creation_time.c_str(), 0);
  }
  AVDictionary* opts = nullptr;
  if (o.format == "mp4" && o.fragmented) {
    av_dict_set(&opts, "movflags", "frag_keyframe+empty_moov+default_base_moof", 0);
    s.out->flags |= AVFMT_FLAG_FLUSH_PACKETS;  // on disk as written, for a crash to find
  }
  rc = avformat_write_header(s.out, &opts);
  av_dict_free(&opts);
  if (rc < 0) return LibavError("cannot write the " + o.format + " header", rc);

  s.packet.reset(av_packet_alloc());
  s.frame.reset(av_frame_alloc());
  if (s.packet == nullptr || s.frame == nullptr) return ResourceExhaustedError("out of memory");
  s.frame->format = AV_PIX_FMT_YUV420P;
  s.frame->width = o.width;
  s.frame->height = o.height;
  rc = av_frame_get_buffer(s.frame.get(), 0);
  if (rc < 0) return LibavError("cannot allocate a video frame", rc);
  return w;
}

VideoFileWriter::~VideoFileWriter() = default;

AVFrame* VideoFileWriter::frame() {
  // The encoder may still hold a reference to the last frame's buffers. On failure (out of
  // memory) the frame is handed back as it is.
  av_frame_make_writable(s_->frame.get());
  return s_->frame.get();
}

Status VideoFileWriter::WriteFrame(int64_t pts) {
  s_->frame->pts = pts;
  return s_->Drain(s_->frame.get());
}

Status VideoFileWriter::Finish() {
  CANVASS_RETURN_IF_ERROR(s_->Drain(nullptr));
  int rc = av_write_trailer(s_->out);
  if (rc < 0) return LibavError("cannot finish the video file", rc);
  rc = avio_closep(&s_->out->pb);
  if (rc < 0) return LibavError("cannot close the video file", rc);
  s_->finished = true;
  return OkStatus();
}

std::string VideoFileWriter::codec_name() const {
  return avcodec_get_name(s_->codec->codec_id);
}

}  // namespace canvass::media
