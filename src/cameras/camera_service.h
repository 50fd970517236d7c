// CameraService: residents' cameras. Only the owner sees or changes a camera; to everyone else
// it does not exist (NotFound, never PermissionDenied, so that ids leak nothing).
//
// Each camera has a device token ("cvd_...") for its agent, shown once at creation and on
// rotation; the store keeps its SHA-256 only.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "clips/inventory_listener.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/random.h"
#include "store/store.h"

namespace canvass {

class ClipService;

// Fields a resident sets. On update, unset optionals keep their value.
struct CameraInput {
  std::optional<std::string> name;
  std::optional<CameraKind> kind;
  std::optional<LatLng> location;
  std::optional<std::optional<int>> bearing_deg;  // Set to nullopt-inside to clear.
  std::optional<std::vector<PrivacyZone>> privacy_zones;
  std::optional<int> retention_days;
  std::optional<SharingPreference> sharing;
};

struct CreatedCamera {
  Camera camera;
  std::string device_token;  // Shown once.
};

class CameraService {
 public:
  CameraService(Store* store, ClipService* clips, const Clock* clock, Random* random,
                const ClipsConfig& config);

  StatusOr<CreatedCamera> Create(const Principal& actor, const CameraInput& in);
  StatusOr<Camera> Get(const Principal& actor, const std::string& id);
  StatusOr<std::vector<Camera>> List(const Principal& actor);
  StatusOr<Camera> Update(const Principal& actor, const std::string& id, const CameraInput& in);
  // Deletes the camera, its clips (rows and bytes) and unfinished uploads.
  Status Delete(const Principal& actor, const std::string& id);
  StatusOr<std::string> RotateDeviceToken(const Principal& actor, const std::string& id);
  // Told of every camera created, updated or deleted from now on (set once, before serving).
  void SetListener(InventoryListener* listener) { listener_ = listener; }

 private:
  Status Validate(const Camera& c) const;

  Store* store_;
  ClipService* clips_;
  const Clock* clock_;
  Random* random_;
  ClipsConfig config_;
  InventoryListener* listener_ = nullptr;
};

}  // namespace canvass
