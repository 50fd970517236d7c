#include "plates/sharing.h"

#include <algorithm>

#include "geo/geo.h"
#include "plates/plate_text.h"

namespace canvass::plates {
namespace {

LatLng Centre(const Agency& a) {
  double lat = 0, lng = 0;
  for (const auto& p : a.boundary) {
    lat += p.lat_deg;
    lng += p.lng_deg;
  }
  const double n = a.boundary.empty() ? 1.0 : static_cast<double>(a.boundary.size());
  return {lat / n, lng / n};
}

bool Reaches(const SharingAgreement& g, const Agency& searcher, const Agency& owner) {
  if (g.scope == "agency") return g.to_agency_id == searcher.id;
  if (owner.federal || searcher.federal) return false;  // federal: one to one only
  if (g.scope == "in_state") return searcher.state == owner.state;
  if (g.scope == "states") {
    return std::find(g.states.begin(), g.states.end(), searcher.state) != g.states.end();
  }
  if (g.scope == "distance") {
    return geo::DistanceMeters(Centre(owner), Centre(searcher)) <=
           static_cast<double>(g.distance_m);
  }
  return false;
}

}  // namespace

bool MaySearch(const Agency& searcher, const Agency& owner,
               const std::vector<SharingAgreement>& agreements, const PlatesConfig& config) {
  if (searcher.id == owner.id) return true;
  const PlateStateRules& law = config.For(owner.state);
  if (!law.out_of_state_sharing && searcher.state != owner.state) return false;
  if (!law.federal_sharing && searcher.federal) return false;
  for (const auto& g : agreements) {
    if (g.revoked_at_us != 0 || g.from_agency_id != owner.id) continue;
    if (Reaches(g, searcher, owner)) return true;
  }
  return false;
}

std::vector<std::string> SearchableAgencies(const Agency& searcher, const std::vector<Agency>& all,
                                            const std::vector<SharingAgreement>& agreements,
                                            const PlatesConfig& config) {
  std::vector<std::string> out = {searcher.id};
  for (const auto& owner : all) {
    if (owner.id != searcher.id && MaySearch(searcher, owner, agreements, config)) {
      out.push_back(owner.id);
    }
  }
  return out;
}

Status ValidateAgreement(const SharingAgreement& a, const Agency& from, const Agency* to,
                         const PlatesConfig& config) {
  const PlateStateRules& law = config.For(from.state);
  if (a.scope == "agency") {
    if (!to) return InvalidArgumentError("scope 'agency' needs to_agency_id, an existing agency");
    if (to->id == from.id) return InvalidArgumentError("an agency always searches its own reads");
    if (to->federal && !law.federal_sharing) {
      return FailedPreconditionError("the law of " + from.state +
                                     " forbids sharing plate reads with federal agencies");
    }
    if (to->state != from.state && !law.out_of_state_sharing) {
      return FailedPreconditionError("the law of " + from.state +
                                     " forbids sharing plate reads outside the state (" +
                                     to->state + ")");
    }
    return OkStatus();
  }
  if (from.federal) {
    return FailedPreconditionError("a federal agency shares one to one only (scope 'agency')");
  }
  if (a.scope == "in_state") return OkStatus();
  if (a.scope == "states") {
    if (a.states.empty()) return InvalidArgumentError("scope 'states' needs at least one state");
    for (const auto& s : a.states) {
      CANVASS_RETURN_IF_ERROR(ValidateRegion(s));
      if (s != from.state && !law.out_of_state_sharing) {
        return FailedPreconditionError("the law of " + from.state +
                                       " forbids sharing plate reads outside the state (" + s +
                                       ")");
      }
    }
    return OkStatus();
  }
  if (a.scope == "distance") {
    if (a.distance_m <= 0 || a.distance_m > 1'000'000) {
      return InvalidArgumentError("scope 'distance' needs distance_m between 1 and 1000000");
    }
    return OkStatus();
  }
  return InvalidArgumentError("scope must be agency, in_state, states or distance, not '" +
                              a.scope.substr(0, 20) + "'");
}

}  // namespace canvass::plates
