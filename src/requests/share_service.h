// ShareService: an owner's answer to a request, clip by clip (docs/design/requests.md).
//
// The owner picks clips (only their own, on the cameras the request matched, overlapping its
// window) and per share chooses to blur faces, mute audio and share contact details (off by
// default). Each shared clip becomes an evidence item of the agency: the delivered bytes (after
// redaction) are hashed and stored as the agency's own encrypted copy (EvidenceLocker), with a
// "received" custody event, the owner's share record and one audit event, in one transaction.
//
// End-to-end encrypted clips cannot be opened by the server: the owner's own client decrypts
// them and sends the plaintext (SharePlaintext; `canvass share` does this).
//
// Redaction needs the plaintext as a file for FFmpeg: it lives in the locker's scratch
// directory only while the share is processed and is removed after (and at every start).
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "clips/clip_service.h"
#include "common/clock.h"
#include "common/random.h"
#include "media/face_detector.h"
#include "requests/evidence_locker.h"
#include "store/store.h"

namespace canvass::requests {

struct Contact {
  std::string name;
  std::string phone;
  std::string email;
};

struct ShareOptions {
  bool blur_faces = false;
  bool mute_audio = false;
  std::optional<Contact> contact;  // shared with this one request only when set
};

class ShareService {
 public:
  // `faces` may be null: blurring is then refused with a clear error.
  ShareService(Store* store, const Clock* clock, Random* random, ClipService* clips,
               EvidenceLocker* locker, const media::FaceDetector* faces);

  // Shares server-encrypted clips. All or nothing: one bad clip refuses the whole answer.
  StatusOr<std::vector<Share>> ShareClips(const Principal& owner, const std::string& request_id,
                                          const std::vector<std::string>& clip_ids,
                                          const ShareOptions& options);
  // Shares an end-to-end encrypted clip whose plaintext the owner's client sends.
  StatusOr<Share> SharePlaintext(const Principal& owner, const std::string& request_id,
                                 const std::string& clip_id, std::string_view plaintext,
                                 const ShareOptions& options);
  // Every share the owner made, newest first.
  StatusOr<std::vector<Share>> List(const Principal& owner, int limit);

 private:
  struct Target {
    FootageRequest request;
    RequestNotification notification;
  };
  StatusOr<Target> OpenTarget(const Principal& owner, const std::string& request_id);
  // The clip, if the owner may share it with this request.
  StatusOr<Clip> ShareableClip(const Principal& owner, const Target& t, const std::string& id);
  // Applies the options to `plaintext` (a video) and returns the bytes to deliver.
  StatusOr<std::string> Redact(std::string plaintext, const ShareOptions& options);
  StatusOr<std::string> ReadClip(const Clip& clip);
  // Stores the evidence items and commits the answer; removes the blobs if the commit fails.
  StatusOr<std::vector<Share>> Commit(const Principal& owner, const Target& t,
                                      const std::vector<std::pair<Clip, std::string>>& delivered,
                                      const ShareOptions& options);

  Store* store_;
  const Clock* clock_;
  Random* random_;
  ClipService* clips_;
  EvidenceLocker* locker_;
  const media::FaceDetector* faces_;
};

}  // namespace canvass::requests
