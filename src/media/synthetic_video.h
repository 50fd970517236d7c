// Synthetic scenes for the agent's tests, benchmarks and the demo: real video files (H.264 in MP4
// or MPEG-TS, through VideoFileWriter) of a still background with objects that move exactly
// where and when the caller says. Motion tests know the ground truth: an object visible from
// start_ms to end_ms is the only thing that moves, so motion must be found then and only then.
//
// TownScene builds a street: vehicles that cross the picture with their licence plates rendered
// legibly (PlatePainter: a plate font; src/recognize reads plates 90 px wide or more), people
// walking on the pavement, by day or by night (dark picture, headlights, plates still readable
// as retroreflective plates are).
//
// Thread-safety: safe to call from any thread.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common/status.h"

namespace canvass::media {

struct SyntheticObject {
  enum class Shape { kBox, kVehicle, kPerson };
  Shape shape = Shape::kBox;
  // Visible during [start_ms, end_ms).
  int64_t start_ms = 0;
  int64_t end_ms = std::numeric_limits<int64_t>::max();
  // Centre in normalised picture coordinates ([0, 1], x right, y down) at start_ms and at
  // end_ms (or at the end of the video), moving linearly in between.
  double x0 = 0.2, y0 = 0.5, x1 = 0.8, y1 = 0.5;
  // Size as fractions of the picture's width and height at start_ms, and at end_ms (or the end
  // of the video) when width1/height1 are set (>= 0): an object coming closer grows.
  double width = 0.15, height = 0.15;
  double width1 = -1, height1 = -1;
  uint8_t red = 200, green = 40, blue = 40;
  // Vehicles only: the plate text, drawn on a light plate at the vehicle's front/rear
  // (PlatePainter: a condensed bold font, about half the plate's height), with `plate_state`
  // (e.g. "ILLINOIS", may be empty) small above it. The plate is 36% of the vehicle's width.
  std::string plate;
  std::string plate_state;
};

struct SyntheticVideoOptions {
  int width = 320;             // even
  int height = 240;            // even
  int fps = 10;
  int64_t duration_ms = 5000;  // 1 to 600000
  std::string format = "mp4";  // or "mpegts"
  int gop_frames = 0;          // 0: one key frame per second
  std::vector<SyntheticObject> objects;
  bool night = false;          // a dark picture; vehicles get headlights
  int noise = 0;               // per-pixel sensor noise amplitude, 0 to 32 grey levels
  uint32_t seed = 1;           // the background's texture
  bool fragmented = false;     // MP4 only: fragmented, as the agent records (VideoFileWriter)
};

// Writes the video to `path`, replacing it; a partial file is removed on failure.
Status WriteSyntheticVideo(const std::string& path, const SyntheticVideoOptions& options);

// 4 s of 160x120 at 10 fps (40 frames, a key frame a second, a box crossing), fragmented as the
// agent records: the recording the crash-recovery tests cut short.
SyntheticVideoOptions FragmentedRecording();

struct TownSceneOptions {
  int width = 1280;
  int height = 720;
  int fps = 10;
  int64_t duration_ms = 60000;
  bool night = false;
  int vehicles_per_minute = 6;
  int people_per_minute = 4;
  uint32_t seed = 1;
};

// A street scene: a quiet first few seconds, then vehicles (each with a plate such as "7KQD418"
// chosen from the seed) and people at the given rates. The plates are in the returned objects.
SyntheticVideoOptions TownScene(const TownSceneOptions& options);

}  // namespace canvass::media
