#include "media/libav_util.h"

extern "C" {
#include <libavutil/error.h>
#include <libavutil/log.h>
}

namespace canvass::media {

void QuietLibavLogging() {
  static const bool done = [] {
    av_log_set_level(AV_LOG_QUIET);
    return true;
  }();
  (void)done;
}

std::string AvErrorString(int av_error) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  if (av_strerror(av_error, buf, sizeof(buf)) < 0) {
    return "libav error " + std::to_string(av_error);
  }
  return buf;
}

StatusOr<int64_t> DecodeEveryFrame(const std::string& path,
                                   const std::function<void(const AVFrame*)>& each, int threads) {
  AVFormatContext* raw = nullptr;
  int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (rc < 0) return InvalidArgumentError("cannot read " + path + ": " + AvErrorString(rc));
  std::unique_ptr<AVFormatContext, void (*)(AVFormatContext*)> fmt(
      raw, [](AVFormatContext* f) { avformat_close_input(&f); });
  avformat_find_stream_info(fmt.get(), nullptr);
  const int si = av_find_best_stream(fmt.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (si < 0) return InvalidArgumentError(path + " has no video stream");
  const AVCodec* codec = avcodec_find_decoder(fmt->streams[si]->codecpar->codec_id);
  if (codec == nullptr) return FailedPreconditionError("no decoder for " + path);
  AvCodecContextPtr dec(avcodec_alloc_context3(codec));
  AvPacketPtr pkt(av_packet_alloc());
  AvFramePtr frame(av_frame_alloc());
  if (!dec || !pkt || !frame) return ResourceExhaustedError("out of memory");
  avcodec_parameters_to_context(dec.get(), fmt->streams[si]->codecpar);
  dec->thread_count = threads;
  rc = avcodec_open2(dec.get(), codec, nullptr);
  if (rc < 0) return InternalError("cannot open the decoder: " + AvErrorString(rc));
  int64_t n = 0;
  auto drain = [&] {
    while (avcodec_receive_frame(dec.get(), frame.get()) == 0) {
      each(frame.get());
      ++n;
      av_frame_unref(frame.get());
    }
  };
  while (av_read_frame(fmt.get(), pkt.get()) >= 0) {
    if (pkt->stream_index == si) avcodec_send_packet(dec.get(), pkt.get());
    av_packet_unref(pkt.get());
    drain();
  }
  avcodec_send_packet(dec.get(), nullptr);
  drain();
  return n;
}

}  // namespace canvass::media
