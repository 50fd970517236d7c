#include "agent/video_source.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "media/libav_util.h"

extern "C" {
#include <libavdevice/avdevice.h>
#include <libavformat/avformat.h>
}

namespace canvass::agent {
namespace {

int64_t SteadyUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct VideoSource::Input {
  AVFormatContext* format = nullptr;
  int stream_index = -1;
  AVRational time_base{1, 1};
  // The interrupt callback's state: a blocking read gives up at the deadline or on stop.
  int64_t deadline_us = 0;
  const std::atomic<bool>* stop = nullptr;

  static int Interrupt(void* opaque) {
    auto* in = static_cast<Input*>(opaque);
    return (in->stop && in->stop->load()) || SteadyUs() > in->deadline_us;
  }

  ~Input() {
    if (format != nullptr) avformat_close_input(&format);
  }
};

VideoSource::VideoSource(SourceOptions options, const Clock* clock, Sleeper* sleeper)
    : options_(std::move(options)), clock_(clock), sleeper_(sleeper) {}

VideoSource::~VideoSource() = default;

void VideoSource::Close() { in_.reset(); }

Status VideoSource::Open(const std::atomic<bool>& stop) {
  static const bool registered = [] {
    avdevice_register_all();  // v4l2 and friends
    media::QuietLibavLogging();
    return true;
  }();
  (void)registered;
  auto in = std::make_unique<Input>();
  in->stop = &stop;
  in->deadline_us = SteadyUs() + options_.read_timeout_ms * 1000;
  in->format = avformat_alloc_context();
  if (in->format == nullptr) return ResourceExhaustedError("out of memory for a demuxer");
  in->format->interrupt_callback = {&Input::Interrupt, in.get()};
  const AVInputFormat* forced = nullptr;
  if (!options_.input_format.empty()) {
    forced = av_find_input_format(options_.input_format.c_str());
    if (forced == nullptr) {
      return InvalidArgumentError("FFmpeg has no input format '" + options_.input_format + "'");
    }
  }
  AVDictionary* opts = nullptr;
  if (options_.url.rfind("rtsp://", 0) == 0) av_dict_set(&opts, "rtsp_transport", "tcp", 0);
  int rc = avformat_open_input(&in->format, options_.url.c_str(), forced, &opts);
  av_dict_free(&opts);
  if (rc < 0) {
    in->format = nullptr;  // freed by avformat_open_input on failure
    return UnavailableError("cannot open " + options_.url + ": " + media::AvErrorString(rc));
  }
  in->deadline_us = SteadyUs() + options_.read_timeout_ms * 1000;
  rc = avformat_find_stream_info(in->format, nullptr);
  if (rc < 0) {
    return UnavailableError("cannot read the streams of " + options_.url + ": " +
                            media::AvErrorString(rc));
  }
  in->stream_index = av_find_best_stream(in->format, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (in->stream_index < 0) return UnavailableError(options_.url + " has no video stream");
  AVStream* st = in->format->streams[in->stream_index];
  in->time_base = st->time_base;
  for (unsigned i = 0; i < in->format->nb_streams; ++i) {
    if (static_cast<int>(i) != in->stream_index) in->format->streams[i]->discard = AVDISCARD_ALL;
  }
  AVCodecParameters* par = avcodec_parameters_alloc();
  if (par == nullptr) return ResourceExhaustedError("out of memory");
  avcodec_parameters_copy(par, st->codecpar);
  stream_.codecpar.reset(par, AvCodecParametersFree());
  const AVRational rate = st->avg_frame_rate.num > 0 ? st->avg_frame_rate : st->r_frame_rate;
  stream_.fps = rate.num > 0 && rate.den > 0 ? av_q2d(rate) : 0;
  in_ = std::move(in);
  have_base_ = false;
  return OkStatus();
}

StatusOr<bool> VideoSource::ReadOne(Packet* out, const std::atomic<bool>& stop) {
  AVPacket* pkt = av_packet_alloc();
  if (pkt == nullptr) return ResourceExhaustedError("out of memory");
  std::shared_ptr<AVPacket> holder(pkt, AvPacketFree());
  while (true) {
    in_->stop = &stop;
    in_->deadline_us = SteadyUs() + options_.read_timeout_ms * 1000;
    int rc = av_read_frame(in_->format, pkt);
    if (rc == AVERROR_EOF) return false;
    if (rc < 0) {
      if (stop.load()) return UnavailableError("stopping");
      return UnavailableError("reading " + options_.url + " failed: " + media::AvErrorString(rc));
    }
    if (pkt->stream_index != in_->stream_index) {
      av_packet_unref(pkt);
      continue;
    }
    break;
  }
  const AVRational us{1, 1000000};
  int64_t ts = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
  int64_t media_us = ts != AV_NOPTS_VALUE ? av_rescale_q(ts, in_->time_base, us)
                                          : (have_base_ ? last_end_wall_us_ - base_wall_us_ +
                                                              base_media_us_
                                                        : 0);
  int64_t dur_us = pkt->duration > 0 ? av_rescale_q(pkt->duration, in_->time_base, us)
                                     : (stream_.fps > 0 ? static_cast<int64_t>(1e6 / stream_.fps)
                                                        : 100000);
  if (!have_base_) {
    // A new pass: continue the timeline after the last packet (loops), or start at now.
    base_wall_us_ = last_end_wall_us_ > 0 ? last_end_wall_us_ : clock_->NowMicros();
    if (!options_.loop || last_end_wall_us_ == 0) {
      base_wall_us_ = std::max(base_wall_us_, clock_->NowMicros());
    }
    base_media_us_ = media_us;
    have_base_ = true;
    if (origin_us_ == 0) origin_us_ = base_wall_us_;
  }
  const int64_t wall = base_wall_us_ + (media_us - base_media_us_);
  const int64_t dts_media_us =
      pkt->dts != AV_NOPTS_VALUE ? av_rescale_q(pkt->dts, in_->time_base, us) : media_us;
  pkt->pts = wall - origin_us_;
  pkt->dts = base_wall_us_ + (dts_media_us - base_media_us_) - origin_us_;
  pkt->duration = dur_us;
  pkt->time_base = us;
  pkt->stream_index = 0;
  out->av = holder;
  out->wall_us = wall;
  out->duration_us = dur_us;
  out->key = (pkt->flags & AV_PKT_FLAG_KEY) != 0;
  last_end_wall_us_ = std::max(last_end_wall_us_, wall + dur_us);
  return true;
}

StatusOr<Packet> VideoSource::Next(const std::atomic<bool>& stop) {
  while (!stop.load()) {
    if (in_ == nullptr) {
      if (failures_in_a_row_ > 0) {
        const int64_t backoff_ms =
            std::min(options_.reconnect_max_ms,
                     options_.reconnect_min_ms << std::min<int64_t>(failures_in_a_row_ - 1, 20));
        if (!sleeper_->SleepUs(backoff_ms * 1000, stop)) break;
      }
      Status opened = Open(stop);
      if (!opened.ok()) {
        last_error_ = opened;
        if (!options_.reconnect) return NotFoundError(opened.message());
        ++failures_in_a_row_;
        spdlog::warn("camera source {}: {}; retrying", options_.url, opened.message());
        continue;
      }
      if (ever_opened_) ++reconnects_;
      ever_opened_ = true;
      ++stream_.generation;
      origin_us_ = 0;
      last_end_wall_us_ = 0;
    }
    Packet p;
    StatusOr<bool> got = ReadOne(&p, stop);
    if (got.ok() && *got) {
      failures_in_a_row_ = 0;
      if (options_.realtime) {
        const int64_t ahead_us = p.wall_us - clock_->NowMicros();
        if (ahead_us > 0 && !sleeper_->SleepUs(ahead_us, stop)) break;
      }
      return p;
    }
    if (got.ok() && options_.loop) {  // end of a looped file: the next pass continues the timeline
      Close();
      Status reopened = Open(stop);
      if (reopened.ok()) continue;
      got = reopened;
    }
    if (stop.load()) break;
    last_error_ = got.ok() ? UnavailableError(options_.url + " ended") : got.status();
    if (!options_.reconnect) {
      Close();
      return NotFoundError(last_error_.message());
    }
    spdlog::warn("camera source {}: {}; reconnecting", options_.url, last_error_.message());
    Close();
    ++failures_in_a_row_;
  }
  return UnavailableError("stopping");
}

}  // namespace canvass::agent
