#include "agent/uploader.h"

#include <spdlog/spdlog.h>

#include "agent/clip_uploader.h"
#include "media/e2ee.h"

namespace canvass::agent {

Uploader::Uploader(Outbox* outbox, UploaderOptions options, Sleeper* sleeper, Random* random)
    : outbox_(outbox),
      options_(std::move(options)),
      sleeper_(sleeper),
      random_(random),
      api_(options_.server_url) {}

Status Uploader::SendClip(const OutboxItem& item, const CameraCredentials& creds) {
  std::string bytes;
  if (item.e2ee && !item.sealed) {
    CANVASS_ASSIGN_OR_RETURN(std::string device, api_.GetDevice(creds.device_token));
    CANVASS_ASSIGN_OR_RETURN(DeviceInfo info, ParseDeviceInfo(device));
    if (info.owner_public_key.empty()) {
      return FailedPreconditionError(
          "camera '" + item.camera +
          "' has e2ee = true but its owner has not set an end-to-end encryption key; the clip "
          "waits until they do");
    }
    CANVASS_ASSIGN_OR_RETURN(std::string plain, outbox_->ReadPayload(item));
    CANVASS_ASSIGN_OR_RETURN(bytes, media::SealForOwner(info.owner_public_key, plain, *random_));
    CANVASS_RETURN_IF_ERROR(outbox_->StoreSealed(item, bytes));
  } else {
    CANVASS_ASSIGN_OR_RETURN(bytes, outbox_->ReadPayload(item));
  }
  UploadOptions u;
  u.server_url = options_.server_url;
  u.device_token = creds.device_token;
  u.started_at_us = item.started_at_us;
  u.ended_at_us = item.ended_at_us;
  u.e2ee = item.e2ee;
  u.presealed = item.e2ee;  // sealed before, or just now
  u.max_attempts = 2;  // our own back-off takes over after that
  auto r = UploadClip(bytes, u, *random_);
  if (!r.ok()) return r.status();  // InvalidArgument: refused for good; the rest retry
  spdlog::info("uploaded clip {} of camera '{}' ({} bytes{})", item.seq, item.camera,
               bytes.size(), r->already_stored ? ", already stored" : "");
  return OkStatus();
}

Status Uploader::Send(const OutboxItem& item) {
  auto it = options_.cameras.find(item.camera);
  if (it == options_.cameras.end()) {
    return FailedPreconditionError("no camera named '" + item.camera +
                                   "' in the config any more; its items wait");
  }
  switch (item.kind) {
    case OutboxKind::kMotion:
      return api_.PostMotion(it->second.device_token, item.body);
    case OutboxKind::kPlates:
      return api_.PostPlateReads(it->second.reader_token, item.body).status();
    case OutboxKind::kClip:
      return SendClip(item, it->second);
  }
  return InternalError("unknown outbox item kind");
}

StatusOr<Uploader::Result> Uploader::SendNext() {
  std::optional<OutboxItem> item = outbox_->Next();
  if (!item) return Result::kEmpty;
  Status s = Send(*item);
  if (s.ok()) {
    CANVASS_RETURN_IF_ERROR(outbox_->Complete(*item));
    ++sent_;
    return Result::kSent;
  }
  // InvalidArgument is the server saying no to this item, whatever we do.
  if (s.code() == Code::kInvalidArgument) {
    CANVASS_RETURN_IF_ERROR(outbox_->Fail(*item, s.message()));
    return Result::kRefused;
  }
  outbox_->NoteAttempt(item->seq);
  return s;
}

void Uploader::Notify() {
  std::lock_guard lock(mu_);
  notified_ = true;
  cv_.notify_all();
}

void Uploader::Run(const std::atomic<bool>& stop) {
  int64_t backoff_ms = 0;
  while (!stop.load()) {
    StatusOr<Result> r = SendNext();
    if (!r.ok()) {
      ++failures_;
      backoff_ms = backoff_ms == 0 ? options_.backoff_min_ms
                                   : std::min(options_.backoff_max_ms, backoff_ms * 2);
      backoff_ms_ = backoff_ms;
      spdlog::warn("upload failed ({}); {} items wait; retrying in {} ms", r.status().message(),
                   outbox_->pending(), backoff_ms);
      if (!sleeper_->SleepUs(backoff_ms * 1000, stop)) return;
      continue;
    }
    backoff_ms = 0;
    backoff_ms_ = 0;
    if (*r != Result::kEmpty) continue;
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(200), [&] { return notified_ || stop.load(); });
    notified_ = false;
  }
}

}  // namespace canvass::agent
