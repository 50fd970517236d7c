// Geometry on the sphere through S2: validation, distance, polygon containment.
// Kept apart from media code: S2's headers and OpenCV's cannot share a translation unit.
#pragma once

#include <vector>

#include "common/status.h"
#include "geo/lat_lng.h"

namespace canvass::geo {

// Latitude in [-90, 90], longitude in [-180, 180], both finite.
Status ValidateLatLng(const LatLng& p, std::string_view what);

// Great-circle distance in metres (mean Earth radius 6,371,010 m, as S2).
double DistanceMeters(const LatLng& a, const LatLng& b);

// A jurisdiction boundary: 3 to 10,000 valid vertices, no repeated consecutive vertex, not
// self-intersecting, and with an area under a hemisphere (vertex order does not matter).
Status ValidatePolygon(const std::vector<LatLng>& ring, std::string_view what);

// True if `p` lies inside the polygon `ring` (which must pass ValidatePolygon).
bool PolygonContains(const std::vector<LatLng>& ring, const LatLng& p);

// Area of the polygon in square metres.
double PolygonAreaSquareMeters(const std::vector<LatLng>& ring);

}  // namespace canvass::geo
