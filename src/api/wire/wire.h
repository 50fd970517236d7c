// Wire types: the JSON the API speaks, kept apart from stored types (src/store/records.h).
// Times are RFC 3339 strings, durations carry their unit in the name, binary keys are base64.
// docs/ref/api.md shows each shape.
#pragma once

#include <boost/json.hpp>

#include "accounts/account_service.h"
#include "accounts/agency_service.h"
#include "api/json_io.h"
#include "cameras/camera_service.h"
#include "clips/clip_service.h"
#include "store/records.h"

namespace canvass::api::wire {

boost::json::object AccountJson(const Account& a);
boost::json::object AgencyJson(const Agency& a);
boost::json::object CameraJson(const Camera& c, int64_t now_us);
boost::json::object ClipJson(const Clip& c);
boost::json::object UploadStateJson(const UploadState& s);
boost::json::object MotionJson(const MotionEvent& e);

StatusOr<NewAccount> ParseNewAccount(JsonObjectReader& r);
StatusOr<NewAgency> ParseNewAgency(JsonObjectReader& r);
StatusOr<CameraInput> ParseCameraInput(JsonObjectReader& r);
StatusOr<UploadRequest> ParseUploadRequest(JsonObjectReader& r);

// A point {"lat": number, "lng": number} (exactly those two fields); the message names `field`.
StatusOr<LatLng> ParsePoint(const boost::json::value& v, const char* field);
// A JSON array of [lat, lng] pairs.
StatusOr<std::vector<LatLng>> ParseLatLngList(const boost::json::value& v, const char* field);
// An optional RFC 3339 time field.
StatusOr<std::optional<int64_t>> ParseTime(JsonObjectReader& r, const char* field);

}  // namespace canvass::api::wire
