// Agent: what `canvass agent` runs. One thread per camera (CameraRunner), one uploader thread
// draining the shared Outbox, and one thread for heartbeats and the cameras' records.
//
// Heartbeats: every heartbeat_interval_s, for each camera whose source delivered a packet in
// the last interval, POST /api/v1/device/heartbeat. A camera whose stream is down sends none,
// so the server shows it offline after 5 minutes.
//
// The camera's record (GET /api/v1/device: privacy zones, owner's E2EE key) is fetched at start
// and every tenth heartbeat, and cached under data_dir/devices/, so a restart without network
// still masks the zones it knew.
//
// Plate reading: when any camera is of kind alpr, Start loads the plate-recognition models
// (config.model_dir, else $CANVASS_MODEL_DIR, else the source tree's models/recognizer) into one
// EngineRecognizer per alpr camera (an engine serves one thread). If they fail to load, the
// reason is logged once and the alpr cameras record motion clips only.
//
// Thread-safety: Start and Stop from one thread.
#pragma once

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "agent/agent_config.h"
#include "agent/camera_runner.h"
#include "agent/outbox.h"
#include "agent/uploader.h"
#include "common/clock.h"
#include "common/file_system.h"
#include "common/random.h"

namespace canvass::agent {

class Agent {
 public:
  Agent(AgentConfig config, const Clock* clock, Sleeper* sleeper, Random* random, FileSystem* fs);
  ~Agent();

  Status Start();
  void Stop();

  Outbox* outbox() { return outbox_.get(); }
  const std::vector<std::unique_ptr<CameraRunner>>& cameras() const { return cameras_; }

 private:
  void HeartbeatLoop();
  void RefreshDevice(DeviceApi& api, CameraRunner& runner, const CameraConfig& cam);
  // The alpr camera's recognizer, or null when the models could not be loaded (logged once).
  PlateRecognizer* OpenRecognizer(const CameraConfig& cam);

  AgentConfig config_;
  const Clock* clock_;
  Sleeper* sleeper_;
  Random* random_;
  FileSystem* fs_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<Uploader> uploader_;
  std::vector<std::unique_ptr<PlateRecognizer>> recognizers_;  // borrowed by cameras_
  bool models_failed_ = false;  // the models failed to load once; not retried
  std::vector<std::unique_ptr<CameraRunner>> cameras_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
};

}  // namespace canvass::agent
