// VideoSource: one camera's video, from anything FFmpeg opens (RTSP, HTTP, tcp://, a file, a
// V4L2 device), as a sequence of compressed video packets on the agent's clock.
//
// Failures are the normal case for cameras: when the stream cannot be opened, stalls for longer
// than read_timeout_ms, errors, or ends (a file that is not looped), the source closes it and
// opens it again after a back-off that doubles from reconnect_min_ms to reconnect_max_ms and
// falls back to the minimum once packets flow again. Each successful (re)open starts a new
// StreamInfo generation. A looped file starts again at its first packet without a new
// generation, its timestamps continuing where the last pass ended.
//
// Audio and other streams are dropped: clips are video only.
//
// Not thread-safe: one thread reads a source. `stop` may be set from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "agent/packet.h"
#include "agent/sleeper.h"
#include "common/clock.h"
#include "common/status.h"

namespace canvass::agent {

struct SourceOptions {
  std::string url;           // "rtsp://...", "http://...", "tcp://...", "/dev/video0", a path
  std::string input_format;  // forced demuxer; empty: probe
  bool loop = false;         // at the end of a file, start again (demos)
  bool realtime = false;     // deliver packets no faster than their timestamps (files)
  int64_t reconnect_min_ms = 500;
  int64_t reconnect_max_ms = 30000;
  int64_t read_timeout_ms = 10000;
  // false: no reconnecting; Next returns NotFound at the end or the first failure (tests,
  // benchmarks, one-shot runs over a file).
  bool reconnect = true;
};

class VideoSource {
 public:
  VideoSource(SourceOptions options, const Clock* clock, Sleeper* sleeper);
  ~VideoSource();

  // The next video packet, reconnecting as often as needed. Returns Unavailable ("stopping")
  // only once `stop` is set, or NotFound at the end when reconnect is off.
  StatusOr<Packet> Next(const std::atomic<bool>& stop);

  // The current stream; valid once Next has returned a packet.
  const StreamInfo& stream() const { return stream_; }
  // Reopens after a failure so far (not counting the first open or loops).
  int64_t reconnects() const { return reconnects_; }
  // The last error that made the source reconnect, for logs.
  const Status& last_error() const { return last_error_; }

 private:
  Status Open(const std::atomic<bool>& stop);
  void Close();
  StatusOr<bool> ReadOne(Packet* out, const std::atomic<bool>& stop);  // false: end of input

  SourceOptions options_;
  const Clock* clock_;
  Sleeper* sleeper_;
  struct Input;
  std::unique_ptr<Input> in_;
  StreamInfo stream_;
  int64_t reconnects_ = 0;
  int64_t failures_in_a_row_ = 0;
  Status last_error_;
  bool ever_opened_ = false;
  // Timeline: wall_us = base_wall_us_ + (media_us - base_media_us_).
  int64_t base_wall_us_ = 0;
  int64_t base_media_us_ = 0;
  bool have_base_ = false;
  int64_t last_end_wall_us_ = 0;  // wall time just after the last packet
  int64_t origin_us_ = 0;         // pts_us = wall_us - origin_us_
};

}  // namespace canvass::agent
