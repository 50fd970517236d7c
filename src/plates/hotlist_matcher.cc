// HotListMatcher's structure (docs/design/hotlists.md has the reasoning and the measurements):
//
//  - A plate of at most 8 characters packs into a uint64_t, one byte per character; so does its
//    confusion key. The key goes through a bijective 64-bit mix (splitmix64's finaliser), so the
//    mixed value identifies the key and is stored in place of it.
//  - KeyTable: an open-addressing table (linear probing, load <= 1/2) from the mixed key to a
//    run of 32-byte records, all records of one key contiguous, behind a split-block Bloom
//    filter that turns most reads (which hit nothing) away from the cache-missing slots.
//  - Snapshot: every list (its entries live in an immutable ListBase shared between snapshots),
//    one `main` KeyTable over the lists' bases, and a small `overlay` KeyTable with the entries
//    added one by one and the bases of small lists replaced since `main` was built; base entries
//    removed since then are in `dead`. When overlay and dead outgrow the budget
//    max(min_overlay_entries, entries / 128), or a big list is replaced, or a list removed, the
//    changed lists are folded into new bases and `main` is rebuilt (Compact).
//  - Publication: writers serialise on write_mu_, build the next snapshot, and assign it to the
//    shared_ptr that readers copy under current_mu_. The replaced snapshot is kept in retired_
//    until no reader holds it, and freed there, on a writer's thread.
#include "plates/hotlist_matcher.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>
#include <utility>

namespace canvass::plates {
namespace {

// splitmix64's finaliser: a bijection of uint64_t with Mix(0) == 0. Key 0 (the empty plate)
// never enters a table, so hash 0 marks an empty slot.
inline uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// Packs a plate of at most 8 bytes (byte i in bits 8i..8i+7) and its confusion key.
struct PackedPlate {
  uint64_t exact = 0;
  uint64_t key = 0;
};
inline PackedPlate Pack(std::string_view plate, const ConfusionClasses& classes) {
  PackedPlate p;
  for (size_t i = 0; i < plate.size(); ++i) {
    p.exact |= uint64_t{static_cast<uint8_t>(plate[i])} << (8 * i);
    p.key |= uint64_t{static_cast<uint8_t>(classes.Key(plate[i]))} << (8 * i);
  }
  return p;
}

// A two-letter state as a uint16_t; 0 for "" (any state) and for anything malformed.
inline uint16_t PackState(std::string_view state) {
  if (state.size() != 2) return 0;
  return static_cast<uint16_t>(static_cast<uint8_t>(state[0]) |
                               (static_cast<uint8_t>(state[1]) << 8));
}

size_t StringHeap(const std::string& s) {
  return s.capacity() > 15 ? s.capacity() + 1 : 0;  // libstdc++ keeps 15 bytes inline.
}
size_t EntryHeap(const HotListEntry& e) {
  return StringHeap(e.entry_id) + StringHeap(e.plate) + StringHeap(e.state) + StringHeap(e.reason);
}

using DeadSet = std::vector<const HotListEntry*>;  // Sorted with std::less.
bool IsDead(const DeadSet& dead, const HotListEntry* e) {
  return !dead.empty() &&
         std::binary_search(dead.begin(), dead.end(), e, std::less<const HotListEntry*>());
}
void InsertDead(DeadSet& dead, const HotListEntry* e) {
  dead.insert(std::upper_bound(dead.begin(), dead.end(), e, std::less<const HotListEntry*>()), e);
}

// One entry as the table sees it: everything Match tests, and where the rest is.
struct Record {
  uint64_t plate;         // Packed exact plate: kExact iff equal to the read's.
  int64_t expires_at_us;  // 0: never.
  const HotListEntry* entry;
  uint32_t list_slot;  // Index in Snapshot::lists.
  uint16_t state;      // PackState; 0: any.
};
static_assert(sizeof(Record) == 32);

// Maps a 32-bit hash onto [0, n) by multiplication (Lemire's fastrange): any table size.
inline size_t FastRange(uint32_t h, size_t n) {
  return static_cast<size_t>((uint64_t{h} * n) >> 32);
}

// Mixed confusion key -> run of records. Immutable once built.
class KeyTable {
 public:
  KeyTable() : slots_(2), mask_(1), shift_(63) {}

