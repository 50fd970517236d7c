// Wire types of legal demands (docs/ref/api.md, "Legal demands").
#pragma once

#include <boost/json.hpp>

#include "api/json_io.h"
#include "legal/demand_service.h"

namespace canvass::api::wire {

// A scope object: {"subscriber", "content", "account_ids", "camera_ids", "plates", "from", "to"}.
StatusOr<DemandScope> ParseDemandScope(const boost::json::value& v, const char* field);
boost::json::object DemandScopeJson(const DemandScope& s);

StatusOr<legal::DemandInput> ParseDemandInput(JsonObjectReader& r);
StatusOr<legal::EmergencyInput> ParseEmergencyInput(JsonObjectReader& r);
// {"outcome": "accept"|"narrow"|"reject", "reason", "scope"?}
StatusOr<legal::Decision> ParseDecision(JsonObjectReader& r);

// Legal staff's view: everything, with documents and notices.
boost::json::object DemandJson(const legal::DemandView& v);
// An agency's view of its own demand: no notices, no attestation signer's account.
boost::json::object AgencyDemandJson(const Demand& d);
// A resident's view of a demand they were told of.
boost::json::object ResidentDemandJson(const legal::ResidentDemandView& v);
// The public feed of emergency disclosures.
boost::json::object PublicEmergencyJson(const Demand& d, int64_t now_us);

}  // namespace canvass::api::wire
