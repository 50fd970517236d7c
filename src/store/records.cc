#include "store/records.h"

namespace canvass {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kResident: return "resident";
    case Role::kOfficer: return "officer";
    case Role::kSupervisor: return "supervisor";
    case Role::kAgencyAdmin: return "agency_admin";
    case Role::kLegal: return "legal";
    case Role::kAuditor: return "auditor";
    case Role::kAdmin: return "admin";
  }
  return "unknown";
}

StatusOr<Role> ParseRole(std::string_view name) {
  for (Role r : kAllRoles) {
    if (RoleName(r) == name) return r;
  }
  return InvalidArgumentError("unknown role '" + std::string(name) +
                              "' (resident, officer, supervisor, agency_admin, legal, auditor, "
                              "admin)");
}

bool IsAgencyRole(Role role) {
  return role == Role::kOfficer || role == Role::kSupervisor || role == Role::kAgencyAdmin;
}

std::string_view CameraKindName(CameraKind kind) {
  switch (kind) {
    case CameraKind::kDoorbell: return "doorbell";
    case CameraKind::kOutdoor: return "outdoor";
    case CameraKind::kIndoor: return "indoor";
    case CameraKind::kAlpr: return "alpr";
  }
  return "unknown";
}

StatusOr<CameraKind> ParseCameraKind(std::string_view name) {
  for (CameraKind k : {CameraKind::kDoorbell, CameraKind::kOutdoor, CameraKind::kIndoor,
                       CameraKind::kAlpr}) {
    if (CameraKindName(k) == name) return k;
  }
  return InvalidArgumentError("unknown camera kind '" + std::string(name) +
                              "' (doorbell, outdoor, indoor, alpr)");
}

std::string_view SharingName(SharingPreference s) {
  return s == SharingPreference::kNever ? "never" : "ask";
}

StatusOr<SharingPreference> ParseSharing(std::string_view name) {
  if (name == "never") return SharingPreference::kNever;
  if (name == "ask") return SharingPreference::kAsk;
  return InvalidArgumentError("unknown sharing preference '" + std::string(name) +
                              "' (never, ask)");
}

}  // namespace canvass
