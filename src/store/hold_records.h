// Stored types of legal holds (docs/design/retention.md): what a hold keeps past retention, for
// whom, and until when.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace canvass {

// What a hold keeps. A clip is kept when its camera is in camera_ids or its owner in
// account_ids, and its [start, end] meets the time range; a plate read when its reader is in
// camera_ids or its plate in plates (from any reader), and its time lies in the range. Bounds
// are inclusive; 0 means "no bound" on that side (0/0: all time).
struct HoldScope {
  std::vector<std::string> account_ids;  // every camera of these resident accounts
  std::vector<std::string> camera_ids;   // residents' cameras ("cam_") or plate readers ("lpr_")
  std::vector<std::string> plates;       // normalised plate texts
  int64_t from_us = 0;
  int64_t to_us = 0;
};

struct Hold {
  std::string id;         // "hold_..."
  std::string demand_id;  // the legal demand that placed it ("" for none); one hold per demand
  std::string agency_id;  // the requesting agency
  std::string reason;     // "preservation" (expires, renewable) or "demand" (until released)
  HoldScope scope;
  std::string placed_by;  // the legal staff account
  int64_t placed_at_us = 0;
  int64_t expires_at_us = 0;  // 0: until released
  int64_t ended_at_us = 0;    // 0: still in force
  int renewals = 0;
  std::string end_reason;  // "expired" or "released" once ended
};

}  // namespace canvass
