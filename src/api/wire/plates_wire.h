// Wire types of licence-plate reads (docs/ref/api.md, "Plate reads").
#pragma once

#include <boost/json.hpp>

#include "api/json_io.h"
#include "common/config.h"
#include "plates/plate_service.h"

namespace canvass::api::wire {

boost::json::object PlateReaderJson(const PlateReader& r);
boost::json::object PlateReadJson(const PlateRead& r);
boost::json::object SearchResultJson(const plates::SearchResult& r);
boost::json::object AgreementJson(const SharingAgreement& a);
boost::json::object HotListJson(const HotList& l);
boost::json::object HotListEntryJson(const HotListEntry& e);
boost::json::object HitJson(const plates::HitView& h);
boost::json::object TransparencyJson(const plates::AgencyTransparency& t, const Config& config);

StatusOr<plates::ReaderInput> ParseReaderInput(JsonObjectReader& r);
// {"reads": [{"id", "plate", "state", "confidence", "read_at", "direction", "vehicle_color",
// "vehicle_type", "crop_jpeg" (base64)}]}
StatusOr<std::vector<plates::ReadInput>> ParseReadBatch(JsonObjectReader& r);
StatusOr<plates::SearchInput> ParseSearchInput(JsonObjectReader& r);
StatusOr<SharingAgreement> ParseAgreement(JsonObjectReader& r);
StatusOr<HotListEntry> ParseHotListEntry(JsonObjectReader& r);

}  // namespace canvass::api::wire
