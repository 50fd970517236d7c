// VideoFileWriter: encodes raw YUV 4:2:0 frames into a video file (MP4 or MPEG-TS) with H.264
// (libx264; MPEG-4 Part 2 where libavcodec lacks it). Used by the synthetic-video generator and
// by the agent's masked clip writer, which both make pictures and need them on disk.
//
// Usage:
//   CANVASS_ASSIGN_OR_RETURN(auto w, VideoFileWriter::Open({.path = p, .width = 640,
//                                                            .height = 480, .fps = 10}));
//   for (...) { fill w->frame(); CANVASS_RETURN_IF_ERROR(w->WriteFrame(pts)); }
//   CANVASS_RETURN_IF_ERROR(w->Finish());
//
// On destruction without a successful Finish, the partial file is removed.
// Not thread-safe: one writer per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

struct AVFrame;

namespace canvass::media {

struct VideoFileWriterOptions {
  std::string path;
  std::string format = "mp4";  // "mp4" or "mpegts" (streamable)
  int width = 320;             // even
  int height = 240;            // even
  int fps = 10;                // frame rate; the pts of WriteFrame count in 1/fps units unless
                               // time_base_den is set
  int time_base_den = 0;       // >0: pts are in 1/time_base_den seconds instead
  int gop_frames = 0;          // key frame interval; 0: one per second
  bool bitexact = true;        // single-threaded, reproducible bytes
  bool fragmented = false;     // MP4 only: fragmented (playable up to the last fragment), each
                               // packet handed to the OS as written (a crash loses no fragment)
  std::string creation_time;   // container metadata, ISO 8601 ("2026-11-29T08:00:00.000000Z")
};

class VideoFileWriter {
 public:
  static StatusOr<std::unique_ptr<VideoFileWriter>> Open(const VideoFileWriterOptions& options);
  ~VideoFileWriter();

  // The YUV420P frame to draw into before WriteFrame; writable, width x height.
  AVFrame* frame();
  // Encodes frame() with presentation time `pts` (strictly increasing).
  Status WriteFrame(int64_t pts);
  // Flushes the encoder and writes the trailer. Call once.
  Status Finish();
  // "h264" or "mpeg4".
  std::string codec_name() const;

 private:
  VideoFileWriter() = default;
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace canvass::media
