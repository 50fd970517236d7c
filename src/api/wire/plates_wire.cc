#include "api/wire/plates_wire.h"

#include "api/wire/wire.h"
#include "common/encoding.h"
#include "common/time_format.h"

namespace canvass::api::wire {
namespace json = boost::json;

json::object PlateReaderJson(const PlateReader& r) {
  json::object o{
      {"id", r.id},
      {"agency_id", r.agency_id},
      {"name", r.name},
      {"location", {{"lat", r.location.lat_deg}, {"lng", r.location.lng_deg}}},
      {"bearing_deg", r.bearing_deg ? json::value(*r.bearing_deg) : json::value(nullptr)},
      {"created_at", FormatRfc3339(r.created_at_us)},
      {"last_seen_at",
       r.last_seen_at_us ? json::value(FormatRfc3339(r.last_seen_at_us)) : json::value(nullptr)},
      {"reads_total", r.reads_total},
      {"misreads_total", r.misreads_total}};
  return o;
}

json::object PlateReadJson(const PlateRead& r) {
  return {{"seq", r.seq},
          {"reader_id", r.reader_id},
          {"agency_id", r.agency_id},
          {"plate", r.plate},
          {"state", r.region},
          {"confidence", r.confidence},
          {"read_at", FormatRfc3339(r.read_at_us)},
          {"direction", r.direction},
          {"vehicle_color", r.vehicle_color},
          {"vehicle_type", r.vehicle_type},
          {"evidence", !r.hold_case.empty()},  // kept past retention for a case
          {"crop", r.crop_bytes > 0
                       ? json::value("/api/v1/plates/reads/" + std::to_string(r.seq) + "/crop")
                       : json::value(nullptr)}};
}

json::object SearchResultJson(const plates::SearchResult& r) {
  json::array reads;
  for (const auto& x : r.reads) reads.push_back(PlateReadJson(x));
  return {{"reads", reads},
          {"truncated", r.truncated},
          {"readers_searched", r.readers_searched},
          {"agencies_searched", r.agencies_searched},
          {"decision", json::parse(r.decision.ToJson())}};
}

json::object AgreementJson(const SharingAgreement& a) {
  json::array states;
  for (const auto& s : a.states) states.push_back(json::string(s));
  return {
      {"id", a.id},
      {"from_agency_id", a.from_agency_id},
      {"scope", a.scope},
      {"to_agency_id", a.to_agency_id.empty() ? json::value(nullptr) : json::value(a.to_agency_id)},
      {"states", states},
      {"distance_m", a.distance_m},
      {"created_at", FormatRfc3339(a.created_at_us)}};
}

json::object HotListJson(const HotList& l) {
  return {{"id", l.id},           {"agency_id", l.agency_id},
          {"name", l.name},       {"source", l.source},
          {"version", l.version}, {"updated_at", FormatRfc3339(l.updated_at_us)}};
}

json::object HotListEntryJson(const HotListEntry& e) {
  return {{"id", e.id},
          {"plate", e.plate},
          {"state", e.region.empty() ? json::value(nullptr) : json::value(e.region)},
          {"reason", e.reason},
          {"source", e.source},
          {"notes", e.notes},
          {"expires_at",
           e.expires_at_us ? json::value(FormatRfc3339(e.expires_at_us)) : json::value(nullptr)}};
}

json::object HitJson(const plates::HitView& h) {
  json::object o{{"id", h.hit.id},
                 {"kind", h.hit.kind},
                 {"status", h.hit.status},
                 {"list_id", h.hit.list_id},
                 {"entry", HotListEntryJson(h.entry)},
                 {"read", h.read ? json::value(PlateReadJson(*h.read)) : json::value(nullptr)},
                 {"created_at", FormatRfc3339(h.hit.created_at_us)}};
  if (!h.hit.decided_by.empty()) {
    o["decided"] = {{"by", h.hit.decided_by}, {"at", FormatRfc3339(h.hit.decided_at_us)}};
  }
  return o;
}

json::object TransparencyJson(const plates::AgencyTransparency& t, const Config& config) {
  json::object searches;
  for (const auto& [offense, n] : t.searches_by_offense) searches[offense] = n;
  json::array agreements;
  for (const auto& a : t.agreements) agreements.push_back(AgreementJson(a));
  json::array prohibited;
  for (const auto& [purpose, terms] : config.requests.For(t.agency.state).prohibited_purposes) {
    prohibited.push_back(json::string(purpose));
  }
  const PlateStateRules& law = config.plates.For(t.agency.state);
  return {{"agency_id", t.agency.id},
          {"agency", t.agency.name},
          {"state", t.agency.state},
          {"federal", t.agency.federal},
          {"readers", t.readers},
          {"reads_last_30_days", t.reads_last_30_days},
          {"hits_last_30_days", t.hits_last_30_days},
          {"searches_by_offense_type", searches},
          {"sharing_agreements", agreements},
          {"retention_days", t.retention_days},
          {"out_of_state_sharing_allowed", law.out_of_state_sharing},
          {"federal_sharing_allowed", law.federal_sharing},
          {"prohibited_purposes", prohibited}};
}

StatusOr<plates::ReaderInput> ParseReaderInput(JsonObjectReader& r) {
  plates::ReaderInput in;
  CANVASS_ASSIGN_OR_RETURN(in.name, r.RequiredString("name", 100));
  const json::value* location = r.Value("location");
  if (!location) return InvalidArgumentError("field 'location' is required");
  CANVASS_ASSIGN_OR_RETURN(in.location, ParsePoint(*location, "location"));
  if (auto b = r.Int("bearing_deg")) {
    if (*b < 0 || *b > 359) return InvalidArgumentError("field 'bearing_deg' must be 0 to 359");
    in.bearing_deg = static_cast<int>(*b);
  }
  CANVASS_RETURN_IF_ERROR(r.Finish());
  return in;
}

StatusOr<std::vector<plates::ReadInput>> ParseReadBatch(JsonObjectReader& r) {
  const json::value* reads = r.Value("reads");
  CANVASS_RETURN_IF_ERROR(r.Finish());
  if (!reads || !reads->is_array()) return InvalidArgumentError("field 'reads' must be an array");
  std::vector<plates::ReadInput> out;
  size_t i = 0;
  for (const auto& v : reads->as_array()) {
    const std::string where = "reads[" + std::to_string(i++) + "]";
    if (!v.is_object()) return InvalidArgumentError(where + " must be an object");
    CANVASS_ASSIGN_OR_RETURN(auto x, JsonObjectReader::Parse(json::serialize(v)));
    plates::ReadInput in;
    auto field = [&](const char* name, std::string* dst, size_t max, bool required) -> Status {
      auto s = x.String(name, max);
      if (!s && required) return InvalidArgumentError(where + "." + name + " is required");
      if (s) *dst = *s;
      return OkStatus();
    };
    CANVASS_RETURN_IF_ERROR(field("id", &in.read_uid, 64, true));
    CANVASS_RETURN_IF_ERROR(field("plate", &in.plate, 32, true));
    CANVASS_RETURN_IF_ERROR(field("state", &in.region, 8, true));
    CANVASS_RETURN_IF_ERROR(field("direction", &in.direction, 16, false));
    CANVASS_RETURN_IF_ERROR(field("vehicle_color", &in.vehicle_color, 32, false));
    CANVASS_RETURN_IF_ERROR(field("vehicle_type", &in.vehicle_type, 32, false));
    auto confidence = x.Double("confidence");
    if (!confidence) return InvalidArgumentError(where + ".confidence is required");
    in.confidence = *confidence;
    CANVASS_ASSIGN_OR_RETURN(auto at, ParseTime(x, "read_at"));
    if (!at) return InvalidArgumentError(where + ".read_at is required");
    in.read_at_us = *at;
    if (auto crop = x.String("crop_jpeg", 1 << 20)) {
      auto bytes = Base64Decode(*crop);
      if (!bytes.ok()) return InvalidArgumentError(where + ".crop_jpeg is not base64");
      in.crop_jpeg = std::move(bytes).value();
    }
    Status done = x.Finish();
    if (!done.ok()) return InvalidArgumentError(where + ": " + done.message());
    out.push_back(std::move(in));
  }
  return out;
}

StatusOr<plates::SearchInput> ParseSearchInput(JsonObjectReader& r) {
  plates::SearchInput in;
  std::string mode = r.String("mode", 20).value_or("exact");
  if (mode == "exact")
    in.mode = plates::PlateSearchMode::kExact;
  else if (mode == "wildcard")
    in.mode = plates::PlateSearchMode::kWildcard;
  else if (mode == "fuzzy")
    in.mode = plates::PlateSearchMode::kFuzzyClass;
  else if (mode == "fuzzy_edit")
    in.mode = plates::PlateSearchMode::kFuzzyEdit;
  else
    return InvalidArgumentError("mode must be exact, wildcard, fuzzy or fuzzy_edit");
  CANVASS_ASSIGN_OR_RETURN(in.text, r.RequiredString("plate", 32));
  CANVASS_ASSIGN_OR_RETURN(auto from, ParseTime(r, "from"));
  CANVASS_ASSIGN_OR_RETURN(auto to, ParseTime(r, "to"));
  if (!from || !to) return InvalidArgumentError("fields 'from' and 'to' are required");
  in.from_us = *from;
  in.to_us = *to;
  if (const json::value* ids = r.Value("reader_ids")) {
    if (!ids->is_array()) return InvalidArgumentError("field 'reader_ids' must be an array");
    for (const auto& v : ids->as_array()) {
      if (!v.is_string()) return InvalidArgumentError("field 'reader_ids' must hold reader ids");
      in.reader_ids.emplace_back(v.as_string());
    }
  }
  if (const json::value* area = r.Value("area")) {
    const json::object* o = area->if_object();
    if (!o || !o->contains("center") || !o->contains("radius_m") ||
        !o->at("radius_m").is_number() || o->size() != 2) {
      return InvalidArgumentError("field 'area' must be {\"center\": {lat, lng}, \"radius_m\"}");
    }
    CANVASS_ASSIGN_OR_RETURN(auto c, ParsePoint(o->at("center"), "area.center"));
    in.center = c;
    in.radius_m = o->at("radius_m").to_number<double>();
  }
  CANVASS_ASSIGN_OR_RETURN(in.offense_type, r.RequiredString("offense_type", 64));
  CANVASS_ASSIGN_OR_RETURN(in.reason, r.RequiredString("reason", 2000));
  in.case_number = r.String("case_number", 64).value_or("");
  const int64_t limit = r.Int("limit").value_or(100);
  if (limit < 1 || limit > 1'000'000)
    return InvalidArgumentError("field 'limit' must be 1 to 1000000");
  in.limit = static_cast<int>(limit);
  CANVASS_RETURN_IF_ERROR(r.Finish());
  return in;
}

StatusOr<SharingAgreement> ParseAgreement(JsonObjectReader& r) {
  SharingAgreement a;
  CANVASS_ASSIGN_OR_RETURN(a.scope, r.RequiredString("scope", 20));
  a.to_agency_id = r.String("to_agency_id", 64).value_or("");
  if (const json::value* s = r.Value("states")) {
    if (!s->is_array()) return InvalidArgumentError("field 'states' must be an array");
    for (const auto& v : s->as_array()) {
      if (!v.is_string()) return InvalidArgumentError("field 'states' must hold state codes");
      a.states.emplace_back(v.as_string());
    }
  }
  a.distance_m = r.Int("distance_m").value_or(0);
  CANVASS_RETURN_IF_ERROR(r.Finish());
  return a;
}

StatusOr<HotListEntry> ParseHotListEntry(JsonObjectReader& r) {
  HotListEntry e;
  CANVASS_ASSIGN_OR_RETURN(e.plate, r.RequiredString("plate", 32));
  e.region = r.String("state", 8).value_or("");
  CANVASS_ASSIGN_OR_RETURN(e.reason, r.RequiredString("reason", 100));
  e.source = r.String("source", 100).value_or("");
  e.notes = r.String("notes", 500).value_or("");
  CANVASS_ASSIGN_OR_RETURN(auto expires, ParseTime(r, "expires_at"));
  e.expires_at_us = expires.value_or(0);
  CANVASS_RETURN_IF_ERROR(r.Finish());
  return e;
}

}  // namespace canvass::api::wire
