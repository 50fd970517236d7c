#include "cameras/camera_service.h"

#include <cmath>

#include "clips/clip_service.h"
#include "common/sha256.h"
#include "geo/geo.h"

namespace canvass {
namespace {

constexpr size_t kMaxZones = 16;
constexpr size_t kMaxZoneVertices = 64;

Status ValidateZone(const PrivacyZone& z, size_t index) {
  std::string what = "privacy_zones[" + std::to_string(index) + "]";
  if (z.size() < 3 || z.size() > kMaxZoneVertices) {
    return InvalidArgumentError(what + " needs 3 to 64 points, got " + std::to_string(z.size()));
  }
  for (const auto& p : z) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y) || p.x < 0 || p.x > 1 || p.y < 0 || p.y > 1) {
      return InvalidArgumentError(what +
                                  " points are image coordinates normalised to [0, 1]");
    }
  }
  // Shoelace area: a zone of (near) zero area masks nothing and is certainly a mistake.
  double area2 = 0;
  for (size_t i = 0; i < z.size(); ++i) {
    const auto& a = z[i];
    const auto& b = z[(i + 1) % z.size()];
    area2 += a.x * b.y - b.x * a.y;
  }
  if (std::abs(area2) / 2 < 1e-6) return InvalidArgumentError(what + " has no area");
  return OkStatus();
}

}  // namespace

CameraService::CameraService(Store* store, ClipService* clips, const Clock* clock,
                             Random* random, const ClipsConfig& config)
    : store_(store), clips_(clips), clock_(clock), random_(random), config_(config) {}

Status CameraService::Validate(const Camera& c) const {
  if (c.name.empty() || c.name.size() > 100) {
    return InvalidArgumentError("name must be 1 to 100 bytes");
  }
  CANVASS_RETURN_IF_ERROR(geo::ValidateLatLng(c.location, "location"));
  if (c.bearing_deg && (*c.bearing_deg < 0 || *c.bearing_deg > 359)) {
    return InvalidArgumentError("bearing_deg must be between 0 and 359, got " +
                                std::to_string(*c.bearing_deg));
  }
  if (c.retention_days < 1 || c.retention_days > config_.max_retention_days) {
    return InvalidArgumentError("retention_days must be between 1 and " +
                                std::to_string(config_.max_retention_days) + ", got " +
                                std::to_string(c.retention_days));
  }
  if (c.privacy_zones.size() > kMaxZones) {
    return InvalidArgumentError("at most 16 privacy zones per camera");
  }
  for (size_t i = 0; i < c.privacy_zones.size(); ++i) {
    CANVASS_RETURN_IF_ERROR(ValidateZone(c.privacy_zones[i], i));
  }
  return OkStatus();
}

StatusOr<CreatedCamera> CameraService::Create(const Principal& actor, const CameraInput& in) {
  if (!actor.HasRole(Role::kResident)) return PermissionDeniedError("only residents own cameras");
  if (!in.location) return InvalidArgumentError("location is required");
  if (!in.name) return InvalidArgumentError("name is required");
  Camera c;
  c.id = random_->NewId("cam");
  c.owner_id = actor.id();
  c.name = *in.name;
  c.kind = in.kind.value_or(CameraKind::kOutdoor);
  c.location = *in.location;
  if (in.bearing_deg) c.bearing_deg = *in.bearing_deg;
  if (in.privacy_zones) c.privacy_zones = *in.privacy_zones;
  c.retention_days = in.retention_days.value_or(config_.default_retention_days);
  c.sharing = in.sharing.value_or(SharingPreference::kAsk);
  CANVASS_RETURN_IF_ERROR(Validate(c));
  CreatedCamera out;
  out.device_token = random_->NewToken("cvd");
  c.device_token_hash = Sha256Hex(out.device_token);
  c.created_at_us = c.updated_at_us = clock_->NowMicros();
  AuditEvent ev = MakeAuditEvent(actor, *clock_, "camera.create", "camera", c.id);
  ev.reason_code = std::string(CameraKindName(c.kind));
  CANVASS_RETURN_IF_ERROR(store_->CreateCamera(c, ev));
  if (listener_) listener_->CameraChanged(c);
  out.camera = std::move(c);
  return out;
}

StatusOr<Camera> CameraService::Get(const Principal& actor, const std::string& id) {
  auto c = store_->GetCamera(id);
  if (!c.ok()) return c.status();
  if (!actor.is_account() || c->owner_id != actor.id()) {
    return NotFoundError("camera " + id + " not found");
  }
  return c;
}

StatusOr<std::vector<Camera>> CameraService::List(const Principal& actor) {
  if (!actor.HasRole(Role::kResident)) return PermissionDeniedError("only residents own cameras");
  return store_->ListCamerasByOwner(actor.id());
}

StatusOr<Camera> CameraService::Update(const Principal& actor, const std::string& id,
                                       const CameraInput& in) {
  CANVASS_ASSIGN_OR_RETURN(Camera c, Get(actor, id));
  if (in.name) c.name = *in.name;
  if (in.kind) c.kind = *in.kind;
  if (in.location) c.location = *in.location;
  if (in.bearing_deg) c.bearing_deg = *in.bearing_deg;
  if (in.privacy_zones) c.privacy_zones = *in.privacy_zones;
  if (in.retention_days) c.retention_days = *in.retention_days;
  if (in.sharing) c.sharing = *in.sharing;
  CANVASS_RETURN_IF_ERROR(Validate(c));
  c.updated_at_us = clock_->NowMicros();
  AuditEvent ev = MakeAuditEvent(actor, *clock_, "camera.update", "camera", c.id);
  if (in.sharing) ev.reason_code = "sharing_" + std::string(SharingName(c.sharing));
  CANVASS_RETURN_IF_ERROR(store_->UpdateCamera(c, ev));
  if (listener_) listener_->CameraChanged(c);
  return c;
}

Status CameraService::Delete(const Principal& actor, const std::string& id) {
  CANVASS_ASSIGN_OR_RETURN(Camera camera, Get(actor, id));
  AuditEvent ev = MakeAuditEvent(actor, *clock_, "camera.delete", "camera", id);
  CANVASS_ASSIGN_OR_RETURN(Store::DeletedCamera deleted, store_->DeleteCamera(id, ev));
  if (listener_) listener_->CameraDeleted(camera);
  // Rows are gone; now the bytes. A failure here leaves orphan files that `canvass check`
  // reports and `canvass check --repair` removes, never a row without its bytes.
  clips_->RemoveFilesOf(deleted);
  return OkStatus();
}

StatusOr<std::string> CameraService::RotateDeviceToken(const Principal& actor,
                                                       const std::string& id) {
  CANVASS_RETURN_IF_ERROR(Get(actor, id).status());
  std::string token = random_->NewToken("cvd");
  CANVASS_RETURN_IF_ERROR(store_->SetDeviceTokenHash(
      id, Sha256Hex(token), MakeAuditEvent(actor, *clock_, "camera.rotate_token", "camera", id)));
  return token;
}

}  // namespace canvass
