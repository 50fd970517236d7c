#include "agent/simulated_plate_feed.h"

#include <spdlog/spdlog.h>

#include <map>

#include "agent/plate_read_merger.h"

namespace canvass::agent {

std::vector<SimulatedRead> SimulatedReadsOf(const media::TownSim& sim) {
  std::vector<SimulatedRead> out;
  for (const media::SimCamera& cam : sim.cameras) {
    if (!cam.spec.alpr) continue;
    for (const media::CameraPass& p : cam.passes) {
      const media::SimVehicle& v = sim.vehicles.at(static_cast<size_t>(p.vehicle));
      SimulatedRead r;
      r.camera = cam.spec.name;
      r.at_ms = (p.start_ms + p.end_ms) / 2;
      r.plate = v.plate;
      r.state = v.state;
      r.direction = p.rightwards ? "toward" : "away";
      r.vehicle_color = v.color;
      r.vehicle_type = "car";
      out.push_back(std::move(r));
    }
  }
  return out;
}

SimulatedPlateFeed::SimulatedPlateFeed(SimulatedPlateFeedOptions options, Outbox* outbox,
                                       std::function<void()> notify, const Clock* clock,
                                       Sleeper* sleeper)
    : options_(std::move(options)),
      outbox_(outbox),
      notify_(std::move(notify)),
      clock_(clock),
      sleeper_(sleeper),
      last_us_(options_.epoch_us - 1) {}

StatusOr<int64_t> SimulatedPlateFeed::Step(int64_t now_us) {
  const int64_t loop_us = std::max<int64_t>(1, options_.loop_ms) * 1000;
  std::map<std::string, std::vector<MergedRead>> by_camera;
  for (const SimulatedRead& r : options_.reads) {
    const int64_t first_us = options_.epoch_us + r.at_ms * 1000;
    // The first occurrence after last_us_.
    int64_t k = last_us_ < first_us ? 0 : (last_us_ - first_us) / loop_us + 1;
    for (int64_t t = first_us + k * loop_us; t <= now_us; t += loop_us) {
      MergedRead m;
      m.id = "sim:" + std::to_string(t) + ":" + r.plate;
      m.plate = r.plate;
      m.state = r.state;
      m.confidence = r.confidence;
      m.read_at_us = t;
      m.direction = r.direction;
      m.vehicle_color = r.vehicle_color;
      m.vehicle_type = r.vehicle_type;
      m.frames = 1;
      by_camera[r.camera].push_back(std::move(m));
    }
  }
  last_us_ = std::max(last_us_, now_us);
  int64_t queued = 0;
  const size_t max = static_cast<size_t>(std::max(1, options_.batch_max));
  for (auto& [camera, reads] : by_camera) {
    for (size_t i = 0; i < reads.size(); i += max) {
      std::vector<MergedRead> batch(
          reads.begin() + static_cast<ptrdiff_t>(i),
          reads.begin() + static_cast<ptrdiff_t>(std::min(reads.size(), i + max)));
      CANVASS_RETURN_IF_ERROR(
          outbox_->EnqueueMessage(OutboxKind::kPlates, camera, PlateBatchJson(batch)).status());
      queued += static_cast<int64_t>(batch.size());
      for (const MergedRead& m : batch) {
        spdlog::info(
            "camera '{}': SIMULATED plate read {} (ground truth of the demo town, not "
            "the recognition engine)",
            camera, m.plate);
      }
    }
  }
  sent_ += queued;
  if (queued > 0 && notify_) notify_();
  return queued;
}

void SimulatedPlateFeed::Run(const std::atomic<bool>& stop) {
  spdlog::warn(
      "plate reads of {} reads a loop are SIMULATED (demo town ground truth); no "
      "recognition engine reads these cameras",
      options_.reads.size());
  while (true) {
    auto s = Step(clock_->NowMicros());
    if (!s.ok()) spdlog::error("simulated plate reads: {}", s.status().message());
    if (!sleeper_->SleepUs(options_.batch_interval_ms * 1000, stop)) break;
  }
}

}  // namespace canvass::agent
