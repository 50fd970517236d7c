// The owner's side of sharing an end-to-end encrypted clip with a request: the server holds only
// the sealed bytes and cannot open them, so the owner's own client downloads the sealed clip,
// opens it with the owner's key pair, and sends the plaintext for this one share
// (PUT /api/v1/inbox/{request}/clips/{clip}/plaintext). `canvass share` runs it.
#pragma once

#include <string>

#include "common/status.h"

namespace canvass::agent {

struct OwnerShareOptions {
  std::string server_url;  // http://HOST:PORT
  std::string token;       // the owner's API token ("cvs_...")
  std::string request_id;
  std::string clip_id;
  std::string public_key;  // raw X25519 keys of the owner (media/e2ee.h)
  std::string secret_key;
  bool blur_faces = false;
  bool mute_audio = false;
};

// Returns the server's answer (JSON with the share) or the first error, with the server's
// message when it refused.
StatusOr<std::string> ShareSealedClip(const OwnerShareOptions& options);

}  // namespace canvass::agent
