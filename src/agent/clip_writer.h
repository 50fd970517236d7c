// ClipWriter: turns a motion event's packets into an MP4 clip.
//
// Without privacy zones, the camera's own compressed packets are copied into the MP4 (remux:
// no decoding, no quality loss, a few milliseconds of CPU). With privacy zones, or when MP4
// cannot hold the camera's codec (raw V4L2 frames, MJPEG), every frame is decoded, the zones
// are painted black (Y=16, U=V=128) and the result is encoded to H.264: a zone never reaches a
// clip, so it never reaches the server.
//
// The file is fragmented MP4 (a header, then a fragment per key frame, each packet handed to the
// OS as written): a recording cut short by a crash is readable up to its last fragment, and
// Outbox recovers it. A finished clip stays fragmented: libavformat (the server's probe, its
// redaction) and browsers read it as they read any MP4, so it is not rewritten.
//
// Timestamps: the clip starts at 0 at its first packet, which must be a key frame.
// Not thread-safe: one writer per clip, used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/geometry.h"
#include "agent/packet.h"
#include "common/status.h"

namespace canvass::agent {

struct ClipSummary {
  int64_t started_at_us = 0;  // wall time of the first packet
  int64_t ended_at_us = 0;    // wall time at the end of the last packet
  int64_t packets = 0;
  bool reencoded = false;
};

class ClipWriter {
 public:
  // Creates `path` (replacing it). `mask_zones` in normalised coordinates; empty: remux.
  static StatusOr<std::unique_ptr<ClipWriter>> Open(const StreamInfo& stream,
                                                    const std::string& path,
                                                    const std::vector<Polygon>& mask_zones);
  ~ClipWriter();

  // Appends a packet of the same stream generation. The first must be a key frame.
  Status Add(const Packet& packet);
  // Finishes the file. On error (or when no packet was added) the file is removed.
  StatusOr<ClipSummary> Finish();
  int64_t duration_us() const { return summary_.ended_at_us - summary_.started_at_us; }
  int64_t started_at_us() const { return summary_.started_at_us; }  // once a packet is added

 private:
  ClipWriter() = default;
  struct State;
  std::unique_ptr<State> s_;
  ClipSummary summary_;
};

}  // namespace canvass::agent
