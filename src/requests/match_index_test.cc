#include "requests/match_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "geo/geo.h"

namespace canvass::requests {
namespace {

constexpr int64_t kT0 = 1'800'000'000'000'000;  // 2027-01-15, in microseconds.

// The matching rule written as plainly as possible, to check MatchIndex against.
class BruteForce {
 public:
  void UpsertCamera(const std::string& id, LatLng loc, bool accepts) {
    cameras_[id].location = loc;
    cameras_[id].accepts = accepts;
  }
  void RemoveCamera(const std::string& id) { cameras_.erase(id); }
  void AddClip(const std::string& cam, const std::string& clip, int64_t start_us, int64_t end_us) {
    auto it = cameras_.find(cam);
    if (it != cameras_.end() && end_us > start_us) it->second.clips[clip] = {start_us, end_us};
  }
  void RemoveClip(const std::string& cam, const std::string& clip) {
    auto it = cameras_.find(cam);
    if (it != cameras_.end()) it->second.clips.erase(clip);
  }
  std::vector<std::string> Match(const MatchQuery& q) const {
    std::vector<std::string> out;
    if (q.from_us >= q.to_us) return out;
    for (const auto& [id, cam] : cameras_) {
      if (!cam.accepts || !(geo::DistanceMeters(q.center, cam.location) <= q.radius_m)) continue;
      for (const auto& [clip, interval] : cam.clips) {
        if (interval.first < q.to_us && interval.second > q.from_us) {
          out.push_back(id);
          break;
        }
      }
    }
    return out;  // std::map: already sorted by id.
  }
  size_t clip_count() const {
    size_t n = 0;
    for (const auto& [id, cam] : cameras_) n += cam.clips.size();
    return n;
  }

