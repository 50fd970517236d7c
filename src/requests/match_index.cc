// MatchIndex's structure (docs/design/matching.md has the reasoning and the measurements):
//
//  - Space: cameras are bucketed by their S2 cell at level 14 (cells of about 0.3 km², so a
//    1 km radius touches about 20 of them). A bucket holds a contiguous array of 32-byte
//    entries (the camera's unit vector, slot and flag). A query flood-fills the level-14 cells
//    that may meet its cap, scans their entries and filters by chord distance; only cameras
//    within a hair of the radius go through geo::DistanceMeters, so the boundary is exactly the
//    store's.
//  - Time: the clips are stored per bucket, not per camera: sorted by start, each tagged with
//    its camera's position in the bucket. A query reads, per bucket, one binary search and the
//    contiguous clips that start between `from - longest duration` and `to`, instead of a few
//    scattered cache lines per camera in the radius. Live writes go into sorted runs merged like
//    a binary counter (O(log) moves per clip); a bulk load's runs are merged by a counting sort
//    every 64 runs; ShrinkToFit merges each bucket's runs into one.
//  - Ids: a camera has a uint32 slot (reused once freed) holding its id, location and where its
//    entry is; a hash set of slots finds a slot by id. A clip keeps the high bits of a 64-bit
//    hash of its id, beside its camera's position, for RemoveClip.
//
// All S2 and Abseil code stays in this file: S2's headers conflict with OpenCV's.
#include "requests/match_index.h"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <absl/hash/hash.h>
#include <s2/s1angle.h>
#include <s2/s1chord_angle.h>
#include <s2/s2cap.h>
#include <s2/s2cell.h>
#include <s2/s2cell_id.h>
#include <s2/s2earth.h>
#include <s2/s2latlng.h>
#include <s2/s2metrics.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <numbers>
#include <optional>
#include <tuple>
#include <utility>

#include "geo/geo.h"

namespace canvass::requests {
namespace {

constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min();

// ---- Allocation accounting ---------------------------------------------------------------

// A std::allocator that adds what it hands out to a counter, so that MemoryBytes can report
// the hash tables' real footprint (they do not expose it).
template <typename T>
struct CountingAllocator {
  using value_type = T;
  size_t* bytes;

  explicit CountingAllocator(size_t* counter) : bytes(counter) {}
  template <typename U>
  CountingAllocator(const CountingAllocator<U>& other) : bytes(other.bytes) {}  // NOLINT

  T* allocate(size_t n) {
    *bytes += n * sizeof(T);
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T* p, size_t n) {
    *bytes -= n * sizeof(T);
    std::allocator<T>().deallocate(p, n);
  }
  template <typename U>
  bool operator==(const CountingAllocator<U>& other) const {
    return bytes == other.bytes;
  }
};

// ---- Time: the clips of one bucket ---------------------------------------------------------

// A clip's tag: the high bits of its id's 64-bit hash, and in the low `cam_bits` bits the
// position of its camera's entry in the bucket. RemoveClip finds a clip by tag.
uint64_t CamMask(int cam_bits) { return (uint64_t{1} << cam_bits) - 1; }
uint64_t MakeTag(uint64_t id_hash, uint32_t cam, int cam_bits) {
  return (id_hash & ~CamMask(cam_bits)) | cam;
}

// The smallest start a clip of at most `max_duration` needs to end after `from_us`, saturated.
int64_t LowestUsefulStart(int64_t from_us, uint64_t max_duration) {
  uint64_t room = static_cast<uint64_t>(from_us) - static_cast<uint64_t>(kMinTime);
  if (max_duration >= room) return kMinTime;
  return static_cast<int64_t>(static_cast<uint64_t>(from_us) - max_duration);
}

// Clips sorted by start, in one allocation of `capacity_` entries laid out as a structure of
// arrays (the binary search touches only the starts; the tags are read only for clips that
// overlap the window):
//
//   int64_t   start_us[capacity]
//   DurationT duration_us[capacity]   (padded to a multiple of 8 bytes)
//   uint64_t  tag[capacity]
//
// Durations instead of ends save 4 bytes a clip with DurationT = uint32_t, which holds any clip
// up to 71.6 minutes exactly; longer clips go to runs with DurationT = uint64_t. So a clip
// costs 8 + 4 + 8 = 20 bytes (plus spare capacity). `max_duration_` bounds the durations from
// above (removals leave it as it is), so the clips that may overlap [from, to) all start in
// [from - max_duration, to).
template <typename DurationT>
class Run {
 public:
  Run() = default;
  ~Run() { std::free(data_); }
  Run(Run&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)),
        size_(std::exchange(o.size_, 0)),
        capacity_(std::exchange(o.capacity_, 0)),
        max_duration_(std::exchange(o.max_duration_, 0)) {}
  Run& operator=(Run&& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(capacity_, o.capacity_);
    std::swap(max_duration_, o.max_duration_);
    return *this;
  }

  uint32_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t AllocatedBytes() const { return BytesFor(capacity_); }
  DurationT max_duration() const { return max_duration_; }

  int64_t* starts() const { return reinterpret_cast<int64_t*>(data_); }
  DurationT* durations() const { return reinterpret_cast<DurationT*>(starts() + capacity_); }
  uint64_t* tags() const {
    return reinterpret_cast<uint64_t*>(starts() + capacity_) + DurationWords(capacity_);
  }

  // The end of clip i; exact, since the clip was stored with end > start and both are int64.
  int64_t EndAt(uint32_t i) const {
    return static_cast<int64_t>(static_cast<uint64_t>(starts()[i]) +
                                static_cast<uint64_t>(durations()[i]));
  }
  int64_t last_start() const { return starts()[size_ - 1]; }

