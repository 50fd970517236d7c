// match_bench: matching community footage requests through requests::MatchIndex against
// SQLite's R*Tree with an indexed clips table, over the same synthetic town, in one process.
//
//  1. Build: MatchIndex from the cameras and clips (as the server does at start), against an
//     in-memory SQLite database with the same rows (inserts in one transaction, then the clips
//     index). Target: ours >= 10x faster.
//  2. Match: the same random requests (1 km radius, 1 to 6 h windows) through both, every
//     answer compared. Baseline: R*Tree query for the radius' lat/lng box, exact distance in C++
//     (geo::DistanceMeters), then one prepared EXISTS query per camera in the radius.
//     Targets: our p50 >= 10x faster; our p99 < 1 ms.
//  3. Memory of our index per camera and per clip (MemoryBytes, and the RSS it added).
//
// The town: a 50 km x 50 km square around Chicago; 70% of the cameras gathered around 300
// neighbourhood centres, the rest spread evenly; 80% accept requests. Clips spread over 60 days,
// 10 s to 5 min each, shared unevenly (log-normal weights) between cameras and loaded camera by
// camera in start order (the order of `ORDER BY camera_id, start`).
//
// Usage: match_bench [--cameras N] [--clips N] [--queries N] [--seed N]
// Exit status: 0 all targets met, 3 some missed, 1 error or answers that differ.
// docs/benchmarks.md ("Request matching") has figures.
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <numbers>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench_sqlite.h"
#include "bench_util.h"
#include "geo/geo.h"
#include "requests/match_index.h"