 private:
  struct Camera {
    LatLng location;
    bool accepts = false;
    std::map<std::string, std::pair<int64_t, int64_t>> clips;
  };
  std::map<std::string, Camera> cameras_;
};

// A point `meters` from `from` along a bearing, searched until geo::DistanceMeters agrees to the
// last bit that matters (bisection on the fraction of a degree of latitude or longitude).
LatLng PointAtDistance(LatLng from, double meters, bool along_latitude) {
  double lo = 0, hi = 1;
  for (int i = 0; i < 200; ++i) {
    double mid = (lo + hi) / 2;
    LatLng p = along_latitude ? LatLng{from.lat_deg + mid, from.lng_deg}
                              : LatLng{from.lat_deg, from.lng_deg + mid};
    (geo::DistanceMeters(from, p) <= meters ? lo : hi) = mid;
  }
  return along_latitude ? LatLng{from.lat_deg + lo, from.lng_deg}
                        : LatLng{from.lat_deg, from.lng_deg + lo};
}

std::vector<std::string> Ids(std::initializer_list<const char*> ids) {
  return std::vector<std::string>(ids.begin(), ids.end());
}

TEST(MatchIndex, MatchesOnlyAcceptingCamerasWithAClipInTheWindowWithinTheRadius) {
  MatchIndex index;
  LatLng center{39.80, -89.65};
  ASSERT_TRUE(index.UpsertCamera("cam_a", center, true));
  ASSERT_TRUE(index.UpsertCamera("cam_b", {39.801, -89.65}, true));  // ~111 m north.
  ASSERT_TRUE(index.UpsertCamera("cam_declines", center, false));
  ASSERT_TRUE(index.UpsertCamera("cam_far", {39.90, -89.65}, true));  // ~11 km.
  for (const char* cam : {"cam_a", "cam_b", "cam_declines", "cam_far"}) {
    EXPECT_TRUE(index.AddClip(cam, std::string(cam) + "_clip", kT0, kT0 + 60'000'000));
  }
  EXPECT_EQ(index.camera_count(), 4u);
  EXPECT_EQ(index.clip_count(), 4u);
  EXPECT_EQ(index.Match({center, 200, kT0 - kHourUs, kT0 + kHourUs}), Ids({"cam_a", "cam_b"}));
  EXPECT_EQ(index.Match({center, 50, kT0 - kHourUs, kT0 + kHourUs}), Ids({"cam_a"}));
  EXPECT_EQ(index.Match({center, 200, kT0 + kHourUs, kT0 + 2 * kHourUs}), Ids({}));
  EXPECT_EQ(index.Match({center, 20'000, kT0, kT0 + 1}), Ids({"cam_a", "cam_b", "cam_far"}));
}

TEST(MatchIndex, RadiusBoundaryIsExactlyGeoDistanceMeters) {
  LatLng center{40.7128, -74.0060};
  for (double radius_m : {25.0, 100.0, 800.0, 3'000.0}) {
    for (bool along_latitude : {true, false}) {
      MatchIndex index;
      LatLng at = PointAtDistance(center, radius_m, along_latitude);
      ASSERT_LE(geo::DistanceMeters(center, at), radius_m);
      // The next representable coordinate beyond `at` is farther than the radius.
      LatLng beyond = at;
      double& coordinate = along_latitude ? beyond.lat_deg : beyond.lng_deg;
      coordinate = std::nextafter(coordinate, 1000.0);
      while (geo::DistanceMeters(center, beyond) <= radius_m) {
        coordinate = std::nextafter(coordinate, 1000.0);
      }
      LatLng inside = PointAtDistance(center, radius_m * 0.999, along_latitude);
      LatLng outside = PointAtDistance(center, radius_m * 1.001, along_latitude);
      ASSERT_TRUE(index.UpsertCamera("cam_at", at, true));
      ASSERT_TRUE(index.UpsertCamera("cam_beyond", beyond, true));
      ASSERT_TRUE(index.UpsertCamera("cam_inside", inside, true));
      ASSERT_TRUE(index.UpsertCamera("cam_outside", outside, true));
      for (const char* cam : {"cam_at", "cam_beyond", "cam_inside", "cam_outside"}) {
        ASSERT_TRUE(index.AddClip(cam, "clp", kT0, kT0 + 1));
      }
      EXPECT_EQ(index.Match({center, radius_m, kT0, kT0 + 1}), Ids({"cam_at", "cam_inside"}))
          << radius_m << " m, along latitude: " << along_latitude;
    }
  }
}

TEST(MatchIndex, WindowIsHalfOpenAtBothEnds) {
  MatchIndex index;
  LatLng center{51.5, -0.12};
  ASSERT_TRUE(index.UpsertCamera("cam_ends_at_from", center, true));
  ASSERT_TRUE(index.UpsertCamera("cam_starts_at_to", center, true));
  ASSERT_TRUE(index.UpsertCamera("cam_last_microsecond", center, true));
  ASSERT_TRUE(index.UpsertCamera("cam_first_microsecond", center, true));
  int64_t from = kT0, to = kT0 + kHourUs;
  ASSERT_TRUE(index.AddClip("cam_ends_at_from", "c1", from - 100, from));
  ASSERT_TRUE(index.AddClip("cam_starts_at_to", "c2", to, to + 100));
  ASSERT_TRUE(index.AddClip("cam_last_microsecond", "c3", to - 1, to + 100));
  ASSERT_TRUE(index.AddClip("cam_first_microsecond", "c4", from - 100, from + 1));
  EXPECT_EQ(index.Match({center, 10, from, to}),
            Ids({"cam_first_microsecond", "cam_last_microsecond"}));
  EXPECT_EQ(index.Match({center, 10, to, from}), Ids({}));  // Empty window.
  EXPECT_EQ(index.Match({center, 10, from, from}), Ids({}));
}

TEST(MatchIndex, AddClipsIsManyAddClip) {
  MatchIndex one_by_one, batch;
  LatLng here{45.5, -73.6};
  for (MatchIndex* index : {&one_by_one, &batch})
    ASSERT_TRUE(index->UpsertCamera("cam", here, true));
  std::vector<std::string> ids;
  for (int i = 0; i < 100; ++i) ids.push_back("clp_" + std::to_string(i));
  std::vector<ClipInterval> clips;
  for (int i = 0; i < 100; ++i) {
    int64_t start = kT0 + (i * 7919 % 100) * kHourUs;  // Out of order.
    int64_t end = i % 10 == 0 ? start : start + (i % 3 == 0 ? 2 * kHourUs : 60'000'000);
    clips.push_back({ids[i], start, end});
    one_by_one.AddClip("cam", ids[i], start, end);
  }
  EXPECT_EQ(batch.AddClips("cam", clips), 90u);  // Ten empty clips refused.
  EXPECT_EQ(batch.AddClips("cam_unknown", clips), 0u);
  EXPECT_EQ(batch.clip_count(), one_by_one.clip_count());
  for (int h = -2; h < 104; ++h) {
    MatchQuery q{here, 1, kT0 + h * kHourUs + 1'800'000'000, kT0 + h * kHourUs + 1'900'000'000};
    EXPECT_EQ(batch.Match(q), one_by_one.Match(q)) << h;
  }
}

TEST(MatchIndex, EarlyClipIsFoundBehindManyLaterOnes) {
  // A clip that starts first and ends last must be found behind dozens of later clips that end
  // before the window: the scan of a bucket's clips starts the longest duration before it.
  MatchIndex index;
  LatLng center{35.68, 139.69};
  ASSERT_TRUE(index.UpsertCamera("cam", center, true));
  ASSERT_TRUE(index.AddClip("cam", "first", kT0, kT0 + 70 * kMinuteUs));  // A "short" clip.
  ASSERT_TRUE(index.AddClip("cam", "long", kT0, kT0 + 1000 * kHourUs));   // Past 71.6 minutes.
  for (int i = 1; i < 70; ++i) {
    ASSERT_TRUE(index.AddClip("cam", "blip" + std::to_string(i), kT0 + i * kMinuteUs,
                              kT0 + i * kMinuteUs + 1));
  }
  MatchQuery in_first{center, 1, kT0 + 65 * kMinuteUs + 5, kT0 + 65 * kMinuteUs + 6};
  MatchQuery in_long{center, 1, kT0 + 999 * kHourUs, kT0 + 999 * kHourUs + 1};
  EXPECT_EQ(index.Match(in_first), Ids({"cam"}));
  EXPECT_EQ(index.Match(in_long), Ids({"cam"}));
  ASSERT_TRUE(index.RemoveClip("cam", "long"));
  EXPECT_EQ(index.Match(in_first), Ids({"cam"}));
  EXPECT_EQ(index.Match(in_long), Ids({}));
  ASSERT_TRUE(index.RemoveClip("cam", "first"));
  EXPECT_EQ(index.Match(in_first), Ids({}));
  EXPECT_EQ(index.Match({center, 1, kT0 + 65 * kMinuteUs, kT0 + 65 * kMinuteUs + 1}),
            Ids({"cam"}));  // The blip at 65 minutes.
  EXPECT_EQ(index.clip_count(), 69u);
}

TEST(MatchIndex, ExtremeTimesAndDurationsStayExact) {
  MatchIndex index;
  LatLng center{0, 0};
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  ASSERT_TRUE(index.UpsertCamera("cam_forever", center, true));
  ASSERT_TRUE(index.AddClip("cam_forever", "c", kMin, kMax));
  ASSERT_TRUE(index.UpsertCamera("cam_max_short", center, true));
  int64_t short_max = std::numeric_limits<uint32_t>::max();
  ASSERT_TRUE(index.AddClip("cam_max_short", "c", 0, short_max));
  ASSERT_TRUE(index.UpsertCamera("cam_min_long", center, true));
  ASSERT_TRUE(index.AddClip("cam_min_long", "c", 0, short_max + 1));
  EXPECT_FALSE(index.AddClip("cam_forever", "empty", 5, 5));
  EXPECT_FALSE(index.AddClip("cam_forever", "inverted", 6, 5));
  EXPECT_EQ(index.Match({center, 1, short_max - 1, short_max}),
            Ids({"cam_forever", "cam_max_short", "cam_min_long"}));
  EXPECT_EQ(index.Match({center, 1, short_max, short_max + 1}),
            Ids({"cam_forever", "cam_min_long"}));
  EXPECT_EQ(index.Match({center, 1, short_max + 1, kMax}), Ids({"cam_forever"}));
  EXPECT_EQ(index.Match({center, 1, kMin, kMin + 1}), Ids({"cam_forever"}));
}

TEST(MatchIndex, AntimeridianAndPoles) {
  MatchIndex index;
  ASSERT_TRUE(index.UpsertCamera("cam_east", {-16.5, 179.9999}, true));
  ASSERT_TRUE(index.UpsertCamera("cam_west", {-16.5, -179.9999}, true));
  ASSERT_TRUE(index.UpsertCamera("cam_west_far", {-16.5, -179.98}, true));  // ~2.1 km.
  ASSERT_TRUE(index.UpsertCamera("cam_north_pole", {90, 0}, true));
  ASSERT_TRUE(index.UpsertCamera("cam_near_north_pole", {89.999, 123}, true));  // ~111 m.
  ASSERT_TRUE(index.UpsertCamera("cam_south_pole", {-90, 45}, true));
  for (const char* cam : {"cam_east", "cam_west", "cam_west_far", "cam_north_pole",
                          "cam_near_north_pole", "cam_south_pole"}) {
    ASSERT_TRUE(index.AddClip(cam, "clp", kT0, kT0 + 1));
  }
  EXPECT_EQ(index.Match({{-16.5, 180}, 100, kT0, kT0 + 1}), Ids({"cam_east", "cam_west"}));
  EXPECT_EQ(index.Match({{-16.5, -180}, 100, kT0, kT0 + 1}), Ids({"cam_east", "cam_west"}));
  EXPECT_EQ(index.Match({{-16.5, 180}, 3000, kT0, kT0 + 1}),
            Ids({"cam_east", "cam_west", "cam_west_far"}));
  EXPECT_EQ(index.Match({{90, -170}, 200, kT0, kT0 + 1}),
            Ids({"cam_near_north_pole", "cam_north_pole"}));
  EXPECT_EQ(index.Match({{89.9995, 0}, 60, kT0, kT0 + 1}), Ids({"cam_north_pole"}));  // 56 m.
  EXPECT_EQ(index.Match({{-90, 0}, 1, kT0, kT0 + 1}), Ids({"cam_south_pole"}));
}

TEST(MatchIndex, OddQueriesNeverCrash) {
  MatchIndex index;
  ASSERT_TRUE(index.UpsertCamera("cam_a", {10, 10}, true));
  ASSERT_TRUE(index.UpsertCamera("cam_b", {-10, -170}, true));
  ASSERT_TRUE(index.AddClip("cam_a", "c", kT0, kT0 + 10));
  ASSERT_TRUE(index.AddClip("cam_b", "c", kT0, kT0 + 10));
  double nan = std::nan(""), inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(index.Match({{nan, 10}, 100, kT0, kT0 + 10}), Ids({}));
  EXPECT_EQ(index.Match({{10, inf}, 100, kT0, kT0 + 10}), Ids({}));
  EXPECT_EQ(index.Match({{91, 10}, 100, kT0, kT0 + 10}), Ids({}));
  EXPECT_EQ(index.Match({{10, 181}, 100, kT0, kT0 + 10}), Ids({}));
  EXPECT_EQ(index.Match({{10, 10}, nan, kT0, kT0 + 10}), Ids({}));
  EXPECT_EQ(index.Match({{10, 10}, -1, kT0, kT0 + 10}), Ids({}));
  EXPECT_EQ(index.Match({{10, 10}, 0, kT0, kT0 + 10}), Ids({"cam_a"}));  // Exactly there.
  EXPECT_EQ(index.Match({{10, 10.000001}, 0, kT0, kT0 + 10}), Ids({}));
  EXPECT_EQ(index.Match({{10, 10}, 1e12, kT0, kT0 + 10}), Ids({"cam_a", "cam_b"}));
  EXPECT_EQ(index.Match({{10, 10}, inf, kT0, kT0 + 10}), Ids({"cam_a", "cam_b"}));
  EXPECT_EQ(index.Match({{10, 10}, 2.1e7, kT0, kT0 + 10}), Ids({"cam_a", "cam_b"}));
  EXPECT_FALSE(index.UpsertCamera("cam_nan", {nan, 0}, true));
  EXPECT_FALSE(index.UpsertCamera("cam_bad", {0, 200}, true));
  EXPECT_EQ(index.camera_count(), 2u);
}

TEST(MatchIndex, WritesChangeTheAnswer) {
  MatchIndex index;
  LatLng here{48.85, 2.35}, there{48.95, 2.35};
  MatchQuery q{here, 100, kT0, kT0 + kHourUs};
  EXPECT_FALSE(index.AddClip("cam_unknown", "c", kT0, kT0 + 10));  // Ignored.
  EXPECT_EQ(index.clip_count(), 0u);
  ASSERT_TRUE(index.UpsertCamera("cam", here, true));
  EXPECT_EQ(index.Match(q), Ids({}));  // No clip yet.
  ASSERT_TRUE(index.AddClip("cam", "c1", kT0, kT0 + 10));
  ASSERT_TRUE(index.AddClip("cam", "c2", kT0 + 20, kT0 + 30));
  EXPECT_EQ(index.Match(q), Ids({"cam"}));
  ASSERT_TRUE(index.AddClip("cam", "c1", kT0, kT0 + 10));  // Again: replaced, not doubled.
  EXPECT_EQ(index.clip_count(), 2u);

  ASSERT_TRUE(index.UpsertCamera("cam", here, false));  // The owner stops accepting.
  EXPECT_EQ(index.Match(q), Ids({}));
  ASSERT_TRUE(index.UpsertCamera("cam", there, true));  // Moved; clips stay.
  EXPECT_EQ(index.Match(q), Ids({}));
  EXPECT_EQ(index.Match({there, 100, kT0, kT0 + kHourUs}), Ids({"cam"}));
  ASSERT_TRUE(index.UpsertCamera("cam", here, true));

  EXPECT_TRUE(index.RemoveClip("cam", "c1"));
  EXPECT_FALSE(index.RemoveClip("cam", "c1"));
  EXPECT_EQ(index.Match(q), Ids({"cam"}));
  EXPECT_EQ(index.Match({here, 100, kT0, kT0 + 10}), Ids({}));
  EXPECT_TRUE(index.RemoveClip("cam", "c2"));
  EXPECT_EQ(index.Match(q), Ids({}));

  ASSERT_TRUE(index.AddClip("cam", "c3", kT0, kT0 + 10));
  EXPECT_TRUE(index.RemoveCamera("cam"));
  EXPECT_FALSE(index.RemoveCamera("cam"));
  EXPECT_FALSE(index.RemoveClip("cam", "c3"));
  EXPECT_EQ(index.Match(q), Ids({}));
  EXPECT_EQ(index.camera_count(), 0u);
  EXPECT_EQ(index.clip_count(), 0u);

  // The freed slot is reused; nothing of the old camera comes back with it.
  ASSERT_TRUE(index.UpsertCamera("cam_new", here, true));
  EXPECT_EQ(index.Match(q), Ids({}));
  ASSERT_TRUE(index.AddClip("cam_new", "c", kT0, kT0 + 10));
  EXPECT_EQ(index.Match(q), Ids({"cam_new"}));
}

// Random cameras in a ~20 km square, random clips and random writes; every answer is compared
// with the brute force.
TEST(MatchIndex, AgreesWithBruteForceOnRandomData) {
  std::mt19937_64 rng(20261129);
  auto uniform = [&](double lo, double hi) {
    return std::uniform_real_distribution<>(lo, hi)(rng);
  };
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  MatchIndex index;
  BruteForce brute;
  const LatLng origin{41.88, -87.63};
  auto random_point = [&] {
    return LatLng{origin.lat_deg + uniform(-0.09, 0.09), origin.lng_deg + uniform(-0.12, 0.12)};
  };
  constexpr int kCameras = 2000;
  const int64_t kSpanUs = 7 * 24 * kHourUs;
  auto cam_id = [](int64_t i) { return "cam_" + std::to_string(i); };
  int next_clip = 0;
  auto add_random_clip = [&] {
    std::string cam = cam_id(pick(0, kCameras - 1));
    std::string clip = "clp_" + std::to_string(next_clip++);
    int64_t start = kT0 + pick(0, kSpanUs);
    int64_t length = pick(0, 9) == 0 ? pick(2 * kHourUs, 30 * kHourUs) : pick(10, 300) * 1'000'000;
    index.AddClip(cam, clip, start, start + length);
    brute.AddClip(cam, clip, start, start + length);
    return std::make_pair(cam, clip);
  };

  for (int i = 0; i < kCameras; ++i) {
    LatLng p = random_point();
    bool accepts = pick(0, 4) != 0;
    ASSERT_TRUE(index.UpsertCamera(cam_id(i), p, accepts));
    brute.UpsertCamera(cam_id(i), p, accepts);
  }
  std::vector<std::pair<std::string, std::string>> clips;
  for (int i = 0; i < 40'000; ++i) clips.push_back(add_random_clip());
  index.ShrinkToFit();

  auto random_query = [&] {
    double radius = pick(0, 19) == 0 ? uniform(0, 5'000) : uniform(25, 800);
    int64_t from = kT0 + pick(-kHourUs, kSpanUs);
    return MatchQuery{random_point(), radius, from, from + pick(1, 6 * kHourUs)};
  };
  auto check_queries = [&](int n) {
    for (int i = 0; i < n; ++i) {
      MatchQuery q = random_query();
      ASSERT_EQ(index.Match(q), brute.Match(q))
          << q.center.lat_deg << "," << q.center.lng_deg << " r=" << q.radius_m;
    }
  };
  check_queries(300);

  // Writes of every kind, then compare again.
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 3000; ++i) {
      size_t k = pick(0, clips.size() - 1);
      index.RemoveClip(clips[k].first, clips[k].second);
      brute.RemoveClip(clips[k].first, clips[k].second);
      clips[k] = add_random_clip();
    }
    for (int i = 0; i < 100; ++i) {
      std::string cam = cam_id(pick(0, kCameras - 1));
      if (pick(0, 3) == 0) {
        index.RemoveCamera(cam);
        brute.RemoveCamera(cam);
      } else {
        LatLng p = random_point();
        bool accepts = pick(0, 4) != 0;
        ASSERT_TRUE(index.UpsertCamera(cam, p, accepts));
        brute.UpsertCamera(cam, p, accepts);
      }
    }
    EXPECT_EQ(index.clip_count(), brute.clip_count());
    check_queries(100);
  }
  EXPECT_GT(index.MemoryBytes(), index.clip_count() * 20);
}

TEST(MatchIndex, ConcurrentMatchesAndWrites) {
  MatchIndex index;
  const LatLng center{37.77, -122.42};
  for (int i = 0; i < 500; ++i) {
    ASSERT_TRUE(index.UpsertCamera("cam_" + std::to_string(i),
                                   {center.lat_deg + i * 1e-5, center.lng_deg}, true));
    ASSERT_TRUE(index.AddClip("cam_" + std::to_string(i), "base", kT0, kT0 + kHourUs));
  }
  std::atomic<bool> stop{false};
  std::atomic<int64_t> matches{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        auto ids = index.Match({center, 1'000, kT0, kT0 + kHourUs});
        // Cameras "cam_0".."cam_249" are never touched by the writer: always there.
        EXPECT_GE(ids.size(), 250u);
        ++matches;
      }
    });
  }
  std::thread writer([&] {
    std::mt19937 rng(7);
    for (int i = 0; i < 20'000; ++i) {
      std::string cam = "cam_" + std::to_string(250 + rng() % 250);
      switch (rng() % 4) {
        case 0:
          index.AddClip(cam, "c" + std::to_string(i), kT0 + i, kT0 + i + 10);
          break;
        case 1:
          index.RemoveClip(cam, "c" + std::to_string(i - 1));
          break;
        case 2:
          index.RemoveCamera(cam);
          break;
        default:
          index.UpsertCamera(cam, {center.lat_deg, center.lng_deg + 1e-5}, rng() % 2);
          break;
      }
    }
  });
  writer.join();
  stop = true;
  for (auto& r : readers) r.join();
  EXPECT_GT(matches.load(), 0);
}

// Many cameras in one bucket, their clips added in no order (so that the bucket holds several
// runs), then moved, removed and re-added; every answer is compared with the brute force, before
// and after ShrinkToFit merges the runs.
TEST(MatchIndex, OneCrowdedBucketAgreesWithBruteForce) {
  std::mt19937_64 rng(42);
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  MatchIndex index;
  BruteForce brute;
  const LatLng spot{51.5007, -0.1246};
  const LatLng elsewhere{51.52, -0.10};  // About 2.3 km away: another bucket.
  auto near = [&](const LatLng& p) {     // Within ~50 m: the same level-14 cell, almost always.
    return LatLng{p.lat_deg + pick(-400, 400) * 1e-6, p.lng_deg + pick(-400, 400) * 1e-6};
  };
  constexpr int kCameras = 150;  // More runs than a bulk load leaves unmerged (64).
  auto cam_id = [](int64_t i) { return "cam_" + std::to_string(i); };
  for (int i = 0; i < kCameras; ++i) {
    LatLng p = near(spot);
    index.UpsertCamera(cam_id(i), p, i % 7 != 0);
    brute.UpsertCamera(cam_id(i), p, i % 7 != 0);
  }
  const int64_t kSpanUs = 48 * kHourUs;
  std::vector<std::pair<std::string, std::string>> clips;
  auto add = [&](int n) {
    for (int i = 0; i < n; ++i) {
      std::string cam = cam_id(pick(0, kCameras - 1));
      std::string clip = "clp_" + std::to_string(clips.size());
      int64_t start = kT0 + pick(0, kSpanUs);
      int64_t end = start + (pick(0, 20) == 0 ? pick(2, 9) * kHourUs : pick(1, 300) * 1'000'000);
      index.AddClip(cam, clip, start, end);
      brute.AddClip(cam, clip, start, end);
      clips.emplace_back(cam, clip);
    }
  };
  auto check = [&](const char* when) {
    ASSERT_EQ(index.clip_count(), brute.clip_count()) << when;
    for (int i = 0; i < 200; ++i) {
      int64_t from = kT0 + pick(-kHourUs, kSpanUs);
      MatchQuery q{pick(0, 1) ? spot : elsewhere, 200, from, from + pick(1, 3 * kHourUs)};
      ASSERT_EQ(index.Match(q), brute.Match(q)) << when << " query " << i;
    }
  };
  // A bulk load, camera by camera with clips in start order; one camera has a crowd of clips
  // a microsecond apart.
  for (int i = 0; i < kCameras; ++i) {
    std::vector<std::string> ids;
    std::vector<int64_t> starts;
    int n = i == 17 ? 100 : static_cast<int>(pick(0, 40));
    for (int j = 0; j < n; ++j)
      starts.push_back(i == 17 ? kT0 + kHourUs + j : kT0 + pick(0, kSpanUs));
    std::sort(starts.begin(), starts.end());
    starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
    for (size_t j = 0; j < starts.size(); ++j)
      ids.push_back("bulk_" + std::to_string(i) + "_" + std::to_string(j));
    std::vector<ClipInterval> batch;
    for (size_t j = 0; j < starts.size(); ++j) {
      int64_t end = starts[j] + (j % 9 == 0 ? 5 * kHourUs : pick(1, 300) * 1'000'000);
      batch.push_back({ids[j], starts[j], end});
      brute.AddClip(cam_id(i), ids[j], starts[j], end);
      clips.emplace_back(cam_id(i), ids[j]);
    }
    ASSERT_EQ(index.AddClips(cam_id(i), batch), batch.size());
    if (i == 30) check("half loaded");
  }
  check("bulk loaded");
  add(3000);
  check("loaded");
  index.ShrinkToFit();
  check("shrunk");
  for (int round = 0; round < 4; ++round) {
    for (int i = 0; i < 300; ++i) {
      auto& [cam, clip] = clips[pick(0, clips.size() - 1)];
      index.RemoveClip(cam, clip);
      brute.RemoveClip(cam, clip);
    }
    add(500);
    for (int i = 0; i < 10; ++i) {
      std::string cam = cam_id(pick(0, kCameras - 1));
      switch (pick(0, 2)) {
        case 0:
          index.RemoveCamera(cam);
          brute.RemoveCamera(cam);
          break;
        default: {
          LatLng p = near(pick(0, 1) ? spot : elsewhere);
          index.UpsertCamera(cam, p, true);
          brute.UpsertCamera(cam, p, true);
        }
      }
    }
    check("after writes");
  }
  index.ShrinkToFit();
  check("shrunk again");
}

// A camera that leaves a bucket takes its clips along; the camera that takes its place in the
// old bucket keeps its own, and can still have them removed by id.
TEST(MatchIndex, MovedOrRemovedCameraTakesItsClipsAlong) {
  MatchIndex index;
  const LatLng here{40.4168, -3.7038}, there{40.45, -3.70};
  for (const char* cam : {"cam_a", "cam_b", "cam_c"})
    ASSERT_TRUE(index.UpsertCamera(cam, here, true));
  // cam_a: hour 0; cam_b: hour 1; cam_c (the bucket's last entry): hours 2 and 3.
  ASSERT_TRUE(index.AddClip("cam_a", "a0", kT0, kT0 + 10));
  ASSERT_TRUE(index.AddClip("cam_b", "b1", kT0 + kHourUs, kT0 + kHourUs + 10));
  ASSERT_TRUE(index.AddClip("cam_c", "c2", kT0 + 2 * kHourUs, kT0 + 2 * kHourUs + 10));
  ASSERT_TRUE(index.AddClip("cam_c", "c3", kT0 + 3 * kHourUs, kT0 + 3 * kHourUs + 10));
  auto hour = [&](const LatLng& p, int h) {
    return index.Match({p, 100, kT0 + h * kHourUs, kT0 + h * kHourUs + 10});
  };

  ASSERT_TRUE(index.UpsertCamera("cam_a", there, true));  // cam_c moves into cam_a's position.
  EXPECT_EQ(hour(here, 0), Ids({}));
  EXPECT_EQ(hour(there, 0), Ids({"cam_a"}));
  EXPECT_EQ(hour(here, 1), Ids({"cam_b"}));
  EXPECT_EQ(hour(here, 2), Ids({"cam_c"}));
  EXPECT_EQ(hour(here, 3), Ids({"cam_c"}));
  EXPECT_TRUE(index.RemoveClip("cam_c", "c2"));
  EXPECT_FALSE(index.RemoveClip("cam_b", "c3"));  // Another camera's clip.
  EXPECT_EQ(hour(here, 2), Ids({}));
  EXPECT_EQ(hour(here, 3), Ids({"cam_c"}));
  EXPECT_TRUE(index.RemoveClip("cam_a", "a0"));
  EXPECT_EQ(hour(there, 0), Ids({}));
  ASSERT_TRUE(index.AddClip("cam_a", "a0", kT0, kT0 + 10));
  ASSERT_TRUE(index.UpsertCamera("cam_a", here, true));  // Back, with its clip.
  EXPECT_EQ(hour(here, 0), Ids({"cam_a"}));
  EXPECT_EQ(index.clip_count(), 3u);

  EXPECT_TRUE(index.RemoveCamera("cam_b"));  // Its clip goes; the others' stay.
  EXPECT_EQ(index.clip_count(), 2u);
  EXPECT_EQ(hour(here, 1), Ids({}));
  EXPECT_EQ(hour(here, 0), Ids({"cam_a"}));
  EXPECT_EQ(hour(here, 3), Ids({"cam_c"}));
  ASSERT_TRUE(index.UpsertCamera("cam_d", here, true));  // Nothing of cam_b comes back.
  EXPECT_EQ(hour(here, 1), Ids({}));
  EXPECT_TRUE(index.RemoveCamera("cam_a"));
  EXPECT_TRUE(index.RemoveCamera("cam_c"));
  EXPECT_EQ(index.clip_count(), 0u);
  EXPECT_EQ(hour(here, 3), Ids({}));
}

// Re-adding a clip replaces its end wherever its first entry was stored: in a bulk-loaded run,
// in a run merged by ShrinkToFit, or among the long clips.
TEST(MatchIndex, ReAddedClipReplacesItsEndAcrossRuns) {
  MatchIndex index;
  const LatLng here{-33.87, 151.21};
  ASSERT_TRUE(index.UpsertCamera("cam", here, true));
  ASSERT_TRUE(index.UpsertCamera("cam_other", here, true));
  std::vector<std::string> ids;
  std::vector<ClipInterval> clips;
  for (int i = 0; i < 50; ++i) ids.push_back("c" + std::to_string(i));
  for (int i = 0; i < 50; ++i) clips.push_back({ids[i], kT0 + i * kHourUs, kT0 + i * kHourUs + 10});
  ASSERT_EQ(index.AddClips("cam", clips), 50u);
  ASSERT_EQ(index.AddClips("cam_other", clips), 50u);  // Same ids, another camera.
  ASSERT_TRUE(index.AddClip("cam", "late", kT0 + 100 * kHourUs, kT0 + 100 * kHourUs + 10));
  auto at = [&](int64_t t) { return index.Match({here, 10, t, t + 1}); };
  EXPECT_EQ(at(kT0 + 5 * kHourUs + 5), Ids({"cam", "cam_other"}));

  ASSERT_TRUE(index.AddClip("cam", "c5", kT0 + 5 * kHourUs, kT0 + 5 * kHourUs + 3));  // Shorter.
  EXPECT_EQ(at(kT0 + 5 * kHourUs + 5), Ids({"cam_other"}));
  EXPECT_EQ(index.clip_count(), 101u);
  index.ShrinkToFit();
  ASSERT_TRUE(index.AddClip("cam", "c7", kT0 + 7 * kHourUs, kT0 + 9 * kHourUs));  // Now long.
  EXPECT_EQ(at(kT0 + 8 * kHourUs + 20), Ids({"cam"}));
  ASSERT_TRUE(index.AddClip("cam", "c7", kT0 + 7 * kHourUs, kT0 + 7 * kHourUs + 10));  // Short.
  EXPECT_EQ(at(kT0 + 8 * kHourUs + 20), Ids({}));
  EXPECT_EQ(at(kT0 + 7 * kHourUs + 5), Ids({"cam", "cam_other"}));
  EXPECT_EQ(index.clip_count(), 101u);
  // A batch with a clip already held goes clip by clip: replaced, not doubled.
  ASSERT_EQ(index.AddClips("cam", std::span(clips).subspan(10, 5)), 5u);
  EXPECT_EQ(index.clip_count(), 101u);
  EXPECT_TRUE(index.RemoveClip("cam", "c12"));
  EXPECT_EQ(at(kT0 + 12 * kHourUs + 5), Ids({"cam_other"}));
}

// Past 65,536 cameras in one bucket a clip's tag needs more bits for its camera; every clip is
// re-tagged, and matching and removal still find the right camera.
TEST(MatchIndex, BucketWithMoreThan65536Cameras) {
  MatchIndex index;
  const LatLng spot{1.3521, 103.8198};
  constexpr int kCameras = 65'600;
  auto cam_id = [](int i) { return "cam_" + std::to_string(i); };
  auto place = [&](int i) {  // Within a few metres: one level-14 cell.
    return LatLng{spot.lat_deg + (i % 256) * 1e-7, spot.lng_deg + (i / 256) * 1e-7};
  };
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(index.UpsertCamera(cam_id(i), place(i), true));
    ASSERT_TRUE(index.AddClip(cam_id(i), "clp", kT0 + i * kHourUs, kT0 + i * kHourUs + 10));
  }
  for (int i = 100; i < kCameras; ++i) ASSERT_TRUE(index.UpsertCamera(cam_id(i), place(i), true));
  ASSERT_TRUE(index.AddClip(cam_id(kCameras - 1), "clp", kT0 - kHourUs, kT0 - kHourUs + 10));
  auto hour = [&](int h) {
    return index.Match({spot, 100, kT0 + h * kHourUs, kT0 + h * kHourUs + 1});
  };
  EXPECT_EQ(hour(-1), Ids({"cam_65599"}));
  EXPECT_EQ(hour(0), Ids({"cam_0"}));
  EXPECT_EQ(hour(99), Ids({"cam_99"}));
  EXPECT_TRUE(index.RemoveClip(cam_id(42), "clp"));
  EXPECT_FALSE(index.RemoveClip(cam_id(43), "nope"));
  EXPECT_EQ(hour(42), Ids({}));
  EXPECT_EQ(hour(43), Ids({"cam_43"}));
  EXPECT_TRUE(index.RemoveCamera(cam_id(7)));  // The last camera takes its position.
  EXPECT_EQ(hour(7), Ids({}));
  EXPECT_EQ(hour(-1), Ids({"cam_65599"}));
  EXPECT_TRUE(index.RemoveClip(cam_id(kCameras - 1), "clp"));
  EXPECT_EQ(hour(-1), Ids({}));
  EXPECT_EQ(index.clip_count(), 98u);
}

}  // namespace
}  // namespace canvass::requests