  // How many clips start before t. (A branch-free search was tried on the per-camera lists of
  // the previous design: slower, as the CPU no longer speculates the next probe's load.)
  uint32_t LowerBound(int64_t t) const {
    return static_cast<uint32_t>(std::lower_bound(starts(), starts() + size_, t) - starts());
  }
  uint32_t UpperBound(int64_t t) const {
    return static_cast<uint32_t>(std::upper_bound(starts(), starts() + size_, t) - starts());
  }

  void Reserve(uint32_t capacity) {
    if (capacity > capacity_) Reallocate(capacity);
  }

  // Inserts at `pos`, which must keep the order by start.
  void Insert(uint32_t pos, int64_t start_us, DurationT duration_us, uint64_t tag) {
    if (size_ == capacity_) Grow();
    size_t n = size_ - pos;
    if (n > 0) {
      std::memmove(starts() + pos + 1, starts() + pos, n * sizeof(int64_t));
      std::memmove(durations() + pos + 1, durations() + pos, n * sizeof(DurationT));
      std::memmove(tags() + pos + 1, tags() + pos, n * sizeof(uint64_t));
    }
    starts()[pos] = start_us;
    durations()[pos] = duration_us;
    tags()[pos] = tag;
    max_duration_ = std::max(max_duration_, duration_us);
    ++size_;
  }
  void PushBack(int64_t start_us, DurationT duration_us, uint64_t tag) {
    Insert(size_, start_us, duration_us, tag);
  }

  void SetDuration(uint32_t i, DurationT duration_us) {
    durations()[i] = duration_us;
    max_duration_ = std::max(max_duration_, duration_us);
  }

  // Keeps, in order, the clips for which `keep(start, duration, tag)` is true; `keep` may
  // rewrite the tag. Returns how many were removed. Gives memory back when a run falls to a
  // quarter of its capacity.
  template <typename Keep>
  uint32_t Filter(Keep keep) {
    uint32_t out = 0;
    DurationT longest = 0;
    for (uint32_t i = 0; i < size_; ++i) {
      uint64_t tag = tags()[i];
      if (!keep(starts()[i], durations()[i], tag)) continue;
      starts()[out] = starts()[i];
      durations()[out] = durations()[i];
      tags()[out] = tag;
      longest = std::max(longest, durations()[out]);
      ++out;
    }
    uint32_t removed = size_ - out;
    size_ = out;
    if (removed > 0) {
      max_duration_ = longest;
      if (size_ < capacity_ / 4) Reallocate(size_);
    }
    return removed;
  }

  void ShrinkToFit() {
    if (capacity_ != size_) Reallocate(size_);
  }

  // The clips of both runs, in one run sorted by start. Branch-free: which run the next clip
  // comes from is a coin toss the CPU cannot predict, and the loads of both sides are cheap.
  static Run Merge(const Run& a, const Run& b) {
    Run out;
    out.Reallocate(a.size_ + b.size_);
    const int64_t *as = a.starts(), *bs = b.starts();
    const DurationT *ad = a.durations(), *bd = b.durations();
    const uint64_t *at = a.tags(), *bt = b.tags();
    int64_t* os = out.starts();
    DurationT* od = out.durations();
    uint64_t* ot = out.tags();
    uint32_t i = 0, j = 0, k = 0;
    while (i < a.size_ && j < b.size_) {
      int64_t sa = as[i], sb = bs[j];
      DurationT da = ad[i], db = bd[j];
      uint64_t ta = at[i], tb = bt[j];
      bool from_b = sb < sa;
      os[k] = from_b ? sb : sa;
      od[k] = from_b ? db : da;
      ot[k] = from_b ? tb : ta;
      j += from_b;
      i += !from_b;
      ++k;
    }
    for (; i < a.size_; ++i, ++k) os[k] = as[i], od[k] = ad[i], ot[k] = at[i];
    for (; j < b.size_; ++j, ++k) os[k] = bs[j], od[k] = bd[j], ot[k] = bt[j];
    out.size_ = k;
    out.max_duration_ = std::max(a.max_duration_, b.max_duration_);
    return out;
  }

  // Appends the clips of `o`, none of which starts before this run's last.
  void Append(const Run& o) {
    if (o.size_ == 0) return;
    if (size_ + o.size_ > capacity_) {
      Reallocate(std::max<uint32_t>(size_ + o.size_, capacity_ + capacity_ / 2));
    }
    std::memcpy(starts() + size_, o.starts(), o.size_ * sizeof(int64_t));
    std::memcpy(durations() + size_, o.durations(), o.size_ * sizeof(DurationT));
    std::memcpy(tags() + size_, o.tags(), o.size_ * sizeof(uint64_t));
    size_ += o.size_;
    max_duration_ = std::max(max_duration_, o.max_duration_);
  }

