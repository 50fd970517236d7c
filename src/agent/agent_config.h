// AgentConfig: what `canvass agent --config agent.toml` reads. Every option, its default and its
// meaning are in docs/ref/agent-config.md.
//
//   [agent]
//   server = "http://127.0.0.1:8080"
//   data_dir = "/var/lib/canvass-agent"
//   [[camera]]
//   name = "porch"
//   source = "rtsp://192.168.1.20/stream1"
//   device_token = "cvd_..."
//
// Unknown keys are errors (a typo must not silently fall back to a default).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agent/geometry.h"
#include "common/status.h"

namespace canvass::agent {

struct MotionConfig {
  int analysis_fps = 5;          // frames a second given to the motion detector
  int analysis_height = 180;     // rows of the grey picture the detector sees
  int threshold = 25;            // grey-level change that counts as moved (0-255)
  double min_area = 0.002;       // smallest moving blob, as a fraction of the picture
  double background_alpha = 0.05;  // how fast the background model learns, per analysed frame
  int start_frames = 2;          // consecutive moving frames that start an event
};

struct CameraConfig {
  std::string name;
  std::string source;             // anything FFmpeg opens: rtsp://, http://, file path, /dev/video0
  std::string input_format;       // forced demuxer ("v4l2", "mpegts"); empty: probe
  std::string device_token;       // cvd_...
  std::string kind = "outdoor";   // doorbell | outdoor | indoor | alpr
  std::string reader_token;       // cvl_..., alpr cameras only (POST /api/v1/plates/reads)
  std::string plate_region = "us";  // alpr cameras: plate-format rules, "us" or "eu"
  // alpr cameras, required there: the state (two upper-case letters, "IL") recorded on reads
  // whose state the recognizer cannot tell, which with src/recognize is all of them; the server
  // takes no read without one.
  std::string plate_state;
  bool loop = false;              // files: start again at the end (demos)
  bool realtime = true;           // files: read at the video's own pace
  bool e2ee = false;              // seal clips to the owner's key
  int64_t pre_roll_ms = 5000;
  int64_t post_roll_ms = 5000;
  int64_t max_clip_ms = 120000;
  MotionConfig motion;
  std::vector<Polygon> privacy_zones;  // added to the zones of the camera's record
};

struct AgentConfig {
  std::string server = "http://127.0.0.1:8080";
  std::string data_dir;
  int64_t quota_bytes = 2LL << 30;
  int64_t heartbeat_interval_s = 60;
  int64_t backoff_min_ms = 500;
  int64_t backoff_max_ms = 60000;
  int64_t reconnect_min_ms = 500;
  int64_t reconnect_max_ms = 30000;
  int64_t read_timeout_ms = 10000;
  int plate_batch_max = 50;
  int64_t plate_batch_interval_ms = 5000;
  // The plate-recognition models (reader.onnx, reader2.onnx, finder.onnx) for alpr cameras. Empty:
  // $CANVASS_MODEL_DIR, else the source tree's models/recognizer (recognize::DefaultModelDir).
  std::string model_dir;
  // Cuts of each plate the engine reads (recognize::EngineOptions::reads_per_plate, 1 to 4).
  // 2 reads more plates right (86.3% of real US crops against 83.9%); 1 costs less CPU, and the
  // agent's vote across a vehicle's frames makes up part of the difference.
  int plate_reads_per_plate = 2;
  std::vector<CameraConfig> cameras;
};

StatusOr<AgentConfig> ParseAgentConfig(const std::string& toml_text);
StatusOr<AgentConfig> LoadAgentConfig(const std::string& path);

}  // namespace canvass::agent
