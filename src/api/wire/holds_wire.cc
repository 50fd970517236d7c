#include "api/wire/holds_wire.h"

#include <algorithm>

#include "common/time_format.h"

namespace canvass::api::wire {
namespace json = boost::json;

namespace {

json::value TimeOrNull(int64_t us) {
  return us == 0 ? json::value(nullptr) : json::value(FormatRfc3339(us));
}

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.push_back(json::string(s));
  return a;
}

}  // namespace

json::object HoldJson(const Hold& h, int max_renewals) {
  const bool preservation = h.reason == "preservation";
  return {{"id", h.id},
          {"demand_id", h.demand_id.empty() ? json::value(nullptr) : json::value(h.demand_id)},
          {"agency_id", h.agency_id},
          {"reason", h.reason},
          {"status", h.ended_at_us == 0 ? std::string("active") : h.end_reason},
          {"scope", json::object{{"account_ids", Strings(h.scope.account_ids)},
                                 {"camera_ids", Strings(h.scope.camera_ids)},
                                 {"plates", Strings(h.scope.plates)},
                                 {"from", TimeOrNull(h.scope.from_us)},
                                 {"to", TimeOrNull(h.scope.to_us)}}},
          {"placed_by", h.placed_by},
          {"placed_at", FormatRfc3339(h.placed_at_us)},
          {"expires_at", TimeOrNull(h.expires_at_us)},
          {"renewals", h.renewals},
          {"renewals_left", preservation ? std::max(0, max_renewals - h.renewals) : 0},
          {"ended_at", TimeOrNull(h.ended_at_us)},
          {"end_reason", h.end_reason.empty() ? json::value(nullptr) : json::value(h.end_reason)}};
}

}  // namespace canvass::api::wire