namespace canvass {
namespace {

using namespace canvass::bench;  // Seconds, Percentile, Check, ...

constexpr LatLng kOrigin{41.8781, -87.6298};  // Chicago, the square's centre.
constexpr double kHalfSideM = 25'000;
constexpr double kEarthRadiusM = 6'371'010;  // As S2 and geo::DistanceMeters.
constexpr int64_t kT0 = 1'800'000'000'000'000;
constexpr int64_t kSecondUs = 1'000'000;
constexpr int64_t kHourUs = 3600 * kSecondUs;
constexpr int64_t kSpanUs = 60 * 24 * kHourUs;
constexpr double kQueryRadiusM = 1'000;

double DegreesLat(double meters) { return meters / kEarthRadiusM * 180 / std::numbers::pi; }
double DegreesLng(double meters, double lat_deg) {
  return DegreesLat(meters) / std::cos(lat_deg * std::numbers::pi / 180);
}

// ---- The synthetic town ---------------------------------------------------------------------

struct Town {
  std::vector<std::string> camera_ids;
  std::vector<LatLng> locations;
  std::vector<bool> accepts;
  std::vector<uint64_t> first_clip;  // Clips of camera i: [first_clip[i], first_clip[i + 1]).
  std::vector<int64_t> clip_start_us;
  std::vector<uint32_t> clip_duration_us;
};

std::string RandomId(std::mt19937_64& rng, const char* prefix) {
  static const char kBase32[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string id = std::string(prefix) + "_";
  for (int i = 0; i < 20; ++i) id += kBase32[rng() % 32];
  return id;
}

LatLng UniformInSquare(std::mt19937_64& rng) {
  std::uniform_real_distribution<> u(-kHalfSideM, kHalfSideM);
  return {kOrigin.lat_deg + DegreesLat(u(rng)),
          kOrigin.lng_deg + DegreesLng(u(rng), kOrigin.lat_deg)};
}

void PlaceCameras(Town& town, size_t cameras, std::mt19937_64& rng) {
  std::vector<LatLng> centres(300);
  for (LatLng& c : centres) c = UniformInSquare(rng);
  std::normal_distribution<> spread_m(0, 800);
  double min_lat = kOrigin.lat_deg - DegreesLat(kHalfSideM);
  double max_lat = kOrigin.lat_deg + DegreesLat(kHalfSideM);
  double min_lng = kOrigin.lng_deg - DegreesLng(kHalfSideM, kOrigin.lat_deg);
  double max_lng = kOrigin.lng_deg + DegreesLng(kHalfSideM, kOrigin.lat_deg);
  for (size_t i = 0; i < cameras; ++i) {
    LatLng p = UniformInSquare(rng);
    if (rng() % 10 < 7) {
      const LatLng& c = centres[rng() % centres.size()];
      p = {std::clamp(c.lat_deg + DegreesLat(spread_m(rng)), min_lat, max_lat),
           std::clamp(c.lng_deg + DegreesLng(spread_m(rng), c.lat_deg), min_lng, max_lng)};
    }
    town.camera_ids.push_back(RandomId(rng, "cam"));
    town.locations.push_back(p);
    town.accepts.push_back(rng() % 5 != 0);
  }
}

// Clip counts from log-normal weights, rounded at random, then nudged to exactly `clips`.
std::vector<uint64_t> ClipCounts(size_t cameras, uint64_t clips, std::mt19937_64& rng) {
  std::lognormal_distribution<> weight(0, 1.0);
  std::vector<double> w(cameras);
  double total = 0;
  for (double& x : w) total += (x = weight(rng));
  std::uniform_real_distribution<> u(0, 1);
  std::vector<uint64_t> counts(cameras);
  int64_t sum = 0;
  for (size_t i = 0; i < cameras; ++i) {
    sum += counts[i] = static_cast<uint64_t>(w[i] / total * clips + u(rng));
  }
  while (sum < static_cast<int64_t>(clips)) ++counts[rng() % cameras], ++sum;
  while (sum > static_cast<int64_t>(clips)) {
    size_t i = rng() % cameras;
    if (counts[i] > 0) --counts[i], --sum;
  }
  return counts;
}

void MakeClips(Town& town, uint64_t clips, std::mt19937_64& rng) {
  std::vector<uint64_t> counts = ClipCounts(town.camera_ids.size(), clips, rng);
  town.first_clip.assign(1, 0);
  town.clip_start_us.reserve(clips);
  town.clip_duration_us.reserve(clips);
  std::uniform_int_distribution<int64_t> start(0, kSpanUs - 1);
  std::uniform_int_distribution<uint32_t> duration(10 * kSecondUs, 300 * kSecondUs);
  for (uint64_t n : counts) {
    size_t first = town.clip_start_us.size();
    for (uint64_t j = 0; j < n; ++j) {
      town.clip_start_us.push_back(kT0 + start(rng));
      town.clip_duration_us.push_back(duration(rng));
    }
    // Sorted by start within the camera; durations are independent of starts, so sorting the
    // starts alone keeps the distribution.
    std::sort(town.clip_start_us.begin() + first, town.clip_start_us.end());
    town.first_clip.push_back(town.clip_start_us.size());
  }
}

// "clp_" + the clip's number in base 32: cheap, distinct, as long as a real id.
void ClipId(uint64_t n, std::array<char, 25>& buf) {
  static const char kBase32[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::memcpy(buf.data(), "clp_", 4);
  for (int i = 23; i >= 4; --i, n >>= 5) buf[i] = kBase32[n & 31];
  buf[24] = 0;
}

// ---- Ours ---------------------------------------------------------------------------------

void BuildIndex(const Town& t, requests::MatchIndex& index) {
  for (size_t i = 0; i < t.camera_ids.size(); ++i) {
    if (!index.UpsertCamera(t.camera_ids[i], t.locations[i], t.accepts[i])) Die("bad location");
  }
  // Camera by camera, as the server loads `SELECT ... FROM clips ORDER BY camera_id, start`.
  std::vector<std::array<char, 25>> ids;
  std::vector<requests::ClipInterval> clips;
  for (size_t i = 0; i < t.camera_ids.size(); ++i) {
    uint64_t first = t.first_clip[i], n = t.first_clip[i + 1] - first;
    ids.resize(n);
    clips.resize(n);
    for (uint64_t j = 0; j < n; ++j) {
      ClipId(first + j, ids[j]);
      int64_t start = t.clip_start_us[first + j];
      clips[j] = {ids[j].data(), start, start + t.clip_duration_us[first + j]};
    }
    if (index.AddClips(t.camera_ids[i], clips) != n) Die("AddClips refused a clip");
  }
  index.ShrinkToFit();
}

// ---- Baseline: SQLite R*Tree ---------------------------------------------------------------

class Sqlite : public SqliteDb {
 public:
  ~Sqlite() {
    for (sqlite3_stmt* s : {near_, exists_}) sqlite3_finalize(s);
  }

  // Cameras get integer keys (rowid = index in the town), the clips table refers to them; only
  // accepting cameras enter the R*Tree, as only they enter our spatial index.
  void Build(const Town& t) {
    Exec(
        "CREATE TABLE cameras (id INTEGER PRIMARY KEY, ext_id TEXT NOT NULL, lat REAL NOT NULL,"
        " lng REAL NOT NULL, accepts INTEGER NOT NULL)");
    Exec("CREATE VIRTUAL TABLE cam_rtree USING rtree(id, min_lat, max_lat, min_lng, max_lng)");
    Exec(
        "CREATE TABLE clips (camera_id INTEGER NOT NULL, start_us INTEGER NOT NULL,"
        " end_us INTEGER NOT NULL)");
    Exec("BEGIN");
    sqlite3_stmt* cam = Prepare("INSERT INTO cameras VALUES (?1, ?2, ?3, ?4, ?5)");
    sqlite3_stmt* box = Prepare("INSERT INTO cam_rtree VALUES (?1, ?2, ?2, ?3, ?3)");
    sqlite3_stmt* clip = Prepare("INSERT INTO clips VALUES (?1, ?2, ?3)");
    for (size_t i = 0; i < t.camera_ids.size(); ++i) {
      sqlite3_bind_int64(cam, 1, static_cast<int64_t>(i));
      sqlite3_bind_text(cam, 2, t.camera_ids[i].data(), static_cast<int>(t.camera_ids[i].size()),
                        SQLITE_STATIC);
      sqlite3_bind_double(cam, 3, t.locations[i].lat_deg);
      sqlite3_bind_double(cam, 4, t.locations[i].lng_deg);
      sqlite3_bind_int(cam, 5, t.accepts[i]);
      StepDone(cam);
      if (t.accepts[i]) {
        sqlite3_bind_int64(box, 1, static_cast<int64_t>(i));
        sqlite3_bind_double(box, 2, t.locations[i].lat_deg);
        sqlite3_bind_double(box, 3, t.locations[i].lng_deg);
        StepDone(box);
      }
      for (uint64_t j = t.first_clip[i]; j < t.first_clip[i + 1]; ++j) {
        sqlite3_bind_int64(clip, 1, static_cast<int64_t>(i));
        sqlite3_bind_int64(clip, 2, t.clip_start_us[j]);
        sqlite3_bind_int64(clip, 3, t.clip_start_us[j] + t.clip_duration_us[j]);
        StepDone(clip);
      }
    }
    for (sqlite3_stmt* s : {cam, box, clip}) sqlite3_finalize(s);
    Exec("CREATE INDEX clips_by_camera ON clips (camera_id, start_us, end_us)");
    Exec("COMMIT");
    near_ = Prepare(
        "SELECT c.id, c.ext_id, c.lat, c.lng FROM cam_rtree r JOIN cameras c ON c.id = r.id"
        " WHERE r.max_lat >= ?1 AND r.min_lat <= ?2 AND r.max_lng >= ?3 AND r.min_lng <= ?4");
    exists_ = Prepare(
        "SELECT EXISTS (SELECT 1 FROM clips WHERE camera_id = ?1 AND start_us < ?2"
        " AND end_us > ?3)");
  }

  struct Stats {
    size_t in_box = 0, in_radius = 0;
  };

  std::vector<std::string> Match(const requests::MatchQuery& q, Stats* stats) {
    // The radius' lat/lng box, 1% wider (the R*Tree stores 32-bit floats, rounded outwards).
    double dlat = DegreesLat(q.radius_m) * 1.01;
    double dlng =
        DegreesLng(q.radius_m, q.center.lat_deg + (q.center.lat_deg > 0 ? dlat : -dlat)) * 1.01;
    sqlite3_bind_double(near_, 1, q.center.lat_deg - dlat);
    sqlite3_bind_double(near_, 2, q.center.lat_deg + dlat);
    sqlite3_bind_double(near_, 3, q.center.lng_deg - dlng);
    sqlite3_bind_double(near_, 4, q.center.lng_deg + dlng);
    std::vector<std::string> out;
    while (sqlite3_step(near_) == SQLITE_ROW) {
      ++stats->in_box;
      LatLng p{sqlite3_column_double(near_, 2), sqlite3_column_double(near_, 3)};
      if (!(geo::DistanceMeters(q.center, p) <= q.radius_m)) continue;
      ++stats->in_radius;
      sqlite3_bind_int64(exists_, 1, sqlite3_column_int64(near_, 0));
      sqlite3_bind_int64(exists_, 2, q.to_us);
      sqlite3_bind_int64(exists_, 3, q.from_us);
      if (sqlite3_step(exists_) != SQLITE_ROW) DieWithError();
      if (sqlite3_column_int(exists_, 0)) {
        out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(near_, 1)));
      }
      sqlite3_reset(exists_);
    }
    sqlite3_reset(near_);
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  sqlite3_stmt* near_ = nullptr;
  sqlite3_stmt* exists_ = nullptr;
};

// ---- Measuring -------------------------------------------------------------------------------

}  // namespace
}  // namespace canvass

int main(int argc, char** argv) {
  using namespace canvass;
  size_t cameras = 1'000'000;
  uint64_t clips = 50'000'000;
  size_t queries = 2'000;
  uint64_t seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--cameras")
      cameras = std::stoull(argv[i + 1]);
    else if (a == "--clips")
      clips = std::stoull(argv[i + 1]);
    else if (a == "--queries")
      queries = std::stoull(argv[i + 1]);
    else if (a == "--seed")
      seed = std::stoull(argv[i + 1]);
    else {
      std::fprintf(stderr,
                   "usage: match_bench [--cameras N] [--clips N] [--queries N] [--seed N]\n");
      return 1;
    }
  }
  if (argc % 2 == 0 || cameras == 0) {
    std::fprintf(stderr, "usage: match_bench [--cameras N] [--clips N] [--queries N] [--seed N]\n");
    return 1;
  }
  std::printf("machine: %u CPUs, %s; SQLite %s\n", std::thread::hardware_concurrency(),
              CpuModel().c_str(), sqlite3_libversion());