  // The clips of all the runs, in one run sorted by start. A counting sort on the high bits of
  // start - min, with about 4 clips a group when starts are spread, then a sort within each
  // group: O(n) for footage spread over time, O(n log n) at worst.
  static Run Union(const std::vector<Run>& runs) {
    size_t total = 0;
    int64_t lo = std::numeric_limits<int64_t>::max(), hi = kMinTime;
    DurationT longest = 0;
    for (const Run& r : runs) {
      if (r.empty()) continue;
      total += r.size_;
      lo = std::min(lo, r.starts()[0]);
      hi = std::max(hi, r.last_start());
      longest = std::max(longest, r.max_duration_);
    }
    Run out;
    if (total == 0) return out;
    if (total >= std::numeric_limits<uint32_t>::max()) std::abort();
    out.Reallocate(static_cast<uint32_t>(total));
    out.size_ = static_cast<uint32_t>(total);
    out.max_duration_ = longest;
    const uint64_t range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
    const int shift = std::max(
        0, static_cast<int>(std::bit_width(range)) - static_cast<int>(std::bit_width(total / 4)));
    auto group = [&](int64_t start) -> size_t {
      uint64_t offset = static_cast<uint64_t>(start) - static_cast<uint64_t>(lo);
      return shift >= 64 ? 0 : static_cast<size_t>(offset >> shift);
    };
    const size_t groups = group(hi) + 1;
    thread_local std::vector<uint32_t> first, next;  // Reused: unions come by the thousand.
    first.assign(groups + 1, 0);
    for (const Run& r : runs) {
      for (uint32_t i = 0; i < r.size_; ++i) ++first[group(r.starts()[i]) + 1];
    }
    for (size_t g = 1; g <= groups; ++g) first[g] += first[g - 1];
    next.assign(first.begin(), first.end() - 1);
    int64_t* os = out.starts();
    DurationT* od = out.durations();
    uint64_t* ot = out.tags();
    for (const Run& r : runs) {
      for (uint32_t i = 0; i < r.size_; ++i) {
        uint32_t k = next[group(r.starts()[i])]++;
        os[k] = r.starts()[i];
        od[k] = r.durations()[i];
        ot[k] = r.tags()[i];
      }
    }
    std::vector<std::tuple<int64_t, DurationT, uint64_t>> crowd;
    for (size_t g = 0; g < groups; ++g) {
      uint32_t b = first[g], e = first[g + 1];
      if (e - b <= 32) {
        for (uint32_t i = b + 1; i < e; ++i) {  // Insertion sort.
          int64_t s = os[i];
          DurationT d = od[i];
          uint64_t t = ot[i];
          uint32_t j = i;
          for (; j > b && os[j - 1] > s; --j) {
            os[j] = os[j - 1];
            od[j] = od[j - 1];
            ot[j] = ot[j - 1];
          }
          os[j] = s;
          od[j] = d;
          ot[j] = t;
        }
        continue;
      }
      crowd.clear();
      for (uint32_t i = b; i < e; ++i) crowd.emplace_back(os[i], od[i], ot[i]);
      std::sort(crowd.begin(), crowd.end(),
                [](const auto& x, const auto& y) { return std::get<0>(x) < std::get<0>(y); });
      for (uint32_t i = b; i < e; ++i) std::tie(os[i], od[i], ot[i]) = crowd[i - b];
    }
    if (first.capacity() > (1 << 20)) {
      std::vector<uint32_t>().swap(first);
      std::vector<uint32_t>().swap(next);
    }
    return out;
  }

 private:
  // Words (8 bytes) of the durations array.
  static size_t DurationWords(uint32_t capacity) {
    return (size_t{capacity} * sizeof(DurationT) + 7) / 8;
  }
  static size_t BytesFor(uint32_t capacity) {
    if (capacity == 0) return 0;
    return 8 * (2 * size_t{capacity} + DurationWords(capacity));
  }

  void Grow() {
    constexpr uint32_t kMax = std::numeric_limits<uint32_t>::max() - 1;
    if (capacity_ >= kMax) std::abort();  // 4 billion clips in one bucket.
    uint64_t wanted = std::max<uint64_t>(4, uint64_t{capacity_} + capacity_ / 2);
    Reallocate(static_cast<uint32_t>(std::min<uint64_t>(wanted, kMax)));
  }

  void Reallocate(uint32_t new_capacity) {
    std::byte* fresh = nullptr;
    if (new_capacity > 0) {
      fresh = static_cast<std::byte*>(std::malloc(BytesFor(new_capacity)));
      if (fresh == nullptr) std::abort();
    }
    Run next;
    next.data_ = fresh;
    next.capacity_ = new_capacity;
    next.size_ = size_;
    next.max_duration_ = max_duration_;
    if (size_ > 0) {
      std::memcpy(next.starts(), starts(), size_ * sizeof(int64_t));
      std::memcpy(next.durations(), durations(), size_ * sizeof(DurationT));
      std::memcpy(next.tags(), tags(), size_ * sizeof(uint64_t));
    }
    *this = std::move(next);  // The old buffer leaves with `next`.
  }

  std::byte* data_ = nullptr;
  uint32_t size_ = 0;
  uint32_t capacity_ = 0;
  DurationT max_duration_ = 0;
};

// The clips of one bucket with one duration type: sorted runs, each at most as long as the one
// before it, as the digits of a binary counter. A new run is merged with the one before while
// that one is no longer, so a clip is moved O(log n) times however clips arrive, and a bucket
// holds O(log n) runs. Appends in start order (live footage) grow the newest run in place.
template <typename DurationT>
class Runs {
 public:
  using RunT = Run<DurationT>;

  const std::vector<RunT>& runs() const { return runs_; }
  size_t AllocatedBytes() const {
    size_t bytes = runs_.capacity() * sizeof(RunT);
    for (const RunT& r : runs_) bytes += r.AllocatedBytes();
    return bytes;
  }
  size_t size() const {
    size_t n = 0;
    for (const RunT& r : runs_) n += r.size();
    return n;
  }

  // Adds a run sorted by start.
  void Add(RunT run) {
    if (run.empty()) return;
    runs_.push_back(std::move(run));
    Cascade();
  }

  // Adds one clip (no entry with this start and tag may exist).
  void Insert(int64_t start_us, DurationT duration_us, uint64_t tag) {
    if (!runs_.empty()) {
      RunT& last = runs_.back();
      // In start order, or nearly: into the newest run (a short memmove at most).
      uint32_t pos = start_us >= last.last_start() ? last.size() : last.UpperBound(start_us);
      if (last.size() - pos <= 64) {
        last.Insert(pos, start_us, duration_us, tag);
        Cascade();
        return;
      }
    }
    RunT run;
    run.PushBack(start_us, duration_us, tag);
    Add(std::move(run));
  }

