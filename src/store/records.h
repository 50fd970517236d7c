// Stored types: what the store keeps, as the domain sees it. Wire (JSON) types live apart in
// src/api/wire/ and are converted at the HTTP boundary; nothing here knows about JSON or SQL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "geo/lat_lng.h"

namespace canvass {

enum class Role { kResident, kOfficer, kSupervisor, kAgencyAdmin, kLegal, kAuditor, kAdmin };
inline constexpr Role kAllRoles[] = {Role::kResident, Role::kOfficer, Role::kSupervisor,
                                     Role::kAgencyAdmin, Role::kLegal, Role::kAuditor,
                                     Role::kAdmin};
std::string_view RoleName(Role role);
StatusOr<Role> ParseRole(std::string_view name);
// Roles that belong to an agency (officer, supervisor, agency_admin).
bool IsAgencyRole(Role role);

struct Account {
  std::string id;              // "acc_..."
  std::string username;        // Unique, 3-64 of [a-z0-9._-].
  std::string display_name;    // Shown to the account itself and to admins; never to police.
  Role role = Role::kResident;
  std::string agency_id;       // Set iff IsAgencyRole(role).
  std::string password_hash;   // argon2id string (libsodium crypto_pwhash_str).
  std::string e2ee_public_key; // Raw X25519 key when the owner chose end-to-end encryption.
  bool disabled = false;
  int64_t created_at_us = 0;
};

struct Agency {
  std::string id;                 // "agy_..."
  std::string name;
  std::string state;              // Two-letter US state (or region) code, upper case.
  bool federal = false;
  std::vector<LatLng> boundary;   // Jurisdiction: one simple polygon, vertices in order.
  bool verified = false;
  int64_t verified_at_us = 0;
  int64_t created_at_us = 0;
};

enum class CameraKind { kDoorbell, kOutdoor, kIndoor, kAlpr };
std::string_view CameraKindName(CameraKind kind);
StatusOr<CameraKind> ParseCameraKind(std::string_view name);

enum class SharingPreference { kNever, kAsk };
std::string_view SharingName(SharingPreference s);
StatusOr<SharingPreference> ParseSharing(std::string_view name);

// A point in image coordinates, normalised to [0, 1] (x right, y down).
struct ImagePoint {
  double x = 0;
  double y = 0;
  bool operator==(const ImagePoint&) const = default;
};
using PrivacyZone = std::vector<ImagePoint>;  // A polygon, 3 to 64 vertices.

struct Camera {
  std::string id;        // "cam_..."
  std::string owner_id;  // The resident's account.
  std::string name;
  CameraKind kind = CameraKind::kOutdoor;
  LatLng location;
  std::optional<int> bearing_deg;  // 0-359, clockwise from north; none for indoor cameras.
  std::vector<PrivacyZone> privacy_zones;
  int retention_days = 60;
  SharingPreference sharing = SharingPreference::kAsk;
  std::string device_token_hash;  // SHA-256 hex of the agent's bearer token.
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
  int64_t last_seen_at_us = 0;    // Last request from its agent; 0: never.
};

struct Clip {
  std::string id;              // "clp_..."
  std::string camera_id;
  std::string owner_id;
  std::string content_sha256;  // Hex SHA-256 of the bytes the agent uploaded.
  int64_t size_bytes = 0;      // Plaintext (as uploaded) size.
  int64_t started_at_us = 0;
  int64_t ended_at_us = 0;
  // From probing (empty/zero for end-to-end encrypted clips, which the server cannot open).
  std::string container;
  std::string video_codec;
  int width = 0;
  int height = 0;
  int64_t duration_us = 0;
  bool has_audio = false;
  bool e2ee = false;           // Uploaded bytes are sealed to the owner's key.
  std::string wrapped_key;     // Per-clip key wrapped by the server master key (raw bytes).
  std::string blob_name;       // Path of the encrypted file, relative to the blob directory.
  int64_t created_at_us = 0;
};

// An upload in progress: the clip's declared identity, before its bytes are all in.
struct Upload {
  std::string id;              // "upl_..."
  std::string camera_id;
  std::string owner_id;
  std::string content_sha256;
  int64_t size_bytes = 0;
  int64_t started_at_us = 0;
  int64_t ended_at_us = 0;
  bool e2ee = false;
  std::string wrapped_key;
  int64_t created_at_us = 0;
  int64_t expires_at_us = 0;
};

struct Session {
  std::string token_hash;  // SHA-256 hex of the cookie value.
  std::string account_id;
  std::string csrf_token;  // Sent back by the browser in X-CSRF-Token on unsafe methods.
  int64_t created_at_us = 0;
  int64_t expires_at_us = 0;
};

struct ApiToken {
  std::string id;          // "tok_..."
  std::string account_id;
  std::string token_hash;  // SHA-256 hex of the bearer token.
  std::string label;
  int64_t created_at_us = 0;
};

struct MotionEvent {
  std::string id;  // "mot_..."
  std::string camera_id;
  std::string owner_id;
  int64_t at_us = 0;
  double score = 0;  // 0..1, the agent's estimate of how much of the frame moved.
  int64_t created_at_us = 0;
};

struct ClipFilter {
  std::string camera_id;  // Empty: all the owner's cameras.
  int64_t from_us = 0;    // Clips that end after this...
  int64_t to_us = 0;      // ...and start before this (0: no bound).
  int limit = 100;
  std::string after_id;   // Cursor: continue after this clip (ordered by start time, id).
};

}  // namespace canvass
