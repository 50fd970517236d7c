#include "agent/camera_runner.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <cmath>

#include "agent/clip_writer.h"
#include "agent/motion_detector.h"
#include "agent/packet_ring.h"
#include "agent/plate_read_merger.h"
#include "common/time_format.h"

extern "C" {
#include <libswscale/swscale.h>
}

namespace canvass::agent {

// Everything the camera thread owns.
class CameraRunner::Pipeline {
 public:
  explicit Pipeline(CameraRunner* owner)
      : o_(owner),
        cam_(owner->options_.camera),
        ring_(cam_.pre_roll_ms * 1000),
        tracker_(cam_.motion.start_frames, cam_.post_roll_ms * 1000),
        merger_(cam_.name) {}

  ~Pipeline() {
    avcodec_free_context(&decoder_);
    av_frame_free(&frame_);
    sws_freeContext(grey_sws_);
    sws_freeContext(bgr_sws_);
  }

  Status OnPacket(const Packet& p, const StreamInfo& stream) {
    if (stream.generation != generation_) {
      CANVASS_RETURN_IF_ERROR(FinishClip());
      ring_.Clear();
      tracker_.Reset();
      detector_.reset();
      avcodec_free_context(&decoder_);
      generation_ = stream.generation;
      stream_ = stream;
      origin_us_ = p.wall_us - p.av->pts;
      last_analysed_us_ = 0;
      CANVASS_RETURN_IF_ERROR(OpenDecoder());
    }
    RefreshZones();
    const bool recording = writer_ != nullptr;
    ring_.Push(p);
    if (recording) {
      if (p.key && p.wall_us - clip_started_us_ >= cam_.max_clip_ms * 1000) {
        CANVASS_RETURN_IF_ERROR(FinishClip());  // cut; the event continues in a new clip
        CANVASS_RETURN_IF_ERROR(StartClip({p}));
      } else {
        CANVASS_RETURN_IF_ERROR(writer_->Add(p));
      }
    }
    return Decode(p.av.get());
  }

  Status Finish() {
    if (cam_.kind == "alpr") QueuePlates(merger_.Flush(), true);
    return FinishClip();
  }

 private:
  void RefreshZones() {
    std::lock_guard lock(o_->mu_);
    if (!o_->zones_changed_) return;
    o_->zones_changed_ = false;
    zones_ = cam_.privacy_zones;
    zones_.insert(zones_.end(), o_->server_zones_.begin(), o_->server_zones_.end());
    detector_.reset();
  }

  Status OpenDecoder() {
    const AVCodec* codec = avcodec_find_decoder(stream_.codecpar->codec_id);
    if (codec == nullptr) {
      return FailedPreconditionError(std::string("no decoder for the camera's codec ") +
                                     avcodec_get_name(stream_.codecpar->codec_id));
    }
    decoder_ = avcodec_alloc_context3(codec);
    if (frame_ == nullptr) frame_ = av_frame_alloc();
    if (decoder_ == nullptr || frame_ == nullptr) return ResourceExhaustedError("out of memory");
    avcodec_parameters_to_context(decoder_, stream_.codecpar.get());
    decoder_->pkt_timebase = AVRational{1, 1000000};
    decoder_->thread_count = 1;               // one camera, one core at most
    decoder_->skip_frame = AVDISCARD_NONREF;  // B-frames nobody refers to are not needed
    int rc = avcodec_open2(decoder_, codec, nullptr);
    if (rc < 0) return InternalError("cannot open the camera's decoder");
    return OkStatus();
  }

  Status Decode(const AVPacket* pkt) {
    // EAGAIN: the decoder's output is full (frame-threaded decoders can do this); drain it, then
    // send the same packet again rather than lose it. Once only: a decoder that refuses it twice
    // is broken, and the packet is skipped like a damaged one.
    for (int attempt = 0; attempt < 2; ++attempt) {
      const int rc = avcodec_send_packet(decoder_, pkt);
      const bool full = rc == AVERROR(EAGAIN);
      if (rc < 0 && !full && rc != AVERROR_INVALIDDATA) return OkStatus();  // damaged: skip
      CANVASS_RETURN_IF_ERROR(ReceiveFrames());
      if (!full) break;
    }
    return OkStatus();
  }

