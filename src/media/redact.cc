#include "media/redact.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <vector>

#include "common/file_system.h"
#include "media/libav_util.h"

extern "C" {
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libavutil/display.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libavutil/samplefmt.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

namespace canvass::media {
namespace {

// Pixelation: the padded face box is cut into blocks of about 1/kBlocksAcross of its larger side
// (at least kMinBlockPx), each painted with its mean. With the 20% padding a face spans about
// four blocks: its outline and skin tone remain, nothing that identifies it does. Unlike a
// Gaussian blur, a block mean cannot be deconvolved.
constexpr int kBlocksAcross = 6;
constexpr int kMinBlockPx = 8;

struct SwsContextDeleter {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
struct SwrContextDeleter {
  void operator()(SwrContext* s) const { swr_free(&s); }
};
struct AvAudioFifoDeleter {
  void operator()(AVAudioFifo* f) const { av_audio_fifo_free(f); }
};
using SwrContextPtr = std::unique_ptr<SwrContext, SwrContextDeleter>;
using AvAudioFifoPtr = std::unique_ptr<AVAudioFifo, AvAudioFifoDeleter>;

Status LibavError(std::string_view what, int rc) {
  return InternalError(std::string(what) + ": " + AvErrorString(rc));
}

// Errors writing the output file: a full disk is reported as such (ErrnoStatus), the rest is
// Internal.
Status OutputError(std::string_view what, int rc) {
  if (rc == AVERROR(ENOSPC) || rc == AVERROR(EDQUOT) || rc == AVERROR(EACCES)) {
    return ErrnoStatus(AVUNERROR(rc), what);
  }
  return LibavError(what, rc);
}

Status NotDecodable(std::string_view what, int rc) {
  return InvalidArgumentError("not a decodable video: " + std::string(what) + " (" +
                              AvErrorString(rc) + ")");
}

// Refuses every nested open: playlist and concat demuxers (hls, concat, MOV external references)
// would otherwise read the files and URLs a clip names. A clip is read by its own bytes only.
int RefuseNestedOpen(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**) {
  return AVERROR(EPERM);
}

// The input file and its demuxer. The file is opened by us, through the "file:" protocol, so a
// path can never be taken for a URL.
class InputFile {
 public:
  ~InputFile() {
    if (format_ != nullptr) avformat_close_input(&format_);
    if (pb_ != nullptr) avio_closep(&pb_);
  }

  Status Open(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus(errno, "cannot read clip " + path);
    if (!S_ISREG(st.st_mode)) return InvalidArgumentError(path + " is not a regular file");
    int rc = avio_open2(&pb_, ("file:" + path).c_str(), AVIO_FLAG_READ, nullptr, nullptr);
    if (rc < 0) return ErrnoStatus(AVUNERROR(rc), "cannot open clip " + path);
    AVFormatContext* format = avformat_alloc_context();
    if (format == nullptr) return ResourceExhaustedError("out of memory for the demuxer");
    format->pb = pb_;
    format->flags |= AVFMT_FLAG_CUSTOM_IO;
    format->io_open = &RefuseNestedOpen;
    // On failure avformat_open_input frees `format` (but not our AVIOContext).
    rc = avformat_open_input(&format, nullptr, nullptr, nullptr);
    if (rc < 0) return NotDecodable("unrecognised data", rc);
    format_ = format;
    rc = avformat_find_stream_info(format_, nullptr);
    if (rc < 0) return NotDecodable("cannot read its streams", rc);
    return OkStatus();
  }

  AVFormatContext* get() const { return format_; }

 private:
  AVIOContext* pb_ = nullptr;
  AVFormatContext* format_ = nullptr;
};

// The output MP4, written to `path` (the temporary file).
class OutputFile {
 public:
  ~OutputFile() {
    if (context_ != nullptr) {
      if (context_->pb != nullptr) avio_closep(&context_->pb);
      avformat_free_context(context_);
    }
  }

  Status Open(const std::string& path) {
    const std::string url = "file:" + path;
    int rc = avformat_alloc_output_context2(&context_, nullptr, "mp4", url.c_str());
    if (rc < 0 || context_ == nullptr) return LibavError("cannot set up the MP4 muxer", rc);
    rc = avio_open(&context_->pb, url.c_str(), AVIO_FLAG_WRITE);
    if (rc < 0) return OutputError("cannot create " + path, rc);
    return OkStatus();
  }

  Status Close() {
    int rc = avio_closep(&context_->pb);
    if (rc < 0) return OutputError("cannot close the output file", rc);
    return OkStatus();
  }

  AVFormatContext* get() const { return context_; }

 private:
  AVFormatContext* context_ = nullptr;
};

// Removes the temporary output file unless Release()d.
class TempFileGuard {
 public:
  explicit TempFileGuard(std::string path) : path_(std::move(path)) {}
  ~TempFileGuard() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  void Release() { path_.clear(); }

 private:
  std::string path_;
};

bool MuxerTakes(const AVFormatContext* out, AVCodecID codec) {
  return avformat_query_codec(out->oformat, codec, FF_COMPLIANCE_NORMAL) == 1;
}

const AVCodec* VideoEncoder() {
  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  return codec != nullptr ? codec : avcodec_find_encoder_by_name("mpeg4");
}

StatusOr<AvCodecContextPtr> OpenDecoder(const AVStream* stream) {
  const AVCodec* codec = avcodec_find_decoder(stream->codecpar->codec_id);
  if (codec == nullptr) {
    return InvalidArgumentError(std::string("not a decodable video: no decoder for ") +
                                avcodec_get_name(stream->codecpar->codec_id));
  }
  AvCodecContextPtr dec(avcodec_alloc_context3(codec));
  if (dec == nullptr) return ResourceExhaustedError("out of memory for a decoder");
  int rc = avcodec_parameters_to_context(dec.get(), stream->codecpar);
  if (rc < 0) return NotDecodable("bad codec parameters", rc);
  dec->pkt_timebase = stream->time_base;
  dec->thread_count = 0;  // As many as libavcodec sees fit.
  rc = avcodec_open2(dec.get(), codec, nullptr);
  if (rc < 0) return NotDecodable(std::string("cannot open the ") + codec->name + " decoder", rc);
  return dec;
}

// Keeps the rotation a phone recorded with, which players apply.
Status CopyDisplayMatrix(const AVStream* in, AVStream* out) {
  size_t size = 0;
  const uint8_t* matrix = av_stream_get_side_data(in, AV_PKT_DATA_DISPLAYMATRIX, &size);
  if (matrix == nullptr || size == 0) return OkStatus();
  uint8_t* copy = av_stream_new_side_data(out, AV_PKT_DATA_DISPLAYMATRIX, size);
  if (copy == nullptr) return ResourceExhaustedError("out of memory for side data");
  std::memcpy(copy, matrix, size);
  return OkStatus();
}

// How far clockwise (0, 90, 180 or 270 degrees) players turn the stored picture to show it, from
// the stream's display matrix (a phone held upright records landscape frames and a 90).
int DisplayRotation(const AVStream* st) {
  size_t size = 0;
  const uint8_t* matrix = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size);
  if (matrix == nullptr || size < 9 * sizeof(int32_t)) return 0;
  const double degrees = -av_display_rotation_get(reinterpret_cast<const int32_t*>(matrix));
  if (!std::isfinite(degrees)) return 0;
  const int quarter = static_cast<int>(std::lround(degrees / 90.0));
  return ((quarter % 4 + 4) % 4) * 90;
}

// Turns a packed BGR picture `rotation` degrees clockwise into `out`; returns its new width.
int RotateBgr(const uint8_t* src, int width, int height, int stride, int rotation,
              std::vector<uint8_t>& out) {
  const int out_width = rotation == 180 ? width : height;
  const int out_height = rotation == 180 ? height : width;
  out.resize(static_cast<size_t>(out_width) * out_height * 3);
  for (int y = 0; y < height; ++y) {
    const uint8_t* row = src + static_cast<ptrdiff_t>(y) * stride;
    for (int x = 0; x < width; ++x) {
      int ox = 0, oy = 0;
      switch (rotation) {
        case 90:
          ox = height - 1 - y;
          oy = x;
          break;
        case 180:
          ox = width - 1 - x;
          oy = height - 1 - y;
          break;
        default:  // 270
          ox = y;
          oy = width - 1 - x;
          break;
      }
      std::memcpy(&out[(static_cast<size_t>(oy) * out_width + ox) * 3], row + 3 * x, 3);
    }
  }
  return out_width;
}

// Maps a box found in the picture turned `rotation` degrees clockwise back to the stored frame
// (`width` x `height`).
FaceDetector::Box UnrotateBox(const FaceDetector::Box& b, int width, int height, int rotation) {
  switch (rotation) {
    case 90:
      return {b.y, height - b.x - b.w, b.h, b.w};
    case 180:
      return {width - b.x - b.w, height - b.y - b.h, b.w, b.h};
    case 270:
      return {width - b.y - b.h, b.x, b.h, b.w};
    default:
      return b;
  }
}

// A stream copied packet for packet.
struct CopiedStream {
  AVStream* out = nullptr;
};

StatusOr<CopiedStream> AddCopiedStream(const AVStream* in, AVFormatContext* out) {
  CopiedStream s;
  s.out = avformat_new_stream(out, nullptr);
  if (s.out == nullptr) return ResourceExhaustedError("out of memory for a stream");
  int rc = avcodec_parameters_copy(s.out->codecpar, in->codecpar);
  if (rc < 0) return LibavError("cannot copy stream parameters", rc);
  s.out->codecpar->codec_tag = 0;  // The MP4 muxer picks its own.
  s.out->time_base = in->time_base;
  s.out->avg_frame_rate = in->avg_frame_rate;
  s.out->r_frame_rate = in->r_frame_rate;
  s.out->sample_aspect_ratio = in->sample_aspect_ratio;
  s.out->disposition = in->disposition & AV_DISPOSITION_DEFAULT;
  if (in->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) {
    CANVASS_RETURN_IF_ERROR(CopyDisplayMatrix(in, s.out));
  }
  return s;
}

// Sends `frame` (nullptr: flush) to `enc` and writes what comes out to `out_stream`.
// `default_duration` (in the encoder's time base) fills in packets without a duration.
Status EncodeAndWrite(AVFormatContext* out, AVCodecContext* enc, AVStream* out_stream,
                      const AVFrame* frame, AVPacket* packet, int64_t default_duration) {
  int rc = avcodec_send_frame(enc, frame);
  if (rc < 0) return LibavError(std::string("the ") + enc->codec->name + " encoder failed", rc);
  while (true) {
    rc = avcodec_receive_packet(enc, packet);
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return OkStatus();
    if (rc < 0) return LibavError(std::string("the ") + enc->codec->name + " encoder failed", rc);
    if (packet->duration <= 0) packet->duration = default_duration;
    av_packet_rescale_ts(packet, enc->time_base, out_stream->time_base);
    packet->stream_index = out_stream->index;
    rc = av_interleaved_write_frame(out, packet);  // Takes the packet's reference.
    if (rc < 0) return OutputError("writing the output failed", rc);
  }
}

// Pixelates the rectangle [x0, x1) x [y0, y1) of a YUV 4:2:0 frame with square blocks of
// `block` pixels (even), on a grid aligned to the frame's origin so that luma and chroma blocks
// coincide. The rectangle is widened to whole blocks, then clipped to the frame.
void Pixelate(AVFrame* f, int x0, int y0, int x1, int y1, int block) {
  x0 = x0 / block * block;
  y0 = y0 / block * block;
  x1 = std::min(f->width, (x1 + block - 1) / block * block);
  y1 = std::min(f->height, (y1 + block - 1) / block * block);
  for (int plane = 0; plane < 3; ++plane) {
    const int shift = plane == 0 ? 0 : 1;
    const int b = block >> shift;
    const int px0 = x0 >> shift, py0 = y0 >> shift;
    const int px1 = std::min((x1 + shift) >> shift, (f->width + shift) >> shift);
    const int py1 = std::min((y1 + shift) >> shift, (f->height + shift) >> shift);
    uint8_t* data = f->data[plane];
    const int stride = f->linesize[plane];
    for (int by = py0; by < py1; by += b) {
      const int bh = std::min(b, py1 - by);
      for (int bx = px0; bx < px1; bx += b) {
        const int bw = std::min(b, px1 - bx);
        uint32_t sum = 0;
        for (int y = by; y < by + bh; ++y) {
          const uint8_t* row = data + static_cast<ptrdiff_t>(y) * stride;
          for (int x = bx; x < bx + bw; ++x) sum += row[x];
        }
        const uint32_t n = static_cast<uint32_t>(bw * bh);
        const auto mean = static_cast<uint8_t>((sum + n / 2) / n);
        for (int y = by; y < by + bh; ++y) {
          std::memset(data + static_cast<ptrdiff_t>(y) * stride + bx, mean,
                      static_cast<size_t>(bw));
        }
      }
    }
  }
}

// Pads `box` by kFacePadFraction on every side, clips it to the frame and pixelates it. False
// when nothing of it lies inside the frame.
bool PixelateFace(AVFrame* f, const FaceDetector::Box& box) {
  if (box.w <= 0 || box.h <= 0) return false;
  const int pad_x = static_cast<int>(std::lround(box.w * kFacePadFraction));
  const int pad_y = static_cast<int>(std::lround(box.h * kFacePadFraction));
  const int x0 = std::max(0, box.x - pad_x);
  const int y0 = std::max(0, box.y - pad_y);
  const int x1 = std::min(f->width, box.x + box.w + pad_x);
  const int y1 = std::min(f->height, box.y + box.h + pad_y);
  if (x1 <= x0 || y1 <= y0) return false;
  const int side = std::max(x1 - x0, y1 - y0);
  const int block = std::max(kMinBlockPx, (side / kBlocksAcross + 1) & ~1);
  Pixelate(f, x0, y0, x1, y1, block);
  return true;
}

// The re-encoded video stream: decoder, optional face pixelation, encoder.
class VideoTranscoder {
 public:
  VideoTranscoder() = default;
  VideoTranscoder(const VideoTranscoder&) = delete;
  VideoTranscoder& operator=(const VideoTranscoder&) = delete;
  ~VideoTranscoder() {
    sws_freeContext(sws_to_yuv_);
    sws_freeContext(sws_to_bgr_);
  }

  Status Init(const AVFormatContext* in_format, const AVStream* in, int64_t start_us,
              AVFormatContext* out, const FaceDetector* detector) {
    in_ = in;
    detector_ = detector;
    CANVASS_ASSIGN_OR_RETURN(dec_, OpenDecoder(in));
    const int width = dec_->width, height = dec_->height;
    if (width <= 0 || height <= 0) {
      return InvalidArgumentError("not a decodable video: the video stream has no dimensions");
    }
    if (width % 2 != 0 || height % 2 != 0) {
      return InvalidArgumentError("cannot re-encode a " + std::to_string(width) + "x" +
                                  std::to_string(height) +
                                  " video: 4:2:0 encoding needs even dimensions");
    }
    const AVCodec* codec = VideoEncoder();
    if (codec == nullptr) return InternalError("libavcodec has neither libx264 nor mpeg4 encoders");
    enc_.reset(avcodec_alloc_context3(codec));
    if (enc_ == nullptr) return ResourceExhaustedError("out of memory for an encoder");

    AVRational frame_rate = av_guess_frame_rate(const_cast<AVFormatContext*>(in_format),
                                                const_cast<AVStream*>(in), nullptr);
    if (frame_rate.num <= 0 || frame_rate.den <= 0) frame_rate = AVRational{25, 1};
    AVCodecContext* c = enc_.get();
    c->width = width;
    c->height = height;
    c->pix_fmt = AV_PIX_FMT_YUV420P;
    c->sample_aspect_ratio = dec_->sample_aspect_ratio;
    // The input's time base keeps every timestamp exact; MPEG-4 Part 2 cannot take a
    // denominator above 65535, and then gets one tick a frame.
    c->time_base = in->time_base;
    if (std::string_view(codec->name) != "libx264" && c->time_base.den > 65535) {
      c->time_base = av_inv_q(frame_rate);
    }
    c->framerate = frame_rate;
    c->gop_size = std::max(1, static_cast<int>(std::lround(2 * av_q2d(frame_rate))));
    c->max_b_frames = 0;  // pts == dts: the timestamps go through unchanged.
    c->thread_count = 0;
    // Full-range ("JPEG") 4:2:0 is the same layout; keep the range instead of converting.
    if (dec_->pix_fmt == AV_PIX_FMT_YUVJ420P) {
      c->color_range = AVCOL_RANGE_JPEG;
    } else {
      c->color_range = dec_->color_range;
    }
    c->color_primaries = dec_->color_primaries;
    c->color_trc = dec_->color_trc;
    c->colorspace = dec_->colorspace;
    if (out->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (std::string_view(codec->name) == "libx264") {
      av_opt_set(c->priv_data, "preset", "veryfast", 0);
      av_opt_set(c->priv_data, "crf", "23", 0);
    } else {
      c->bit_rate = static_cast<int64_t>(width) * height * 2;  // ~ 2 bits a pixel a second.
    }
    int rc = avcodec_open2(c, codec, nullptr);
    if (rc < 0) return LibavError(std::string("cannot open the ") + codec->name + " encoder", rc);
    frame_ticks_ = std::max<int64_t>(1, av_rescale_q(1, av_inv_q(frame_rate), c->time_base));
    start_ticks_ = av_rescale_q(start_us, AV_TIME_BASE_Q, c->time_base);

    out_ = avformat_new_stream(out, nullptr);
    if (out_ == nullptr) return ResourceExhaustedError("out of memory for a stream");
    rc = avcodec_parameters_from_context(out_->codecpar, c);
    if (rc < 0) return LibavError("cannot set the video stream's parameters", rc);
    out_->time_base = c->time_base;
    out_->avg_frame_rate = in->avg_frame_rate;
    out_->r_frame_rate = in->r_frame_rate;
    out_->sample_aspect_ratio = c->sample_aspect_ratio;
    out_->disposition = AV_DISPOSITION_DEFAULT;
    CANVASS_RETURN_IF_ERROR(CopyDisplayMatrix(in, out_));
    rotation_ = DisplayRotation(in);

    frame_.reset(av_frame_alloc());
    packet_.reset(av_packet_alloc());
    if (frame_ == nullptr || packet_ == nullptr) return ResourceExhaustedError("out of memory");
    return OkStatus();
  }

  // Decodes `packet` (nullptr: end of stream) and encodes the frames that come out.
  Status Feed(AVFormatContext* out, const AVPacket* packet) {
    int rc = avcodec_send_packet(dec_.get(), packet);
    if (rc == AVERROR_INVALIDDATA) {
      last_decode_error_ = rc;  // A damaged packet: skip it, as players do.
      return OkStatus();
    }
    if (rc < 0 && rc != AVERROR_EOF) return NotDecodable("the video does not decode", rc);
    while (true) {
      rc = avcodec_receive_frame(dec_.get(), frame_.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return OkStatus();
      if (rc == AVERROR_INVALIDDATA) {
        last_decode_error_ = rc;
        continue;
      }
      if (rc < 0) return NotDecodable("the video does not decode", rc);
      Status status = EncodeFrame(out, frame_.get());
      av_frame_unref(frame_.get());
      CANVASS_RETURN_IF_ERROR(status);
    }
  }

  Status Finish(AVFormatContext* out) {
    CANVASS_RETURN_IF_ERROR(Feed(out, nullptr));
    if (frames_ == 0) {
      return InvalidArgumentError(
          std::string("not a decodable video: no frame of its ") +
          avcodec_get_name(dec_->codec_id) + " video decodes" +
          (last_decode_error_ != 0 ? " (" + AvErrorString(last_decode_error_) + ")" : ""));
    }
    return EncodeAndWrite(out, enc_.get(), out_, nullptr, packet_.get(), frame_ticks_);
  }

  int frames() const { return frames_; }
  int faces_blurred() const { return faces_blurred_; }

 private:
  // Converts `decoded` to the encoder's format when it differs, pixelates faces, encodes.
  Status EncodeFrame(AVFormatContext* out, AVFrame* decoded) {
    AVFrame* frame = decoded;
    const bool same_layout =
        (decoded->format == AV_PIX_FMT_YUV420P || decoded->format == AV_PIX_FMT_YUVJ420P) &&
        decoded->width == enc_->width && decoded->height == enc_->height;
    if (!same_layout) {
      CANVASS_RETURN_IF_ERROR(ConvertToYuv420(decoded));
      frame = yuv_.get();
    }

    if (detector_ != nullptr) {
      if (frames_ % kDetectEveryNFrames == 0) {
        CANVASS_ASSIGN_OR_RETURN(std::vector<FaceDetector::Box> found, DetectFaces(frame));
        previous_faces_ = std::move(latest_faces_);
        latest_faces_ = std::move(found);
      }
      if (!latest_faces_.empty() || !previous_faces_.empty()) {
        // Decoded frames share their buffers with the decoder's reference frames: copy first.
        int rc = av_frame_make_writable(frame);
        if (rc < 0) return LibavError("cannot copy a frame to redact it", rc);
        for (const FaceDetector::Box& box : previous_faces_) PixelateFace(frame, box);
        for (const FaceDetector::Box& box : latest_faces_) {
          if (PixelateFace(frame, box)) ++faces_blurred_;
        }
      }
    }

    // Strictly increasing timestamps in the encoder's time base; the input's when it has them.
    int64_t pts = decoded->best_effort_timestamp;
    if (pts != AV_NOPTS_VALUE) {
      pts = av_rescale_q(pts, in_->time_base, enc_->time_base) - start_ticks_;
    }
    if (pts == AV_NOPTS_VALUE) pts = last_pts_ == AV_NOPTS_VALUE ? 0 : last_pts_ + frame_ticks_;
    if (last_pts_ != AV_NOPTS_VALUE && pts <= last_pts_) pts = last_pts_ + 1;
    last_pts_ = pts;
    frame->pts = pts;
    frame->pict_type = AV_PICTURE_TYPE_NONE;  // Let the encoder place its own key frames.
    if (frame->format == AV_PIX_FMT_YUVJ420P) frame->format = AV_PIX_FMT_YUV420P;
    ++frames_;
    return EncodeAndWrite(out, enc_.get(), out_, frame, packet_.get(), frame_ticks_);
  }

  Status ConvertToYuv420(const AVFrame* decoded) {
    sws_to_yuv_ = sws_getCachedContext(
        sws_to_yuv_, decoded->width, decoded->height, static_cast<AVPixelFormat>(decoded->format),
        enc_->width, enc_->height, AV_PIX_FMT_YUV420P, SWS_BILINEAR, nullptr, nullptr, nullptr);
    if (sws_to_yuv_ == nullptr) {
      return InvalidArgumentError(std::string("not a decodable video: cannot convert its ") +
                                  av_get_pix_fmt_name(static_cast<AVPixelFormat>(decoded->format)) +
                                  " pixels");
    }
    if (yuv_ == nullptr) {
      yuv_.reset(av_frame_alloc());
      if (yuv_ == nullptr) return ResourceExhaustedError("out of memory");
    }
    av_frame_unref(yuv_.get());  // The encoder may still hold the previous buffer.
    yuv_->format = AV_PIX_FMT_YUV420P;
    yuv_->width = enc_->width;
    yuv_->height = enc_->height;
    int rc = av_frame_get_buffer(yuv_.get(), 0);
    if (rc < 0) return ResourceExhaustedError("out of memory for a frame");
    sws_scale(sws_to_yuv_, decoded->data, decoded->linesize, 0, decoded->height, yuv_->data,
              yuv_->linesize);
    yuv_->sample_aspect_ratio = decoded->sample_aspect_ratio;
    return OkStatus();
  }

  StatusOr<std::vector<FaceDetector::Box>> DetectFaces(const AVFrame* yuv) {
    sws_to_bgr_ = sws_getCachedContext(
        sws_to_bgr_, yuv->width, yuv->height, static_cast<AVPixelFormat>(yuv->format), yuv->width,
        yuv->height, AV_PIX_FMT_BGR24, SWS_BILINEAR, nullptr, nullptr, nullptr);
    if (sws_to_bgr_ == nullptr) return InternalError("cannot set up the conversion to BGR");
    if (bgr_ == nullptr) {
      bgr_.reset(av_frame_alloc());
      if (bgr_ == nullptr) return ResourceExhaustedError("out of memory");
      bgr_->format = AV_PIX_FMT_BGR24;
      bgr_->width = yuv->width;
      bgr_->height = yuv->height;
      int rc = av_frame_get_buffer(bgr_.get(), 0);
      if (rc < 0) return ResourceExhaustedError("out of memory for a frame");
    }
    sws_scale(sws_to_bgr_, yuv->data, yuv->linesize, 0, yuv->height, bgr_->data, bgr_->linesize);
    if (rotation_ == 0) {
      return detector_->Detect(bgr_->data[0], bgr_->width, bgr_->height, bgr_->linesize[0]);
    }
    // The cascade finds upright faces only: show it the picture the way players do.
    const int width =
        RotateBgr(bgr_->data[0], bgr_->width, bgr_->height, bgr_->linesize[0], rotation_, rotated_);
    const int height = static_cast<int>(rotated_.size() / 3 / static_cast<size_t>(width));
    std::vector<FaceDetector::Box> boxes =
        detector_->Detect(rotated_.data(), width, height, 3 * width);
    for (FaceDetector::Box& box : boxes) {
      box = UnrotateBox(box, bgr_->width, bgr_->height, rotation_);
    }
    return boxes;
  }

 private:
  const AVStream* in_ = nullptr;
  const FaceDetector* detector_ = nullptr;  // Null: no face pixelation.
  AvCodecContextPtr dec_;
  AvCodecContextPtr enc_;
  AVStream* out_ = nullptr;
  AvFramePtr frame_;
  AvFramePtr yuv_;                // The decoded frame in the encoder's format, when it differs.
  AvFramePtr bgr_;                // The frame given to the detector.
  int rotation_ = 0;              // DisplayRotation of the input.
  std::vector<uint8_t> rotated_;  // bgr_ as players show it, when rotation_ != 0.
  AvPacketPtr packet_;
  SwsContext* sws_to_yuv_ = nullptr;
  SwsContext* sws_to_bgr_ = nullptr;
  int64_t frame_ticks_ = 1;  // One frame, in the encoder's time base.
  int64_t start_ticks_ = 0;  // The input's start offset, in the encoder's time base.
  int64_t last_pts_ = AV_NOPTS_VALUE;
  int frames_ = 0;
  int faces_blurred_ = 0;
  int last_decode_error_ = 0;
  std::vector<FaceDetector::Box> latest_faces_;    // From the last detection.
  std::vector<FaceDetector::Box> previous_faces_;  // From the one before.
};

// An audio stream re-encoded to AAC, for codecs MP4 cannot hold (PCM, G.711, ...).
class AudioTranscoder {
 public:
  Status Init(const AVStream* in, int64_t start_us, AVFormatContext* out) {
    in_ = in;
    start_us_ = start_us;
    CANVASS_ASSIGN_OR_RETURN(dec_, OpenDecoder(in));
    const AVCodec* codec = avcodec_find_encoder_by_name("aac");
    if (codec == nullptr) return InternalError("libavcodec has no aac encoder");
    enc_.reset(avcodec_alloc_context3(codec));
    if (enc_ == nullptr) return ResourceExhaustedError("out of memory for an encoder");
    AVCodecContext* c = enc_.get();
    c->sample_fmt = AV_SAMPLE_FMT_FLTP;  // The only format the aac encoder takes.
    c->sample_rate = 48000;
    for (const int* rate = codec->supported_samplerates; rate != nullptr && *rate != 0; ++rate) {
      if (*rate == dec_->sample_rate) c->sample_rate = dec_->sample_rate;
    }
    const int channels = dec_->ch_layout.nb_channels >= 2 ? 2 : 1;
    av_channel_layout_default(&c->ch_layout, channels);
    c->bit_rate = 64000 * channels;
    c->time_base = AVRational{1, c->sample_rate};
    if (out->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    int rc = avcodec_open2(c, codec, nullptr);
    if (rc < 0) return LibavError("cannot open the aac encoder", rc);

    AVChannelLayout in_layout;
    if (dec_->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || dec_->ch_layout.nb_channels == 0) {
      av_channel_layout_default(&in_layout, std::max(1, dec_->ch_layout.nb_channels));
    } else {
      rc = av_channel_layout_copy(&in_layout, &dec_->ch_layout);
      if (rc < 0) return LibavError("cannot read the audio channel layout", rc);
    }
    SwrContext* swr = nullptr;
    rc = swr_alloc_set_opts2(&swr, &c->ch_layout, c->sample_fmt, c->sample_rate, &in_layout,
                             dec_->sample_fmt, dec_->sample_rate, 0, nullptr);
    av_channel_layout_uninit(&in_layout);
    swr_.reset(swr);
    if (rc < 0) return LibavError("cannot set up audio resampling", rc);
    rc = swr_init(swr_.get());
    if (rc < 0) return LibavError("cannot set up audio resampling", rc);
    fifo_.reset(av_audio_fifo_alloc(c->sample_fmt, channels, 4096));
    if (fifo_ == nullptr) return ResourceExhaustedError("out of memory for audio");

    out_ = avformat_new_stream(out, nullptr);
    if (out_ == nullptr) return ResourceExhaustedError("out of memory for a stream");
    rc = avcodec_parameters_from_context(out_->codecpar, c);
    if (rc < 0) return LibavError("cannot set the audio stream's parameters", rc);
    out_->time_base = c->time_base;
    frame_.reset(av_frame_alloc());
    chunk_.reset(av_frame_alloc());
    packet_.reset(av_packet_alloc());
    if (frame_ == nullptr || chunk_ == nullptr || packet_ == nullptr) {
      return ResourceExhaustedError("out of memory");
    }
    return OkStatus();
  }

  Status Feed(AVFormatContext* out, const AVPacket* packet) {
    int rc = avcodec_send_packet(dec_.get(), packet);
    if (rc == AVERROR_INVALIDDATA) return OkStatus();  // A damaged packet: skip it.
    if (rc < 0 && rc != AVERROR_EOF) return NotDecodable("the audio does not decode", rc);
    while (true) {
      rc = avcodec_receive_frame(dec_.get(), frame_.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return OkStatus();
      if (rc == AVERROR_INVALIDDATA) continue;
      if (rc < 0) return NotDecodable("the audio does not decode", rc);
      if (next_pts_ == AV_NOPTS_VALUE) {
        const int64_t ts = frame_->best_effort_timestamp;
        next_pts_ = ts == AV_NOPTS_VALUE
                        ? 0
                        : av_rescale_q(ts, in_->time_base, enc_->time_base) -
                              av_rescale_q(start_us_, AV_TIME_BASE_Q, enc_->time_base);
      }
      Status status = Resample(frame_.get());
      av_frame_unref(frame_.get());
      CANVASS_RETURN_IF_ERROR(status);
      CANVASS_RETURN_IF_ERROR(EncodeChunks(out, /*flush=*/false));
    }
  }

  Status Finish(AVFormatContext* out) {
    CANVASS_RETURN_IF_ERROR(Feed(out, nullptr));
    if (next_pts_ == AV_NOPTS_VALUE) return OkStatus();  // No audio at all: nothing to flush.
    CANVASS_RETURN_IF_ERROR(Resample(nullptr));
    CANVASS_RETURN_IF_ERROR(EncodeChunks(out, /*flush=*/true));
    return EncodeAndWrite(out, enc_.get(), out_, nullptr, packet_.get(), 0);
  }

 private:
  // Converts `frame` (nullptr: what swresample still holds) into the FIFO.
  Status Resample(const AVFrame* frame) {
    const int in_samples = frame != nullptr ? frame->nb_samples : 0;
    const int max_out = swr_get_out_samples(swr_.get(), in_samples);
    if (max_out < 0) return LibavError("audio resampling failed", max_out);
    if (max_out == 0) return OkStatus();
    uint8_t** buffers = nullptr;
    int rc = av_samples_alloc_array_and_samples(&buffers, nullptr, enc_->ch_layout.nb_channels,
                                                max_out, enc_->sample_fmt, 0);
    if (rc < 0) return ResourceExhaustedError("out of memory for audio");
    const int got = swr_convert(
        swr_.get(), buffers, max_out,
        frame != nullptr ? const_cast<const uint8_t**>(frame->extended_data) : nullptr, in_samples);
    if (got > 0) rc = av_audio_fifo_write(fifo_.get(), reinterpret_cast<void**>(buffers), got);
    av_freep(&buffers[0]);
    av_freep(&buffers);
    if (got < 0) return LibavError("audio resampling failed", got);
    if (rc < 0) return ResourceExhaustedError("out of memory for audio");
    return OkStatus();
  }

  // Encodes whole encoder frames from the FIFO, and with `flush` the short rest too.
  Status EncodeChunks(AVFormatContext* out, bool flush) {
    const int frame_size = enc_->frame_size > 0 ? enc_->frame_size : 1024;
    while (av_audio_fifo_size(fifo_.get()) >= frame_size ||
           (flush && av_audio_fifo_size(fifo_.get()) > 0)) {
      const int n = std::min(frame_size, av_audio_fifo_size(fifo_.get()));
      av_frame_unref(chunk_.get());
      chunk_->nb_samples = n;
      chunk_->format = enc_->sample_fmt;
      chunk_->sample_rate = enc_->sample_rate;
      int rc = av_channel_layout_copy(&chunk_->ch_layout, &enc_->ch_layout);
      if (rc < 0) return LibavError("cannot set the audio layout", rc);
      rc = av_frame_get_buffer(chunk_.get(), 0);
      if (rc < 0) return ResourceExhaustedError("out of memory for audio");
      if (av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(chunk_->data), n) != n) {
        return InternalError("audio FIFO read short");
      }
      chunk_->pts = next_pts_;
      next_pts_ += n;
      CANVASS_RETURN_IF_ERROR(
          EncodeAndWrite(out, enc_.get(), out_, chunk_.get(), packet_.get(), n));
    }
    return OkStatus();
  }

  const AVStream* in_ = nullptr;
  AvCodecContextPtr dec_;
  AvCodecContextPtr enc_;
  AVStream* out_ = nullptr;
  SwrContextPtr swr_;
  AvAudioFifoPtr fifo_;
  AvFramePtr frame_;
  AvFramePtr chunk_;
  AvPacketPtr packet_;
  int64_t start_us_ = 0;
  int64_t next_pts_ = AV_NOPTS_VALUE;  // In the encoder's time base (1 / sample rate).
};

// What becomes of each input stream.
struct StreamPlan {
  enum Kind { kDrop, kCopy, kVideoTranscode, kAudioTranscode } kind = kDrop;
  AVStream* copy_out = nullptr;  // kCopy: the output stream.
  int transcoder = -1;           // kAudioTranscode: the index in the audio transcoders.
};

const AVStream* FindVideoStream(const AVFormatContext* format) {
  for (unsigned i = 0; i < format->nb_streams; ++i) {
    const AVStream* st = format->streams[i];
    if (st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
        (st->disposition & AV_DISPOSITION_ATTACHED_PIC) == 0) {
      return st;
    }
  }
  return nullptr;
}

// Makes the finished temporary file durable before it is renamed into place.
Status SyncFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open " + path);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return ErrnoStatus(err, "fsync " + path);
  return OkStatus();
}

StatusOr<RedactStats> Redact(const std::string& input_path, const std::string& temp_path,
                             const RedactOptions& options, const FaceDetector* detector) {
  InputFile input;
  CANVASS_RETURN_IF_ERROR(input.Open(input_path));
  AVFormatContext* in = input.get();
  const AVStream* video_in = FindVideoStream(in);
  if (video_in == nullptr) return InvalidArgumentError("not a decodable video: no video stream");

  OutputFile output;
  CANVASS_RETURN_IF_ERROR(output.Open(temp_path));
  AVFormatContext* out = output.get();

  // Some containers start their clock well after 0 (MPEG-TS at 1.4 s): the output starts at 0,
  // as with ffmpeg's command line, rather than with an empty edit that players show as a pause.
  const int64_t start_us =
      in->start_time != AV_NOPTS_VALUE && in->start_time > 0 ? in->start_time : 0;

  RedactStats stats;
  std::vector<StreamPlan> plans(in->nb_streams);
  VideoTranscoder video;
  bool transcode_video = false;
  std::vector<std::unique_ptr<AudioTranscoder>> audio;
  // The video stream first, so that it is track 1 of the MP4.
  {
    StreamPlan& plan = plans[static_cast<size_t>(video_in->index)];
    if (options.blur_faces || !MuxerTakes(out, video_in->codecpar->codec_id)) {
      CANVASS_RETURN_IF_ERROR(
          video.Init(in, video_in, start_us, out, options.blur_faces ? detector : nullptr));
      plan.kind = StreamPlan::kVideoTranscode;
      transcode_video = true;
    } else {
      CANVASS_ASSIGN_OR_RETURN(CopiedStream copied, AddCopiedStream(video_in, out));
      plan.kind = StreamPlan::kCopy;
      plan.copy_out = copied.out;
    }
  }
  for (unsigned i = 0; i < in->nb_streams; ++i) {
    const AVStream* st = in->streams[i];
    if (st->codecpar->codec_type != AVMEDIA_TYPE_AUDIO) continue;
    StreamPlan& plan = plans[i];
    if (options.mute_audio) {
      stats.audio_removed = true;
    } else if (MuxerTakes(out, st->codecpar->codec_id)) {
      CANVASS_ASSIGN_OR_RETURN(CopiedStream copied, AddCopiedStream(st, out));
      plan.kind = StreamPlan::kCopy;
      plan.copy_out = copied.out;
    } else {
      auto transcoder = std::make_unique<AudioTranscoder>();
      CANVASS_RETURN_IF_ERROR(transcoder->Init(st, start_us, out));
      plan.kind = StreamPlan::kAudioTranscode;
      plan.transcoder = static_cast<int>(audio.size());
      audio.push_back(std::move(transcoder));
    }
  }

  AVDictionary* muxer_options = nullptr;
  av_dict_set(&muxer_options, "movflags", "+faststart", 0);
  int rc = avformat_write_header(out, &muxer_options);
  av_dict_free(&muxer_options);
  if (rc < 0) return OutputError("cannot write the MP4 header", rc);

  AvPacketPtr packet(av_packet_alloc());
  if (packet == nullptr) return ResourceExhaustedError("out of memory");
  int copied_video_packets = 0;
  while (true) {
    rc = av_read_frame(in, packet.get());
    if (rc == AVERROR_EOF) break;
    if (rc == AVERROR(EAGAIN)) continue;
    if (rc < 0) return NotDecodable("cannot read the clip", rc);
    const StreamPlan& plan = plans[static_cast<size_t>(packet->stream_index)];
    Status status;
    switch (plan.kind) {
      case StreamPlan::kDrop:
        break;
      case StreamPlan::kCopy: {
        const AVStream* st = in->streams[packet->stream_index];
        if (st == video_in) ++copied_video_packets;
        const int64_t shift = av_rescale_q(start_us, AV_TIME_BASE_Q, st->time_base);
        if (packet->pts != AV_NOPTS_VALUE) packet->pts -= shift;
        if (packet->dts != AV_NOPTS_VALUE) packet->dts -= shift;
        av_packet_rescale_ts(packet.get(), st->time_base, plan.copy_out->time_base);
        packet->stream_index = plan.copy_out->index;
        packet->pos = -1;
        rc = av_interleaved_write_frame(out, packet.get());  // Takes the packet's reference.
        if (rc < 0) status = OutputError("writing the output failed", rc);
        break;
      }
      case StreamPlan::kVideoTranscode:
        status = video.Feed(out, packet.get());
        break;
      case StreamPlan::kAudioTranscode:
        status = audio[static_cast<size_t>(plan.transcoder)]->Feed(out, packet.get());
        break;
    }
    av_packet_unref(packet.get());
    CANVASS_RETURN_IF_ERROR(status);
  }
  if (transcode_video) {
    CANVASS_RETURN_IF_ERROR(video.Finish(out));
    stats.frames = video.frames();
    stats.faces_blurred = video.faces_blurred();
  } else {
    if (copied_video_packets == 0) {
      return InvalidArgumentError("not a decodable video: its video stream has no packets");
    }
    stats.frames = copied_video_packets;
  }
  for (auto& a : audio) CANVASS_RETURN_IF_ERROR(a->Finish(out));

  rc = av_write_trailer(out);
  if (rc < 0) return OutputError("cannot finish the MP4 file", rc);
  CANVASS_RETURN_IF_ERROR(output.Close());
  return stats;
}

}  // namespace

StatusOr<RedactStats> RedactClip(const std::string& input_path, const std::string& output_path,
                                 const RedactOptions& options, const FaceDetector* detector) {
  if (options.blur_faces && detector == nullptr) {
    return InvalidArgumentError("blur_faces needs a face detector (see OpenCvFaceDetector)");
  }
  if (output_path.empty()) return InvalidArgumentError("RedactClip needs an output path");
  QuietLibavLogging();

  std::string temp_path = output_path + ".tmp-XXXXXX";
  const int fd = ::mkstemp(temp_path.data());
  if (fd < 0) return ErrnoStatus(errno, "cannot create a temporary file next to " + output_path);
  ::close(fd);
  TempFileGuard guard(temp_path);

  StatusOr<RedactStats> stats = Redact(input_path, temp_path, options, detector);
  if (!stats.ok()) return stats.status().WithContext("redacting " + input_path);
  CANVASS_RETURN_IF_ERROR(SyncFile(temp_path));
  CANVASS_RETURN_IF_ERROR(FileSystem::Posix()->Rename(temp_path, output_path));
  guard.Release();
  CANVASS_RETURN_IF_ERROR(FileSystem::Posix()->SyncDir(DirName(output_path)));
  return stats;
}

}  // namespace canvass::media
