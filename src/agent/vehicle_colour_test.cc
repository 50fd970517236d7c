#include "agent/vehicle_colour.h"

#include <gtest/gtest.h>

#include <vector>

namespace canvass::agent {
namespace {

constexpr int kW = 320, kH = 240;

// A grey street, a car body of colour (r, g, b) and a white plate on it at (120, 140, 80x36).
std::vector<uint8_t> Car(uint8_t r, uint8_t g, uint8_t b) {
  std::vector<uint8_t> bgr(size_t{kW} * kH * 3, 100);
  auto fill = [&](int x0, int y0, int w, int h, uint8_t rr, uint8_t gg, uint8_t bb) {
    for (int y = y0; y < y0 + h; ++y) {
      for (int x = x0; x < x0 + w; ++x) {
        uint8_t* p = &bgr[(static_cast<size_t>(y) * kW + x) * 3];
        p[0] = bb, p[1] = gg, p[2] = rr;
      }
    }
  };
  fill(60, 90, 200, 110, r, g, b);            // body
  fill(90, 70, 140, 30, 40, 60, 80);          // rear window, dark
  fill(120, 140, 80, 36, 240, 240, 240);      // plate
  return bgr;
}

std::string ColourOf(const std::vector<uint8_t>& bgr) {
  return VehicleColour(BgrImage{bgr.data(), kW, kH, kW * 3}, 120, 140, 80, 36);
}

TEST(VehicleColour, NamesTheBodyAroundThePlate) {
  struct Case {
    uint8_t r, g, b;
    const char* name;
  };
  for (const Case& c : {Case{190, 40, 40, "red"}, Case{200, 30, 60, "red"},  // either side of 0
                        Case{40, 70, 180, "blue"}, Case{180, 180, 185, "silver"},
                        Case{35, 35, 40, "black"}, Case{235, 235, 235, "white"},
                        Case{40, 130, 60, "green"}, Case{220, 190, 40, "yellow"},
                        Case{110, 110, 115, "grey"}, Case{230, 120, 30, "orange"},
                        Case{120, 50, 160, "purple"}}) {
    EXPECT_EQ(ColourOf(Car(c.r, c.g, c.b)), c.name)
        << int(c.r) << "," << int(c.g) << "," << int(c.b);
  }
}

TEST(VehicleColour, APlateOutsideThePictureHasNoColour) {
  std::vector<uint8_t> bgr = Car(190, 40, 40);
  EXPECT_EQ(VehicleColour(BgrImage{bgr.data(), kW, kH, kW * 3}, kW + 10, kH + 10, 80, 36), "");
}

}  // namespace
}  // namespace canvass::agent
