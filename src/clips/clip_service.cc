#include "clips/clip_service.h"

#include <sodium.h>

#include <cmath>
#include <cstring>

#include "audit/leaf.h"
#include "common/encoding.h"
#include "common/sha256.h"
#include "common/time_format.h"
#include "media/probe.h"

namespace canvass {
namespace {

constexpr int64_t kDurationToleranceUs = 2'000'000;

// Plaintext size of segment i of a clip of `total` bytes.
int64_t SegmentPlainSize(int64_t total, int64_t i) {
  return std::min(media::kSegmentPlainBytes, total - i * media::kSegmentPlainBytes);
}

// The live events' JSON, built with the audit log's canonical escaper (no JSON library in the
// service layer).
std::string MotionJson(const MotionEvent& e, const Camera& cam) {
  std::string out = "{\"id\":";
  audit::AppendJsonString(&out, e.id);
  out += ",\"camera_id\":";
  audit::AppendJsonString(&out, e.camera_id);
  out += ",\"camera_name\":";
  audit::AppendJsonString(&out, cam.name);
  out += ",\"at\":";
  audit::AppendJsonString(&out, FormatRfc3339(e.at_us));
  char score[32];
  std::snprintf(score, sizeof score, ",\"score\":%.3f}", e.score);
  return out + score;
}

std::string ClipEventJson(const Clip& clip) {
  std::string out = "{\"id\":";
  audit::AppendJsonString(&out, clip.id);
  out += ",\"camera_id\":";
  audit::AppendJsonString(&out, clip.camera_id);
  out += ",\"started_at\":";
  audit::AppendJsonString(&out, FormatRfc3339(clip.started_at_us));
  return out + "}";
}

}  // namespace

struct ClipService::Active {
  std::mutex mu;
  Upload upload;
  media::ClipKey key;
  Sha256 hasher;
  int64_t offset = 0;
  std::unique_ptr<WritableFile> file;
  std::unique_ptr<media::SegmentWriter> writer;
  bool finished = false;
};

ClipService::ClipService(Store* store, FileSystem* fs, const Clock* clock, Random* random,
                         const media::MasterKey& master_key, std::string data_dir,
                         const ClipsConfig& config, EventHub* hub)
    : store_(store),
      fs_(fs),
      clock_(clock),
      random_(random),
      master_key_(master_key),
      data_dir_(std::move(data_dir)),
      config_(config),
      hub_(hub) {
  // A separate key for naming, derived from the master key, so that a blob's name reveals
  // nothing about its content or camera to someone who can list the disk.
  naming_key_ = DigestBytes(HmacSha256(
      std::string_view(reinterpret_cast<const char*>(master_key_.data()), master_key_.size()),
      "canvass blob naming v1"));
}

ClipService::~ClipService() = default;

Status ClipService::Init() {
  CANVASS_RETURN_IF_ERROR(fs_->CreateDirs(BlobDir()));
  return fs_->CreateDirs(UploadDir());
}

std::string ClipService::BlobDir() const { return JoinPath(data_dir_, "blobs"); }
std::string ClipService::UploadDir() const { return JoinPath(data_dir_, "uploads"); }
std::string ClipService::BlobPath(const std::string& name) const {
  return JoinPath(BlobDir(), name);
}
std::string ClipService::UploadPath(const std::string& id) const {
  return JoinPath(UploadDir(), id);
}

std::string ClipService::BlobNameFor(const std::string& camera_id,
                                     const std::string& sha256) const {
  std::string hex = DigestHex(HmacSha256(naming_key_, camera_id + ":" + sha256));
  return hex.substr(0, 2) + "/" + hex.substr(2, 2) + "/" + hex;
}

StatusOr<media::ClipKey> ClipService::KeyFor(const std::string& wrapped,
                                             const std::string& ad) const {
  return media::UnwrapKey(master_key_, wrapped, ad);
}

UploadState ClipService::StateOf(const Upload& u, int64_t received) const {
  UploadState s;
  s.upload_id = u.id;
  s.size_bytes = u.size_bytes;
  s.received_bytes = received;
  s.max_chunk_bytes = config_.max_upload_chunk_bytes;
  return s;
}

StatusOr<Camera> ClipService::DeviceCamera(const Principal& device) {
  if (!device.is_device()) return PermissionDeniedError("only a camera's agent uploads clips");
  return *device.camera;
}

// ---- device side ----------------------------------------------------------------------------

StatusOr<UploadState> ClipService::StartUpload(const Principal& device, const UploadRequest& r) {
  CANVASS_ASSIGN_OR_RETURN(Camera cam, DeviceCamera(device));
  if (!IsLowerHex(r.content_sha256, 64)) {
    return InvalidArgumentError("sha256 must be 64 lower-case hex digits");
  }
  if (r.size_bytes <= 0 || r.size_bytes > config_.max_clip_bytes) {
    return InvalidArgumentError("size_bytes must be between 1 and " +
                                std::to_string(config_.max_clip_bytes) + ", got " +
                                std::to_string(r.size_bytes));
  }
  if (r.ended_at_us <= r.started_at_us) {
    return InvalidArgumentError("ended_at must be after started_at");
  }
  if (r.ended_at_us - r.started_at_us > config_.max_clip_duration_s * 1'000'000) {
    return InvalidArgumentError("a clip may last at most " +
                                std::to_string(config_.max_clip_duration_s) + " s");
  }
  int64_t now = clock_->NowMicros();
  if (r.ended_at_us > now + config_.max_future_skew_s * 1'000'000) {
    return InvalidArgumentError("ended_at " + FormatRfc3339(r.ended_at_us) +
                                " is in the future; check the camera's clock");
  }
  if (r.ended_at_us < now - int64_t{cam.retention_days} * 86400 * 1'000'000) {
    return InvalidArgumentError("the clip ended before the camera's retention window of " +
                                std::to_string(cam.retention_days) + " days");
  }
  if (r.e2ee) {
    CANVASS_ASSIGN_OR_RETURN(Account owner, store_->GetAccount(cam.owner_id));
    if (owner.e2ee_public_key.empty()) {
      return FailedPreconditionError(
          "the owner has not set an end-to-end encryption key; upload without e2ee or set one");
    }
  }

  // Idempotence: the same content from the same camera is the same clip.
  auto existing = store_->FindClipByContent(cam.id, r.content_sha256);
  if (existing.ok()) {
    UploadState s;
    s.size_bytes = existing->size_bytes;
    s.received_bytes = existing->size_bytes;
    s.max_chunk_bytes = config_.max_upload_chunk_bytes;
    s.clip = *existing;
    return s;
  }
  if (existing.status().code() != Code::kNotFound) return existing.status();

  auto pending = store_->FindUploadByContent(cam.id, r.content_sha256);
  if (pending.ok()) {
    if (pending->size_bytes != r.size_bytes) {
      return InvalidArgumentError("an upload of this sha256 is in progress with size_bytes " +
                                  std::to_string(pending->size_bytes));
    }
    CANVASS_ASSIGN_OR_RETURN(auto active, Activate(*pending));
    std::lock_guard lock(active->mu);
    if (active->offset == active->upload.size_bytes && !active->finished) {
      return Finish(device, active);  // all bytes arrived before a crash; commit now
    }
    return StateOf(active->upload, active->offset);
  }
  if (pending.status().code() != Code::kNotFound) return pending.status();

  Upload u;
  u.id = random_->NewId("upl");
  u.camera_id = cam.id;
  u.owner_id = cam.owner_id;
  u.content_sha256 = r.content_sha256;
  u.size_bytes = r.size_bytes;
  u.started_at_us = r.started_at_us;
  u.ended_at_us = r.ended_at_us;
  u.e2ee = r.e2ee;
  media::ClipKey key = media::NewClipKey(*random_);
  u.wrapped_key = media::WrapKey(master_key_, key, u.id, *random_);
  sodium_memzero(key.data(), key.size());
  u.created_at_us = now;
  u.expires_at_us = now + config_.upload_ttl_s * 1'000'000;
  Status created = store_->CreateUpload(u);
  if (created.code() == Code::kAlreadyExists) {
    return AbortedError("a concurrent upload of the same clip started; retry");
  }
  CANVASS_RETURN_IF_ERROR(created);
  CANVASS_RETURN_IF_ERROR(store_->TouchCamera(cam.id, now));
  return StateOf(u, 0);
}

StatusOr<std::shared_ptr<ClipService::Active>> ClipService::Activate(const Upload& upload) {
  {
    std::lock_guard lock(mu_);
    auto it = active_.find(upload.id);
    if (it != active_.end()) return it->second;
  }
  auto a = std::make_shared<Active>();
  a->upload = upload;
  CANVASS_ASSIGN_OR_RETURN(a->key, KeyFor(upload.wrapped_key, upload.id));
  std::string path = UploadPath(upload.id);
  // Recover what survived: every whole segment that decrypts. A torn tail is cut off.
  int64_t kept_cipher = 0;
  if (fs_->Exists(path)) {
    CANVASS_ASSIGN_OR_RETURN(auto file, fs_->OpenRandomAccess(path));
    CANVASS_ASSIGN_OR_RETURN(int64_t size, file->Size());
    int64_t segments = media::SegmentCount(upload.size_bytes);
    for (int64_t i = 0; i < segments; ++i) {
      int64_t plain = SegmentPlainSize(upload.size_bytes, i);
      int64_t len = plain + media::kSegmentOverheadBytes;
      if (kept_cipher + len > size) break;
      CANVASS_ASSIGN_OR_RETURN(std::string cipher,
                               file->ReadAt(kept_cipher, static_cast<size_t>(len)));
      auto dec = media::DecryptSegment(a->key, i, i == segments - 1, cipher);
      if (!dec.ok()) break;
      a->hasher.Update(*dec);
      a->offset += plain;
      kept_cipher += len;
    }
    if (kept_cipher != size) CANVASS_RETURN_IF_ERROR(fs_->Truncate(path, kept_cipher));
  }
  CANVASS_ASSIGN_OR_RETURN(a->file, fs_->OpenAppendable(path));
  if (a->offset < upload.size_bytes) {
    a->writer =
        std::make_unique<media::SegmentWriter>(a->key, upload.size_bytes, a->offset, a->file.get());
  }
  std::lock_guard lock(mu_);
  auto [it, inserted] = active_.emplace(upload.id, a);
  return it->second;  // Another thread may have won the race; use its state.
}

StatusOr<Upload> ClipService::DeviceUpload(const Principal& device, const std::string& upload_id) {
  CANVASS_ASSIGN_OR_RETURN(Camera cam, DeviceCamera(device));
  auto u = store_->GetUpload(upload_id);
  if (u.ok() && u->camera_id == cam.id) return u;
  if (u.ok() || u.status().code() == Code::kNotFound) {
    // Another camera's upload is reported exactly like a missing one.
    return NotFoundError("upload " + upload_id + " not found (finished, expired or discarded)");
  }
  return u.status();
}

StatusOr<UploadState> ClipService::GetUpload(const Principal& device,
                                             const std::string& upload_id) {
  CANVASS_ASSIGN_OR_RETURN(Upload u, DeviceUpload(device, upload_id));
  CANVASS_ASSIGN_OR_RETURN(auto active, Activate(u));
  std::lock_guard lock(active->mu);
  if (active->offset == active->upload.size_bytes && !active->finished) {
    // Crashed after the last byte but before the clip was committed: finish now.
    return Finish(device, active);
  }
  return StateOf(active->upload, active->offset);
}

StatusOr<UploadState> ClipService::AppendChunk(const Principal& device,
                                               const std::string& upload_id, int64_t offset,
                                               std::string_view bytes) {
  CANVASS_ASSIGN_OR_RETURN(Upload u, DeviceUpload(device, upload_id));
  CANVASS_ASSIGN_OR_RETURN(auto active, Activate(u));
  std::lock_guard lock(active->mu);
  if (active->finished) return NotFoundError("upload " + upload_id + " already finished");
  const int64_t size = active->upload.size_bytes;
  const int64_t n = static_cast<int64_t>(bytes.size());
  if (offset != active->offset) {
    return AbortedError("upload is at offset " + std::to_string(active->offset) + ", not " +
                        std::to_string(offset) + "; resume from there");
  }
  if (n > config_.max_upload_chunk_bytes) {
    return InvalidArgumentError("a chunk may be at most " +
                                std::to_string(config_.max_upload_chunk_bytes) + " bytes");
  }
  if (offset + n > size) {
    return InvalidArgumentError("chunk of " + std::to_string(n) + " bytes at offset " +
                                std::to_string(offset) + " runs past the declared size " +
                                std::to_string(size));
  }
  if (offset + n < size && (n == 0 || n % media::kSegmentPlainBytes != 0)) {
    return InvalidArgumentError("every chunk but the last must be a non-zero multiple of " +
                                std::to_string(media::kSegmentPlainBytes) + " bytes");
  }
  if (offset == size) return Finish(device, active);  // bytes all in before a crash
  Status s = active->writer->Append(bytes);
  if (s.ok()) s = active->file->Sync();
  if (!s.ok()) {
    // The file may end in a torn segment: forget the in-memory state; the next request
    // re-reads the file and resumes after the last whole segment.
    std::lock_guard map_lock(mu_);
    active_.erase(upload_id);
    return s;
  }
  active->hasher.Update(bytes);
  active->offset += n;
  if (active->offset == size) return Finish(device, active);
  return StateOf(active->upload, active->offset);
}

void ClipService::Discard(const std::string& upload_id) {
  store_->DeleteUpload(upload_id).IgnoreError();
  fs_->RemoveFile(UploadPath(upload_id)).IgnoreError();
  std::lock_guard lock(mu_);
  active_.erase(upload_id);
}

StatusOr<UploadState> ClipService::Finish(const Principal& device, std::shared_ptr<Active> active) {
  const Upload& u = active->upload;
  CANVASS_RETURN_IF_ERROR(active->file->Sync());
  CANVASS_RETURN_IF_ERROR(active->file->Close());
  std::string got = DigestHex(active->hasher.Finish());
  if (got != u.content_sha256) {
    active->finished = true;
    Discard(u.id);
    return InvalidArgumentError("the uploaded bytes hash to " + got + " but the upload declared " +
                                u.content_sha256 + "; upload discarded, start again");
  }
  Clip clip;
  clip.id = random_->NewId("clp");
  clip.camera_id = u.camera_id;
  clip.owner_id = u.owner_id;
  clip.content_sha256 = u.content_sha256;
  clip.size_bytes = u.size_bytes;
  clip.started_at_us = u.started_at_us;
  clip.ended_at_us = u.ended_at_us;
  clip.e2ee = u.e2ee;
  // Re-wrapped with the clip id as associated data: a wrapped key moved to another row fails.
  clip.wrapped_key = media::WrapKey(master_key_, active->key, clip.id, *random_);
  clip.blob_name = BlobNameFor(u.camera_id, u.content_sha256);
  clip.created_at_us = clock_->NowMicros();

  const std::string partial = UploadPath(u.id);
  if (!u.e2ee) {
    CANVASS_ASSIGN_OR_RETURN(auto file, fs_->OpenRandomAccess(partial));
    CANVASS_ASSIGN_OR_RETURN(auto reader,
                             media::ClipReader::Open(std::move(file), active->key, u.size_bytes));
    auto info = media::ProbeVideo([&](int64_t off, size_t n) { return reader->ReadAt(off, n); },
                                  u.size_bytes);
    if (!info.ok()) {
      active->finished = true;
      Discard(u.id);
      return InvalidArgumentError(info.status().message() + "; upload discarded");
    }
    int64_t window_us = u.ended_at_us - u.started_at_us;
    if (info->duration_us > window_us + kDurationToleranceUs) {
      active->finished = true;
      Discard(u.id);
      return InvalidArgumentError("the video lasts " + std::to_string(info->duration_us / 1000) +
                                  " ms but started_at..ended_at spans only " +
                                  std::to_string(window_us / 1000) + " ms; upload discarded");
    }
    clip.container = info->container;
    clip.video_codec = info->video_codec;
    clip.width = info->width;
    clip.height = info->height;
    clip.duration_us = info->duration_us;
    clip.has_audio = info->has_audio;
  }

  const std::string blob = BlobPath(clip.blob_name);
  CANVASS_RETURN_IF_ERROR(fs_->CreateDirs(DirName(blob)));
  CANVASS_RETURN_IF_ERROR(fs_->Rename(partial, blob));
  CANVASS_RETURN_IF_ERROR(fs_->SyncDir(DirName(blob)));
  CANVASS_RETURN_IF_ERROR(fs_->SyncDir(UploadDir()));
  AuditEvent ev = MakeAuditEvent(device, *clock_, "clip.upload", "clip", clip.id);
  ev.reason_code = clip.e2ee ? "e2ee" : "server_encrypted";
  Status committed = store_->CompleteUpload(u.id, clip, ev);
  if (!committed.ok()) {
    // Put the bytes back so that the upload can be finished by a retry.
    fs_->Rename(blob, partial).IgnoreError();
    std::lock_guard lock(mu_);
    active_.erase(u.id);
    return committed;
  }
  active->finished = true;
  {
    std::lock_guard lock(mu_);
    active_.erase(u.id);
  }
  if (listener_) listener_->ClipAdded(clip);
  hub_->Publish(clip.owner_id, {"clip", ClipEventJson(clip)});
  UploadState s = StateOf(u, u.size_bytes);
  s.clip = clip;
  return s;
}

StatusOr<MotionEvent> ClipService::ReportMotion(const Principal& device, int64_t at_us,
                                                double score) {
  CANVASS_ASSIGN_OR_RETURN(Camera cam, DeviceCamera(device));
  int64_t now = clock_->NowMicros();
  if (at_us > now + config_.max_future_skew_s * 1'000'000 || at_us < now - 86400LL * 1'000'000) {
    return InvalidArgumentError("motion time must be within the last day and not in the future");
  }
  if (!std::isfinite(score) || score < 0 || score > 1) {
    return InvalidArgumentError("score must be between 0 and 1");
  }
  MotionEvent e{random_->NewId("mot"), cam.id, cam.owner_id, at_us, score, now};
  CANVASS_RETURN_IF_ERROR(store_->AddMotionEvent(
      e, MakeAuditEvent(device, *clock_, "motion.report", "camera", cam.id)));
  CANVASS_RETURN_IF_ERROR(store_->TouchCamera(cam.id, now));
  hub_->Publish(cam.owner_id, {"motion", MotionJson(e, cam)});
  return e;
}

// ---- owner side -----------------------------------------------------------------------------

StatusOr<std::vector<Clip>> ClipService::List(const Principal& owner, const ClipFilter& filter) {
  if (!owner.HasRole(Role::kResident)) return PermissionDeniedError("only residents own clips");
  if (filter.limit < 1 || filter.limit > 1000) {
    return InvalidArgumentError("limit must be between 1 and 1000");
  }
  return store_->ListClips(owner.id(), filter);
}

StatusOr<Clip> ClipService::Get(const Principal& owner, const std::string& id) {
  auto c = store_->GetClip(id);
  if (!c.ok()) return c.status();
  if (!owner.is_account() || c->owner_id != owner.id()) {
    return NotFoundError("clip " + id + " not found");
  }
  return c;
}

StatusOr<std::unique_ptr<media::ClipReader>> ClipService::OpenBlob(const Clip& clip) {
  CANVASS_ASSIGN_OR_RETURN(media::ClipKey key, KeyFor(clip.wrapped_key, clip.id));
  auto file = fs_->OpenRandomAccess(BlobPath(clip.blob_name));
  if (!file.ok()) {
    if (file.status().code() == Code::kNotFound) {
      return DataLossError("the bytes of clip " + clip.id + " are missing; run `canvass check`");
    }
    return file.status();
  }
  auto reader = media::ClipReader::Open(std::move(file).value(), key, clip.size_bytes);
  sodium_memzero(key.data(), key.size());
  return reader;
}

StatusOr<ClipContent> ClipService::Open(const Principal& owner, const std::string& id) {
  CANVASS_ASSIGN_OR_RETURN(Clip clip, Get(owner, id));
  CANVASS_ASSIGN_OR_RETURN(auto reader, OpenBlob(clip));
  CANVASS_RETURN_IF_ERROR(
      store_->RecordAccess(MakeAuditEvent(owner, *clock_, "clip.view", "clip", id)));
  return ClipContent{std::move(clip), std::move(reader)};
}

Status ClipService::Delete(const Principal& owner, const std::string& id) {
  CANVASS_ASSIGN_OR_RETURN(Clip clip, Get(owner, id));
  AuditEvent ev = MakeAuditEvent(owner, *clock_, "clip.delete", "clip", id);
  ev.reason_code = "owner_request";
  CANVASS_RETURN_IF_ERROR(store_->DeleteClip(id, ev));
  if (listener_) listener_->ClipDeleted(clip);
  fs_->RemoveFile(BlobPath(clip.blob_name)).IgnoreError();  // orphan otherwise: check --repair
  return OkStatus();
}

StatusOr<std::vector<MotionEvent>> ClipService::ListMotion(const Principal& owner, int limit) {
  if (!owner.HasRole(Role::kResident)) return PermissionDeniedError("only residents own cameras");
  if (limit < 1 || limit > 1000) return InvalidArgumentError("limit must be between 1 and 1000");
  return store_->ListMotionEvents(owner.id(), limit);
}

// ---- maintenance ----------------------------------------------------------------------------

void ClipService::RemoveFilesOf(const Store::DeletedCamera& deleted) {
  for (const auto& c : deleted.clips) fs_->RemoveFile(BlobPath(c.blob_name)).IgnoreError();
  std::lock_guard lock(mu_);
  for (const auto& u : deleted.uploads) {
    active_.erase(u.id);
    fs_->RemoveFile(UploadPath(u.id)).IgnoreError();
  }
}

Status ClipService::RemovePurged(const std::vector<Clip>& purged) {
  Status first = OkStatus();
  for (const auto& c : purged) {
    if (listener_) listener_->ClipDeleted(c);
    Status s = fs_->RemoveFile(BlobPath(c.blob_name));
    if (!s.ok() && s.code() != Code::kNotFound && first.ok()) first = s;
  }
  return first;
}

StatusOr<int> ClipService::ExpireUploads() {
  CANVASS_ASSIGN_OR_RETURN(auto uploads, store_->ListUploads());
  int n = 0;
  int64_t now = clock_->NowMicros();
  for (const auto& u : uploads) {
    if (u.expires_at_us <= now) {
      Discard(u.id);
      ++n;
    }
  }
  return n;
}

}  // namespace canvass
