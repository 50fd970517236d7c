#include "accounts/agency_service.h"

#include "common/state_code.h"
#include "geo/geo.h"

namespace canvass {

Status RequireVerifiedAgency(const Principal& p) {
  if (!p.agency.has_value()) return PermissionDeniedError("this action is for agency members");
  if (!p.agency->verified) {
    return FailedPreconditionError("agency " + p.agency->name +
                                   " is not verified yet; an admin must verify it first");
  }
  return OkStatus();
}

StatusOr<Agency> AgencyService::Create(const Principal& actor, const NewAgency& in) {
  if (!actor.HasRole(Role::kAdmin)) return PermissionDeniedError("only admins create agencies");
  if (in.name.empty() || in.name.size() > 200) {
    return InvalidArgumentError("agency name must be 1 to 200 bytes");
  }
  if (!IsStateCode(in.state)) {
    return InvalidArgumentError("state must be a two-letter upper-case code such as IL, got '" +
                                in.state + "'");
  }
  CANVASS_RETURN_IF_ERROR(geo::ValidatePolygon(in.boundary, "boundary"));
  Agency a;
  a.id = random_->NewId("agy");
  a.name = in.name;
  a.state = in.state;
  a.federal = in.federal;
  a.boundary = in.boundary;
  a.created_at_us = clock_->NowMicros();
  AuditEvent ev = MakeAuditEvent(actor, *clock_, "agency.create", "agency", a.id);
  ev.actor_agency_id = a.id;  // Public: which agency was created.
  CANVASS_RETURN_IF_ERROR(store_->CreateAgency(a, ev));
  return a;
}

Status AgencyService::Verify(const Principal& actor, const std::string& id) {
  if (!actor.HasRole(Role::kAdmin)) return PermissionDeniedError("only admins verify agencies");
  CANVASS_ASSIGN_OR_RETURN(Agency a, store_->GetAgency(id));
  if (a.verified) return OkStatus();
  AuditEvent ev = MakeAuditEvent(actor, *clock_, "agency.verify", "agency", id);
  ev.actor_agency_id = id;
  return store_->SetAgencyVerified(id, clock_->NowMicros(), ev);
}

StatusOr<Agency> AgencyService::Get(const Principal& actor, const std::string& id) {
  if (!actor.HasRole(Role::kAdmin) && actor.AgencyId() != id) {
    return NotFoundError("agency " + id + " not found");
  }
  return store_->GetAgency(id);
}

StatusOr<std::vector<Agency>> AgencyService::List(const Principal& actor) {
  if (actor.HasRole(Role::kAdmin)) return store_->ListAgencies();
  std::vector<Agency> out;
  if (actor.agency.has_value()) out.push_back(*actor.agency);
  return out;
}

}  // namespace canvass