  std::mt19937_64 rng(seed);
  Town town;
  auto t0 = Steady::now();
  PlaceCameras(town, cameras, rng);
  MakeClips(town, clips, rng);
  uint64_t max_clips = 0;
  size_t accepting = std::count(town.accepts.begin(), town.accepts.end(), true);
  for (size_t i = 0; i < cameras; ++i) {
    max_clips = std::max(max_clips, town.first_clip[i + 1] - town.first_clip[i]);
  }
  std::printf(
      "town: %zu cameras (%zu accepting) in 50 km x 50 km, %llu clips over 60 days "
      "(up to %llu on one camera); generated in %.1f s\n",
      cameras, accepting, static_cast<unsigned long long>(clips),
      static_cast<unsigned long long>(max_clips), Seconds(t0, Steady::now()));
  bool all = true;

  // ---- 1. build ------------------------------------------------------------------------------
  double rss_before = RssMiB();
  requests::MatchIndex index;
  double cpu0 = ThreadCpuUs();
  t0 = Steady::now();
  BuildIndex(town, index);
  double ours_build_s = Seconds(t0, Steady::now());
  double ours_build_cpu_s = (ThreadCpuUs() - cpu0) / 1e6;
  double rss_added = RssMiB() - rss_before;
  size_t ours_bytes = index.MemoryBytes();
  if (index.camera_count() != cameras || index.clip_count() != clips) Die("index counts differ");

