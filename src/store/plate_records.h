// Stored types of licence-plate reads (docs/design/plates.md): readers, reads, hot lists, hits
// and sharing agreements.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "geo/lat_lng.h"

namespace canvass {

// An automated licence-plate reader owned by an agency.
struct PlateReader {
  std::string id;  // "lpr_..."
  std::string agency_id;
  std::string name;
  LatLng location;
  std::optional<int> bearing_deg;
  std::string device_token_hash;
  int64_t created_at_us = 0;
  int64_t last_seen_at_us = 0;
  int64_t reads_total = 0;
  int64_t misreads_total = 0;
};

struct PlateRead {
  int64_t seq = 0;  // assigned by the store
  std::string reader_id;
  std::string read_uid;   // the reader's id for the read (idempotency)
  std::string agency_id;  // the reader's agency
  std::string plate;      // normalised
  std::string region;     // two-letter code
  double confidence = 0;  // 0..1
  int64_t read_at_us = 0;
  std::string direction;  // "", "toward", "away"
  std::string vehicle_color;
  std::string vehicle_type;
  int64_t crop_bytes = 0;  // 0: no crop
  std::string crop_pack;   // the batch's crop file, relative to <data_dir>/crops
  int64_t crop_offset = 0; // where this read's sealed crop starts in it
  std::string hold_case;   // set: kept past retention as evidence of this case
};

struct HotList {
  std::string id;  // "hot_..."
  std::string agency_id;
  std::string name;
  std::string source;  // manual, csv, ncic
  int64_t version = 1;
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
};

struct HotListEntry {
  std::string id;  // "hle_..."
  std::string list_id;
  std::string plate;
  std::string region;  // "": any
  std::string reason;
  std::string source;
  std::string notes;
  int64_t expires_at_us = 0;  // 0: none
  int64_t created_at_us = 0;
};

struct PlateHit {
  std::string id;  // "hit_..."
  int64_t read_seq = 0;
  std::string agency_id;
  std::string list_id;
  std::string entry_id;
  std::string kind;    // exact, confusable
  std::string status;  // new, confirmed, misread
  std::string decided_by;
  int64_t decided_at_us = 0;
  int64_t created_at_us = 0;
};

struct SharingAgreement {
  std::string id;  // "agr_..."
  std::string from_agency_id;
  std::string scope;  // agency, in_state, states, distance
  std::string to_agency_id;
  std::vector<std::string> states;
  int64_t distance_m = 0;
  std::string created_by;
  int64_t created_at_us = 0;
  int64_t revoked_at_us = 0;
};

}  // namespace canvass