  // The entry with this start and tag, if any: replaces its duration. Returns true if found.
  bool Replace(int64_t start_us, DurationT duration_us, uint64_t tag) {
    for (RunT& r : runs_) {
      for (uint32_t i = r.LowerBound(start_us); i < r.size() && r.starts()[i] == start_us; ++i) {
        if (r.tags()[i] == tag) {
          r.SetDuration(i, duration_us);
          return true;
        }
      }
    }
    return false;
  }

  // Removes the entries with this start and tag. Returns how many.
  uint32_t RemoveExact(int64_t start_us, uint64_t tag) {
    uint32_t removed = 0;
    for (RunT& r : runs_) {
      uint32_t i = r.LowerBound(start_us);
      if (i == r.size() || r.starts()[i] != start_us) continue;
      removed +=
          r.Filter([&](int64_t s, DurationT, uint64_t t) { return s != start_us || t != tag; });
    }
    DropEmpty();
    return removed;
  }

  // Keeps the clips for which keep(start, duration, tag&) is true (see Run::Filter).
  template <typename Keep>
  size_t Filter(Keep keep) {
    size_t removed = 0;
    for (RunT& r : runs_) removed += r.Filter(keep);
    DropEmpty();
    return removed;
  }

  // Adds a run sorted by start, from a bulk load: the runs are left unmerged (but for an
  // append to the newest run) until there are more than kLazyRuns, and then the newest ones are
  // merged in one counting sort (Run::Union), cheaper per clip than the O(log n) two-way
  // merges of Add. Queries meanwhile search up to kLazyRuns runs per bucket, until Compact.
  void AddBulk(RunT run) {
    if (run.empty()) return;
    if (!runs_.empty() && runs_.back().last_start() <= run.starts()[0]) {
      runs_.back().Append(run);
      return;
    }
    runs_.push_back(std::move(run));
    if (runs_.size() <= kLazyRuns) return;
    // Unions the newest runs, back to the first one larger than all those after it: the runs
    // left before it are each larger than all the runs after them, so there are O(log n) of
    // them, and a clip's run at least doubles each time it is in a union.
    size_t first = runs_.size() - 1;
    size_t tail = runs_.back().size();
    while (first > 0 && runs_[first - 1].size() <= tail) tail += runs_[--first].size();
    UnionFrom(first);
  }

  // Merges every run into one, without spare capacity.
  void Compact() {
    if (runs_.size() > 1) UnionFrom(0);
    for (RunT& r : runs_) r.ShrinkToFit();
    runs_.shrink_to_fit();
  }

 private:
  static constexpr size_t kLazyRuns = 64;

  // Replaces runs_[first..] by their union.
  void UnionFrom(size_t first) {
    std::vector<RunT> tail;
    tail.reserve(runs_.size() - first);
    for (size_t i = first; i < runs_.size(); ++i) tail.push_back(std::move(runs_[i]));
    runs_.resize(first);
    runs_.push_back(RunT::Union(tail));
  }

  void MergeLastTwo() {
    size_t n = runs_.size();
    RunT merged = RunT::Merge(runs_[n - 2], runs_[n - 1]);
    runs_.pop_back();
    runs_.back() = std::move(merged);
  }
  void Cascade() {
    while (runs_.size() >= 2 && runs_[runs_.size() - 2].size() <= runs_.back().size()) {
      MergeLastTwo();
    }
  }
  void DropEmpty() {
    std::erase_if(runs_, [](const RunT& r) { return r.empty(); });
  }

  std::vector<RunT> runs_;
};

uint64_t HashClipId(std::string_view clip_id) { return absl::HashOf(clip_id); }

// ---- Space ---------------------------------------------------------------------------------

// Where a camera is: its id and location, the bucket and position of its entry, and an upper
// bound of its clips' starts (a clip starting after it cannot be one already held).
struct CameraInfo {
  std::string id;  // Empty for a free slot.
  LatLng location;
  uint32_t bucket = 0;
  uint32_t position = 0;
  int64_t max_start_us = kMinTime;
};

// A camera in its spatial bucket, with what the scan of a bucket reads. 32 bytes.
struct SpatialEntry {
  S2Point point;
  uint32_t slot;
  bool accepts_requests;
};

// A level-kBucketLevel cell's cameras and their clips. A clip's tag holds its camera's position
// in `entries`.
struct Bucket {
  std::vector<SpatialEntry> entries;
  Runs<uint32_t> short_clips;  // Up to 71.6 minutes: almost all.
  Runs<uint64_t> long_clips;

  size_t AllocatedBytes() const {
    return entries.capacity() * sizeof(SpatialEntry) + short_clips.AllocatedBytes() +
           long_clips.AllocatedBytes();
  }
};

// A clip on its way from one bucket to another, or into one.
struct LooseClip {
  int64_t start_us;
  uint64_t duration_us;
  uint64_t id_hash;  // The tag's hash bits; the camera bits are set where it lands.
};

S2Point ToPoint(const LatLng& p) { return S2LatLng::FromDegrees(p.lat_deg, p.lng_deg).ToPoint(); }

bool ValidLatLng(const LatLng& p) {
  return std::isfinite(p.lat_deg) && std::isfinite(p.lng_deg) && p.lat_deg >= -90 &&
         p.lat_deg <= 90 && p.lng_deg >= -180 && p.lng_deg <= 180;
}

// Level of the bucket cells: about 570 m wide, 0.32 km². Requests' radii run from 25 m to a few
// km; at this level a 25 m radius reads 1 to 4 buckets and 1 km about 20, and the buckets read
// cover about twice the circle's area. (Levels 13 and 15 measured no better, within this
// machine's noise.)
constexpr int kBucketLevel = 14;

uint64_t BucketOf(const S2Point& p) { return S2CellId(p).parent(kBucketLevel).id(); }

// Buffers reused from one query to the next on each thread, to keep malloc out of Match.
struct Scratch {
  std::vector<S2CellId> cells;
  std::vector<S2CellId> frontier;
  absl::flat_hash_set<uint64_t> seen;

