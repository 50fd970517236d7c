#include "auth/login_throttle.h"

namespace canvass::auth {

LoginThrottle::LoginThrottle(const Clock* clock, int max_failures, int64_t window_s,
                             int64_t lockout_s)
    : clock_(clock),
      max_failures_(max_failures),
      window_us_(window_s * 1'000'000),
      lockout_us_(lockout_s * 1'000'000) {}

int64_t LoginThrottle::RetryAfterSeconds(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return 0;
  int64_t now = clock_->NowMicros();
  if (it->second.locked_until_us > now) {
    return (it->second.locked_until_us - now + 999'999) / 1'000'000;
  }
  return 0;
}

void LoginThrottle::RecordFailure(const std::string& key) {
  std::lock_guard lock(mu_);
  int64_t now = clock_->NowMicros();
  Entry& e = entries_[key];
  e.failures_us.push_back(now);
  while (!e.failures_us.empty() && e.failures_us.front() <= now - window_us_) {
    e.failures_us.pop_front();
  }
  if (static_cast<int>(e.failures_us.size()) >= max_failures_) {
    e.locked_until_us = now + lockout_us_;
    e.failures_us.clear();
  }
  // Bound memory under a spray of usernames: forget idle entries once the map grows large.
  if (entries_.size() > 100'000) {
    for (auto it = entries_.begin(); it != entries_.end();) {
      bool idle = it->second.locked_until_us <= now &&
                  (it->second.failures_us.empty() ||
                   it->second.failures_us.back() <= now - window_us_);
      it = idle ? entries_.erase(it) : std::next(it);
    }
  }
}

void LoginThrottle::RecordSuccess(const std::string& key) {
  std::lock_guard lock(mu_);
  entries_.erase(key);
}

}  // namespace canvass::auth
