// Wire types of legal holds (docs/ref/api.md, "Legal holds").
#pragma once

#include <boost/json.hpp>

#include "retention/hold_service.h"

namespace canvass::api::wire {

// {"id", "demand_id", "agency_id", "reason", "status" ("active", "expired", "released"),
//  "scope": {"account_ids", "camera_ids", "plates", "from", "to"}, "placed_by", "placed_at",
//  "expires_at", "renewals", "renewals_left", "ended_at", "end_reason"}; absent times are null.
boost::json::object HoldJson(const Hold& h, int max_renewals);

}  // namespace canvass::api::wire