  void Clear() {
    cells.clear();
    frontier.clear();
    seen.clear();
  }
};

// Fills scratch.cells with the level-kBucketLevel cells that may meet `cap`, found by flood
// fill from the centre's cell (as S2RegionCoverer::GetSimpleCovering, which this beats by
// skipping the exact cell test for cells clearly inside or outside; S2RegionCoverer::
// GetCovering took 30-70 us per 1 km cap here). Returns false, and stops, past `max_cells`
// cells: scanning every bucket is then cheaper.
bool CellsMeeting(const S2Cap& cap, size_t max_cells, Scratch& scratch) {
  // A cell whose centre lies farther than radius + its diagonal cannot meet the cap.
  S1ChordAngle surely_out(
      S1Angle::Radians(cap.GetRadius().radians() + S2::kMaxDiag.GetValue(kBucketLevel)));
  auto meets = [&](S2CellId id) {
    S1ChordAngle d(cap.center(), id.ToPoint());
    if (d <= cap.radius()) return true;  // Its centre is in the cap.
    if (d > surely_out) return false;
    return cap.MayIntersect(S2Cell(id));
  };
  S2CellId start = S2CellId(cap.center()).parent(kBucketLevel);
  scratch.Clear();
  std::vector<S2CellId>& cells = scratch.cells;
  std::vector<S2CellId>& frontier = scratch.frontier;
  cells.push_back(start);
  frontier.push_back(start);
  scratch.seen.insert(start.id());
  while (!frontier.empty()) {
    S2CellId id = frontier.back();
    frontier.pop_back();
    S2CellId neighbors[4];
    id.GetEdgeNeighbors(neighbors);
    for (S2CellId n : neighbors) {
      if (!scratch.seen.insert(n.id()).second || !meets(n)) continue;
      if (cells.size() >= max_cells) return false;
      cells.push_back(n);
      frontier.push_back(n);
    }
  }
  return true;
}

// The radius test, tuned for the scan. Squared chord lengths from unit vectors are accurate to
// about 1e-15 * chord; the band [threshold - margin, threshold + margin] is far wider than that
// and than geo::DistanceMeters' own rounding, so only cameras inside the band need the exact
// test. That keeps the boundary exactly where geo::DistanceMeters puts it.
class RadiusTest {
 public:
  enum Verdict { kInside, kOutside, kBorderline };

  RadiusTest(const S2Point& center, double radius_rad) : center_(center) {
    double angle = std::min(radius_rad, std::numbers::pi);
    threshold_ = S1ChordAngle(S1Angle::Radians(angle)).length2();
    margin_ = threshold_ * 1e-9 + 1e-18;
  }

  Verdict Classify(const S2Point& p) const {
    double d2 = (p - center_).Norm2();
    if (d2 < threshold_ - margin_) return kInside;
    if (d2 > threshold_ + margin_) return kOutside;
    return kBorderline;
  }

 private:
  S2Point center_;
  double threshold_;
  double margin_;
};

}  // namespace

// ---- The index ------------------------------------------------------------------------------

struct MatchIndex::Impl {
  // Camera ids → slot, without a second copy of the id: the set holds slots, and its hash and
  // equality read the id from `cameras` (lookups by string_view are heterogeneous).
  struct IdHash {
    using is_transparent = void;
    const std::vector<CameraInfo>* cameras;
    size_t operator()(std::string_view id) const { return absl::HashOf(id); }
    size_t operator()(uint32_t slot) const { return absl::HashOf(Key(slot)); }
    std::string_view Key(uint32_t slot) const { return (*cameras)[slot].id; }
  };
  struct IdEq {
    using is_transparent = void;
    const std::vector<CameraInfo>* cameras;
    std::string_view Key(uint32_t slot) const { return (*cameras)[slot].id; }
    std::string_view Key(std::string_view id) const { return id; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return Key(a) == Key(b);
    }
  };
  using IdSet = absl::flat_hash_set<uint32_t, IdHash, IdEq, CountingAllocator<uint32_t>>;
  using CellMap =
      absl::flat_hash_map<uint64_t, uint32_t, absl::Hash<uint64_t>, std::equal_to<uint64_t>,
                          CountingAllocator<std::pair<const uint64_t, uint32_t>>>;

  Impl()
      : ids(0, IdHash{&cameras}, IdEq{&cameras}, CountingAllocator<uint32_t>(&id_set_bytes)),
        bucket_of_cell(0, absl::Hash<uint64_t>(), std::equal_to<uint64_t>(),
                       CountingAllocator<std::pair<const uint64_t, uint32_t>>(&cell_map_bytes)) {}

  std::vector<CameraInfo> cameras;  // By slot.
  std::vector<uint32_t> free_slots;
  size_t id_set_bytes = 0;    // Counted by the allocator; declared before its users.
  size_t cell_map_bytes = 0;  // Likewise.
  IdSet ids;
  // Buckets by number (stable, so that a camera can point at its entry), and the number of the
  // bucket of each non-empty level-kBucketLevel cell.
  std::vector<Bucket> buckets;
  std::vector<uint32_t> free_buckets;
  CellMap bucket_of_cell;
  size_t clip_count = 0;
  // Bits of a clip's tag that hold its camera's position: 16 (48 bits of the id's hash left),
  // widened for good to 32 once a bucket holds more than 65,536 cameras.
  int cam_bits = 16;

  std::optional<uint32_t> Find(std::string_view camera_id) const {
    auto it = ids.find(camera_id);
    if (it == ids.end()) return std::nullopt;
    return *it;
  }

  uint32_t NewSlot(std::string_view camera_id) {
    uint32_t slot;
    if (!free_slots.empty()) {
      slot = free_slots.back();
      free_slots.pop_back();
    } else {
      slot = static_cast<uint32_t>(cameras.size());
      cameras.emplace_back();
    }
    cameras[slot].id = std::string(camera_id);  // Before `ids` hashes the slot.
    ids.insert(slot);
    return slot;
  }

