// Small shared helpers for the files of this directory that talk to libavformat/libavcodec:
// mapping libav error codes to messages, silencing libav's logging, and owning libav objects.
//
// For src/media and the agent's capture and recording code (src/agent); other subsystems use
// probe.h and test_video.h instead.
// Thread-safety: all functions are safe to call from any thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/status.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
}

namespace canvass::media {

// Sets libav's log level to AV_LOG_QUIET, once per process. libav otherwise prints to stderr
// whenever it meets data it does not like, which for uploaded files is routine.
void QuietLibavLogging();

// The text libav gives for an AVERROR code, e.g. "Invalid data found when processing input".
std::string AvErrorString(int av_error);

// Demuxes and decodes every frame of the file's best video stream with `threads` decoder threads
// (0: libav's choice), calling `each` on each frame (borrowed for the call). Returns the number
// of frames decoded. For tests and benchmarks that look at or time a whole file's pictures.
StatusOr<int64_t> DecodeEveryFrame(const std::string& path,
                                   const std::function<void(const AVFrame*)>& each,
                                   int threads = 0);

struct AvCodecContextDeleter {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct AvFrameDeleter {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct AvPacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
using AvCodecContextPtr = std::unique_ptr<AVCodecContext, AvCodecContextDeleter>;
using AvFramePtr = std::unique_ptr<AVFrame, AvFrameDeleter>;
using AvPacketPtr = std::unique_ptr<AVPacket, AvPacketDeleter>;

}  // namespace canvass::media
