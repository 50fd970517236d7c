#include "requests/share_service.h"

#include <boost/json.hpp>

#include "media/probe.h"
#include "media/redact.h"

namespace canvass::requests {
namespace json = boost::json;

namespace {

constexpr size_t kMaxClipsPerAnswer = 50;

Status ValidateContact(const Contact& c) {
  auto ok = [](const std::string& s) {
    if (s.size() > 200) return false;
    for (unsigned char ch : s) {
      if (ch < 0x20 || ch == 0x7f) return false;
    }
    return true;
  };
  if (!ok(c.name) || !ok(c.phone) || !ok(c.email)) {
    return InvalidArgumentError("contact fields must be at most 200 characters of text");
  }
  if (c.name.empty() && c.phone.empty() && c.email.empty()) {
    return InvalidArgumentError("contact must have a name, phone or email when shared");
  }
  return OkStatus();
}

std::string ContactJson(const std::optional<Contact>& c) {
  if (!c) return "";
  return json::serialize(json::object{{"name", c->name}, {"phone", c->phone}, {"email", c->email}});
}

}  // namespace

ShareService::ShareService(Store* store, const Clock* clock, Random* random, ClipService* clips,
                           EvidenceLocker* locker, const media::FaceDetector* faces)
    : store_(store),
      clock_(clock),
      random_(random),
      clips_(clips),
      locker_(locker),
      faces_(faces) {}

StatusOr<ShareService::Target> ShareService::OpenTarget(const Principal& owner,
                                                        const std::string& request_id) {
  if (!owner.HasRole(Role::kResident)) return PermissionDeniedError("only residents share clips");
  CANVASS_ASSIGN_OR_RETURN(RequestNotification n, store_->GetNotification(request_id, owner.id()));
  CANVASS_ASSIGN_OR_RETURN(FootageRequest r, store_->GetRequest(request_id));
  if (r.status != RequestStatus::kOpen || clock_->NowMicros() >= r.expires_at_us) {
    return FailedPreconditionError("request " + request_id + " is " +
                                   std::string(RequestStatusName(r.status)) +
                                   ": it no longer takes footage");
  }
  if (n.status != NotificationStatus::kPending && n.status != NotificationStatus::kShared) {
    return FailedPreconditionError("you already answered request " + request_id + " (" +
                                   std::string(NotificationStatusName(n.status)) + ")");
  }
  return Target{std::move(r), std::move(n)};
}

StatusOr<Clip> ShareService::ShareableClip(const Principal& owner, const Target& t,
                                           const std::string& id) {
  auto clip = store_->GetClip(id);
  if (!clip.ok() || clip->owner_id != owner.id()) return NotFoundError("clip " + id + " not found");
  const auto& cams = t.notification.camera_ids;
  if (std::find(cams.begin(), cams.end(), clip->camera_id) == cams.end()) {
    return FailedPreconditionError("clip " + id + " is from a camera this request did not ask");
  }
  if (clip->started_at_us >= t.request.to_us || clip->ended_at_us <= t.request.from_us) {
    return FailedPreconditionError("clip " + id + " does not overlap the request's window");
  }
  return clip;
}

StatusOr<std::string> ShareService::ReadClip(const Clip& clip) {
  CANVASS_ASSIGN_OR_RETURN(auto reader, clips_->OpenBlob(clip));
  CANVASS_ASSIGN_OR_RETURN(std::string out,
                           reader->ReadAt(0, static_cast<size_t>(clip.size_bytes)));
  if (static_cast<int64_t>(out.size()) != clip.size_bytes) {
    return DataLossError("clip " + clip.id + " is shorter than recorded");
  }
  return out;
}

StatusOr<std::string> ShareService::Redact(std::string plaintext, const ShareOptions& options) {
  if (!options.blur_faces && !options.mute_audio) return plaintext;
  if (options.blur_faces && !faces_) {
    return FailedPreconditionError(
        "face blurring is not available on this server (no face "
        "detector loaded; see docs/guide/operations.md)");
  }
  const std::string base = locker_->ScratchDir() + "/" + random_->NewId("tmp");
  const std::string in_path = base + ".in", out_path = base + ".mp4";
  FileSystem* fs = locker_->fs();
  auto run = [&]() -> StatusOr<std::string> {
    CANVASS_RETURN_IF_ERROR(fs->WriteFileAtomic(in_path, plaintext));
    CANVASS_RETURN_IF_ERROR(
        media::RedactClip(in_path, out_path, {options.blur_faces, options.mute_audio}, faces_)
            .status());
    return fs->ReadFile(out_path);
  };
  StatusOr<std::string> out = run();
  fs->RemoveFile(in_path).IgnoreError();
  fs->RemoveFile(out_path).IgnoreError();
  return out;
}

StatusOr<std::vector<Share>> ShareService::ShareClips(const Principal& owner,
                                                      const std::string& request_id,
                                                      const std::vector<std::string>& clip_ids,
                                                      const ShareOptions& options) {
  CANVASS_ASSIGN_OR_RETURN(Target t, OpenTarget(owner, request_id));
  if (clip_ids.empty()) return InvalidArgumentError("choose at least one clip to share");
  if (clip_ids.size() > kMaxClipsPerAnswer) {
    return InvalidArgumentError("at most " + std::to_string(kMaxClipsPerAnswer) +
                                " clips per answer");
  }
  if (options.contact) CANVASS_RETURN_IF_ERROR(ValidateContact(*options.contact));
  std::vector<Clip> chosen;
  for (const auto& id : clip_ids) {
    CANVASS_ASSIGN_OR_RETURN(Clip c, ShareableClip(owner, t, id));
    if (c.e2ee) {
      return FailedPreconditionError("clip " + id +
                                     " is end-to-end encrypted: share it from your own device "
                                     "with `canvass share` (the server cannot open it)");
    }
    for (const auto& other : chosen) {
      if (other.id == c.id) return InvalidArgumentError("clip " + id + " is listed twice");
    }
    chosen.push_back(std::move(c));
  }
  std::vector<std::pair<Clip, std::string>> delivered;
  for (auto& c : chosen) {
    CANVASS_ASSIGN_OR_RETURN(std::string plain, ReadClip(c));
    CANVASS_ASSIGN_OR_RETURN(std::string bytes, Redact(std::move(plain), options));
    delivered.emplace_back(std::move(c), std::move(bytes));
  }
  return Commit(owner, t, delivered, options);
}

StatusOr<Share> ShareService::SharePlaintext(const Principal& owner, const std::string& request_id,
                                             const std::string& clip_id, std::string_view plaintext,
                                             const ShareOptions& options) {
  CANVASS_ASSIGN_OR_RETURN(Target t, OpenTarget(owner, request_id));
  if (options.contact) CANVASS_RETURN_IF_ERROR(ValidateContact(*options.contact));
  CANVASS_ASSIGN_OR_RETURN(Clip c, ShareableClip(owner, t, clip_id));
  if (!c.e2ee) {
    return FailedPreconditionError("clip " + clip_id +
                                   " is stored by the server: share it by id instead");
  }
  // The server cannot check the plaintext against the sealed clip; it checks it is a video.
  auto probed = media::ProbeVideo(
      [&](int64_t off, size_t n) -> StatusOr<std::string> {
        if (off >= static_cast<int64_t>(plaintext.size())) return std::string();
        return std::string(plaintext.substr(static_cast<size_t>(off), n));
      },
      static_cast<int64_t>(plaintext.size()));
  if (!probed.ok()) {
    return InvalidArgumentError("the uploaded plaintext is not a video: " +
                                probed.status().message());
  }
  CANVASS_ASSIGN_OR_RETURN(std::string bytes, Redact(std::string(plaintext), options));
  c.container = probed->container;
  std::vector<std::pair<Clip, std::string>> delivered;
  delivered.emplace_back(std::move(c), std::move(bytes));
  CANVASS_ASSIGN_OR_RETURN(auto shares, Commit(owner, t, delivered, options));
  return shares.front();
}

StatusOr<std::vector<Share>> ShareService::Commit(
    const Principal& owner, const Target& t,
    const std::vector<std::pair<Clip, std::string>>& delivered, const ShareOptions& options) {
  const int64_t now = clock_->NowMicros();
  std::vector<EvidenceItem> items;
  std::vector<Share> shares;
  std::vector<CustodyEvent> custody;
  auto discard = [&] {
    for (const auto& i : items) locker_->Discard(i);
  };
  json::array details;
  for (const auto& [clip, bytes] : delivered) {
    EvidenceItem e;
    e.id = random_->NewId("evd");
    e.agency_id = t.request.agency_id;
    e.request_id = t.request.id;
    e.case_number = t.request.case_number;
    e.container = options.blur_faces || options.mute_audio ? "mp4" : clip.container;
    e.started_at_us = clip.started_at_us;
    e.ended_at_us = clip.ended_at_us;
    e.blur_faces = options.blur_faces;
    e.mute_audio = options.mute_audio;
    e.contact_json = ContactJson(options.contact);
    e.created_at_us = now;
    Status stored = locker_->Store(bytes, &e);
    if (!stored.ok()) {
      discard();
      return stored;
    }
    items.push_back(e);
    shares.push_back(
        {random_->NewId("shr"), t.request.id, owner.id(), clip.id, clip.camera_id, e.id, now});
    custody.push_back({e.id, now, "received", "resident", "", ""});
    details.push_back({{"clip_id", clip.id},
                       {"camera_id", clip.camera_id},
                       {"evidence_id", e.id},
                       {"sha256", e.content_sha256}});
  }
  RequestNotification answered = t.notification;
  answered.status = NotificationStatus::kShared;
  answered.responded_at_us = now;
  AuditEvent ev = MakeAuditEvent(owner, *clock_, "request.share", "request", t.request.id);
  ev.actor_agency_id = t.request.agency_id;  // the requesting agency: reports count per agency
  ev.count = static_cast<int64_t>(items.size());
  ev.reason_code = options.blur_faces && options.mute_audio ? "blur_mute"
                   : options.blur_faces                     ? "blur"
                   : options.mute_audio                     ? "mute"
                                                            : "as_recorded";
  ev.details_json = json::serialize(
      json::object{{"items", details}, {"contact_shared", options.contact.has_value()}});
  Status committed = store_->RecordAnswer(answered, items, shares, custody, ev);
  if (!committed.ok()) {
    discard();
    return committed;
  }
  return shares;
}

StatusOr<std::vector<Share>> ShareService::List(const Principal& owner, int limit) {
  if (!owner.HasRole(Role::kResident)) return PermissionDeniedError("only residents share clips");
  return store_->ListShares(owner.id(), limit);
}

}  // namespace canvass::requests
