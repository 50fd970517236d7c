// Synthetic videos for tests and the demo: real MP4 files encoded through libavcodec.
//
// Content: a gradient background that drifts, and a solid square that moves and bounces off the
// edges; its size, colour, start position and speed, and the gradient's phase, all derive from
// `seed`. Optionally a mono sine tone (pitch from `seed`).
//
// Encoders: H.264 through libx264 when libavcodec has it (Debian's does), otherwise MPEG-4 Part 2
// ("mpeg4", built into libavcodec); TestVideoCodec() says which. Audio: AAC ("aac", built in),
// otherwise MP2. Encoding is single-threaded and bit-exact, so the same options give the same
// bytes with the same libav build.
//
// The video has ceil(duration_ms * fps / 1000) frames (at least one) at constant frame rate; the
// audio track, if any, is no longer than the video.
//
// Thread-safety: safe to call from any thread.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace canvass::media {

struct TestVideoOptions {
  int width = 320;             // even, 16..4096
  int height = 240;            // even, 16..4096
  int fps = 10;                // 1..120
  int64_t duration_ms = 2000;  // 1..600000
  uint32_t seed = 1;
  bool with_audio = false;
  // Per-pixel noise on every frame, so that frames barely compress: makes clips of several
  // megabytes for tests that need many segments.
  bool noise = false;
};

// Writes an MP4 file (moov at the end; not faststart) to `path`, replacing it. On failure the
// partial file is removed. Out-of-range options are InvalidArgument.
Status WriteTestVideo(const std::string& path, const TestVideoOptions& options);

// The bytes of such an MP4, written through a temporary file under /tmp that is removed
// afterwards.
StatusOr<std::string> MakeTestVideoBytes(const TestVideoOptions& options);

// The video codec WriteTestVideo produces, as ProbeVideo names it: "h264" or "mpeg4".
std::string TestVideoCodec();

}  // namespace canvass::media