  // Gives every clip tag 32 camera bits instead of 16.
  void WidenTags() {
    auto widen = [](int64_t, auto, uint64_t& tag) {
      tag = (tag & ~CamMask(32)) | (tag & CamMask(16));
      return true;
    };
    for (Bucket& b : buckets) {
      b.short_clips.Filter(widen);
      b.long_clips.Filter(widen);
    }
    cam_bits = 32;
  }

  // Puts the camera's entry in the bucket of its location, with `clips` (sorted or not).
  void Place(uint32_t slot, bool accepts_requests, std::vector<LooseClip> clips) {
    S2Point p = ToPoint(cameras[slot].location);
    auto [it, inserted] = bucket_of_cell.try_emplace(BucketOf(p), 0);
    if (inserted) {
      if (free_buckets.empty()) {
        it->second = static_cast<uint32_t>(buckets.size());
        buckets.emplace_back();
      } else {
        it->second = free_buckets.back();
        free_buckets.pop_back();
      }
    }
    Bucket& bucket = buckets[it->second];
    uint32_t position = static_cast<uint32_t>(bucket.entries.size());
    cameras[slot].bucket = it->second;
    cameras[slot].position = position;
    bucket.entries.push_back(SpatialEntry{p, slot, accepts_requests});
    if (cam_bits < 32 && position > CamMask(cam_bits)) WidenTags();
    if (clips.empty()) return;
    std::sort(clips.begin(), clips.end(),
              [](const LooseClip& a, const LooseClip& b) { return a.start_us < b.start_us; });
    Run<uint32_t> short_run;
    Run<uint64_t> long_run;
    for (const LooseClip& c : clips) {
      uint64_t tag = MakeTag(c.id_hash, position, cam_bits);
      if (c.duration_us <= std::numeric_limits<uint32_t>::max()) {
        short_run.PushBack(c.start_us, static_cast<uint32_t>(c.duration_us), tag);
      } else {
        long_run.PushBack(c.start_us, c.duration_us, tag);
      }
    }
    bucket.short_clips.Add(std::move(short_run));
    bucket.long_clips.Add(std::move(long_run));
  }

  // Takes the camera's entry out of its bucket; returns how many clips it had, and appends them
  // to `clips` if given. The bucket's last entry takes the freed position, and its clips' tags
  // follow it.
  size_t Unplace(uint32_t slot, std::vector<LooseClip>* clips) {
    const CameraInfo& info = cameras[slot];
    Bucket& bucket = buckets[info.bucket];
    const uint64_t mask = CamMask(cam_bits);
    const uint32_t gone = info.position;
    const uint32_t last = static_cast<uint32_t>(bucket.entries.size() - 1);
    auto move_out = [&](int64_t start_us, auto duration_us, uint64_t& tag) {
      uint64_t cam = tag & mask;
      if (cam == gone) {
        if (clips) clips->push_back({start_us, duration_us, tag & ~mask});
        return false;
      }
      if (cam == last) tag = (tag & ~mask) | gone;
      return true;
    };
    size_t removed = bucket.short_clips.Filter(move_out) + bucket.long_clips.Filter(move_out);
    if (gone != last) {
      bucket.entries[gone] = bucket.entries[last];
      cameras[bucket.entries[gone].slot].position = gone;
    }
    bucket.entries.pop_back();
    if (bucket.entries.empty()) {
      Bucket().entries.swap(bucket.entries);
      bucket.short_clips.Compact();  // Empty: gives the runs' array back.
      bucket.long_clips.Compact();
      bucket_of_cell.erase(BucketOf(ToPoint(info.location)));
      free_buckets.push_back(info.bucket);
    }
    return removed;
  }

  // Stores the clip [start_us, end_us) (end_us > start_us) with the camera in `slot`.
  void AddClip(uint32_t slot, uint64_t id_hash, int64_t start_us, int64_t end_us) {
    CameraInfo& info = cameras[slot];
    Bucket& b = buckets[info.bucket];
    uint64_t tag = MakeTag(id_hash, info.position, cam_bits);
    uint64_t duration_us = static_cast<uint64_t>(end_us) - static_cast<uint64_t>(start_us);
    // Only a clip starting no later than the camera's latest may be held already. A re-added
    // clip may have moved between the two lists; its entry in the other one goes.
    bool may_be_held = start_us <= info.max_start_us;
    info.max_start_us = std::max(info.max_start_us, start_us);
    if (duration_us <= std::numeric_limits<uint32_t>::max()) {
      auto d = static_cast<uint32_t>(duration_us);
      if (may_be_held) {
        clip_count -= b.long_clips.RemoveExact(start_us, tag);
        if (b.short_clips.Replace(start_us, d, tag)) return;
      }
      b.short_clips.Insert(start_us, d, tag);
    } else {
      if (may_be_held) {
        clip_count -= b.short_clips.RemoveExact(start_us, tag);
        if (b.long_clips.Replace(start_us, duration_us, tag)) return;
      }
      b.long_clips.Insert(start_us, duration_us, tag);
    }
    ++clip_count;
  }

  // AddClip for clips sorted by strictly increasing start, all after the camera's latest: none
  // can be held already, so they go in as one run.
  void AddNewSortedClips(uint32_t slot, std::span<const LooseClip> clips) {
    CameraInfo& info = cameras[slot];
    Bucket& b = buckets[info.bucket];
    Run<uint32_t> short_run;
    Run<uint64_t> long_run;
    short_run.Reserve(static_cast<uint32_t>(clips.size()));
    for (const LooseClip& c : clips) {
      uint64_t tag = MakeTag(c.id_hash, info.position, cam_bits);
      if (c.duration_us <= std::numeric_limits<uint32_t>::max()) {
        short_run.PushBack(c.start_us, static_cast<uint32_t>(c.duration_us), tag);
      } else {
        long_run.PushBack(c.start_us, c.duration_us, tag);
      }
    }
    b.short_clips.AddBulk(std::move(short_run));
    b.long_clips.AddBulk(std::move(long_run));
    info.max_start_us = std::max(info.max_start_us, clips.back().start_us);
    clip_count += clips.size();
  }

