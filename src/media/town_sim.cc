#include "media/town_sim.h"

#include <algorithm>
#include <random>
#include <set>

namespace canvass::media {

namespace {

struct Colour {
  const char* name;
  uint8_t r, g, b;
};
constexpr Colour kColours[] = {{"red", 190, 40, 40},      {"blue", 40, 70, 180},
                               {"silver", 180, 180, 185}, {"black", 35, 35, 40},
                               {"white", 235, 235, 235},  {"green", 40, 130, 60},
                               {"yellow", 220, 190, 40},  {"grey", 110, 110, 115}};

std::string MakePlate(std::mt19937& rng) {
  // Illinois-like: a digit, three letters, three digits ("7KQD418"). No I, O or Q: they read as
  // 1 and 0 too easily for a demo that wants its hot-list hits to be exact.
  static constexpr char kLetters[] = "ABCDEFGHJKLMNPRSTUVWXYZ";
  std::string p;
  p += static_cast<char>('1' + rng() % 9);
  for (int i = 0; i < 3; ++i) p += kLetters[rng() % (sizeof(kLetters) - 1)];
  for (int i = 0; i < 3; ++i) p += static_cast<char>('0' + rng() % 10);
  return p;
}

}  // namespace

int SegmentCount(const TownSimOptions& o) { return 2 * o.grid_size * (o.grid_size - 1); }

TownSim SimulateTown(const TownSimOptions& options, const std::vector<TownCameraSpec>& cameras) {
  TownSim sim;
  sim.options = options;
  const int n = std::max(2, options.grid_size);
  sim.options.grid_size = n;
  const int segments = SegmentCount(sim.options);
  std::mt19937 rng(options.seed);
  std::set<std::string> plates;
  for (int v = 0; v < options.vehicles; ++v) {
    SimVehicle veh;
    do veh.plate = MakePlate(rng);
    while (!plates.insert(veh.plate).second);
    veh.state = "IL";
    const Colour& c = kColours[rng() % std::size(kColours)];
    veh.color = c.name;
    veh.red = c.r;
    veh.green = c.g;
    veh.blue = c.b;
    sim.vehicles.push_back(veh);
  }
  for (const TownCameraSpec& spec : cameras) {
    SimCamera cam{spec, {}};
    cam.spec.segment = ((spec.segment % segments) + segments) % segments;
    sim.cameras.push_back(cam);
  }
  // Each vehicle: a random walk from a random intersection, never turning back unless it must,
  // at its own steady speed, starting up to 20 s before the loop so traffic is already moving.
  std::vector<std::vector<CameraPass>> passes(sim.cameras.size());
  for (int v = 0; v < options.vehicles; ++v) {
    int x = static_cast<int>(rng() % n), y = static_cast<int>(rng() % n);
    int px = -1, py = -1;
    const double speed_mps = 8 + (rng() % 600) / 100.0;
    const int64_t edge_ms = static_cast<int64_t>(options.block_m / speed_mps * 1000);
    int64_t t = -static_cast<int64_t>(rng() % 20000);
    while (t < options.loop_ms) {
      std::vector<std::pair<int, int>> next;
      const int dx[] = {1, -1, 0, 0}, dy[] = {0, 0, 1, -1};
      for (int k = 0; k < 4; ++k) {
        const int nx = x + dx[k], ny = y + dy[k];
        if (nx < 0 || ny < 0 || nx >= n || ny >= n || (nx == px && ny == py)) continue;
        next.emplace_back(nx, ny);
      }
      if (next.empty()) next.emplace_back(px, py);
      const auto [nx, ny] = next[rng() % next.size()];
      const int segment =
          ny == y ? y * (n - 1) + std::min(x, nx) : n * (n - 1) + x * (n - 1) + std::min(y, ny);
      const bool positive = nx > x || ny > y;
      const int64_t middle = t + edge_ms / 2;
      for (size_t c = 0; c < sim.cameras.size(); ++c) {
        if (sim.cameras[c].spec.segment != segment) continue;
        CameraPass p{v, middle - options.pass_ms / 2, middle + options.pass_ms / 2, positive};
        if (p.start_ms >= 0 && p.end_ms <= options.loop_ms) passes[c].push_back(p);
      }
      px = x;
      py = y;
      x = nx;
      y = ny;
      t += edge_ms;
    }
  }
  // One vehicle at a time in each lane (an ALPR camera's close-up shows one lane for both
  // directions): a later one that would overlap is dropped (from the video and from the ground
  // truth alike).
  for (size_t c = 0; c < sim.cameras.size(); ++c) {
    std::sort(passes[c].begin(), passes[c].end(),
              [](const CameraPass& a, const CameraPass& b) { return a.start_ms < b.start_ms; });
    int64_t lane_free_ms[2] = {0, 0};
    const bool one_lane = sim.cameras[c].spec.alpr;
    for (const CameraPass& p : passes[c]) {
      int64_t& free_ms = lane_free_ms[p.rightwards && !one_lane ? 0 : 1];
      if (p.start_ms < free_ms) continue;
      free_ms = p.end_ms + 500;
      sim.cameras[c].passes.push_back(p);
    }
  }
  return sim;
}

SyntheticVideoOptions CameraVideo(const TownSim& sim, size_t camera) {
  const TownSimOptions& o = sim.options;
  const SimCamera& cam = sim.cameras.at(camera);
  TownSceneOptions t{.width = o.width,
                     .height = o.height,
                     .fps = o.fps,
                     .duration_ms = o.loop_ms,
                     .night = cam.spec.night,
                     .vehicles_per_minute = 0,
                     .people_per_minute = cam.spec.alpr ? 0 : o.people_per_minute,
                     .seed = o.seed + static_cast<uint32_t>(camera) + 1};
  SyntheticVideoOptions v = TownScene(t);
  for (const CameraPass& p : cam.passes) {
    const SimVehicle& veh = sim.vehicles.at(static_cast<size_t>(p.vehicle));
    SyntheticObject s;
    s.shape = SyntheticObject::Shape::kVehicle;
    s.start_ms = p.start_ms;
    s.end_ms = p.end_ms;
    s.x0 = p.rightwards ? -0.2 : 1.2;
    s.x1 = p.rightwards ? 1.2 : -0.2;
    s.y0 = s.y1 = p.rightwards ? 0.70 : 0.82;
    s.width = 0.26;
    s.height = 0.2;
    s.red = veh.red;
    s.green = veh.green;
    s.blue = veh.blue;
    s.plate = veh.plate;
    s.plate_state = veh.state == "IL" ? "ILLINOIS" : veh.state;
    if (cam.spec.alpr) {
      // A plate reader's close-up of its lane, looking along it: a vehicle going the camera's
      // way ("rightwards") comes toward it and grows from 0.30 to 0.62 of the picture's width
      // (its plate from 69 to 143 px at 640x360; src/recognize reads 90 px and up); one the
      // other way goes away and shrinks.
      const double near_w = 0.62, far_w = 0.30, near_h = 0.48, far_h = 0.24;
      s.x0 = s.x1 = 0.5;
      s.y0 = p.rightwards ? 0.40 : 0.80;
      s.y1 = p.rightwards ? 0.80 : 0.40;
      s.width = p.rightwards ? far_w : near_w;
      s.width1 = p.rightwards ? near_w : far_w;
      s.height = p.rightwards ? far_h : near_h;
      s.height1 = p.rightwards ? near_h : far_h;
    }
    v.objects.push_back(s);
  }
  return v;
}

}  // namespace canvass::media
