#include "agent/plate_read_merger.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cctype>
#include <string>
#include <vector>

namespace canvass::agent {
namespace {

PlateCandidate Read(std::string plate, double conf, std::string crop) {
  PlateCandidate c;
  c.plate = std::move(plate);
  c.state = "IL";
  c.confidence = conf;
  c.crop_jpeg = std::move(crop);
  return c;
}

TEST(PlateReadMerger, OneVehicleManyFramesIsOneReadWithTheBestCrop) {
  PlateReadMerger m("cam", 1'000'000);
  EXPECT_TRUE(m.Add({Read("ABC1234", 0.7, "a")}, 0).empty());
  EXPECT_TRUE(m.Add({Read("AB01234", 0.5, "b")}, 200'000).empty());  // O read as 0... and C lost
  EXPECT_TRUE(m.Add({Read("ABC1234", 0.9, "c")}, 400'000).empty());
  auto out = m.Add({}, 2'000'000);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].plate, "ABC1234");
  EXPECT_DOUBLE_EQ(out[0].confidence, 0.9);
  EXPECT_EQ(out[0].crop_jpeg, "c");
  EXPECT_EQ(out[0].read_at_us, 400'000);
  EXPECT_EQ(out[0].frames, 3);
}

TEST(PlateReadMerger, DifferentVehiclesStayApart) {
  PlateReadMerger m("cam", 1'000'000);
  m.Add({Read("ABC1234", 0.8, "a"), Read("XYZ987", 0.8, "x")}, 0);
  auto out = m.Flush();
  EXPECT_EQ(out.size(), 2u);
  EXPECT_NE(out[0].id, out[1].id);
}

// The demo town's camera "ALPR Capitol Ave eastbound" made ids the server refused (spaces).
TEST(PlateReadMerger, IdsAreWhatTheServerTakesWhateverTheCameraIsCalled) {
  for (const std::string& name :
       std::vector<std::string>{"ALPR Capitol Ave eastbound", "Driveway, Oak St / north", "",
                                std::string(100, 'x')}) {
    PlateReadMerger m(name, 1'000'000);
    m.Add({Read("ABC1234", 0.8, "a")}, 1'900'000'000'000'000);
    auto out = m.Flush();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_LE(out[0].id.size(), 64u) << out[0].id;
    EXPECT_FALSE(out[0].id.empty());
    for (char c : out[0].id) {
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' ||
                  c == ':' || c == '-')
          << name << " gave " << out[0].id;
    }
  }
}

PlateCandidate Sized(int height, std::string colour, double confidence) {
  PlateCandidate c = Read("ABC1234", confidence, "x");
  c.height = height;
  c.width = height * 2;
  c.vehicle_color = std::move(colour);
  return c;
}

TEST(PlateReadMerger, DirectionFromThePlatesGrowthAndColourByMajority) {
  struct Case {
    std::vector<int> heights;
    const char* direction;
  };
  for (const Case& c : {Case{{20, 24, 30}, "toward"}, Case{{30, 26, 22}, "away"},
                        Case{{30, 31, 29}, ""}, Case{{30}, ""}}) {
    PlateReadMerger m("cam", 1'000'000);
    int64_t t = 0;
    for (size_t i = 0; i < c.heights.size(); ++i, t += 200'000) {
      // The sharpest frame is the one in a shadow: its colour is outvoted.
      m.Add({i == 1 ? Sized(c.heights[i], "grey", 0.95) : Sized(c.heights[i], "red", 0.9)}, t);
    }
    auto out = m.Flush();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].direction, c.direction) << c.heights.size() << " frames";
    EXPECT_EQ(out[0].vehicle_color, "red");
  }
}

TEST(PlateReadMerger, SameVehicleFoldsConfusions) {
  EXPECT_TRUE(PlateReadMerger::SameVehicle("O1SB", "01S8"));
  EXPECT_TRUE(PlateReadMerger::SameVehicle("ABC123", "ABC1234"));
  EXPECT_FALSE(PlateReadMerger::SameVehicle("ABC123", "XYZ123"));
}

TEST(PlateBatchJson, IsWhatTheServerTakes) {
  MergedRead r;
  r.id = "cam:1:1";
  r.plate = "ABC1234";
  r.state = "IL";
  r.confidence = 0.9;
  r.read_at_us = 1'900'000'000'000'000;
  r.crop_jpeg = "\xff\xd8jpeg";
  auto v = boost::json::parse(PlateBatchJson({r}));
  const auto& read = v.at("reads").at(0);
  EXPECT_EQ(read.at("plate").as_string(), "ABC1234");
  EXPECT_EQ(read.at("crop_jpeg").as_string(), "/9hqcGVn");
}

}  // namespace
}  // namespace canvass::agent
