#include "agent/clip_writer.h"

#include <unistd.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "common/time_format.h"
#include "media/libav_util.h"
#include "media/video_writer.h"

extern "C" {
#include <libavformat/avformat.h>
#include <libswscale/swscale.h>
}

namespace canvass::agent {
namespace {

Status LibavError(const std::string& what, int rc) {
  if (rc == AVERROR(ENOSPC)) return ErrnoStatus(ENOSPC, what);
  return InternalError(what + ": " + media::AvErrorString(rc));
}

constexpr AVRational kMicros{1, 1000000};

void PaintZones(AVFrame* f, const std::vector<Polygon>& zones) {
  for (int plane = 0; plane < 3; ++plane) {
    const int w = plane == 0 ? f->width : (f->width + 1) / 2;
    const int h = plane == 0 ? f->height : (f->height + 1) / 2;
    cv::Mat m(h, w, CV_8UC1, f->data[plane], static_cast<size_t>(f->linesize[plane]));
    std::vector<std::vector<cv::Point>> polys;
    for (const Polygon& zone : zones) {
      std::vector<cv::Point> pts;
      for (const Point& p : zone) {
        pts.emplace_back(static_cast<int>(p.x * w + 0.5), static_cast<int>(p.y * h + 0.5));
      }
      polys.push_back(std::move(pts));
    }
    cv::fillPoly(m, polys, cv::Scalar(plane == 0 ? 16 : 128));
  }
}

}  // namespace

struct ClipWriter::State {
  std::string path;
  std::vector<Polygon> zones;
  bool finished = false;
  int64_t offset_us = 0;  // dts of the first packet
  bool started = false;
  // Remux.
  AVFormatContext* out = nullptr;
  AVStream* stream = nullptr;
  media::AvPacketPtr packet;  // reused for every packet written
  // Re-encode.
  AVCodecContext* decoder = nullptr;
  AVFrame* decoded = nullptr;
  SwsContext* sws = nullptr;
  std::unique_ptr<media::VideoFileWriter> encoder;
  int64_t last_pts_us = -1;
  int fps = 10;
  std::string creation_time;  // the first packet's wall time: makes every recording's bytes unique

  ~State() {
    if (out != nullptr) {
      if (out->pb != nullptr) avio_closep(&out->pb);
      avformat_free_context(out);
    }
    avcodec_free_context(&decoder);
    av_frame_free(&decoded);
    sws_freeContext(sws);
    encoder.reset();
    if (!finished && !path.empty()) ::unlink(path.c_str());
  }

  Status EncodeFrame(AVFrame* frame) {
    int64_t ts = frame->best_effort_timestamp != AV_NOPTS_VALUE ? frame->best_effort_timestamp
                                                                : frame->pts;
    if (ts == AV_NOPTS_VALUE) ts = last_pts_us + 1000000 / fps;
    const int64_t pts_us = ts - offset_us;
    if (pts_us <= last_pts_us) return OkStatus();  // a frame from before the clip's start
    if (encoder == nullptr) {
      CANVASS_ASSIGN_OR_RETURN(encoder, media::VideoFileWriter::Open({.path = path,
                                                                      .width = frame->width & ~1,
                                                                      .height = frame->height & ~1,
                                                                      .fps = fps,
                                                                      .time_base_den = 1000000,
                                                                      .bitexact = false,
                                                                      .fragmented = true,
                                                                      .creation_time = creation_time}));
    }
    AVFrame* dst = encoder->frame();
    sws = sws_getCachedContext(sws, frame->width, frame->height,
                               static_cast<AVPixelFormat>(frame->format), dst->width,
                               dst->height, AV_PIX_FMT_YUV420P, SWS_BILINEAR, nullptr, nullptr,
                               nullptr);
    if (sws == nullptr) return InternalError("cannot convert the camera's pixel format");
    sws_scale(sws, frame->data, frame->linesize, 0, frame->height, dst->data, dst->linesize);
    PaintZones(dst, zones);
    last_pts_us = pts_us;
    return encoder->WriteFrame(pts_us);
  }

