// AuditEvent: one entry for the audit log, written by the store in the same transaction as the
// change it describes (no change without its event, no event without its change).
//
// The public fields become the public record of a Merkle-log leaf (audit/leaf.h,
// docs/design/audit.md); they never hold a person's name, an address, exact coordinates, a plate
// number or free text (the store refuses non-token values). Everything identifying goes in the
// private fields, which only the auditor and legal roles can open.
//
// Build one with MakeAuditEvent (auth/principal.h) and hand it to the store operation that makes
// the change; for reads of protected data, to Store::RecordAccess.
#pragma once

#include <cstdint>
#include <string>

namespace canvass {

struct AuditEvent {
  // --- public ---
  std::string type;             // "account.login", "camera.create", "clip.view", ...
  std::string actor_role;       // "resident", "officer", ..., "device", "system"
  std::string actor_agency_id;  // Empty when the actor belongs to no agency.
  std::string object_kind;      // "account", "agency", "camera", "clip", ...
  std::string reason_code;      // Machine-readable reason, e.g. "owner_request"; may be empty.
  int64_t count = 0;            // How many objects the event touched (e.g. clips deleted).
  // What a search reached, published for searches only (both -1 otherwise): how many agencies'
  // and cameras' data it covered.
  int64_t scope_agencies = -1;
  int64_t scope_cameras = -1;
  int64_t at_us = 0;  // Set by the caller from the injected clock.
  // --- private ---
  std::string actor_id;  // Account or camera id.
  std::string object_id;
  std::string details_json;  // Free-form JSON object with the exact request; "{}" if none.
  std::string case_number;   // Published only as an HMAC under the deployment key.
};

}  // namespace canvass