  // Builds from parallel arrays (the mixed key of records[i] is hashes[i]). O(n + capacity).
  static std::shared_ptr<const KeyTable> Build(const std::vector<uint64_t>& hashes,
                                               const std::vector<Record>& records) {
    auto t = std::make_shared<KeyTable>();
    size_t n = records.size();
    int bits = 1;
    while ((size_t{1} << bits) < 2 * n) ++bits;
    size_t capacity = size_t{1} << bits;
    t->slots_.assign(capacity, Slot{});
    t->mask_ = capacity - 1;
    t->shift_ = 64 - bits;
    // Counting sort by home slot, then each (tiny) bucket by mixed key: each key's records end
    // up contiguous (the mix is one-to-one), and the inserts below walk the table forwards.
    std::vector<uint32_t> order(n);
    {
      std::vector<uint32_t> start(capacity + 1, 0);
      for (size_t i = 0; i < n; ++i) ++start[(hashes[i] >> t->shift_) + 1];
      for (size_t b = 0; b < capacity; ++b) start[b + 1] += start[b];
      for (size_t i = 0; i < n; ++i)
        order[start[hashes[i] >> t->shift_]++] = static_cast<uint32_t>(i);
      // start[b] is now the end of bucket b.
      for (size_t b = 0, first = 0; b < capacity; first = start[b++]) {
        if (start[b] - first > 1) {
          std::sort(order.begin() + first, order.begin() + start[b], [&](uint32_t x, uint32_t y) {
            return std::pair(hashes[x], x) < std::pair(hashes[y], y);
          });
        }
      }
    }
    t->records_.reserve(n);
    size_t keys = 0;
    for (size_t i = 0; i < n;) {
      uint64_t h = hashes[order[i]];
      auto first = static_cast<uint32_t>(t->records_.size());
      for (; i < n && hashes[order[i]] == h; ++i) t->records_.push_back(records[order[i]]);
      size_t s = h >> t->shift_;
      while (t->slots_[s].hash != 0) s = (s + 1) & t->mask_;
      t->slots_[s] = {h, first, static_cast<uint32_t>(t->records_.size()) - first};
      ++keys;
    }
    if (keys >= kMinKeysForFilter) {
      t->filter_.assign((keys * kFilterBitsPerKey + 255) / 256, FilterBlock{});
      for (const Slot& slot : t->slots_) {
        if (slot.hash != 0) t->FilterAdd(slot.hash);
      }
    }
    return t;
  }

  // The records whose mixed key is h (h != 0).
  std::pair<const Record*, const Record*> Find(uint64_t h) const {
    if (!filter_.empty() && !FilterMayContain(h)) return {nullptr, nullptr};
    size_t s = h >> shift_;
    for (;;) {
      const Slot& slot = slots_[s];
      if (slot.hash == h) {
        const Record* first = records_.data() + slot.first;
        return {first, first + slot.count};
      }
      if (slot.hash == 0) return {nullptr, nullptr};
      s = (s + 1) & mask_;
    }
  }

  bool empty() const { return records_.empty(); }
  size_t size() const { return records_.size(); }
  size_t MemoryBytes() const {
    return sizeof(*this) + slots_.capacity() * sizeof(Slot) + records_.capacity() * sizeof(Record) +
           filter_.capacity() * sizeof(FilterBlock);
  }

 private:
  // A split-block Bloom filter (as Parquet's) in front of the slots: most reads match nothing,
  // and 1.25 bytes a key stay in the CPU's cache where the slots' 32 do not. Each key sets one
  // bit in each of the eight 32-bit words of one 32-byte block; about 1.5% false positives.
  static constexpr size_t kMinKeysForFilter = 4096;  // Smaller tables sit in the cache anyway.
  static constexpr size_t kFilterBitsPerKey = 10;
  struct alignas(32) FilterBlock {
    uint32_t words[8] = {};
  };
  static constexpr uint32_t kSalt[8] = {0x47b6137bU, 0x44974d91U, 0x8824ad5bU, 0xa2b7289dU,
                                        0x705495c7U, 0x2df1424bU, 0x9efc4947U, 0x5c6bfb31U};

  void FilterAdd(uint64_t h) {
    FilterBlock& b = filter_[FastRange(static_cast<uint32_t>(h >> 32), filter_.size())];
    auto x = static_cast<uint32_t>(h);
    for (int i = 0; i < 8; ++i) b.words[i] |= uint32_t{1} << ((x * kSalt[i]) >> 27);
  }
  bool FilterMayContain(uint64_t h) const {
    const FilterBlock& b = filter_[FastRange(static_cast<uint32_t>(h >> 32), filter_.size())];
    auto x = static_cast<uint32_t>(h);
    uint32_t missing = 0;
    for (int i = 0; i < 8; ++i) missing |= ~b.words[i] & (uint32_t{1} << ((x * kSalt[i]) >> 27));
    return missing == 0;
  }

