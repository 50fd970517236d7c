// Redacting a clip before it is shared: the per-share step of a community footage request.
//
// When a camera owner shares a clip with an agency they may choose to blur faces and/or mute the
// audio. RedactClip reads the clip and writes a new MP4 with those changes; the original is left
// as it is. See docs/design/redaction.md for the design, the detection cadence, the limits of
// face detection and measured speed.
//
// Usage:
//   CANVASS_ASSIGN_OR_RETURN(std::unique_ptr<FaceDetector> detector, OpenCvFaceDetector());
//   CANVASS_ASSIGN_OR_RETURN(RedactStats stats,
//       RedactClip(in, out, RedactOptions{.blur_faces = true, .mute_audio = true},
//                  detector.get()));
//
// Thread-safety: RedactClip is safe to call from several threads at once (on different output
// paths), sharing one detector.
#pragma once

#include <string>

#include "common/status.h"
#include "media/face_detector.h"

namespace canvass::media {

struct RedactOptions {
  // Re-encode the video with every detected face pixelated (see kDetectEveryNFrames).
  bool blur_faces = false;
  // Leave the audio out of the output.
  bool mute_audio = false;
};

struct RedactStats {
  // Video frames written (packets, when the video was copied rather than re-encoded).
  int frames = 0;
  // Faces pixelated, summed over frames: each frame counts the boxes of the latest detection
  // that fall inside it (a face found throughout 30 frames counts 30). The boxes kept from the
  // detection before are pixelated too but not counted.
  int faces_blurred = 0;
  // True when mute_audio dropped at least one audio stream.
  bool audio_removed = false;
};

// Faces are detected on frames 0, N, 2N, ... (N = kDetectEveryNFrames); every frame pixelates the
// union of the boxes of the last two detections, each box padded by kFacePadFraction of its width
// and height on every side. Two detections rather than one, so that a face the cascade misses on
// one detection frame is still covered for the next N frames.
inline constexpr int kDetectEveryNFrames = 3;
inline constexpr double kFacePadFraction = 0.2;

// Reads the clip at `input_path` (any container and codec libavformat/libavcodec decode; the
// file's content decides, not its name) and writes an MP4 (faststart) to `output_path`:
//   - video: the first video stream (cover art aside), re-encoded to H.264 (libx264; MPEG-4 Part
//     2 if libavcodec lacks it) with faces pixelated when options.blur_faces; otherwise copied
//     when MP4 can hold its codec, else re-encoded likewise. Same size, frame rate and
//     timestamps (pts) as the input; rotation metadata is kept, and faces are looked for in
//     the picture the way players turn it. An input whose clock starts after 0 (MPEG-TS starts
//     at 1.4 s) is shifted to start at 0, every stream alike.
//   - audio: every audio stream is left out when options.mute_audio; otherwise copied, or
//     re-encoded to AAC when MP4 cannot hold its codec (e.g. PCM, G.711).
//   - subtitle, data and other streams, chapters and all container and stream metadata (a
//     phone's location tag among them) are left out; only the rotation is kept.
// The output is written to a temporary file next to `output_path` ("<output_path>.tmp-XXXXXX"),
// synced and renamed over `output_path` only on success: on any failure no output and no
// temporary file are left behind, and an existing file at `output_path` is untouched.
//
// Errors: NotFound when `input_path` does not exist; InvalidArgument, with libav's reason, when it
// is not a decodable video (unrecognised data, no video stream, no decoder, no frame decodes) or
// when blur_faces is set without a detector; Internal for encoder/muxer failures; errno-mapped
// codes for the output file (see ErrnoStatus: Unavailable for a full disk).
//
// `detector` is borrowed for the call and may be null when !options.blur_faces.
//
// Cost: with blur_faces, about one to two times the clip's duration for 640x480 at 30 fps on one
// or two cores, almost all of it face detection (docs/design/redaction.md has the figures); run
// it off the request path. Without blur_faces it only copies packets (milliseconds).
StatusOr<RedactStats> RedactClip(const std::string& input_path, const std::string& output_path,
                                 const RedactOptions& options, const FaceDetector* detector);

}  // namespace canvass::media
