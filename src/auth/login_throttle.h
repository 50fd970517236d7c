// LoginThrottle: refuses logins for a key (a username, or a client address) after too many
// failures within a window, for a lockout period. In memory, per server process: a restart
// clears it, and several `canvass serve` instances each keep their own (documented limit).
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/clock.h"

namespace canvass::auth {

class LoginThrottle {
 public:
  LoginThrottle(const Clock* clock, int max_failures, int64_t window_s, int64_t lockout_s);

  // Seconds until `key` may try again; 0 if it may try now.
  int64_t RetryAfterSeconds(const std::string& key);
  void RecordFailure(const std::string& key);
  void RecordSuccess(const std::string& key);

 private:
  struct Entry {
    std::deque<int64_t> failures_us;
    int64_t locked_until_us = 0;
  };
  const Clock* clock_;
  const int max_failures_;
  const int64_t window_us_;
  const int64_t lockout_us_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // GUARDED_BY(mu_)
};

}  // namespace canvass::auth
