#include "geo/geo.h"

#include <s2/s1angle.h>
#include <s2/s2earth.h>
#include <s2/s2error.h>
#include <s2/s2latlng.h>
#include <s2/s2loop.h>

#include <cmath>
#include <memory>
#include <string>

namespace canvass::geo {
namespace {

S2Point ToPoint(const LatLng& p) {
  return S2LatLng::FromDegrees(p.lat_deg, p.lng_deg).Normalized().ToPoint();
}

std::unique_ptr<S2Loop> MakeLoop(const std::vector<LatLng>& ring) {
  std::vector<S2Point> pts;
  pts.reserve(ring.size());
  for (const auto& p : ring) pts.push_back(ToPoint(p));
  auto loop = std::make_unique<S2Loop>(pts, S2Debug::DISABLE);
  return loop;
}

}  // namespace

Status ValidateLatLng(const LatLng& p, std::string_view what) {
  if (!std::isfinite(p.lat_deg) || !std::isfinite(p.lng_deg) || p.lat_deg < -90 ||
      p.lat_deg > 90 || p.lng_deg < -180 || p.lng_deg > 180) {
    return InvalidArgumentError(std::string(what) +
                                ": latitude must be in [-90, 90] and longitude in [-180, 180]");
  }
  return OkStatus();
}

double DistanceMeters(const LatLng& a, const LatLng& b) {
  S1Angle angle(S2LatLng::FromDegrees(a.lat_deg, a.lng_deg),
                S2LatLng::FromDegrees(b.lat_deg, b.lng_deg));
  return S2Earth::ToMeters(angle);
}

Status ValidatePolygon(const std::vector<LatLng>& ring, std::string_view what) {
  if (ring.size() < 3 || ring.size() > 10'000) {
    return InvalidArgumentError(std::string(what) + ": a polygon needs 3 to 10000 vertices, got " +
                                std::to_string(ring.size()));
  }
  for (size_t i = 0; i < ring.size(); ++i) {
    CANVASS_RETURN_IF_ERROR(ValidateLatLng(ring[i], std::string(what) + " vertex " +
                                                        std::to_string(i)));
  }
  auto loop = MakeLoop(ring);
  S2Error error;
  if (loop->FindValidationError(&error)) {
    return InvalidArgumentError(std::string(what) + ": not a simple polygon (" + error.text() +
                                ")");
  }
  return OkStatus();
}

bool PolygonContains(const std::vector<LatLng>& ring, const LatLng& p) {
  auto loop = MakeLoop(ring);
  loop->Normalize();  // Vertex order does not matter: take the smaller of the two regions.
  return loop->Contains(ToPoint(p));
}

double PolygonAreaSquareMeters(const std::vector<LatLng>& ring) {
  auto loop = MakeLoop(ring);
  loop->Normalize();
  return S2Earth::SteradiansToSquareMeters(loop->GetArea());
}

}  // namespace canvass::geo
