#include "api/wire/wire.h"
#include "common/time_format.h"

namespace canvass::api::wire {
namespace json = boost::json;

namespace {
constexpr int64_t kOnlineWindowUs = 5LL * 60 * 1'000'000;
}

json::object CameraJson(const Camera& c, int64_t now_us) {
  json::object o;
  o["id"] = c.id;
  o["name"] = c.name;
  o["kind"] = std::string(CameraKindName(c.kind));
  o["location"] = json::object{{"lat", c.location.lat_deg}, {"lng", c.location.lng_deg}};
  o["bearing_deg"] = c.bearing_deg ? json::value(*c.bearing_deg) : json::value(nullptr);
  json::array zones;
  for (const auto& z : c.privacy_zones) {
    json::array poly;
    for (const auto& p : z) poly.push_back(json::array{p.x, p.y});
    zones.push_back(std::move(poly));
  }
  o["privacy_zones"] = std::move(zones);
  o["retention_days"] = c.retention_days;
  o["sharing"] = std::string(SharingName(c.sharing));
  o["created_at"] = FormatRfc3339(c.created_at_us);
  o["updated_at"] = FormatRfc3339(c.updated_at_us);
  o["last_seen_at"] =
      c.last_seen_at_us ? json::value(FormatRfc3339(c.last_seen_at_us)) : json::value(nullptr);
  o["online"] = c.last_seen_at_us > 0 && now_us - c.last_seen_at_us < kOnlineWindowUs;
  return o;
}

StatusOr<CameraInput> ParseCameraInput(JsonObjectReader& r) {
  CameraInput in;
  in.name = r.String("name", 100);
  if (auto kind = r.String("kind", 32)) {
    CANVASS_ASSIGN_OR_RETURN(in.kind, ParseCameraKind(*kind));
  }
  if (const json::value* loc = r.Value("location")) {
    CANVASS_ASSIGN_OR_RETURN(in.location, ParsePoint(*loc, "location"));
  }
  if (r.IsNull("bearing_deg")) {
    in.bearing_deg = std::optional<int>();
  } else if (auto b = r.Int("bearing_deg")) {
    if (*b < -1'000'000 || *b > 1'000'000) return InvalidArgumentError("bearing_deg out of range");
    in.bearing_deg = std::optional<int>(static_cast<int>(*b));
  }
  if (const json::value* zones = r.Value("privacy_zones")) {
    if (!zones->is_array()) return InvalidArgumentError("field 'privacy_zones' must be an array");
    std::vector<PrivacyZone> out;
    for (const auto& z : zones->as_array()) {
      if (!z.is_array()) {
        return InvalidArgumentError("each privacy zone must be an array of [x, y] points");
      }
      PrivacyZone zone;
      for (const auto& p : z.as_array()) {
        if (!p.is_array() || p.as_array().size() != 2 || !p.as_array()[0].is_number() ||
            !p.as_array()[1].is_number()) {
          return InvalidArgumentError("each privacy zone point must be [x, y] with numbers");
        }
        zone.push_back({p.as_array()[0].to_number<double>(), p.as_array()[1].to_number<double>()});
      }
      out.push_back(std::move(zone));
    }
    in.privacy_zones = std::move(out);
  }
  if (auto d = r.Int("retention_days")) {
    if (*d < -1'000'000 || *d > 1'000'000)
      return InvalidArgumentError("retention_days out of range");
    in.retention_days = static_cast<int>(*d);
  }
  if (auto s = r.String("sharing", 16)) {
    CANVASS_ASSIGN_OR_RETURN(in.sharing, ParseSharing(*s));
  }
  CANVASS_RETURN_IF_ERROR(r.Finish());
  return in;
}

}  // namespace canvass::api::wire