  struct Slot {
    uint64_t hash = 0;  // Mixed key; 0: empty.
    uint32_t first = 0;
    uint32_t count = 0;
  };
  std::vector<Slot> slots_;
  size_t mask_;
  int shift_;
  std::vector<Record> records_;
  std::vector<FilterBlock> filter_;  // Empty: no filter.
};

// A list's entries as of its import or last fold. Immutable; shared between snapshots.
struct ListBase {
  std::vector<HotListEntry> entries;
  // Entry id -> index: open addressing (linear probing, load <= 2/3). A slot holds the top 32
  // bits of the id's hash and index + 1 (0: empty), so probes compare strings only on a
  // 32-bit match.
  std::vector<uint64_t> by_id;
  size_t memory_bytes = 0;

  static uint64_t IdHash(std::string_view id) { return Mix(std::hash<std::string_view>()(id)); }
  static uint64_t SlotValue(uint64_t h, size_t index) {
    return (h & 0xffffffff00000000ULL) | (index + 1);
  }

  const HotListEntry* Find(std::string_view entry_id) const {
    uint64_t h = IdHash(entry_id);
    for (size_t i = FastRange(static_cast<uint32_t>(h), by_id.size()); by_id[i] != 0;
         i = i + 1 == by_id.size() ? 0 : i + 1) {
      if ((by_id[i] >> 32) != (h >> 32)) continue;
      const HotListEntry& e = entries[(by_id[i] & 0xffffffff) - 1];
      if (e.entry_id == entry_id) return &e;
    }
    return nullptr;
  }
};

// Builds a ListBase from valid entries. Returns nullptr, and the duplicated id in *duplicate,
// if two entries share an id.
std::shared_ptr<const ListBase> MakeBase(std::vector<HotListEntry> entries,
                                         std::string* duplicate) {
  auto base = std::make_shared<ListBase>();
  base->entries = std::move(entries);
  base->entries.shrink_to_fit();
  size_t n = base->entries.size();
  std::vector<uint64_t> hashes(n);
  size_t heap = 0;
  for (size_t e = 0; e < n; ++e) {
    hashes[e] = ListBase::IdHash(base->entries[e].entry_id);
    heap += EntryHeap(base->entries[e]);
  }
  size_t capacity = n + n / 2 + 1;
  base->by_id.assign(capacity, 0);
  constexpr size_t kAhead = 16;  // Each insert misses the cache; fetch the slots ahead.
  for (size_t e = 0; e < n; ++e) {
    if (e + kAhead < n) {
      __builtin_prefetch(
          &base->by_id[FastRange(static_cast<uint32_t>(hashes[e + kAhead]), capacity)]);
    }
    uint64_t h = hashes[e];
    size_t i = FastRange(static_cast<uint32_t>(h), capacity);
    for (; base->by_id[i] != 0; i = i + 1 == capacity ? 0 : i + 1) {
      if ((base->by_id[i] >> 32) != (h >> 32)) continue;
      const std::string& id = base->entries[e].entry_id;
      if (base->entries[(base->by_id[i] & 0xffffffff) - 1].entry_id == id) {
        if (duplicate) *duplicate = id;
        return nullptr;
      }
    }
    base->by_id[i] = ListBase::SlotValue(h, e);
  }
  base->memory_bytes = sizeof(ListBase) + base->entries.capacity() * sizeof(HotListEntry) +
                       base->by_id.capacity() * sizeof(uint64_t) + heap;
  return base;
}

// One list in one snapshot.
struct ListInfo {
  std::string list_id;
  std::string agency_id;
  uint32_t agency_index = 0;
  std::shared_ptr<const ListBase> base;
  // Whether `base` is in the snapshot's main table; if not, its live entries are in the overlay
  // (a small list replaced since the main table was built).
  bool in_main = true;
  std::vector<std::shared_ptr<const HotListEntry>> extra;  // Added since `base` was built.
  size_t removed = 0;  // Entries of `base` removed since (each is in Snapshot::dead).

