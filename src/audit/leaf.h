// Audit leaves: what one AuditEvent becomes in the public log.
//
//   leaf       = canonical JSON object (keys sorted, no spaces, integers only):
//                {"agency":A,"case":C,"commitment":H,"count":N,"object":O,"reason":R,
//                 "role":P,"time":T,"type":Y,"v":1}
//   commitment = lower-case hex SHA-256( salt || private )
//   salt       = 32 random bytes, kept in the database beside the private details
//   private    = canonical JSON {"actor_id":I,"details":D,"object_id":J}
//                (D is the details JSON text, as a string)
//
// A: the actor's agency id or ""; C: hex HMAC-SHA-256(deployment key, case number) or "";
// T: Unix seconds; the rest are short machine tokens. Nothing in a public record can hold a
// name, an address, coordinates, a plate or free text: ValidatePublicRecord refuses any field
// that is not a short token, and the store refuses events that fail it.
// docs/design/audit.md has the grammar and the reasons.
#pragma once

#include <string>

#include "audit/event.h"
#include "common/status.h"

namespace canvass::audit {

// [a-z0-9_.]{1,64} for type/role/object kind; reason may be empty; agency empty or an id.
Status ValidatePublicRecord(const AuditEvent& e);

// The canonical private details of an event (what the commitment commits to).
std::string PrivateDetails(const AuditEvent& e);
// hex SHA-256(salt || private).
std::string Commitment(std::string_view salt, std::string_view private_details);
// The leaf bytes. `case_hmac_hex` is "" when the event has no case number.
std::string EncodeLeaf(const AuditEvent& e, const std::string& commitment_hex,
                       const std::string& case_hmac_hex);

// Minimal canonical JSON string escaping (RFC 8259), for the encoders above.
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace canvass::audit
