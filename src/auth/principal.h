// Principal: who is asking. Resolved once per request by the Authenticator and passed to every
// service call, which uses it both to decide and to write the actor into audit events.
#pragma once

#include <optional>
#include <string>

#include "audit/event.h"
#include "common/clock.h"
#include "store/plate_records.h"
#include "store/records.h"

namespace canvass {

struct Principal {
  enum class Kind { kAnonymous, kAccount, kDevice, kReader };
  enum class Via { kNone, kCookie, kBearer };
  Kind kind = Kind::kAnonymous;
  Via via = Via::kNone;
  std::optional<Account> account;     // kAccount
  std::optional<Agency> agency;       // kAccount with an agency role
  std::optional<Camera> camera;       // kDevice
  std::optional<PlateReader> reader;  // kReader: an agency's licence-plate reader
  std::string session_token_hash;     // Via::kCookie
  std::string csrf_token;             // Via::kCookie

  bool is_account() const { return kind == Kind::kAccount; }
  bool is_device() const { return kind == Kind::kDevice; }
  bool is_reader() const { return kind == Kind::kReader; }
  bool HasRole(Role r) const { return is_account() && account->role == r; }
  const std::string& id() const;
  std::string RoleName() const;  // "anonymous", "device", or the account's role
  std::string AgencyId() const;

  static Principal Anonymous() { return Principal{}; }
  static Principal System();  // For admin commands run on the server's own machine.
};

// Starts an audit event for `actor`: type, object, and time from `clock`.
AuditEvent MakeAuditEvent(const Principal& actor, const Clock& clock, std::string type,
                          std::string object_kind, std::string object_id);

}  // namespace canvass