  Sqlite sqlite;
  cpu0 = ThreadCpuUs();
  t0 = Steady::now();
  sqlite.Build(town);
  double sqlite_build_s = Seconds(t0, Steady::now());
  double sqlite_build_cpu_s = (ThreadCpuUs() - cpu0) / 1e6;
  std::printf("\nbuild\n");
  std::printf("  ours:     %8.2f s (on CPU %.2f s)   MemoryBytes %.0f MiB, RSS +%.0f MiB\n",
              ours_build_s, ours_build_cpu_s, ours_bytes / 1048576.0, rss_added);
  std::printf("  R*Tree:   %8.2f s (on CPU %.2f s)   sqlite3_memory_used %.0f MiB\n",
              sqlite_build_s, sqlite_build_cpu_s, sqlite3_memory_used() / 1048576.0);
  std::printf("  ratio R*Tree/ours: %.1fx (on CPU %.1fx)\n", sqlite_build_s / ours_build_s,
              sqlite_build_cpu_s / ours_build_cpu_s);
  // Memory per clip: the clip arrays' share is everything but the per-camera structures, which
  // an index of the same cameras without clips would hold.
  {
    requests::MatchIndex empty;
    for (size_t i = 0; i < cameras; ++i) {
      if (!empty.UpsertCamera(town.camera_ids[i], town.locations[i], town.accepts[i])) return 1;
    }
    size_t camera_bytes = empty.MemoryBytes();
    std::printf(
        "  ours per camera (no clips): %.1f B; per clip: %.2f B (MemoryBytes); "
        "RSS per clip incl. cameras: %.2f B\n",
        static_cast<double>(camera_bytes) / cameras,
        clips ? static_cast<double>(ours_bytes - camera_bytes) / clips : 0.0,
        clips ? rss_added * 1048576.0 / clips : 0.0);
  }

