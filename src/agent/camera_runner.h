// CameraRunner: one camera's pipeline, on its own thread.
//
//   VideoSource -> PacketRing (pre-roll) -----------------------------> ClipWriter -> Outbox
//        |                                                                  ^
//        +-> decoder -> every 1/analysis_fps s: grey picture -> MotionDetector -> tracker
//                                                   (alpr: BGR picture -> PlateRecognizer
//                                                    -> PlateReadMerger -> batches -> Outbox)
//
// When the tracker starts an event, a motion item is queued at once (the owner's alert does not
// wait for the clip), and a clip starts with the ring's packets from pre_roll before the first
// moving frame. The clip ends once no motion has been seen for post_roll, or is cut at the
// first key frame after max_clip (the event goes on in a new clip). A reconnect ends the clip.
//
// Thread-safety: Run on one thread; SetServerZones and the counters from any.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agent/agent_config.h"
#include "agent/outbox.h"
#include "agent/plate_recognizer.h"
#include "agent/sleeper.h"
#include "agent/video_source.h"
#include "common/clock.h"

namespace canvass::agent {

struct CameraRunnerOptions {
  CameraConfig camera;
  SourceOptions source;
  int plate_batch_max = 50;
  int64_t plate_batch_interval_ms = 5000;
};

struct CameraStats {
  int64_t packets = 0;
  int64_t frames_decoded = 0;
  int64_t frames_analysed = 0;
  int64_t events = 0;
  int64_t clips = 0;
  int64_t plate_reads = 0;
};

class CameraRunner {
 public:
  // `outbox` and `clock`, `sleeper` are borrowed; `recognizer` may be null (no plate reading),
  // and is borrowed. `notify` is called after something was queued.
  CameraRunner(CameraRunnerOptions options, Outbox* outbox, std::function<void()> notify,
               const Clock* clock, Sleeper* sleeper, PlateRecognizer* recognizer);
  ~CameraRunner();

  // Runs until `stop` (or, with source.reconnect off, the end of the source); finishes the clip
  // in progress. Returns the error that ended it, OK on stop or end.
  Status Run(const std::atomic<bool>& stop);

  // The privacy zones of the camera's record on the server; applied from the next packet.
  void SetServerZones(std::vector<Polygon> zones);

  CameraStats stats() const;
  // Wall time of the last packet received; 0 before the first.
  int64_t last_packet_wall_us() const { return last_packet_wall_us_.load(); }
  const std::string& name() const { return options_.camera.name; }
  int64_t reconnects() const;

 private:
  class Pipeline;
  CameraRunnerOptions options_;
  Outbox* outbox_;
  std::function<void()> notify_;
  const Clock* clock_;
  Sleeper* sleeper_;
  PlateRecognizer* recognizer_;
  std::unique_ptr<Pipeline> pipeline_;
  mutable std::mutex mu_;
  std::vector<Polygon> server_zones_;  // GUARDED_BY(mu_)
  bool zones_changed_ = true;          // GUARDED_BY(mu_)
  CameraStats stats_;                  // GUARDED_BY(mu_)
  std::atomic<int64_t> last_packet_wall_us_{0};
  std::atomic<int64_t> reconnects_{0};
};

}  // namespace canvass::agent
