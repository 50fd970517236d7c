// ClipUploader: the agent side of the resumable upload protocol (docs/ref/api.md, "Uploads").
// Declares the clip, sends chunks at the server's offset, and on a dropped connection or a
// conflicting offset asks the server where it stands and resumes there. Sealing for end-to-end
// encryption happens here, before any byte leaves the device.
//
// Not thread-safe: one uploader per thread.
#pragma once

#include <functional>
#include <string>

#include "common/random.h"
#include "common/status.h"

namespace canvass::agent {

struct UploadOptions {
  std::string server_url;    // http://HOST:PORT
  std::string device_token;  // "cvd_..."
  int64_t started_at_us = 0;
  int64_t ended_at_us = 0;
  bool e2ee = false;         // seal to the owner's key (fetched from GET /api/v1/device)
  // With e2ee: the bytes are sealed already (the agent's outbox seals once, so that a retry
  // sends the same bytes under the same SHA-256 and the server can deduplicate them).
  bool presealed = false;
  int64_t chunk_bytes = 8LL << 20;  // a multiple of 1 MiB
  int max_attempts = 5;             // per chunk, with back-off
  // Called after each acknowledged chunk with (received, total).
  std::function<void(int64_t, int64_t)> progress;
};

struct UploadResult {
  std::string clip_json;  // the server's clip object
  bool already_stored = false;
};

StatusOr<UploadResult> UploadClip(const std::string& bytes, const UploadOptions& options,
                                  Random& random);

}  // namespace canvass::agent
