// Wire types of community footage requests, shares and evidence (docs/ref/api.md).
// Counts shown to police and the public pass through CountJson: below 5, "fewer than 5".
#pragma once

#include <boost/json.hpp>

#include "api/json_io.h"
#include "requests/evidence_service.h"
#include "requests/request_service.h"
#include "requests/share_service.h"

namespace canvass::api::wire {

boost::json::value CountJson(int64_t n);
boost::json::object CountsJson(const RequestCounts& c);
boost::json::object AgencyRequestJson(const requests::AgencyView& v);
boost::json::object PublicRequestJson(const requests::PublicView& v);
boost::json::object InboxEntryJson(const requests::InboxEntry& e);
boost::json::object ShareJson(const Share& s);
boost::json::object EvidenceJson(const EvidenceItem& e);
boost::json::object CustodyJson(const CustodyEvent& e);
boost::json::value DecisionJson(const std::string& decision_json);

StatusOr<requests::RequestInput> ParseRequestInput(JsonObjectReader& r);
// {"clip_ids": [...], "blur_faces", "mute_audio", "contact": {"name","phone","email"}}
StatusOr<requests::ShareOptions> ParseShareOptions(JsonObjectReader& r);

}  // namespace canvass::api::wire