  // Every frame the decoder has ready, each counted and analysed at the analysis rate.
  Status ReceiveFrames() {
    while (true) {
      const int rc = avcodec_receive_frame(decoder_, frame_);
      if (rc < 0) return OkStatus();  // EAGAIN, EOF, or a damaged frame
      ++decoded_;
      const int64_t ts = frame_->best_effort_timestamp != AV_NOPTS_VALUE
                             ? frame_->best_effort_timestamp
                             : frame_->pts;
      const int64_t wall = ts + origin_us_;
      Status s = OkStatus();
      if (last_analysed_us_ == 0 ||
          wall - last_analysed_us_ >= 1'000'000 / cam_.motion.analysis_fps - 1000) {
        last_analysed_us_ = wall;
        s = Analyse(wall);
      }
      av_frame_unref(frame_);
      CANVASS_RETURN_IF_ERROR(s);
    }
  }

  Status Analyse(int64_t wall_us) {
    ++analysed_;
    const int h = std::min(cam_.motion.analysis_height, frame_->height) & ~1;
    const int w = std::max(2, static_cast<int>(std::lround(1.0 * frame_->width * h / frame_->height)) & ~1);
    grey_sws_ = sws_getCachedContext(grey_sws_, frame_->width, frame_->height,
                                     static_cast<AVPixelFormat>(frame_->format), w, h,
                                     AV_PIX_FMT_GRAY8, SWS_FAST_BILINEAR, nullptr, nullptr,
                                     nullptr);
    if (grey_sws_ == nullptr) return InternalError("cannot convert the camera's pixel format");
    grey_.resize(static_cast<size_t>(w) * h);
    uint8_t* dst[4] = {grey_.data(), nullptr, nullptr, nullptr};
    int dst_stride[4] = {w, 0, 0, 0};
    sws_scale(grey_sws_, frame_->data, frame_->linesize, 0, frame_->height, dst, dst_stride);
    if (detector_ == nullptr) {
      MotionOptions m;
      m.threshold = cam_.motion.threshold;
      m.min_area = cam_.motion.min_area;
      m.background_alpha = cam_.motion.background_alpha;
      m.ignore_zones = zones_;
      detector_ = std::make_unique<MotionDetector>(m);
    }
    const MotionResult r = detector_->Process(grey_.data(), w, h, w);
    switch (tracker_.Update(r.motion, wall_us)) {
      case MotionEventTracker::Change::kStarted:
        CANVASS_RETURN_IF_ERROR(OnEventStart(tracker_.started_at_us(), r.moved_fraction));
        break;
      case MotionEventTracker::Change::kEnded:
        CANVASS_RETURN_IF_ERROR(FinishClip());
        break;
      case MotionEventTracker::Change::kNone:
        break;
    }
    if (cam_.kind == "alpr" && o_->recognizer_ != nullptr && tracker_.active()) {
      CANVASS_RETURN_IF_ERROR(ReadPlates(wall_us));
    }
    if (cam_.kind == "alpr" && !pending_reads_.empty() &&
        wall_us - pending_since_us_ >= o_->options_.plate_batch_interval_ms * 1000) {
      QueuePlates({}, true);
    }
    return OkStatus();
  }

