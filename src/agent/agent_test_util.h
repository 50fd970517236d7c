// Helpers for the agent's tests: temporary directories, running one camera over a file on
// simulated time, and reading the outbox back.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "agent/camera_runner.h"
#include "agent/outbox.h"
#include "agent/sleeper.h"
#include "common/clock.h"
#include "common/file_system.h"

namespace canvass::agent::testing {

inline constexpr int64_t kT0us = 1'900'000'000'000'000;  // 2030-03-17: any fixed time

class TempDir {
 public:
  TempDir() {
    std::string p = "/tmp/canvass-agent-test-XXXXXX";
    path_ = ::mkdtemp(p.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline CameraConfig TestCamera(const std::string& source) {
  CameraConfig c;
  c.name = "porch";
  c.source = source;
  c.device_token = "cvd_test";
  c.realtime = false;
  c.pre_roll_ms = 2000;
  c.post_roll_ms = 2000;
  return c;
}

// Runs `camera` over its (file) source once, to the end, on a simulated clock starting at
// kT0us, with an outbox under `dir` and `recognizer` (borrowed; may be null) for alpr cameras.
// Returns the outbox's pending items, oldest first.
struct PipelineRun {
  std::vector<OutboxItem> items;
  CameraStats stats;
  std::unique_ptr<Outbox> outbox;
};

inline PipelineRun RunPipeline(const CameraConfig& camera, const std::string& dir,
                               PlateRecognizer* recognizer = nullptr) {
  PipelineRun run;
  auto box = Outbox::Open(FileSystem::Posix(), dir, 1LL << 30);
  EXPECT_TRUE(box.ok()) << box.status().ToString();
  run.outbox = std::move(*box);
  SimulatedClock clock(kT0us);
  SimulatedSleeper sleeper(&clock);
  CameraRunnerOptions o;
  o.camera = camera;
  o.source = SourceOptions{.url = camera.source, .reconnect = false};
  CameraRunner runner(o, run.outbox.get(), [] {}, &clock, &sleeper, recognizer);
  std::atomic<bool> stop{false};
  Status s = runner.Run(stop);
  EXPECT_TRUE(s.ok()) << s.ToString();
  run.stats = runner.stats();
  std::vector<std::string> none;
  // Read the queue in seq order by draining copies.
  std::vector<OutboxItem> all;
  while (auto next = run.outbox->Next()) {
    all.push_back(*next);
    EXPECT_TRUE(run.outbox->Complete(*next).ok());
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
  run.items = all;
  return run;
}

}  // namespace canvass::agent::testing