  // ---- 2. match --------------------------------------------------------------------------------
  std::uniform_real_distribution<> u(-kHalfSideM, kHalfSideM);
  std::uniform_int_distribution<int64_t> from(0, kSpanUs - 1);
  std::uniform_int_distribution<int64_t> length(kHourUs, 6 * kHourUs);
  std::vector<requests::MatchQuery> qs(queries);
  for (auto& q : qs) {
    q.center = UniformInSquare(rng);
    q.radius_m = kQueryRadiusM;
    q.from_us = kT0 + from(rng);
    q.to_us = q.from_us + length(rng);
  }
  for (size_t i = 0; i < std::min<size_t>(50, queries); ++i) {  // Warm-up, untimed.
    Sqlite::Stats s;
    if (index.Match(qs[i]) != sqlite.Match(qs[i], &s)) Die("warm-up answers differ");
  }
  std::vector<double> ours_us, sqlite_us, ours_cpu_us, sqlite_cpu_us;
  Sqlite::Stats stats;
  size_t matched = 0;
  for (size_t i = 0; i < queries; ++i) {
    double cpu_a = ThreadCpuUs();
    auto a = Steady::now();
    std::vector<std::string> ours = index.Match(qs[i]);
    auto b = Steady::now();
    double cpu_b = ThreadCpuUs();
    std::vector<std::string> base = sqlite.Match(qs[i], &stats);
    auto c = Steady::now();
    double cpu_c = ThreadCpuUs();
    ours_us.push_back(Seconds(a, b) * 1e6);
    sqlite_us.push_back(Seconds(b, c) * 1e6);
    ours_cpu_us.push_back(cpu_b - cpu_a);
    sqlite_cpu_us.push_back(cpu_c - cpu_b);
    if (ours != base) {
      Die("query " + std::to_string(i) + " differs: ours " + std::to_string(ours.size()) +
          " cameras, R*Tree " + std::to_string(base.size()));
    }
    matched += ours.size();
  }
  double ours_p50 = Percentile(ours_us, 0.50), ours_p99 = Percentile(ours_us, 0.99);
  double sqlite_p50 = Percentile(sqlite_us, 0.50), sqlite_p99 = Percentile(sqlite_us, 0.99);
  std::printf("\nmatch: %zu queries, 1 km radius, 1-6 h windows; answers identical\n", queries);
  std::printf("  per query: %.0f accepting cameras in the box, %.0f in the radius, %.1f matched\n",
              static_cast<double>(stats.in_box) / queries,
              static_cast<double>(stats.in_radius) / queries,
              static_cast<double>(matched) / queries);
  std::printf("  ours:     p50 %8.1f us   p99 %8.1f us   (on CPU: p50 %.1f, p99 %.1f)\n", ours_p50,
              ours_p99, Percentile(ours_cpu_us, 0.50), Percentile(ours_cpu_us, 0.99));
  std::printf("  R*Tree:   p50 %8.1f us   p99 %8.1f us   (on CPU: p50 %.1f, p99 %.1f)\n",
              sqlite_p50, sqlite_p99, Percentile(sqlite_cpu_us, 0.50),
              Percentile(sqlite_cpu_us, 0.99));
  std::printf("  ratio of p50s R*Tree/ours: %.1fx\n", sqlite_p50 / ours_p50);

  std::printf("\ntargets\n");
  all &= Check("p50 >= 10x faster than the R*Tree path", sqlite_p50 >= 10 * ours_p50);
  all &= Check("p99 < 1 ms", ours_p99 < 1000);
  all &=
      Check("index build >= 10x faster than the R*Tree build", sqlite_build_s >= 10 * ours_build_s);
  std::printf("\nresult: %s\n", all ? "all targets met" : "some targets missed");
  return all ? 0 : 3;
}
