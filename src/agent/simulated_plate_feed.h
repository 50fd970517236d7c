// SimulatedPlateFeed: SIMULATION ONLY. The demo town's stand-in for an ALPR camera's plate
// engine while src/recognize cannot yet read the synthetic plates: it sends the town
// simulation's ground truth (media/town_sim.h: which vehicle passes which camera when) as plate
// reads, on the wall clock, through the agent's Outbox, so they take the same path as real reads
// (outbox -> Uploader -> POST /api/v1/plates/reads with the camera's reader token) and raise
// hot-list hits on the server. Every read id starts with "sim:" and the feed logs that it is a
// simulation. A real engine (agent::PlateRecognizer inside CameraRunner) replaces it.
//
// Timing: the camera's video is a loop of loop_ms that started at epoch_us; a read at loop
// position at_ms happens at epoch_us + at_ms + k * loop_ms for every k >= 0. The feed sends the
// reads whose time has come, once each, in batches of at most batch_max per camera.
//
// Thread-safety: Run on one thread; Step from that thread only.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "agent/outbox.h"
#include "agent/sleeper.h"
#include "common/clock.h"
#include "media/town_sim.h"

namespace canvass::agent {

struct SimulatedRead {
  std::string camera;  // the agent config's camera name (its reader token sends the read)
  int64_t at_ms = 0;   // position in the loop of the frame the plate is read in
  std::string plate, state, direction, vehicle_color, vehicle_type;
  double confidence = 0.97;
};

struct SimulatedPlateFeedOptions {
  std::vector<SimulatedRead> reads;
  int64_t loop_ms = 90000;
  int64_t epoch_us = 0;  // when the loop's position 0 played; reads before it are never sent
  int batch_max = 50;
  int64_t batch_interval_ms = 5000;
};

// The ground truth of the simulation's ALPR cameras (spec.alpr) as reads, each read in the middle
// of its pass, for the camera of the same name.
std::vector<SimulatedRead> SimulatedReadsOf(const media::TownSim& sim);

class SimulatedPlateFeed {
 public:
  // `outbox`, `clock` and `sleeper` are borrowed; `notify` is called after reads were queued.
  SimulatedPlateFeed(SimulatedPlateFeedOptions options, Outbox* outbox,
                     std::function<void()> notify, const Clock* clock, Sleeper* sleeper);

  // Queues every read due in (the last Step's now_us, now_us]; returns how many.
  StatusOr<int64_t> Step(int64_t now_us);

  // Steps every batch_interval_ms until `stop`, then once more.
  void Run(const std::atomic<bool>& stop);

  int64_t sent() const { return sent_.load(); }

 private:
  SimulatedPlateFeedOptions options_;
  Outbox* outbox_;
  std::function<void()> notify_;
  const Clock* clock_;
  Sleeper* sleeper_;
  int64_t last_us_;
  std::atomic<int64_t> sent_{0};
};

}  // namespace canvass::agent
