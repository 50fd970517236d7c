// Probing uploaded clips with libavformat: what container and codec, how big, how long.
//
// ProbeVideo reads through a callback (a custom, seekable AVIOContext), so the server can probe
// an encrypted clip through a ClipReader without ever writing its plaintext to disk:
//
//   CANVASS_ASSIGN_OR_RETURN(auto reader, ClipReader::Open(std::move(file), key, plain_bytes));
//   CANVASS_ASSIGN_OR_RETURN(VideoInfo info, ProbeVideo(
//       [&](int64_t offset, size_t n) { return reader->ReadAt(offset, n); }, reader->size()));
//
// A clip is accepted only if it is a media container with at least one video stream (cover art
// does not count) of known dimensions and a duration > 0. Refused with InvalidArgument:
//   - data libavformat does not recognise, or cannot parse: "not a video: ...",
//   - still-image formats (PNG, JPEG, image2 and other *_pipe demuxers): "not a video: ...",
//   - a container without a video stream: "no video stream ...",
//   - a video without a positive duration: "not a video: ... no duration".
// A failing read_at is passed through with its own code (e.g. DataLoss from a tampered clip).
//
// The data is probed by its own bytes only: demuxers that would open other files or URLs
// (playlists such as HLS, concat lists, MOV external references) are refused any nested open,
// so an upload cannot make the server read its local files.
//
// libav's own logging is silenced (QuietLibavLogging). Thread-safety: safe to call from any
// thread; `read_at` is only called from the calling thread, during the call.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace canvass::media {

struct VideoInfo {
  // The demuxer's short name, normalised: "mp4" or "mov" for the ISO-BMFF family (by its major
  // brand), "matroska" for Matroska/WebM; otherwise libav's first name for it (e.g. "avi",
  // "mpegts", "flv").
  std::string container;
  // avcodec_get_name of the video stream's codec: "h264", "hevc", "mpeg4", "vp9", "av1", ...
  std::string video_codec;
  int width = 0;
  int height = 0;
  int64_t duration_us = 0;
  bool has_audio = false;
};

// Reads up to n bytes at offset; fewer only at the end of the data.
using ReadAtFn = std::function<StatusOr<std::string>(int64_t offset, size_t n)>;

// Probes `size_bytes` of data read through `read_at`. See the file comment for what is refused.
StatusOr<VideoInfo> ProbeVideo(const ReadAtFn& read_at, int64_t size_bytes);

// Probes a file on disk (by content; the file name's extension is ignored).
StatusOr<VideoInfo> ProbeVideoFile(const std::string& path);

// The file name extension for a container as probed ("mp4" -> ".mp4"; unknown: ".bin").
std::string ContainerFileExtension(std::string_view container);
// The MIME type for a container as probed ("mp4" -> "video/mp4"; unknown:
// "application/octet-stream").
std::string ContainerMimeType(std::string_view container);

}  // namespace canvass::media
