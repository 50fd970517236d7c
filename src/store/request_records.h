// Stored types of community footage requests (docs/design/requests.md): the request, the owners
// asked, the shares they made and the agency's evidence locker.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "geo/lat_lng.h"

namespace canvass {

enum class RequestStatus { kPendingApproval, kOpen, kRejected, kClosed, kExpired };
std::string_view RequestStatusName(RequestStatus s);
StatusOr<RequestStatus> ParseRequestStatus(std::string_view name);

struct FootageRequest {
  std::string id;  // "req_..."
  std::string agency_id;
  std::string officer_id;  // who filed it
  std::string case_number;
  std::string incident_type;
  std::string description;  // public
  LatLng center;
  double radius_m = 0;
  int64_t from_us = 0;  // the footage window [from, to)
  int64_t to_us = 0;
  RequestStatus status = RequestStatus::kPendingApproval;
  std::string decision_json;  // policy::PolicyDecision::ToJson()
  std::string decided_by;     // supervisor who approved or rejected; "" otherwise
  int64_t decided_at_us = 0;
  std::string decision_note;  // the supervisor's reason
  int64_t cameras_notified = 0;
  int64_t opened_at_us = 0;   // when owners were asked (0: never: refused, rejected, or closed
                              // while awaiting approval); the public feed shows only these
  int64_t created_at_us = 0;
  int64_t expires_at_us = 0;
  int64_t closed_at_us = 0;
};

// What an agency (and the public feed) may know of the answers: counts only.
struct RequestCounts {
  int64_t cameras_notified = 0;
  int64_t owners_shared = 0;
  int64_t clips_shared = 0;
};

enum class NotificationStatus { kPending, kShared, kDeclined, kExpired };
std::string_view NotificationStatusName(NotificationStatus s);
StatusOr<NotificationStatus> ParseNotificationStatus(std::string_view name);

// One owner asked about one request: the owner's inbox entry.
struct RequestNotification {
  std::string request_id;
  std::string owner_id;
  std::vector<std::string> camera_ids;  // the owner's cameras that matched
  NotificationStatus status = NotificationStatus::kPending;
  int64_t created_at_us = 0;
  int64_t responded_at_us = 0;
};

// A clip given to an agency for one request: the agency's own encrypted copy.
struct EvidenceItem {
  std::string id;  // "evd_..."
  std::string agency_id;
  std::string request_id;
  std::string case_number;
  std::string content_sha256;  // hex SHA-256 of the delivered bytes
  int64_t size_bytes = 0;
  std::string container;
  int64_t started_at_us = 0;
  int64_t ended_at_us = 0;
  bool blur_faces = false;
  bool mute_audio = false;
  std::string contact_json;  // the owner's contact details, only when they chose to share them
  std::string wrapped_key;   // per-item key wrapped by the master key
  std::string blob_name;
  int64_t created_at_us = 0;
};

// The owner's record of one shared clip (never shown to police).
struct Share {
  std::string id;  // "shr_..."
  std::string request_id;
  std::string owner_id;
  std::string clip_id;
  std::string camera_id;
  std::string evidence_id;
  int64_t created_at_us = 0;
};

struct CustodyEvent {
  std::string evidence_id;
  int64_t at_us = 0;
  std::string action;  // received, viewed, downloaded, exported
  std::string actor_role;
  std::string actor_id;  // "" for the resident who shared it
  std::string actor_agency_id;
};

}  // namespace canvass