  size_t size() const { return base->entries.size() - removed + extra.size(); }
  bool changed() const { return removed > 0 || !extra.empty(); }
  // What this list puts in the overlay.
  size_t overlay_size() const { return extra.size() + (in_main ? 0 : base->entries.size()); }
};

// Whether NormalizePlate would return the plate unchanged.
bool IsNormalized(std::string_view plate) {
  if (plate.size() < kMinPlateChars || plate.size() > kMaxPlateChars) return false;
  for (char c : plate) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

Status ValidateEntry(std::string_view list_id, size_t index, HotListEntry& e) {
  auto where = [&] {
    return "hot list '" + std::string(list_id) + "' entry " + std::to_string(index) + " (id '" +
           e.entry_id.substr(0, 64) + "')";
  };
  if (e.entry_id.empty()) {
    return InvalidArgumentError("hot list '" + std::string(list_id) + "' entry " +
                                std::to_string(index) + " has an empty entry id");
  }
  if (!IsNormalized(e.plate)) {  // Imports are usually normalised already: skip the copy.
    StatusOr<std::string> plate = NormalizePlate(e.plate);
    if (!plate.ok()) return plate.status().WithContext(where());
    e.plate = *std::move(plate);
  }
  if (!e.state.empty()) {
    if (Status s = ValidateRegion(e.state); !s.ok()) return s.WithContext(where());
  }
  if (e.expires_at_us < 0) {
    return InvalidArgumentError(where() + ": expires_at_us must be 0 (never) or positive, got " +
                                std::to_string(e.expires_at_us));
  }
  return OkStatus();
}

}  // namespace

std::string_view HitKindName(HitKind kind) {
  return kind == HitKind::kExact ? "exact" : "confusable";
}

AgencySet AgencySet::All() {
  AgencySet s;
  s.all_ = true;
  return s;
}

void AgencySet::Add(uint32_t agency_index) {
  size_t word = agency_index >> 6;
  if (word >= words_.size()) words_.resize(word + 1, 0);
  words_[word] |= uint64_t{1} << (agency_index & 63);
}

// ---- Snapshot ---------------------------------------------------------------------------------

class HotListMatcher::Snapshot {
 public:
  const ConfusionClasses* classes = nullptr;
  // Every list; the index is the list's slot, which records name. Slots stay put between
  // rebuilds of `main` (a new list is appended); a rebuild may renumber them.
  std::vector<std::shared_ptr<const ListInfo>> lists;
  std::vector<uint32_t> agency_of_slot;     // lists[i]->agency_index, packed for Match.
  std::shared_ptr<const KeyTable> main;     // The base of every list with in_main.
  std::shared_ptr<const KeyTable> overlay;  // Extra entries, and the live entries of the
                                            // bases not in main.
  DeadSet dead;  // Removed base entries (those of `main` must be skipped; none in the overlay).
  // Bases dropped from `lists` since `main` was built. Kept alive so that no new entry can take
  // the address of one in `dead` (and `main`'s records of them stay valid).
  std::vector<std::shared_ptr<const ListBase>> graveyard;
  size_t entries = 0;
  size_t memory_bytes = 0;

  // The slot of a list, or -1. A linear scan: writers and counters only, over tens of lists.
  ptrdiff_t FindList(std::string_view list_id) const {
    for (size_t i = 0; i < lists.size(); ++i) {
      if (lists[i]->list_id == list_id) return static_cast<ptrdiff_t>(i);
    }
    return -1;
  }

  void Collect(const KeyTable& table, bool check_dead, uint64_t h, uint64_t exact, uint16_t state,
               int64_t at_us, const AgencySet& entitled, std::vector<HotListHit>& hits) const {
    auto [r, end] = table.Find(h);
    for (; r != end; ++r) {
      if (!entitled.Contains(agency_of_slot[r->list_slot])) continue;
      if (r->state != 0 && state != 0 && r->state != state) continue;
      if (r->expires_at_us != 0 && at_us >= r->expires_at_us) continue;
      if (check_dead && IsDead(dead, r->entry)) continue;
      const ListInfo& list = *lists[r->list_slot];
      hits.push_back({list.list_id, list.agency_id, *r->entry,
                      r->plate == exact ? HitKind::kExact : HitKind::kConfusable});
    }
  }

