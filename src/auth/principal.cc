#include "auth/principal.h"

namespace canvass {

const std::string& Principal::id() const {
  static const std::string kEmpty;
  if (is_account()) return account->id;
  if (is_device()) return camera->id;
  if (is_reader()) return reader->id;
  return kEmpty;
}

std::string Principal::RoleName() const {
  if (is_account()) return std::string(canvass::RoleName(account->role));
  if (is_device()) return "device";
  if (is_reader()) return "reader";
  return "anonymous";
}

std::string Principal::AgencyId() const {
  if (is_reader()) return reader->agency_id;
  return is_account() ? account->agency_id : std::string();
}

Principal Principal::System() {
  Principal p;
  p.kind = Kind::kAccount;
  Account a;
  a.id = "system";
  a.username = "system";
  a.role = Role::kAdmin;
  p.account = a;
  return p;
}

AuditEvent MakeAuditEvent(const Principal& actor, const Clock& clock, std::string type,
                          std::string object_kind, std::string object_id) {
  AuditEvent e;
  e.type = std::move(type);
  e.actor_role = actor.id() == "system" ? "system" : actor.RoleName();
  e.actor_agency_id = actor.AgencyId();
  e.object_kind = std::move(object_kind);
  e.object_id = std::move(object_id);
  e.actor_id = actor.id();
  e.at_us = clock.NowMicros();
  e.count = 1;
  return e;
}

}  // namespace canvass
