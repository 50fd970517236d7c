// Uploader: drains the Outbox to the server, one item at a time, motion events first.
//
// A send that fails for a reason that may pass (server down, network gone, 5xx, 409, a revoked
// or mistyped token the operator may fix, an owner who has not yet set an E2EE key) leaves the
// item in the outbox and backs off: backoff_min_ms, doubling up to backoff_max_ms, back to the
// minimum after a success. A refusal that will not pass (400: a clip older than the camera's
// retention, a motion event older than a day) moves the item to failed/.
//
// End-to-end encryption: a clip of an e2ee camera is sealed to the owner's key (from
// GET /api/v1/device) before its first send and the sealed bytes replace the plaintext in the
// outbox, so every retry sends the same bytes.
//
// Thread-safety: Run on one thread; Notify and the accessors from any.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "agent/device_api.h"
#include "agent/outbox.h"
#include "agent/sleeper.h"
#include "common/clock.h"
#include "common/random.h"

namespace canvass::agent {

struct CameraCredentials {
  std::string device_token;
  std::string reader_token;
};

struct UploaderOptions {
  std::string server_url;
  std::map<std::string, CameraCredentials> cameras;  // by camera name
  int64_t backoff_min_ms = 500;
  int64_t backoff_max_ms = 60000;
};

class Uploader {
 public:
  Uploader(Outbox* outbox, UploaderOptions options, Sleeper* sleeper, Random* random);

  enum class Result { kEmpty, kSent, kRefused };
  // Sends the next item. An error means it may work later; the item stays queued.
  StatusOr<Result> SendNext();

  // Sends until `stop`, backing off after failures and waiting for Notify when empty.
  void Run(const std::atomic<bool>& stop);
  // Wakes Run: something was queued.
  void Notify();

  int64_t sent() const { return sent_.load(); }
  int64_t failures() const { return failures_.load(); }
  int64_t backoff_ms() const { return backoff_ms_.load(); }

 private:
  Status Send(const OutboxItem& item);
  Status SendClip(const OutboxItem& item, const CameraCredentials& creds);

  Outbox* outbox_;
  UploaderOptions options_;
  Sleeper* sleeper_;
  Random* random_;
  DeviceApi api_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool notified_ = false;  // GUARDED_BY(mu_)
  std::atomic<int64_t> sent_{0};
  std::atomic<int64_t> failures_{0};
  std::atomic<int64_t> backoff_ms_{0};
};

}  // namespace canvass::agent
