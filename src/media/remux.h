// RemuxToMp4: copies a video file's streams, packet for packet (no decoding), into a regular MP4.
//
// The agent records clips as fragmented MP4 (a header first, then self-contained fragments, one
// per key frame), so that a recording cut short by a crash or a power cut is readable up to its
// last complete fragment; this turns such a cut-short file into a whole, ordinary MP4 (one index
// at the end), dropping the torn fragment at its end: everything up to the last packet that
// could be read is copied.
//
// Thread-safety: safe to call from any thread.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace canvass::media {

struct RemuxedFile {
  int64_t packets = 0;      // copied, all streams
  int64_t duration_us = 0;  // from the first packet's start to the last one's end
};

// Writes `out` (replacing it; removed again on failure). InvalidArgument when `in` cannot be
// read as video at all; FailedPrecondition when it holds no whole packet.
StatusOr<RemuxedFile> RemuxToMp4(const std::string& in, const std::string& out);

}  // namespace canvass::media
