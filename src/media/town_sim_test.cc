#include "media/town_sim.h"

#include <gtest/gtest.h>

#include <set>

namespace canvass::media {
namespace {

const std::vector<TownCameraSpec> kCameras = {
    {"Elm St", 2, false, false}, {"Oak St", 7, true, false}, {"ALPR 1", 5, false, true}};

TEST(TownSim, SameSeedSameTown) {
  TownSim a = SimulateTown({}, kCameras), b = SimulateTown({}, kCameras);
  ASSERT_EQ(a.vehicles.size(), b.vehicles.size());
  for (size_t i = 0; i < a.vehicles.size(); ++i)
    EXPECT_EQ(a.vehicles[i].plate, b.vehicles[i].plate);
  for (size_t c = 0; c < a.cameras.size(); ++c) {
    ASSERT_EQ(a.cameras[c].passes.size(), b.cameras[c].passes.size());
    for (size_t i = 0; i < a.cameras[c].passes.size(); ++i) {
      EXPECT_EQ(a.cameras[c].passes[i].start_ms, b.cameras[c].passes[i].start_ms);
    }
  }
}

TEST(TownSim, PlatesAreUniqueAndPassesFitTheLoopOneAtATimePerLane) {
  TownSimOptions o;
  TownSim sim = SimulateTown(o, kCameras);
  std::set<std::string> plates;
  for (const auto& v : sim.vehicles) EXPECT_TRUE(plates.insert(v.plate).second) << v.plate;
  int total = 0;
  for (const SimCamera& cam : sim.cameras) {
    int64_t lane_end[2] = {-1, -1};
    for (const CameraPass& p : cam.passes) {
      EXPECT_GE(p.start_ms, 0);
      EXPECT_LE(p.end_ms, o.loop_ms);
      // An ALPR camera's close-up shows one lane for both directions.
      const int lane = p.rightwards && !cam.spec.alpr ? 0 : 1;
      EXPECT_GT(p.start_ms, lane_end[lane]);
      lane_end[lane] = p.end_ms;
    }
    total += static_cast<int>(cam.passes.size());
  }
  EXPECT_GT(total, 6) << "the cameras should see traffic every loop";
}

TEST(TownSim, CameraVideoDrawsExactlyThePassesWithTheirPlates) {
  TownSim sim = SimulateTown({}, kCameras);
  for (size_t c = 0; c < sim.cameras.size(); ++c) {
    SyntheticVideoOptions v = CameraVideo(sim, c);
    EXPECT_EQ(v.night, sim.cameras[c].spec.night);
    std::vector<std::string> drawn;
    int people = 0;
    for (const auto& obj : v.objects) {
      if (obj.shape == SyntheticObject::Shape::kVehicle) drawn.push_back(obj.plate);
      if (obj.shape == SyntheticObject::Shape::kPerson) ++people;
    }
    ASSERT_EQ(drawn.size(), sim.cameras[c].passes.size());
    for (size_t i = 0; i < drawn.size(); ++i) {
      EXPECT_EQ(drawn[i],
                sim.vehicles[static_cast<size_t>(sim.cameras[c].passes[i].vehicle)].plate);
    }
    if (sim.cameras[c].spec.alpr) {
      EXPECT_EQ(people, 0);
    }
  }
}

}  // namespace
}  // namespace canvass::media
