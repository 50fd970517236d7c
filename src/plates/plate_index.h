// PlateIndex: licence-plate reads (ALPR) held in memory for search.
//
// A read is (read index, plate, camera, time): the read index is the caller's (the store's row
// id), the plate is normalised text (NormalizePlate: 2 to 8 characters of A-Z0-9), the camera a
// dense index the caller assigns, the time in microseconds. A search returns read indexes,
// newest first (time descending, then read index ascending), at most `limit` of them, for one of
// four kinds of match on the plate text:
//
//   kExact       the plate itself;
//   kWildcard    a pattern: '*' any run of characters (also none), '?' exactly one character
//                ("7AB*", "?XY12?", "*123", "*AB*"); it needs at least 2 literal characters;
//   kFuzzyClass  every plate whose confusion key (ConfusionClasses::Key) equals the query's:
//                "8OL5" finds "B0I5";
//   kFuzzyEdit   every plate whose confusion key is within Levenshtein distance 1 of the query's
//                (one substitution, insertion or deletion, after the confusion classes).
//
// Filters: a time window [from_us, to_us) and a set of allowed cameras (how sharing restricts a
// search to the cameras an agency may search). Both are checked per read, in O(1).
//
// The store stays the truth: the server loads the index from it at start, adds every new read
// (Add) and removes what retention deletes (RemoveReadsBefore, or Remove for one read).
// docs/design/plate-index.md describes the structure, its complexity and measured memory.
//
// Usage:
//   PlateIndex index;
//   CANVASS_RETURN_IF_ERROR(index.Add({.read_index = 17, .plate = "7ABC123", .camera = 4,
//                                      .time_us = now_us}));
//   PlateQuery q{.mode = PlateSearchMode::kWildcard, .text = "7AB*", .from_us = a, .to_us = b,
//                .cameras = &agency_cameras, .limit = 100};
//   CANVASS_ASSIGN_OR_RETURN(PlateSearchResult r, index.Search(q));
//
// Thread-safety: every method may be called from any thread. Searches share a lock; writers
// (Add, AddBatch, Remove, RemoveReadsBefore, ShrinkToFit) take it exclusively for a short time
// (one read, one batch, or one retention bucket), so a search sees each write entirely or not
// at all. A waiting writer goes before readers that come after it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/writer_first_mutex.h"
#include "plates/plate_text.h"

namespace canvass::plates {

// A plate packed into 8 bytes: character i in byte i (little-endian order), zero padded. Packed
// plates compare equal iff the texts are equal, and the length is the number of non-zero bytes.
uint64_t PackPlate(std::string_view plate);
std::string UnpackPlate(uint64_t packed);

struct PlateRead {
  uint64_t read_index = 0;  // Assigned by the caller; unique per read.
  std::string_view plate;   // Already normalised (NormalizePlate); others are InvalidArgument.
  uint32_t camera = 0;
  int64_t time_us = 0;
};

enum class PlateSearchMode { kExact, kWildcard, kFuzzyClass, kFuzzyEdit };

inline constexpr size_t kMaxSearchLimit = 1'000'000;

struct PlateQuery {
  PlateSearchMode mode = PlateSearchMode::kExact;
  // kExact and the fuzzy modes: a plate as typed (it is normalised: "7ab-123" is "7AB123").
  // kWildcard: a pattern of A-Z, 0-9, '*' and '?' (lower case, ' ', '-' and '.' as for plates).
  std::string_view text;
  int64_t from_us = std::numeric_limits<int64_t>::min();  // Inclusive.
  int64_t to_us = std::numeric_limits<int64_t>::max();    // Exclusive.
  // Allowed cameras, sorted ascending; nullptr allows every camera, an empty vector none.
  const std::vector<uint32_t>* cameras = nullptr;
  size_t limit = 1000;  // 1 to kMaxSearchLimit.
};

struct ReadRef {
  uint64_t read_index = 0;
  int64_t time_us = 0;
  uint32_t camera = 0;
  bool operator==(const ReadRef&) const = default;
};

struct PlateSearchResult {
  std::vector<ReadRef> reads;  // Newest first (time descending, then read index ascending).
  bool truncated = false;      // More than `limit` reads matched.
  size_t plates = 0;           // Distinct plates whose text matched (before the filters).
};

struct PlateIndexOptions {
  // Reads are listed for retention by time in buckets of this width (see RemoveReadsBefore).
  int64_t retention_bucket_us = 10 * 60 * 1'000'000LL;
  // The confusion classes of kFuzzyClass and kFuzzyEdit; must outlive the index.
  const ConfusionClasses* classes = &ConfusionClasses::Default();
};

class PlateIndex {
 public:
  explicit PlateIndex(PlateIndexOptions options = {});
  ~PlateIndex();
  PlateIndex(const PlateIndex&) = delete;
  PlateIndex& operator=(const PlateIndex&) = delete;

  // Adds one read. InvalidArgument if the plate is not normalised; AlreadyExists if a read with
  // the same read index and time is already held for that plate (a replayed add). O(1)
  // amortised, plus O(posting length) when a new plate reuses a freed plate id.
  Status Add(const PlateRead& read);
  // Adds reads under one lock; stops at the first error (the reads before it stay added).
  Status AddBatch(std::span<const PlateRead> reads);

  // Removes one read of a plate. Returns false if the index does not hold it. O(reads of the
  // plate) plus, when that was its last read, O(posting lengths) to drop the plate.
  bool Remove(std::string_view plate, uint64_t read_index);

  // Removes every read with time_us < cutoff_us; returns how many. Retention calls it with a
  // cutoff that advances in small steps. The work is O(reads removed + plates listed in the
  // buckets touched); the exclusive lock is held for at most 256 plates at a time, never for
  // the whole call.
  size_t RemoveReadsBefore(int64_t cutoff_us);

  // InvalidArgument for a bad plate or pattern (a pattern with fewer than 2 literal characters,
  // or one that needs more than 8 characters), a limit of 0 or above kMaxSearchLimit, or
  // cameras that are not sorted. An empty window (from_us >= to_us) matches nothing.
  StatusOr<PlateSearchResult> Search(const PlateQuery& query) const;

  size_t read_count() const;
  size_t plate_count() const;

  // Estimate of the heap the index uses: containers' capacity and the read blocks' allocations
  // (not the allocator's own per-block overhead).
  size_t MemoryBytes() const;

  // Releases spare capacity (read blocks, posting lists, retention buckets). Call once after the
  // initial load.
  void ShrinkToFit();

 private:
  struct Impl;
  class ReadLock;
  class WriteLock;

  // Writer-first: steady searches must not hold ingest off (common/writer_first_mutex.h).
  mutable WriterFirstSharedMutex mu_;
  std::unique_ptr<Impl> impl_;  // Guarded by mu_.
};

}  // namespace canvass::plates
