#include "store/legal_records.h"

#include <boost/json.hpp>

namespace canvass {
namespace json = boost::json;

namespace {

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.push_back(json::string(s));
  return a;
}

bool ReadStrings(const json::object& o, const char* key, std::vector<std::string>* out) {
  const json::value* v = o.if_contains(key);
  if (!v) return true;
  if (!v->is_array()) return false;
  for (const auto& e : v->as_array()) {
    if (!e.is_string()) return false;
    out->emplace_back(e.as_string());
  }
  return true;
}

}  // namespace

std::string ScopeToJson(const DemandScope& s) {
  return json::serialize(json::object{{"subscriber", s.subscriber},
                                      {"content", s.content},
                                      {"account_ids", Strings(s.account_ids)},
                                      {"camera_ids", Strings(s.camera_ids)},
                                      {"plates", Strings(s.plates)},
                                      {"from_us", s.from_us},
                                      {"to_us", s.to_us}});
}

StatusOr<DemandScope> ScopeFromJson(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return DataLossError("stored demand scope is not a JSON object");
  const json::object& o = v.as_object();
  DemandScope s;
  auto flag = [&](const char* key, bool* out) {
    const json::value* f = o.if_contains(key);
    if (f && f->is_bool()) *out = f->as_bool();
  };
  auto num = [&](const char* key, int64_t* out) {
    const json::value* f = o.if_contains(key);
    if (f && f->is_int64()) *out = f->as_int64();
  };
  flag("subscriber", &s.subscriber);
  flag("content", &s.content);
  num("from_us", &s.from_us);
  num("to_us", &s.to_us);
  if (!ReadStrings(o, "account_ids", &s.account_ids) ||
      !ReadStrings(o, "camera_ids", &s.camera_ids) || !ReadStrings(o, "plates", &s.plates)) {
    return DataLossError("stored demand scope has a malformed list");
  }
  return s;
}

std::string_view DemandTypeName(DemandType t) {
  switch (t) {
    case DemandType::kSubpoena:
      return "subpoena";
    case DemandType::kCourtOrder:
      return "court_order";
    case DemandType::kSearchWarrant:
      return "search_warrant";
    case DemandType::kEmergency:
      return "emergency";
    case DemandType::kPreservation:
      return "preservation";
  }
  return "unknown";
}

StatusOr<DemandType> ParseDemandType(std::string_view name) {
  for (auto t : kAllDemandTypes) {
    if (DemandTypeName(t) == name) return t;
  }
  return InvalidArgumentError("unknown demand type '" + std::string(name) +
                              "' (subpoena, court_order, search_warrant, emergency, preservation)");
}

std::string_view DemandStatusName(DemandStatus s) {
  switch (s) {
    case DemandStatus::kRecorded:
      return "recorded";
    case DemandStatus::kAccepted:
      return "accepted";
    case DemandStatus::kRejected:
      return "rejected";
    case DemandStatus::kProduced:
      return "produced";
  }
  return "unknown";
}

StatusOr<DemandStatus> ParseDemandStatus(std::string_view name) {
  for (auto s : {DemandStatus::kRecorded, DemandStatus::kAccepted, DemandStatus::kRejected,
                 DemandStatus::kProduced}) {
    if (DemandStatusName(s) == name) return s;
  }
  return InvalidArgumentError("unknown demand status '" + std::string(name) + "'");
}

std::string_view NoticeStatusName(NoticeStatus s) {
  switch (s) {
    case NoticeStatus::kPending:
      return "pending";
    case NoticeStatus::kDeferred:
      return "deferred";
    case NoticeStatus::kSent:
      return "sent";
  }
  return "unknown";
}

StatusOr<NoticeStatus> ParseNoticeStatus(std::string_view name) {
  for (auto s : {NoticeStatus::kPending, NoticeStatus::kDeferred, NoticeStatus::kSent}) {
    if (NoticeStatusName(s) == name) return s;
  }
  return InvalidArgumentError("unknown notice status '" + std::string(name) + "'");
}

}  // namespace canvass
