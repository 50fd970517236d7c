// Sleeper: how the agent waits (back-off, reconnect, pacing). Injected so that tests of back-off
// run on simulated time.
// Thread-safety: implementations are safe to call from any thread.
#pragma once

#include <atomic>
#include <cstdint>

#include "common/clock.h"

namespace canvass::agent {

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  // Waits `duration_us`, or less if `stop` becomes true. Returns false when stopped.
  virtual bool SleepUs(int64_t duration_us, const std::atomic<bool>& stop) = 0;

  // Real sleeping, in steps of at most 50 ms so that `stop` is noticed promptly.
  static Sleeper* Real();
};

// Advances a SimulatedClock instead of sleeping. For tests.
class SimulatedSleeper final : public Sleeper {
 public:
  explicit SimulatedSleeper(SimulatedClock* clock) : clock_(clock) {}
  bool SleepUs(int64_t duration_us, const std::atomic<bool>& stop) override {
    total_us_ += duration_us;
    clock_->AdvanceMicros(duration_us);
    return !stop.load();
  }
  int64_t total_us() const { return total_us_.load(); }

 private:
  SimulatedClock* clock_;
  std::atomic<int64_t> total_us_{0};
};

}  // namespace canvass::agent
