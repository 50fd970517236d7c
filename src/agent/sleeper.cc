#include "agent/sleeper.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace canvass::agent {
namespace {

class RealSleeper final : public Sleeper {
 public:
  bool SleepUs(int64_t duration_us, const std::atomic<bool>& stop) override {
    const auto end = std::chrono::steady_clock::now() + std::chrono::microseconds(duration_us);
    while (!stop.load()) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= end) return true;
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          end - now, std::chrono::milliseconds(50)));
    }
    return false;
  }
};

}  // namespace

Sleeper* Sleeper::Real() {
  static RealSleeper* sleeper = new RealSleeper();
  return sleeper;
}

}  // namespace canvass::agent