  Status ReadPlates(int64_t wall_us) {
    const int w = frame_->width, h = frame_->height;
    bgr_sws_ = sws_getCachedContext(bgr_sws_, w, h, static_cast<AVPixelFormat>(frame_->format), w,
                                    h, AV_PIX_FMT_BGR24, SWS_BILINEAR, nullptr, nullptr, nullptr);
    if (bgr_sws_ == nullptr) return InternalError("cannot convert the camera's pixel format");
    bgr_.resize(static_cast<size_t>(w) * h * 3);
    uint8_t* dst[4] = {bgr_.data(), nullptr, nullptr, nullptr};
    int dst_stride[4] = {w * 3, 0, 0, 0};
    sws_scale(bgr_sws_, frame_->data, frame_->linesize, 0, h, dst, dst_stride);
    auto reads = o_->recognizer_->Recognize(BgrImage{bgr_.data(), w, h, w * 3}, wall_us);
    if (!reads.ok()) {
      spdlog::warn("camera '{}': plate recognition failed: {}", cam_.name, reads.status().message());
      return OkStatus();
    }
    for (PlateCandidate& r : *reads) {
      if (r.state.empty()) r.state = cam_.plate_state;  // the engine tells no states apart
    }
    QueuePlates(merger_.Add(*reads, wall_us), false);
    return OkStatus();
  }

  void QueuePlates(std::vector<MergedRead> reads, bool flush) {
    if (pending_reads_.empty() && !reads.empty()) pending_since_us_ = last_analysed_us_;
    for (auto& r : reads) pending_reads_.push_back(std::move(r));
    const size_t max = static_cast<size_t>(o_->options_.plate_batch_max);
    while (!pending_reads_.empty() && (flush || pending_reads_.size() >= max)) {
      const size_t n = std::min(max, pending_reads_.size());
      std::vector<MergedRead> batch(pending_reads_.begin(), pending_reads_.begin() + static_cast<ptrdiff_t>(n));
      auto seq = o_->outbox_->EnqueueMessage(OutboxKind::kPlates, cam_.name, PlateBatchJson(batch));
      if (!seq.ok()) {
        spdlog::error("camera '{}': cannot queue {} plate reads: {}", cam_.name, n,
                      seq.status().message());
        return;
      }
      pending_reads_.erase(pending_reads_.begin(), pending_reads_.begin() + static_cast<ptrdiff_t>(n));
      {
        std::lock_guard lock(o_->mu_);
        o_->stats_.plate_reads += static_cast<int64_t>(n);
      }
      o_->notify_();
    }
  }

  Status OnEventStart(int64_t started_us, double score) {
    {
      std::lock_guard lock(o_->mu_);
      ++o_->stats_.events;
    }
    const double rounded = std::round(std::clamp(score, 0.0, 1.0) * 1000) / 1000;
    const std::string body = boost::json::serialize(
        boost::json::object{{"at", FormatRfc3339(started_us)}, {"score", rounded}});
    auto seq = o_->outbox_->EnqueueMessage(OutboxKind::kMotion, cam_.name, body);
    if (!seq.ok()) {
      spdlog::error("camera '{}': cannot queue a motion event: {}", cam_.name, seq.status().message());
    } else {
      spdlog::info("camera '{}': motion at {} (score {})", cam_.name, FormatRfc3339(started_us), rounded);
      o_->notify_();
    }
    if (writer_ != nullptr) return OkStatus();
    return StartClip(ring_.From(started_us - cam_.pre_roll_ms * 1000));
  }

  Status StartClip(const std::vector<Packet>& packets) {
    if (packets.empty() || !packets.front().key) return OkStatus();  // no key frame yet
    clip_path_ = o_->outbox_->TempPath(".mp4");
    auto w = ClipWriter::Open(stream_, clip_path_, zones_);
    if (!w.ok()) return w.status();
    writer_ = std::move(*w);
    clip_started_us_ = packets.front().wall_us;
    for (const Packet& p : packets) CANVASS_RETURN_IF_ERROR(writer_->Add(p));
    // So that a crash from here on loses at most the last fragment, not the clip.
    Status noted = o_->outbox_->NoteRecording(clip_path_, cam_.name, writer_->started_at_us(),
                                              cam_.e2ee);
    if (!noted.ok()) {
      spdlog::warn("camera '{}': cannot note the recording for crash recovery: {}", cam_.name,
                   noted.message());
    }
    return OkStatus();
  }

