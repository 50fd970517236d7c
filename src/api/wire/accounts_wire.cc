#include "api/wire/wire.h"
#include "common/encoding.h"
#include "common/time_format.h"

namespace canvass::api::wire {
namespace json = boost::json;

json::object AccountJson(const Account& a) {
  json::object o;
  o["id"] = a.id;
  o["username"] = a.username;
  o["display_name"] = a.display_name;
  o["role"] = std::string(RoleName(a.role));
  if (!a.agency_id.empty()) o["agency_id"] = a.agency_id;
  o["disabled"] = a.disabled;
  o["e2ee_public_key"] = a.e2ee_public_key.empty() ? json::value(nullptr)
                                                   : json::value(Base64Encode(a.e2ee_public_key));
  o["created_at"] = FormatRfc3339(a.created_at_us);
  return o;
}

json::object AgencyJson(const Agency& a) {
  json::object o;
  o["id"] = a.id;
  o["name"] = a.name;
  o["state"] = a.state;
  o["federal"] = a.federal;
  json::array ring;
  for (const auto& p : a.boundary) ring.push_back(json::array{p.lat_deg, p.lng_deg});
  o["boundary"] = std::move(ring);
  o["verified"] = a.verified;
  o["verified_at"] =
      a.verified ? json::value(FormatRfc3339(a.verified_at_us)) : json::value(nullptr);
  o["created_at"] = FormatRfc3339(a.created_at_us);
  return o;
}

StatusOr<NewAccount> ParseNewAccount(JsonObjectReader& r) {
  NewAccount a;
  CANVASS_ASSIGN_OR_RETURN(a.username, r.RequiredString("username", 64));
  CANVASS_ASSIGN_OR_RETURN(a.password, r.RequiredString("password", 1024));
  a.display_name = r.String("display_name", 200).value_or("");
  if (auto role = r.String("role", 32)) {
    CANVASS_ASSIGN_OR_RETURN(a.role, ParseRole(*role));
  }
  a.agency_id = r.String("agency_id", 64).value_or("");
  CANVASS_RETURN_IF_ERROR(r.Finish());
  return a;
}

StatusOr<LatLng> ParsePoint(const json::value& v, const char* field) {
  const json::object* o = v.if_object();
  auto lat = o ? o->find("lat") : nullptr, lng = o ? o->find("lng") : nullptr;
  if (!o || o->size() != 2 || lat == o->end() || lng == o->end() || !lat->value().is_number() ||
      !lng->value().is_number()) {
    return InvalidArgumentError(std::string("field '") + field +
                                "' must be {\"lat\": number, \"lng\": number}");
  }
  return LatLng{lat->value().to_number<double>(), lng->value().to_number<double>()};
}

StatusOr<std::vector<LatLng>> ParseLatLngList(const json::value& v, const char* field) {
  if (!v.is_array()) {
    return InvalidArgumentError(std::string("field '") + field +
                                "' must be an array of [lat, lng] pairs");
  }
  std::vector<LatLng> out;
  for (const auto& p : v.as_array()) {
    if (!p.is_array() || p.as_array().size() != 2 || !p.as_array()[0].is_number() ||
        !p.as_array()[1].is_number()) {
      return InvalidArgumentError(std::string("field '") + field +
                                  "' must be an array of [lat, lng] pairs");
    }
    out.push_back({p.as_array()[0].to_number<double>(), p.as_array()[1].to_number<double>()});
  }
  return out;
}

StatusOr<NewAgency> ParseNewAgency(JsonObjectReader& r) {
  NewAgency a;
  CANVASS_ASSIGN_OR_RETURN(a.name, r.RequiredString("name", 200));
  CANVASS_ASSIGN_OR_RETURN(a.state, r.RequiredString("state", 8));
  a.federal = r.Bool("federal").value_or(false);
  const json::value* boundary = r.Value("boundary");
  CANVASS_RETURN_IF_ERROR(r.Finish());
  if (!boundary) return InvalidArgumentError("field 'boundary' is required");
  CANVASS_ASSIGN_OR_RETURN(a.boundary, ParseLatLngList(*boundary, "boundary"));
  return a;
}

StatusOr<std::optional<int64_t>> ParseTime(JsonObjectReader& r, const char* field) {
  auto s = r.String(field, 64);
  if (!s) return std::optional<int64_t>();
  auto t = ParseRfc3339(*s);
  if (!t.ok())
    return InvalidArgumentError(std::string("field '") + field + "': " + t.status().message());
  return std::optional<int64_t>(*t);
}

}  // namespace canvass::api::wire