  Status Decode(const AVPacket* pkt) {
    int rc = avcodec_send_packet(decoder, pkt);
    if (rc < 0 && rc != AVERROR_INVALIDDATA && rc != AVERROR_EOF) {
      return LibavError("decoding the camera's video failed", rc);
    }
    while (true) {
      rc = avcodec_receive_frame(decoder, decoded);
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return OkStatus();
      if (rc < 0) return LibavError("decoding the camera's video failed", rc);
      Status s = EncodeFrame(decoded);
      av_frame_unref(decoded);
      CANVASS_RETURN_IF_ERROR(s);
    }
  }
};

StatusOr<std::unique_ptr<ClipWriter>> ClipWriter::Open(const StreamInfo& stream,
                                                       const std::string& path,
                                                       const std::vector<Polygon>& zones) {
  if (stream.codecpar == nullptr) return FailedPreconditionError("no stream to record");
  std::unique_ptr<ClipWriter> w(new ClipWriter());
  w->s_ = std::make_unique<State>();
  State& s = *w->s_;
  s.zones = zones;
  s.fps = stream.fps > 0 ? std::max(1, static_cast<int>(stream.fps + 0.5)) : 10;
  const AVCodecParameters* par = stream.codecpar.get();
  const AVOutputFormat* mp4 = av_guess_format("mp4", nullptr, nullptr);
  const bool remux = zones.empty() &&
                     avformat_query_codec(mp4, par->codec_id, FF_COMPLIANCE_NORMAL) == 1;
  w->summary_.reencoded = !remux;
  if (remux) {
    int rc = avformat_alloc_output_context2(&s.out, nullptr, "mp4", path.c_str());
    if (rc < 0 || s.out == nullptr) return LibavError("cannot set up the MP4 muxer", rc);
    s.stream = avformat_new_stream(s.out, nullptr);
    if (s.stream == nullptr) return ResourceExhaustedError("out of memory for a stream");
    rc = avcodec_parameters_copy(s.stream->codecpar, par);
    if (rc < 0) return LibavError("cannot copy the stream's parameters", rc);
    s.stream->codecpar->codec_tag = 0;
    s.stream->time_base = AVRational{1, 90000};
    s.packet.reset(av_packet_alloc());
    if (s.packet == nullptr) return ResourceExhaustedError("out of memory");
    s.path = path;
    rc = avio_open(&s.out->pb, path.c_str(), AVIO_FLAG_WRITE);
    if (rc < 0) {
      s.path.clear();
      return LibavError("cannot create " + path, rc);
    }
    return w;  // the header is written with the first packet, which gives the creation time
  }
  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  if (codec == nullptr) {
    return FailedPreconditionError(std::string("no decoder for the camera's codec ") +
                                   avcodec_get_name(par->codec_id));
  }
  s.decoder = avcodec_alloc_context3(codec);
  s.decoded = av_frame_alloc();
  if (s.decoder == nullptr || s.decoded == nullptr) return ResourceExhaustedError("out of memory");
  avcodec_parameters_to_context(s.decoder, par);
  s.decoder->pkt_timebase = kMicros;
  int rc = avcodec_open2(s.decoder, codec, nullptr);
  if (rc < 0) return LibavError("cannot open the decoder", rc);
  s.path = path;
  return w;
}

ClipWriter::~ClipWriter() = default;

Status ClipWriter::Add(const Packet& p) {
  State& s = *s_;
  if (!s.started) {
    if (!p.key) return InvalidArgumentError("a clip must start at a key frame");
    s.started = true;
    s.offset_us = p.av->dts != AV_NOPTS_VALUE ? std::min(p.av->dts, p.av->pts) : p.av->pts;
    summary_.started_at_us = p.wall_us;
    s.creation_time = FormatRfc3339(p.wall_us);
    if (s.out != nullptr) {
      av_dict_set(&s.out->metadata, "creation_time", s.creation_time.c_str(), 0);
      AVDictionary* opts = nullptr;  // fragmented while recording: see Finish
      av_dict_set(&opts, "movflags", "frag_keyframe+empty_moov+default_base_moof", 0);
      s.out->flags |= AVFMT_FLAG_FLUSH_PACKETS;  // each packet to the OS as written
      int rc = avformat_write_header(s.out, &opts);
      av_dict_free(&opts);
      if (rc < 0) return LibavError("cannot write the MP4 header", rc);
    }
  }
  summary_.ended_at_us = std::max(summary_.ended_at_us, p.wall_us + p.duration_us);
  ++summary_.packets;
  if (s.out != nullptr) {
    AVPacket* pkt = s.packet.get();
    int rc = av_packet_ref(pkt, p.av.get());
    if (rc < 0) return LibavError("cannot reference the camera's packet", rc);
    pkt->pts -= s.offset_us;
    pkt->dts -= s.offset_us;
    av_packet_rescale_ts(pkt, kMicros, s.stream->time_base);
    pkt->stream_index = 0;
    rc = av_interleaved_write_frame(s.out, pkt);  // takes the reference
    av_packet_unref(pkt);
    if (rc < 0) return LibavError("writing the clip failed", rc);
    return OkStatus();
  }
  return s.Decode(p.av.get());
}

StatusOr<ClipSummary> ClipWriter::Finish() {
  State& s = *s_;
  if (summary_.packets == 0) return FailedPreconditionError("a clip needs at least one packet");
  if (s.out != nullptr) {
    int rc = av_write_trailer(s.out);
    if (rc < 0) return LibavError("cannot finish the clip", rc);
    rc = avio_closep(&s.out->pb);
    if (rc < 0) return LibavError("cannot close the clip", rc);
  } else {
    CANVASS_RETURN_IF_ERROR(s.Decode(nullptr));
    if (s.encoder == nullptr) return InternalError("no frame of the clip could be decoded");
    CANVASS_RETURN_IF_ERROR(s.encoder->Finish());
  }
  s.finished = true;
  return summary_;
}

}  // namespace canvass::agent
