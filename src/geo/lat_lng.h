// LatLng: a point on the Earth in degrees (WGS 84). Validation and distances live in
// src/geo/geo.h (S2); this header stays light so that every layer can use the type.
#pragma once

namespace canvass {

struct LatLng {
  double lat_deg = 0;
  double lng_deg = 0;
  bool operator==(const LatLng&) const = default;
};

}  // namespace canvass
