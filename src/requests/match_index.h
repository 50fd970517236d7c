// MatchIndex: which cameras can answer a community footage request, held in memory.
//
// A request names a point, a radius and a time window. A camera matches when its owner accepts
// requests, it lies within the radius of the point (great-circle distance, exactly as
// geo::DistanceMeters computes it, boundary included) and it holds at least one clip overlapping
// the window: clip [start_us, end_us) overlaps [from_us, to_us) iff start_us < to_us and
// end_us > from_us.
//
// The store stays the truth. The server builds the index from the store at start and tells it
// about every change to cameras and clips; the index keeps only what matching needs: a camera's
// id, location and flag, and each clip's interval and 48 bits of a hash of its id.
// docs/design/matching.md describes the structure, its complexity and its measured memory.
//
// Usage:
//   MatchIndex index;
//   index.UpsertCamera("cam_x", {37.77, -122.42}, /*accepts_requests=*/true);
//   index.AddClip("cam_x", "clp_y", start_us, end_us);
//   std::vector<std::string> ids = index.Match({{37.77, -122.42}, 500, from_us, to_us});
//
// Thread-safety: every method may be called from any thread. Match and the counters share a
// lock; the writers (Upsert*, Add*, Remove*, ShrinkToFit) take it exclusively, so a Match sees
// each write entirely or not at all. A waiting writer goes before readers that come after it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/writer_first_mutex.h"
#include "geo/lat_lng.h"

namespace canvass::requests {

// One clip, for MatchIndex::AddClips.
struct ClipInterval {
  std::string_view clip_id;
  int64_t start_us = 0;
  int64_t end_us = 0;
};

struct MatchQuery {
  LatLng center;
  double radius_m = 0;
  int64_t from_us = 0;  // Inclusive.
  int64_t to_us = 0;    // Exclusive.
};

class MatchIndex {
 public:
  MatchIndex();
  ~MatchIndex();
  MatchIndex(const MatchIndex&) = delete;
  MatchIndex& operator=(const MatchIndex&) = delete;

  // Adds or replaces a camera (location and whether its owner accepts requests); a replaced
  // camera keeps its clips. Returns false, changing nothing, if the location is not a valid
  // latitude/longitude (the store validates locations, so this signals a bug upstream).
  bool UpsertCamera(std::string_view camera_id, LatLng location, bool accepts_requests);

  // Removes a camera and its clips. Returns false if the camera is unknown.
  bool RemoveCamera(std::string_view camera_id);

  // Adds the clip [start_us, end_us) to a known camera. Returns false, changing nothing, if the
  // camera is unknown or end_us <= start_us (no footage). Adding a clip id again with the same
  // start replaces its end; a clip's start is expected not to change (if it does, the old entry
  // stays until RemoveClip, which removes every entry of the id).
  bool AddClip(std::string_view camera_id, std::string_view clip_id, int64_t start_us,
               int64_t end_us);

  // AddClip for many clips of one camera under one lock and one lookup: the initial load from
  // the store (clips in start order make every insertion an append). Returns how many clips
  // were stored (0 if the camera is unknown).
  size_t AddClips(std::string_view camera_id, std::span<const ClipInterval> clips);

  // Removes a clip. Returns false if the camera or the clip is unknown.
  bool RemoveClip(std::string_view camera_id, std::string_view clip_id);

  // Ids of the matching cameras, sorted by id (callers must not learn anything from order).
  // The caller validates the query; Match never fails on bad input: a non-finite or out-of-range
  // center, a negative or NaN radius, or an empty window (from_us >= to_us) match nothing; a
  // radius of 0 matches cameras exactly at the center; a radius past half the Earth's
  // circumference matches everywhere.
  std::vector<std::string> Match(const MatchQuery& q) const;

  size_t camera_count() const;
  size_t clip_count() const;

  // Estimate of the heap the index uses: every container's capacity, not just its contents
  // (the allocator's own per-block overhead is not counted).
  size_t MemoryBytes() const;

  // Merges each spatial bucket's sorted runs of clips into one and releases spare capacity.
  // Call once after the initial load (queries then do one binary search per bucket).
  void ShrinkToFit();

 private:
  struct Impl;
  class ReadLock;
  class WriteLock;

  // Writer-first: steady Match traffic must not hold writers off (common/writer_first_mutex.h).
  mutable WriterFirstSharedMutex mu_;
  std::unique_ptr<Impl> impl_;  // Guarded by mu_.
};

}  // namespace canvass::requests