  std::vector<HotListHit> Match(std::string_view plate, std::string_view state, int64_t at_us,
                                const AgencySet& entitled) const {
    std::vector<HotListHit> hits;
    if (plate.empty() || plate.size() > kMaxPlateChars) return hits;
    PackedPlate p = Pack(plate, *classes);
    uint64_t h = Mix(p.key);
    uint16_t st = PackState(state);
    Collect(*main, true, h, p.exact, st, at_us, entitled, hits);
    if (!overlay->empty()) Collect(*overlay, false, h, p.exact, st, at_us, entitled, hits);
    if (hits.size() > 1) {
      std::sort(hits.begin(), hits.end(), [](const HotListHit& a, const HotListHit& b) {
        return std::tie(a.list_id, a.entry.entry_id) < std::tie(b.list_id, b.entry.entry_id);
      });
    }
    return hits;
  }
};

namespace {

using Snapshot = HotListMatcher::Snapshot;
using ListPtr = std::shared_ptr<const ListInfo>;

void AppendRecord(const HotListEntry& e, uint32_t slot, const ConfusionClasses& classes,
                  std::vector<uint64_t>& hashes, std::vector<Record>& records) {
  PackedPlate p = Pack(e.plate, classes);
  hashes.push_back(Mix(p.key));
  records.push_back({p.exact, e.expires_at_us, &e, slot, PackState(e.state)});
}

// The list with its live entries (those in `keep`) in a new base, nothing extra or removed.
ListPtr Fold(const ListInfo& list, const DeadSet& dead,
             const std::function<bool(const HotListEntry&)>& keep) {
  std::vector<HotListEntry> live;
  live.reserve(list.size());
  for (const HotListEntry& e : list.base->entries) {
    if ((list.removed == 0 || !IsDead(dead, &e)) && keep(e)) live.push_back(e);
  }
  for (const auto& e : list.extra) {
    if (keep(*e)) live.push_back(*e);
  }
  auto next = std::make_shared<ListInfo>();
  next->list_id = list.list_id;
  next->agency_id = list.agency_id;
  next->agency_index = list.agency_index;
  next->base = MakeBase(std::move(live), nullptr);  // Ids were unique already.
  next->in_main = true;                             // The caller rebuilds main.
  return next;
}

size_t ListsMemory(const std::vector<ListPtr>& lists) {
  size_t bytes = lists.capacity() * (sizeof(ListPtr) + sizeof(uint32_t));
  for (const ListPtr& l : lists) {
    bytes += sizeof(ListInfo) + StringHeap(l->list_id) + StringHeap(l->agency_id) +
             l->base->memory_bytes + l->extra.capacity() * sizeof(l->extra[0]);
    for (const auto& e : l->extra) {
      bytes += sizeof(HotListEntry) + 16 + EntryHeap(*e);  // 16: make_shared's counts.
    }
  }
  return bytes;
}

// The overlay table: every list's extra entries and the live entries of bases not in main.
std::shared_ptr<const KeyTable> BuildOverlay(const std::vector<ListPtr>& lists, const DeadSet& dead,
                                             const ConfusionClasses& classes) {
  std::vector<uint64_t> hashes;
  std::vector<Record> records;
  for (size_t slot = 0; slot < lists.size(); ++slot) {
    const ListInfo& l = *lists[slot];
    auto s = static_cast<uint32_t>(slot);
    if (!l.in_main) {
      for (const HotListEntry& e : l.base->entries) {
        if (l.removed == 0 || !IsDead(dead, &e)) AppendRecord(e, s, classes, hashes, records);
      }
    }
    for (const auto& e : l.extra) AppendRecord(*e, s, classes, hashes, records);
  }
  return KeyTable::Build(hashes, records);
}

void FinishSnapshot(Snapshot& s) {
  s.agency_of_slot.clear();
  s.entries = 0;
  for (const ListPtr& l : s.lists) {
    s.agency_of_slot.push_back(l->agency_index);
    s.entries += l->size();
  }
  s.memory_bytes = sizeof(Snapshot) + s.main->MemoryBytes() + s.overlay->MemoryBytes() +
                   s.dead.capacity() * sizeof(s.dead[0]) + ListsMemory(s.lists);
  for (const auto& base : s.graveyard) s.memory_bytes += base->memory_bytes;
}

// A snapshot of `lists` with every pending change folded in and `main` rebuilt: O(entries).
std::shared_ptr<const Snapshot> Compact(std::vector<ListPtr> lists, const DeadSet& dead,
                                        const ConfusionClasses& classes) {
  size_t n = 0;
  for (ListPtr& l : lists) {
    if (l->changed()) {
      l = Fold(*l, dead, [](const HotListEntry&) { return true; });
    } else if (!l->in_main) {
      auto copy = std::make_shared<ListInfo>(*l);
      copy->in_main = true;
      l = std::move(copy);
    }
    n += l->base->entries.size();
  }
  std::vector<uint64_t> hashes;
  std::vector<Record> records;
  hashes.reserve(n);
  records.reserve(n);
  for (size_t slot = 0; slot < lists.size(); ++slot) {
    for (const HotListEntry& e : lists[slot]->base->entries) {
      AppendRecord(e, static_cast<uint32_t>(slot), classes, hashes, records);
    }
  }
  auto s = std::make_shared<Snapshot>();
  s->classes = &classes;
  s->main = KeyTable::Build(hashes, records);
  s->overlay = std::make_shared<const KeyTable>();
  s->lists = std::move(lists);
  FinishSnapshot(*s);
  return s;
}

// The overlay's budget: past it, the next change rebuilds main.
size_t OverlayBudget(const HotListMatcher::Options& options, size_t entries) {
  return std::max(options.min_overlay_entries, entries / 128);
}

// `latest` with its lists replaced by `lists` (same slots; new lists appended) and its dead set
// by `dead`: the overlay rebuilt, or everything compacted once the pending changes outgrow the
// overlay's budget.
std::shared_ptr<const Snapshot> WithChanges(
    const Snapshot& latest, const HotListMatcher::Options& options, std::vector<ListPtr> lists,
    DeadSet dead, std::vector<std::shared_ptr<const ListBase>> graveyard) {
  size_t pending = dead.size();
  for (const ListPtr& l : lists) pending += l->overlay_size();
  if (pending > OverlayBudget(options, latest.entries)) {
    return Compact(std::move(lists), dead, *options.classes);
  }
  auto s = std::make_shared<Snapshot>();
  s->classes = options.classes;
  s->main = latest.main;
  s->overlay = BuildOverlay(lists, dead, *options.classes);
  s->dead = std::move(dead);
  s->graveyard = std::move(graveyard);
  s->lists = std::move(lists);
  FinishSnapshot(*s);
  return s;
}

// Marks every live entry of `list`'s base dead (the list is being replaced).
void KillBase(const ListInfo& list, DeadSet& dead) {
  size_t old_size = dead.size();
  for (const HotListEntry& e : list.base->entries) {
    if (list.removed == 0 || !IsDead(dead, &e)) dead.push_back(&e);
  }
  std::less<const HotListEntry*> less;
  std::sort(dead.begin() + static_cast<ptrdiff_t>(old_size), dead.end(), less);
  std::inplace_merge(dead.begin(), dead.begin() + static_cast<ptrdiff_t>(old_size), dead.end(),
                     less);
}

}  // namespace

// ---- HotListMatcher -------------------------------------------------------------------------

std::vector<HotListHit> HotListMatcher::View::Match(std::string_view plate, std::string_view state,
                                                    int64_t at_us,
                                                    const AgencySet& entitled) const {
  return s_->Match(plate, state, at_us, entitled);
}
size_t HotListMatcher::View::entry_count() const { return s_->entries; }
size_t HotListMatcher::View::list_count() const { return s_->lists.size(); }

HotListMatcher::HotListMatcher() : HotListMatcher(Options()) {}

HotListMatcher::HotListMatcher(Options options) : options_(options) {
  latest_ = Compact({}, {}, *options_.classes);
  current_ = latest_;
}

HotListMatcher::~HotListMatcher() = default;

std::shared_ptr<const HotListMatcher::Snapshot> HotListMatcher::Load() const {
  std::lock_guard lock(current_mu_);
  return current_;
}

void HotListMatcher::Publish(std::shared_ptr<const Snapshot> next) {
  {
    std::lock_guard lock(current_mu_);
    current_ = next;  // The old value lives on in latest_: nothing is freed under the lock.
  }
  retired_.push_back(std::exchange(latest_, std::move(next)));
  FreeRetired(/*wait_for_latest=*/true);
}

void HotListMatcher::FreeRetired(bool wait_for_latest) {
  // A reader holds a snapshot for one Match (microseconds) unless it keeps a View. Waiting a
  // little for the one just replaced lets this thread, not a reader, pay for freeing it.
  if (wait_for_latest && !retired_.empty()) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
    while (retired_.back().use_count() > 1 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
  }
  for (auto& r : retired_) {
    // Only retired_ holds it, and no reader can obtain it again (current_ has moved on). The
    // final decrement in reset() acquires what every reader's decrement released.
    if (r.use_count() == 1) r.reset();
  }
  std::erase(retired_, nullptr);
}

Status HotListMatcher::ReplaceList(std::string_view list_id, std::string_view agency_id,
                                   std::vector<HotListEntry> entries) {
  std::vector<HotList> lists(1);
  lists[0].list_id = std::string(list_id);
  lists[0].agency_id = std::string(agency_id);
  lists[0].entries = std::move(entries);
  return ReplaceLists(std::move(lists));
}

Status HotListMatcher::ReplaceLists(std::vector<HotList> lists) {
  // Everything about the new lists is built before taking the writers' lock.
  for (size_t l = 0; l < lists.size(); ++l) {
    if (lists[l].list_id.empty()) return InvalidArgumentError("a hot list needs a list id");
    if (lists[l].agency_id.empty()) {
      return InvalidArgumentError("hot list '" + lists[l].list_id + "' needs an agency id");
    }
    for (size_t k = 0; k < l; ++k) {
      if (lists[k].list_id == lists[l].list_id) {
        return InvalidArgumentError("hot list '" + lists[l].list_id + "' appears twice");
      }
    }
  }
  std::vector<std::shared_ptr<ListInfo>> infos;
  for (HotList& list : lists) {
    for (size_t i = 0; i < list.entries.size(); ++i) {
      CANVASS_RETURN_IF_ERROR(ValidateEntry(list.list_id, i, list.entries[i]));
    }
    std::string duplicate;
    std::shared_ptr<const ListBase> base = MakeBase(std::move(list.entries), &duplicate);
    if (!base) {
      return InvalidArgumentError("hot list '" + list.list_id + "' holds entry id '" + duplicate +
                                  "' twice");
    }
    auto info = std::make_shared<ListInfo>();
    info->list_id = std::move(list.list_id);
    info->agency_id = std::move(list.agency_id);
    info->base = std::move(base);
    infos.push_back(std::move(info));
  }
  for (auto& info : infos) {
    info->agency_index = AgencyIndex(info->agency_id);
    info->in_main = false;  // Until Compact puts it there.
  }

  std::lock_guard lock(write_mu_);
  std::vector<ListPtr> next = latest_->lists;
  DeadSet dead = latest_->dead;
  auto graveyard = latest_->graveyard;
  // Small beside everything? Then the new lists go to the overlay and the old ones' entries
  // to the dead set; otherwise everything is rebuilt.
  size_t pending = dead.size();
  for (const ListPtr& l : next) pending += l->overlay_size();
  for (const auto& info : infos) {
    pending += info->base->entries.size();
    ptrdiff_t slot = latest_->FindList(info->list_id);
    if (slot >= 0) pending += next[slot]->size();
  }
  bool small = pending <= OverlayBudget(options_, latest_->entries);
  for (auto& info : infos) {
    ptrdiff_t slot = latest_->FindList(info->list_id);
    if (slot < 0) {
      next.push_back(std::move(info));
    } else {
      if (small) {
        if (next[slot]->in_main) KillBase(*next[slot], dead);
        graveyard.push_back(next[slot]->base);
      }
      next[slot] = std::move(info);
    }
  }
  if (small) {
    Publish(
        WithChanges(*latest_, options_, std::move(next), std::move(dead), std::move(graveyard)));
  } else {
    Publish(Compact(std::move(next), dead, *options_.classes));
  }
  return OkStatus();
}

Status HotListMatcher::AddEntry(std::string_view list_id, HotListEntry entry) {
  CANVASS_RETURN_IF_ERROR(ValidateEntry(list_id, 0, entry));
  auto e = std::make_shared<const HotListEntry>(std::move(entry));
  std::lock_guard lock(write_mu_);
  ptrdiff_t slot = latest_->FindList(list_id);
  if (slot < 0) return NotFoundError("hot list '" + std::string(list_id) + "' does not exist");
  auto list = std::make_shared<ListInfo>(*latest_->lists[slot]);
  DeadSet dead = latest_->dead;
  // An entry with the same id is replaced.
  if (const HotListEntry* old = list->base->Find(e->entry_id); old && !IsDead(dead, old)) {
    InsertDead(dead, old);
    ++list->removed;
  } else {
    std::erase_if(list->extra, [&](const auto& x) { return x->entry_id == e->entry_id; });
  }
  list->extra.push_back(std::move(e));
  std::vector<ListPtr> next = latest_->lists;
  next[slot] = std::move(list);
  Publish(WithChanges(*latest_, options_, std::move(next), std::move(dead), latest_->graveyard));
  return OkStatus();
}

Status HotListMatcher::RemoveEntry(std::string_view list_id, std::string_view entry_id) {
  std::lock_guard lock(write_mu_);
  ptrdiff_t slot = latest_->FindList(list_id);
  if (slot < 0) return NotFoundError("hot list '" + std::string(list_id) + "' does not exist");
  auto list = std::make_shared<ListInfo>(*latest_->lists[slot]);
  DeadSet dead = latest_->dead;
  if (const HotListEntry* old = list->base->Find(entry_id); old && !IsDead(dead, old)) {
    InsertDead(dead, old);
    ++list->removed;
  } else if (std::erase_if(list->extra, [&](const auto& x) { return x->entry_id == entry_id; }) ==
             0) {
    return NotFoundError("hot list '" + std::string(list_id) + "' has no entry '" +
                         std::string(entry_id) + "'");
  }
  std::vector<ListPtr> next = latest_->lists;
  next[slot] = std::move(list);
  Publish(WithChanges(*latest_, options_, std::move(next), std::move(dead), latest_->graveyard));
  return OkStatus();
}

Status HotListMatcher::RemoveList(std::string_view list_id) {
  std::lock_guard lock(write_mu_);
  ptrdiff_t slot = latest_->FindList(list_id);
  if (slot < 0) return NotFoundError("hot list '" + std::string(list_id) + "' does not exist");
  std::vector<ListPtr> lists = latest_->lists;
  lists.erase(lists.begin() + slot);
  Publish(Compact(std::move(lists), latest_->dead, *options_.classes));
  return OkStatus();
}

size_t HotListMatcher::RemoveExpired(int64_t now_us) {
  auto expired = [now_us](const HotListEntry& e) {
    return e.expires_at_us != 0 && e.expires_at_us <= now_us;
  };
  std::lock_guard lock(write_mu_);
  const DeadSet& dead = latest_->dead;
  std::vector<ListPtr> lists = latest_->lists;
  size_t removed = 0;
  for (ListPtr& l : lists) {
    size_t n = 0;
    for (const HotListEntry& e : l->base->entries) {
      if (expired(e) && (l->removed == 0 || !IsDead(dead, &e))) ++n;
    }
    for (const auto& e : l->extra) n += expired(*e) ? 1 : 0;
    if (n == 0) continue;
    removed += n;
    l = Fold(*l, dead, [&](const HotListEntry& e) { return !expired(e); });
  }
  if (removed == 0) return 0;
  Publish(Compact(std::move(lists), dead, *options_.classes));
  return removed;
}

std::vector<HotListHit> HotListMatcher::Match(std::string_view plate, std::string_view state,
                                              int64_t at_us, const AgencySet& entitled) const {
  return Load()->Match(plate, state, at_us, entitled);
}

std::vector<HotListHit> HotListMatcher::Match(
    std::string_view plate, std::string_view state, int64_t at_us,
    const std::vector<std::string>& entitled_agency_ids) const {
  return Match(plate, state, at_us, Entitlement(entitled_agency_ids));
}

HotListMatcher::View HotListMatcher::view() const { return View(Load()); }

uint32_t HotListMatcher::AgencyIndex(std::string_view agency_id) const {
  std::lock_guard lock(agency_mu_);
  auto [it, added] = agency_index_.try_emplace(std::string(agency_id),
                                               static_cast<uint32_t>(agency_index_.size()));
  return it->second;
}

AgencySet HotListMatcher::Entitlement(const std::vector<std::string>& agency_ids) const {
  AgencySet set;
  for (const std::string& id : agency_ids) set.Add(AgencyIndex(id));
  return set;
}

size_t HotListMatcher::entry_count() const { return Load()->entries; }
size_t HotListMatcher::list_count() const { return Load()->lists.size(); }
size_t HotListMatcher::list_entry_count(std::string_view list_id) const {
  auto s = Load();
  ptrdiff_t slot = s->FindList(list_id);
  return slot < 0 ? 0 : s->lists[slot]->size();
}
size_t HotListMatcher::MemoryBytes() const { return Load()->memory_bytes; }

}  // namespace canvass::plates
