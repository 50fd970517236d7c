#include "geo/geo.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace canvass::geo {
namespace {

// A square of about 1.1 km around a point in Springfield, IL.
std::vector<LatLng> Square() {
  return {{39.80, -89.65}, {39.80, -89.64}, {39.81, -89.64}, {39.81, -89.65}};
}

TEST(GeoValidateLatLng, RangesAtAndBeyondTheLimits) {
  EXPECT_TRUE(ValidateLatLng({90, 180}, "p").ok());
  EXPECT_TRUE(ValidateLatLng({-90, -180}, "p").ok());
  EXPECT_FALSE(ValidateLatLng({90.0001, 0}, "p").ok());
  EXPECT_FALSE(ValidateLatLng({0, -180.5}, "p").ok());
  EXPECT_FALSE(ValidateLatLng({NAN, 0}, "p").ok());
  EXPECT_FALSE(ValidateLatLng({0, INFINITY}, "p").ok());
}

TEST(GeoDistance, OneDegreeOfLatitudeIsAbout111Km) {
  EXPECT_NEAR(DistanceMeters({0, 0}, {1, 0}), 111'195, 10);
  EXPECT_NEAR(DistanceMeters({39.8, -89.65}, {39.8, -89.65}), 0, 1e-9);
}

TEST(GeoPolygon, ContainsInsideNotOutsideWhateverTheOrder) {
  auto sq = Square();
  ASSERT_TRUE(ValidatePolygon(sq, "boundary").ok());
  EXPECT_TRUE(PolygonContains(sq, {39.805, -89.645}));
  EXPECT_FALSE(PolygonContains(sq, {39.9, -89.645}));
  std::reverse(sq.begin(), sq.end());
  EXPECT_TRUE(PolygonContains(sq, {39.805, -89.645}));
  EXPECT_FALSE(PolygonContains(sq, {39.9, -89.645}));
  EXPECT_NEAR(PolygonAreaSquareMeters(sq), 1112.0 * 854.0, 1112.0 * 854.0 * 0.02);
}

TEST(GeoPolygon, RejectsTooFewVerticesAndSelfIntersection) {
  EXPECT_FALSE(ValidatePolygon({{0, 0}, {0, 1}}, "b").ok());
  // A bow tie.
  Status s = ValidatePolygon({{0, 0}, {1, 1}, {1, 0}, {0, 1}}, "b");
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("not a simple polygon"), std::string::npos);
  EXPECT_FALSE(ValidatePolygon({{0, 0}, {0, 200}, {1, 1}}, "b").ok());
}

}  // namespace
}  // namespace canvass::geo