  std::vector<std::string> Match(const MatchQuery& q) const;
};

namespace {

// Per thread, reused from one query to the next to keep malloc out of Match.
struct MatchScratch {
  Scratch cells;
  std::vector<uint8_t> wanted;  // By position in the bucket: 1 = in the radius, not yet matched.
  std::vector<const Bucket*> buckets;
};

// Appends to `out` the wanted cameras of `bucket` with a clip in [from_us, to_us), clearing
// their flags; `remaining` counts the wanted ones left. Reads, per run, the clips that start in
// [from - the run's longest duration, to): contiguous, and few for a window of hours.
template <typename DurationT>
void ScanRuns(const Runs<DurationT>& runs, int64_t from_us, int64_t to_us, uint64_t cam_mask,
              uint8_t* wanted, uint32_t& remaining, std::vector<uint32_t>& out) {
  for (const Run<DurationT>& r : runs.runs()) {
    const int64_t* starts = r.starts();
    const DurationT* durations = r.durations();
    const uint64_t* tags = r.tags();
    const uint32_t n = r.size();
    for (uint32_t i = r.LowerBound(LowestUsefulStart(from_us, r.max_duration()));
         i < n && starts[i] < to_us; ++i) {
      int64_t end = static_cast<int64_t>(static_cast<uint64_t>(starts[i]) +
                                         static_cast<uint64_t>(durations[i]));
      if (end <= from_us) continue;
      uint32_t cam = static_cast<uint32_t>(tags[i] & cam_mask);
      if (!wanted[cam]) continue;
      wanted[cam] = 0;
      out.push_back(cam);
      if (--remaining == 0) return;
    }
  }
}

}  // namespace

std::vector<std::string> MatchIndex::Impl::Match(const MatchQuery& q) const {
  if (!ValidLatLng(q.center) || !(q.radius_m >= 0) || q.from_us >= q.to_us) return {};
  thread_local MatchScratch scratch;
  std::vector<const Bucket*>& todo = scratch.buckets;
  todo.clear();

  S2Point c = ToPoint(q.center);
  double radius_rad = q.radius_m / S2Earth::RadiusMeters();
  RadiusTest test(c, radius_rad);
  // Cells of a slightly larger cap, so that no camera the exact test accepts is missed through
  // rounding.
  S2Cap cap(c, S1ChordAngle(
                   S1Angle::Radians(std::min(radius_rad * (1 + 1e-9) + 1e-12, std::numbers::pi))));
  if (!CellsMeeting(cap, bucket_of_cell.size(), scratch.cells)) {
    for (const Bucket& b : buckets) todo.push_back(&b);  // A cap wider than the index.
  } else {
    for (S2CellId cell : scratch.cells.cells) {
      auto it = bucket_of_cell.find(cell.id());
      if (it != bucket_of_cell.end()) todo.push_back(&buckets[it->second]);
    }
  }
  // The first probes of each bucket's binary searches, requested before any is needed.
  for (const Bucket* b : todo) {
    __builtin_prefetch(b->entries.data());
    for (const auto& r : b->short_clips.runs()) __builtin_prefetch(r.starts() + r.size() / 2);
  }

  const uint64_t cam_mask = CamMask(cam_bits);
  std::vector<std::string> out;
  thread_local std::vector<uint32_t> hits;
  for (const Bucket* b : todo) {
    const size_t n = b->entries.size();
    if (scratch.wanted.size() < n) scratch.wanted.resize(n);
    uint8_t* wanted = scratch.wanted.data();
    uint32_t remaining = 0;
    for (size_t i = 0; i < n; ++i) {
      const SpatialEntry& e = b->entries[i];
      bool in = false;
      if (e.accepts_requests) {
        RadiusTest::Verdict v = test.Classify(e.point);
        in = v == RadiusTest::kInside ||
             (v == RadiusTest::kBorderline &&
              geo::DistanceMeters(q.center, cameras[e.slot].location) <= q.radius_m);
      }
      wanted[i] = in;
      remaining += in;
    }
    if (remaining == 0) continue;
    hits.clear();
    ScanRuns(b->short_clips, q.from_us, q.to_us, cam_mask, wanted, remaining, hits);
    if (remaining > 0) {
      ScanRuns(b->long_clips, q.from_us, q.to_us, cam_mask, wanted, remaining, hits);
    }
    for (uint32_t cam : hits) out.push_back(cameras[b->entries[cam].slot].id);
  }
  if (scratch.wanted.capacity() > (1 << 20)) std::vector<uint8_t>().swap(scratch.wanted);
  std::sort(out.begin(), out.end());
  return out;
}

class MatchIndex::ReadLock {
 public:
  explicit ReadLock(const MatchIndex& m) : lock_(m.mu_) {}

 private:
  std::shared_lock<WriterFirstSharedMutex> lock_;
};

class MatchIndex::WriteLock {
 public:
  explicit WriteLock(const MatchIndex& m) : lock_(m.mu_) {}

 private:
  std::unique_lock<WriterFirstSharedMutex> lock_;
};

MatchIndex::MatchIndex() : impl_(std::make_unique<Impl>()) {}
MatchIndex::~MatchIndex() = default;

