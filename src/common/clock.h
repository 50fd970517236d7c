// Clock: the one source of time. Injected everywhere so that expiry, retention, throttling and
// timers are tested on simulated time, never with sleep.
//
// Thread-safety: implementations are safe to call from any thread.
#pragma once

#include <atomic>
#include <cstdint>

namespace canvass {

// Lengths of time in the microseconds every timestamp here counts in.
inline constexpr int64_t kSecondUs = 1'000'000;
inline constexpr int64_t kMinuteUs = 60 * kSecondUs;
inline constexpr int64_t kHourUs = 60 * kMinuteUs;
inline constexpr int64_t kDayUs = 24 * kHourUs;

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, microseconds since the Unix epoch (UTC).
  virtual int64_t NowMicros() const = 0;
  int64_t NowSeconds() const { return NowMicros() / 1'000'000; }
};

// The real clock (CLOCK_REALTIME).
class SystemClock final : public Clock {
 public:
  int64_t NowMicros() const override;
  // A process-wide instance.
  static const SystemClock* Get();
};

// A clock that moves only when told to. For tests.
class SimulatedClock final : public Clock {
 public:
  explicit SimulatedClock(int64_t start_us) : now_us_(start_us) {}
  int64_t NowMicros() const override { return now_us_.load(); }
  void AdvanceMicros(int64_t delta_us) { now_us_ += delta_us; }
  void AdvanceSeconds(int64_t delta_s) { now_us_ += delta_s * 1'000'000; }
  void SetMicros(int64_t t_us) { now_us_ = t_us; }

 private:
  std::atomic<int64_t> now_us_;
};

}  // namespace canvass
