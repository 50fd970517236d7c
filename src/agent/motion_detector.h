// MotionDetector: finds motion in a stream of small grey pictures, the way CPU-only NVRs do
// (Frigate's default detector works the same way): blur, compare with a running-average
// background, threshold, ignore privacy zones, dilate, and keep blobs of at least a minimum
// area. A change over most of the picture at once is taken for a lighting change (lights
// switched on, a cloud, the camera's day/night switch): the background is reset and no motion
// reported.
//
// The first frame only seeds the background. OpenCV stays inside motion_detector.cc.
//
// Not thread-safe: one detector per camera thread.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "agent/geometry.h"

namespace canvass::agent {

struct MotionOptions {
  int threshold = 25;             // grey-level difference from the background that counts
  double min_area = 0.002;        // smallest blob, as a fraction of the (unmasked) picture
  double background_alpha = 0.05;   // weight of each new frame in the background
  double lighting_fraction = 0.6;   // more than this fraction changed at once: lighting
  std::vector<Polygon> ignore_zones;  // privacy zones: never motion
};

struct MotionResult {
  bool motion = false;
  double moved_fraction = 0;  // of the unmasked picture, 0 to 1
  int blobs = 0;              // blobs of at least min_area
  bool lighting_change = false;
};

class MotionDetector {
 public:
  explicit MotionDetector(MotionOptions options);
  ~MotionDetector();

  // `grey`: height rows of width bytes, `stride` bytes apart.
  MotionResult Process(const uint8_t* grey, int width, int height, int stride);
  // Forgets the background (after a reconnect).
  void Reset();

 private:
  MotionOptions options_;
  struct State;
  std::unique_ptr<State> s_;
};

// Hysteresis: one event per burst of motion. An event starts after `start_frames` analysed
// frames in a row with motion, and ends once no motion has been seen for `quiet_us`.
class MotionEventTracker {
 public:
  enum class Change { kNone, kStarted, kEnded };
  MotionEventTracker(int start_frames, int64_t quiet_us)
      : start_frames_(start_frames), quiet_us_(quiet_us) {}

  Change Update(bool motion, int64_t t_us);
  bool active() const { return active_; }
  // Time of the first frame of the run that started the current event.
  int64_t started_at_us() const { return run_start_us_; }
  int64_t last_motion_us() const { return last_motion_us_; }
  void Reset() { *this = MotionEventTracker(start_frames_, quiet_us_); }

 private:
  int start_frames_;
  int64_t quiet_us_;
  bool active_ = false;
  int run_ = 0;
  int64_t run_start_us_ = 0;
  int64_t last_motion_us_ = 0;
};

}  // namespace canvass::agent
