// Packet and StreamInfo: what a VideoSource hands to the rest of the agent.
//
// Timestamps are rewritten by the source onto the agent's clock: pts_us and dts_us are
// microseconds on one continuous timeline per stream generation (a looped file does not jump
// back), and wall_us is the wall-clock time the picture was taken (by the agent's clock, as the
// camera's clock cannot be trusted).
#pragma once

extern "C" {
#include <libavcodec/avcodec.h>
}

#include <cstdint>
#include <memory>

namespace canvass::agent {

struct AvPacketFree {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct AvCodecParametersFree {
  void operator()(AVCodecParameters* p) const { avcodec_parameters_free(&p); }
};

// One compressed video packet. Its AVPacket has pts, dts and duration in microseconds
// (AV_TIME_BASE_Q). Shared (read-only) between the ring buffer and the clip being written.
struct Packet {
  std::shared_ptr<const AVPacket> av;
  int64_t wall_us = 0;      // when it was captured (pts on the wall clock)
  int64_t duration_us = 0;  // display time of this frame
  bool key = false;
};

// The stream the packets belong to. A reconnect starts a new generation: packets of different
// generations never go into one clip, and decoders are reset.
struct StreamInfo {
  std::shared_ptr<const AVCodecParameters> codecpar;
  int generation = 0;
  double fps = 0;  // the stream's frame rate, 0 when unknown
};

}  // namespace canvass::agent