bool MatchIndex::UpsertCamera(std::string_view camera_id, LatLng location, bool accepts_requests) {
  if (!ValidLatLng(location)) return false;
  WriteLock lock(*this);
  Impl& m = *impl_;
  std::optional<uint32_t> found = m.Find(camera_id);
  if (!found) {
    uint32_t slot = m.NewSlot(camera_id);
    m.cameras[slot].location = location;
    m.Place(slot, accepts_requests, {});
    return true;
  }
  CameraInfo& info = m.cameras[*found];
  if (BucketOf(ToPoint(info.location)) == BucketOf(ToPoint(location))) {
    SpatialEntry& e = m.buckets[info.bucket].entries[info.position];
    e.point = ToPoint(location);
    e.accepts_requests = accepts_requests;
    info.location = location;
    return true;
  }
  std::vector<LooseClip> clips;
  m.Unplace(*found, &clips);
  info.location = location;
  m.Place(*found, accepts_requests, std::move(clips));
  return true;
}

bool MatchIndex::RemoveCamera(std::string_view camera_id) {
  WriteLock lock(*this);
  Impl& m = *impl_;
  std::optional<uint32_t> slot = m.Find(camera_id);
  if (!slot) return false;
  m.clip_count -= m.Unplace(*slot, nullptr);
  m.ids.erase(*slot);  // While the id is still there to hash.
  m.cameras[*slot] = CameraInfo();
  m.free_slots.push_back(*slot);
  return true;
}

bool MatchIndex::AddClip(std::string_view camera_id, std::string_view clip_id, int64_t start_us,
                         int64_t end_us) {
  if (end_us <= start_us) return false;
  uint64_t hash = HashClipId(clip_id);
  WriteLock lock(*this);
  std::optional<uint32_t> slot = impl_->Find(camera_id);
  if (!slot) return false;
  impl_->AddClip(*slot, hash, start_us, end_us);
  return true;
}

size_t MatchIndex::AddClips(std::string_view camera_id, std::span<const ClipInterval> clips) {
  // Hashed and sorted before the lock is taken.
  std::vector<LooseClip> loose;
  loose.reserve(clips.size());
  bool sorted = true;
  for (const ClipInterval& c : clips) {
    if (c.end_us <= c.start_us) continue;
    sorted = sorted && (loose.empty() || loose.back().start_us < c.start_us);
    loose.push_back({c.start_us,
                     static_cast<uint64_t>(c.end_us) - static_cast<uint64_t>(c.start_us),
                     HashClipId(c.clip_id)});
  }
  std::vector<LooseClip> by_start;
  if (!sorted) {
    by_start = loose;
    std::stable_sort(by_start.begin(), by_start.end(), [](const LooseClip& a, const LooseClip& b) {
      return a.start_us < b.start_us;
    });
  }
  const std::vector<LooseClip>& ordered = sorted ? loose : by_start;
  bool distinct_starts = true;
  for (size_t i = 1; i < ordered.size() && distinct_starts; ++i) {
    distinct_starts = ordered[i - 1].start_us < ordered[i].start_us;
  }

  WriteLock lock(*this);
  Impl& m = *impl_;
  std::optional<uint32_t> slot = m.Find(camera_id);
  if (!slot) return 0;
  if (loose.empty()) return 0;
  // The initial load, or a batch of new footage (a single clip goes by AddClip: into the newest
  // run in place when nearly in order).
  if (distinct_starts && ordered.size() >= 2 &&
      ordered.front().start_us > m.cameras[*slot].max_start_us) {
    m.AddNewSortedClips(*slot, ordered);
  } else {
    for (const LooseClip& c : loose) {  // In the caller's order: a later duplicate wins.
      m.AddClip(*slot, c.id_hash, c.start_us,
                static_cast<int64_t>(static_cast<uint64_t>(c.start_us) + c.duration_us));
    }
  }
  return loose.size();
}

bool MatchIndex::RemoveClip(std::string_view camera_id, std::string_view clip_id) {
  uint64_t hash = HashClipId(clip_id);
  WriteLock lock(*this);
  Impl& m = *impl_;
  std::optional<uint32_t> slot = m.Find(camera_id);
  if (!slot) return false;
  const CameraInfo& info = m.cameras[*slot];
  Bucket& b = m.buckets[info.bucket];
  const uint64_t tag = MakeTag(hash, info.position, m.cam_bits);
  auto other = [&](int64_t, auto, uint64_t t) { return t != tag; };
  size_t removed = b.short_clips.Filter(other) + b.long_clips.Filter(other);
  m.clip_count -= removed;
  return removed > 0;
}

std::vector<std::string> MatchIndex::Match(const MatchQuery& q) const {
  ReadLock lock(*this);
  return impl_->Match(q);
}

size_t MatchIndex::camera_count() const {
  ReadLock lock(*this);
  return impl_->ids.size();
}

size_t MatchIndex::clip_count() const {
  ReadLock lock(*this);
  return impl_->clip_count;
}

size_t MatchIndex::MemoryBytes() const {
  ReadLock lock(*this);
  const Impl& m = *impl_;
  size_t bytes =
      sizeof(Impl) + m.id_set_bytes + m.cell_map_bytes + m.cameras.capacity() * sizeof(CameraInfo) +
      m.free_slots.capacity() * sizeof(uint32_t) + m.buckets.capacity() * sizeof(Bucket) +
      m.free_buckets.capacity() * sizeof(uint32_t);
  for (const CameraInfo& info : m.cameras) {
    // Ids longer than the small-string buffer live on the heap.
    if (info.id.capacity() > std::string().capacity()) bytes += info.id.capacity() + 1;
  }
  for (const Bucket& bucket : m.buckets) bytes += bucket.AllocatedBytes();
  return bytes;
}

void MatchIndex::ShrinkToFit() {
  WriteLock lock(*this);
  for (Bucket& bucket : impl_->buckets) {
    bucket.entries.shrink_to_fit();
    bucket.short_clips.Compact();
    bucket.long_clips.Compact();
  }
}

}  // namespace canvass::requests