  Status FinishClip() {
    if (writer_ == nullptr) return OkStatus();
    std::unique_ptr<ClipWriter> w = std::move(writer_);
    auto summary = w->Finish();
    if (!summary.ok()) {
      spdlog::error("camera '{}': the clip could not be written: {}", cam_.name,
                    summary.status().message());
      return OkStatus();  // the camera goes on; the next event makes a new clip
    }
    auto seq = o_->outbox_->EnqueueClip(cam_.name, clip_path_, summary->started_at_us,
                                        summary->ended_at_us, cam_.e2ee);
    if (!seq.ok()) {
      spdlog::error("camera '{}': cannot queue the clip: {}", cam_.name, seq.status().message());
      return OkStatus();
    }
    spdlog::info("camera '{}': queued clip {} ({} to {}, {}{})", cam_.name, *seq,
                 FormatRfc3339(summary->started_at_us), FormatRfc3339(summary->ended_at_us),
                 summary->reencoded ? "masked, re-encoded" : "remuxed",
                 cam_.e2ee ? ", to be sealed" : "");
    {
      std::lock_guard lock(o_->mu_);
      ++o_->stats_.clips;
    }
    o_->notify_();
    return OkStatus();
  }

 public:
  int64_t decoded_ = 0;
  int64_t analysed_ = 0;

 private:
  CameraRunner* o_;
  const CameraConfig& cam_;
  PacketRing ring_;
  MotionEventTracker tracker_;
  PlateReadMerger merger_;
  std::unique_ptr<MotionDetector> detector_;
  std::vector<Polygon> zones_;
  StreamInfo stream_;
  int generation_ = 0;
  int64_t origin_us_ = 0;
  int64_t last_analysed_us_ = 0;
  AVCodecContext* decoder_ = nullptr;
  AVFrame* frame_ = nullptr;
  SwsContext* grey_sws_ = nullptr;
  SwsContext* bgr_sws_ = nullptr;
  std::vector<uint8_t> grey_, bgr_;
  std::unique_ptr<ClipWriter> writer_;
  std::string clip_path_;
  int64_t clip_started_us_ = 0;
  std::vector<MergedRead> pending_reads_;
  int64_t pending_since_us_ = 0;
};

CameraRunner::CameraRunner(CameraRunnerOptions options, Outbox* outbox,
                           std::function<void()> notify, const Clock* clock, Sleeper* sleeper,
                           PlateRecognizer* recognizer)
    : options_(std::move(options)),
      outbox_(outbox),
      notify_(std::move(notify)),
      clock_(clock),
      sleeper_(sleeper),
      recognizer_(recognizer) {}

CameraRunner::~CameraRunner() = default;

void CameraRunner::SetServerZones(std::vector<Polygon> zones) {
  std::lock_guard lock(mu_);
  server_zones_ = std::move(zones);
  zones_changed_ = true;
}

CameraStats CameraRunner::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

int64_t CameraRunner::reconnects() const { return reconnects_.load(); }

Status CameraRunner::Run(const std::atomic<bool>& stop) {
  VideoSource source(options_.source, clock_, sleeper_);
  pipeline_ = std::make_unique<Pipeline>(this);
  Status result = OkStatus();
  while (!stop.load()) {
    StatusOr<Packet> p = source.Next(stop);
    if (!p.ok()) {
      if (p.status().code() != Code::kNotFound && !stop.load()) result = p.status();
      break;
    }
    last_packet_wall_us_ = clock_->NowMicros();
    reconnects_ = source.reconnects();
    Status s = pipeline_->OnPacket(*p, source.stream());
    {
      std::lock_guard lock(mu_);
      ++stats_.packets;
      stats_.frames_decoded = pipeline_->decoded_;
      stats_.frames_analysed = pipeline_->analysed_;
    }
    if (!s.ok()) {
      result = s;
      break;
    }
  }
  Status finished = pipeline_->Finish();
  return result.ok() ? finished : result;
}

}  // namespace canvass::agent
