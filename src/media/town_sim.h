// TownSim: the demo town's traffic. A fixed-seed population of vehicles drives a square street
// grid; cameras stand beside street segments; the simulation decides which vehicle passes which
// camera when, and CameraVideo renders that camera's loop with TownScene's street (people,
// day or night) and exactly those vehicles, their plates legible. The passes are the ground
// truth: what a perfect plate reader on that camera would read.
//
// Time is the position in the loop, [0, loop_ms): each camera's video is loop_ms long and is
// played on repeat (`loop = true` in the agent config), so the town repeats itself every loop.
//
// Usage:
//   TownSim sim = SimulateTown({.seed = 7}, {{"Elm St driveway", 3, false}, {"ALPR 1", 10,
//   false}}); for (const CameraPass& p : sim.cameras[1].passes) ...;
//   CANVASS_RETURN_IF_ERROR(WriteSyntheticVideo(path, CameraVideo(sim, 1)));
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "media/synthetic_video.h"

namespace canvass::media {

struct TownSimOptions {
  uint32_t seed = 20260401;
  int grid_size = 4;     // intersections per side (grid_size^2 of them)
  double block_m = 200;  // distance between neighbouring intersections
  int vehicles = 36;
  int64_t loop_ms = 90000;  // 1000 to 600000
  int width = 640;          // of each camera's video (even)
  int height = 360;
  int fps = 6;
  int people_per_minute = 3;  // on residents' cameras; none on ALPR cameras
  int64_t pass_ms = 5000;     // how long a passing vehicle is in a camera's picture
};

// A street segment between two neighbouring intersections, numbered 0 .. SegmentCount()-1:
// first the east-west segments row by row, then the north-south ones column by column.
int SegmentCount(const TownSimOptions& options);

struct TownCameraSpec {
  std::string name;
  int segment = 0;     // the street segment it watches, modulo SegmentCount
  bool night = false;  // its video is a night scene
  bool alpr = false;   // a plate reader: one lane seen along it, vehicles coming or going
};

struct SimVehicle {
  std::string plate;  // e.g. "7KQD418", unique in the population
  std::string state;  // "IL"
  std::string color;  // a colour name for reads ("red", "silver", ...)
  uint8_t red = 0, green = 0, blue = 0;
};

struct CameraPass {
  int vehicle = 0;         // index into TownSim::vehicles
  int64_t start_ms = 0;    // enters the picture
  int64_t end_ms = 0;      // leaves it (<= loop_ms)
  bool rightwards = true;  // across the picture; "toward" the camera's bearing when true (on
                           // an ALPR camera: coming toward it)
};

struct SimCamera {
  TownCameraSpec spec;
  std::vector<CameraPass> passes;  // by start_ms; never two at once in one direction
};

struct TownSim {
  TownSimOptions options;
  std::vector<SimVehicle> vehicles;
  std::vector<SimCamera> cameras;  // as given
};

// Deterministic in (options, cameras).
TownSim SimulateTown(const TownSimOptions& options, const std::vector<TownCameraSpec>& cameras);

// The video of cameras[camera]: TownScene's street plus the passes as vehicles.
SyntheticVideoOptions CameraVideo(const TownSim& sim, size_t camera);

}  // namespace canvass::media
