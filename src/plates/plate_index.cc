// PlateIndex's structure (docs/design/plate-index.md has the reasoning and the measurements).
//
// Distinct plates get a dense uint32 plate id (freed ids are reused, highest first). Per id:
//   plates[id]  the plate packed in 8 bytes (PackPlate; 0 for a free id),
//   keys[id]    its confusion key, packed the same way,
//   newest[id]  the time of its newest read,
//   reads[id]   its reads in one allocation, sorted by time (ReadList).
// Around them, indexes over distinct plates (about 5 reads per plate, so every structure per
// plate costs a fifth of its size per read):
//   plate_table  hash(plate) -> id: exact search and Add. One probe.
//   key_table    hash(confusion key) -> ids: kFuzzyClass. One probe.
//   edit_table   hash(piece key) -> ids: kFuzzyEdit (see "One edit" below). Up to 12 probes.
//   postings     trigram -> sorted plate ids: kWildcard. Trigrams run over "^PLATE$", so a
//                plate of n characters has n of them. A pattern's literal runs, with '^' where
//                it does not start with '*' and '$' where it does not end with one, give
//                trigrams that every matching plate contains ("7AB*": "^7A", "7AB"); the
//                posting lists are intersected smallest first and the survivors checked
//                against the pattern. Patterns without '*' or a trigram ("?AB?") check the
//                plates of their length (by_length); patterns with '*' and no trigram
//                ("*AB*", "A?B*") scan the packed plates with a vectorised filter: O(plates).
//   buckets      retention: per 10 minutes, the plates read then.
// A search finds its plate ids, then walks each plate's reads (filtered by time and camera,
// O(1) each) keeping the `limit` newest; once it holds `limit`, plates whose newest read is
// older than all of them are skipped unread. O(candidates + reads of the plates visited).
//
// One edit. The key q matches the stored key p when lev(p, q) <= 1. Split p (length n) into k =
// min(4, n) non-empty pieces at b_0 = 0 < b_1 < ... < b_k = n. An edit at position i of p lies
// in some piece j (b_j <= i < b_{j+1} for a substitution or deletion, b_j <= i <= b_{j+1} for
// an insertion), so the prefix p[0, b_j) and the suffix p[b_{j+1}, n) are intact in q, as q's
// prefix and suffix. Each plate therefore enters edit_table k times, under (n, j, prefix,
// suffix); a query looks up, for each n in {m - 1, m, m + 1} and each j, its own prefix of
// b_j characters and suffix of n - b_{j+1} characters, and checks the candidates' keys exactly.
// The pieces leave 4 to 6 of 7 characters in each key, so buckets hold about one plate.
// (Symmetric deletion, the usual alternative, stores n keys per plate instead of k.)
//
// Hash tables are open addressing with linear probing over 8-byte slots: a 32-bit tag (the
// hash's high half, which also gives the home slot) and the plate id + 1. A probe compares tags
// only; the caller checks the plate or key of a matching id. Deletion shifts entries back, so
// no tombstones accumulate under retention.
#include "plates/plate_index.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <utility>

namespace canvass::plates {
namespace {

__extension__ typedef __int128 Int128;  // Bucket bounds at the ends of the int64 range.
constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min();

// ---- Packed plates -------------------------------------------------------------------------

uint64_t ShiftRight(uint64_t x, unsigned bits) { return bits >= 64 ? 0 : x >> bits; }
uint64_t LowBytes(uint64_t x, unsigned n) {
  return n >= 8 ? x : x & ((uint64_t{1} << (8 * n)) - 1);
}

unsigned PackedLength(uint64_t p) { return (64 - std::countl_zero(p) + 7) / 8; }

bool IsPlateChar(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

uint64_t PackKey(uint64_t packed_plate, const ConfusionClasses& classes) {
  uint64_t out = 0;
  for (unsigned i = 0; i < 8; ++i) {
    auto c = static_cast<char>(packed_plate >> (8 * i));
    if (c == 0) break;
    out |= uint64_t{static_cast<uint8_t>(classes.Key(c))} << (8 * i);
  }
  return out;
}

// Whether two packed keys are within Levenshtein distance 1 (see the proof in the design doc:
// deleting at the first differing position is as good as deleting anywhere in its run).
bool WithinOneEdit(uint64_t p, uint64_t q) {
  if (p == q) return true;
  unsigned lp = PackedLength(p), lq = PackedLength(q);
  unsigned i = static_cast<unsigned>(std::countr_zero(p ^ q)) / 8;  // First differing byte.
  if (lp == lq) return ShiftRight(p ^ q, 8 * (i + 1)) == 0;
  if (lp == lq + 1) return ShiftRight(p, 8 * (i + 1)) == ShiftRight(q, 8 * i);
  if (lq == lp + 1) return ShiftRight(q, 8 * (i + 1)) == ShiftRight(p, 8 * i);
  return false;
}

// One 0x80 bit in each byte of x that is zero, exactly (no borrow between bytes).
uint64_t ZeroBytes(uint64_t x) {
  constexpr uint64_t k7f = 0x7f7f7f7f7f7f7f7fULL;
  return ~(((x & k7f) + k7f) | x | k7f);
}

// keep[i] = whether packed plate p[i] is not empty, holds each adjacent pair (firsts[k],
// seconds[k]) and each character of `singles` (all broadcast to 8 bytes). Branch-free, so GCC
// vectorises it; the clones use AVX2 or AVX-512 where the CPU has them.
__attribute__((target_clones("avx512f", "avx2", "default"))) void FilterBlock(
    const uint64_t* p, size_t n, const uint64_t* firsts, const uint64_t* seconds, size_t pairs,
    const uint64_t* singles, size_t chars, uint64_t* keep) {
  for (size_t i = 0; i < n; ++i) keep[i] = p[i] != 0;
  for (size_t k = 0; k < pairs; ++k) {
    const uint64_t a = firsts[k], b = seconds[k];
    for (size_t i = 0; i < n; ++i) {
      keep[i] &= ((ZeroBytes(p[i] ^ a) << 8) & ZeroBytes(p[i] ^ b)) != 0;
    }
  }
  for (size_t k = 0; k < chars; ++k) {
    const uint64_t c = singles[k];
    for (size_t i = 0; i < n; ++i) keep[i] &= ZeroBytes(p[i] ^ c) != 0;
  }
}

// ---- Hashing and the tag table --------------------------------------------------------------

uint64_t Mix(uint64_t x) {  // MurmurHash3's finaliser.
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

// A multimap from 64-bit hashes to plate ids, open addressing with linear probing. A slot holds
// (tag << 32) | (id + 1), 0 when empty; the tag is the hash's high 32 bits and the home slot is
// tag * capacity / 2^32, so the table can grow and shift entries without the keys. Capacity
// grows by 1.5x past a load of 0.8 (average load about 0.65).
class TagTable {
 public:
  void Insert(uint64_t hash, uint32_t id) {
    if ((size_ + 1) * 5 > slots_.size() * 4) Grow(slots_.size() * 3 / 2);
    uint64_t slot = (hash & 0xffffffff00000000ULL) | (uint64_t{id} + 1);
    size_t i = Home(hash);
    while (slots_[i] != 0) i = Next(i);
    slots_[i] = slot;
    ++size_;
  }

  bool Erase(uint64_t hash, uint32_t id) {
    uint64_t want = (hash & 0xffffffff00000000ULL) | (uint64_t{id} + 1);
    if (slots_.empty()) return false;
    size_t i = Home(hash);
    while (slots_[i] != want) {
      if (slots_[i] == 0) return false;
      i = Next(i);
    }
    // Backward-shift deletion: move later entries of the run into the hole while that brings
    // them no further from their home than they were.
    size_t cap = slots_.size();
    for (size_t j = Next(i); slots_[j] != 0; j = Next(j)) {
      size_t home = HomeOfTag(static_cast<uint32_t>(slots_[j] >> 32));
      if ((j + cap - home) % cap >= (j + cap - i) % cap) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    slots_[i] = 0;
    --size_;
    return true;
  }

  // Calls f(id) for every entry whose tag is the hash's (the caller checks the key).
  template <typename F>
  void ForEach(uint64_t hash, F&& f) const {
    if (slots_.empty()) return;
    auto tag = static_cast<uint32_t>(hash >> 32);
    for (size_t i = Home(hash); slots_[i] != 0; i = Next(i)) {
      if (static_cast<uint32_t>(slots_[i] >> 32) == tag) {
        f(static_cast<uint32_t>(slots_[i] & 0xffffffff) - 1);
      }
    }
  }

  void Prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[Home(hash)]);
  }

  size_t size() const { return size_; }
  size_t MemoryBytes() const { return slots_.capacity() * sizeof(uint64_t); }

 private:
  size_t HomeOfTag(uint32_t tag) const { return (uint64_t{tag} * slots_.size()) >> 32; }
  size_t Home(uint64_t hash) const { return HomeOfTag(static_cast<uint32_t>(hash >> 32)); }
  size_t Next(size_t i) const { return i + 1 == slots_.size() ? 0 : i + 1; }

  void Grow(size_t capacity) {
    std::vector<uint64_t> old = std::move(slots_);
    slots_.assign(std::max<size_t>(capacity, 64), 0);
    for (uint64_t s : old) {
      if (s == 0) continue;
      size_t i = HomeOfTag(static_cast<uint32_t>(s >> 32));
      while (slots_[i] != 0) i = Next(i);
      slots_[i] = s;
    }
  }

  std::vector<uint64_t> slots_;
  size_t size_ = 0;
};

// ---- The reads of one plate -------------------------------------------------------------------

// The reads of one plate, sorted by (time, read index), in one malloc'd block laid out as a
// structure of arrays: 20 bytes a read plus an 8-byte header. Capacity grows by a quarter (real
// ingest is a few reads a second, so reallocating often costs nothing; memory does).
//
//   uint32_t size, capacity
//   int64_t  time_us[capacity]
//   uint64_t read_index[capacity]
//   uint32_t camera[capacity]
class ReadList {
 public:
  ReadList() = default;
  ReadList(ReadList&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  ReadList& operator=(ReadList&& o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~ReadList() { std::free(p_); }

  static size_t BytesFor(uint32_t capacity) { return 8 + size_t{capacity} * 20; }

  uint32_t size() const { return p_ ? header()[0] : 0; }
  uint32_t capacity() const { return p_ ? header()[1] : 0; }
  size_t AllocatedBytes() const { return p_ ? BytesFor(capacity()) : 0; }
  const int64_t* times() const { return reinterpret_cast<const int64_t*>(p_ + 8); }
  const uint64_t* indexes() const {
    return reinterpret_cast<const uint64_t*>(times() + capacity());
  }
  const uint32_t* cameras() const {
    return reinterpret_cast<const uint32_t*>(indexes() + capacity());
  }
  void Prefetch() const { __builtin_prefetch(p_); }

  // Returns false, changing nothing, if (time, read index) is already there. `bytes` tracks the
  // allocations of every list.
  bool Insert(int64_t time_us, uint64_t read_index, uint32_t camera, size_t* bytes) {
    uint32_t n = size();
    uint32_t pos = n;  // Reads come mostly in time order: search from the end.
    while (pos > 0 && (times()[pos - 1] > time_us ||
                       (times()[pos - 1] == time_us && indexes()[pos - 1] >= read_index))) {
      if (times()[pos - 1] == time_us && indexes()[pos - 1] == read_index) return false;
      --pos;
    }
    if (n == capacity()) Reallocate(n + n / 4 + 1, bytes);  // At most 25% spare.
    int64_t* t = mutable_times();
    uint64_t* x = mutable_indexes();
    uint32_t* c = mutable_cameras();
    std::memmove(t + pos + 1, t + pos, (n - pos) * sizeof(int64_t));
    std::memmove(x + pos + 1, x + pos, (n - pos) * sizeof(uint64_t));
    std::memmove(c + pos + 1, c + pos, (n - pos) * sizeof(uint32_t));
    t[pos] = time_us;
    x[pos] = read_index;
    c[pos] = camera;
    header()[0] = n + 1;
    return true;
  }

  // Removes the reads with time < cutoff (a prefix); returns how many. Like Remove, gives
  // memory back once half the capacity is unused.
  uint32_t RemoveBefore(int64_t cutoff_us, size_t* bytes) {
    uint32_t n = size(), k = 0;
    while (k < n && times()[k] < cutoff_us) ++k;
    if (k > 0) Erase(0, k, bytes);
    return k;
  }

  bool Remove(uint64_t read_index, size_t* bytes) {
    for (uint32_t i = 0; i < size(); ++i) {
      if (indexes()[i] == read_index) {
        Erase(i, 1, bytes);
        return true;
      }
    }
    return false;
  }

  void ShrinkToFit(size_t* bytes) {
    if (p_ && capacity() != size()) Reallocate(size(), bytes);
  }
  void Free(size_t* bytes) {
    *bytes -= AllocatedBytes();
    std::free(std::exchange(p_, nullptr));
  }

 private:
  uint32_t* header() const { return reinterpret_cast<uint32_t*>(p_); }
  int64_t* mutable_times() { return reinterpret_cast<int64_t*>(p_ + 8); }
  uint64_t* mutable_indexes() { return reinterpret_cast<uint64_t*>(mutable_times() + capacity()); }
  uint32_t* mutable_cameras() {
    return reinterpret_cast<uint32_t*>(mutable_indexes() + capacity());
  }

  void Erase(uint32_t first, uint32_t count, size_t* bytes) {
    uint32_t n = size(), rest = n - first - count;
    int64_t* t = mutable_times();
    uint64_t* x = mutable_indexes();
    uint32_t* c = mutable_cameras();
    std::memmove(t + first, t + first + count, rest * sizeof(int64_t));
    std::memmove(x + first, x + first + count, rest * sizeof(uint64_t));
    std::memmove(c + first, c + first + count, rest * sizeof(uint32_t));
    header()[0] = n - count;
    if (n - count > 0 && 2 * (n - count) <= capacity()) Reallocate(n - count, bytes);
  }

  void Reallocate(uint32_t capacity, size_t* bytes) {
    uint32_t n = size();
    if (capacity == 0) {
      Free(bytes);
      return;
    }
    auto* q = static_cast<char*>(std::malloc(BytesFor(capacity)));
    if (q == nullptr) std::abort();
    auto* h = reinterpret_cast<uint32_t*>(q);
    h[0] = n;
    h[1] = capacity;
    auto* t = reinterpret_cast<int64_t*>(q + 8);
    auto* x = reinterpret_cast<uint64_t*>(t + capacity);
    auto* c = reinterpret_cast<uint32_t*>(x + capacity);
    if (p_) {
      std::memcpy(t, times(), n * sizeof(int64_t));
      std::memcpy(x, indexes(), n * sizeof(uint64_t));
      std::memcpy(c, cameras(), n * sizeof(uint32_t));
    }
    *bytes += BytesFor(capacity);
    *bytes -= AllocatedBytes();
    std::free(p_);
    p_ = q;
  }

  char* p_ = nullptr;
};

// ---- Trigrams -----------------------------------------------------------------------------------

// Trigrams run over the plate between a start mark '^' and an end mark '$' ("^7ABC123$"), so a
// plate of n characters has n trigrams and anchored patterns ("7A*", "*12", "AB?") have some.
constexpr size_t kSymbols = 38;  // A-Z, 0-9, '^', '$'.
constexpr size_t kTrigrams = kSymbols * kSymbols * kSymbols;

unsigned SymbolCode(char c) {
  if (c == '^') return 36;
  if (c == '$') return 37;
  return c <= '9' ? static_cast<unsigned>(c - '0') : static_cast<unsigned>(c - 'A') + 10;
}
uint32_t Trigram(const char* s) {
  return static_cast<uint32_t>((SymbolCode(s[0]) * kSymbols + SymbolCode(s[1])) * kSymbols +
                               SymbolCode(s[2]));
}

// The distinct trigrams of a plate (at most 8).
size_t PlateTrigrams(uint64_t packed, std::array<uint32_t, 8>& out) {
  char s[10];
  unsigned n = PackedLength(packed);
  s[0] = '^';
  std::memcpy(s + 1, &packed, 8);  // Little-endian: byte i is character i.
  s[n + 1] = '$';
  size_t k = 0;
  for (unsigned i = 0; i + 3 <= n + 2; ++i) {
    uint32_t t = Trigram(s + i);
    if (std::find(out.begin(), out.begin() + k, t) == out.begin() + k) out[k++] = t;
  }
  return k;
}

// ---- Patterns
// ------------------------------------------------------------------------------------

struct Pattern {
  std::string text;    // Normalised, runs of '*' collapsed to one.
  unsigned fixed = 0;  // Characters a match needs: literals and '?'.
  bool has_star = false;
  std::vector<uint32_t> trigrams;              // Distinct trigrams of literal runs of 3 or more.
  std::vector<char> literals;                  // Distinct literal characters.
  std::vector<std::pair<char, char>> bigrams;  // Distinct adjacent literal pairs.
};

StatusOr<Pattern> ParsePattern(std::string_view raw) {
  Pattern p;
  unsigned literals = 0;
  for (char c : raw) {
    if (c == ' ' || c == '-' || c == '.') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!IsPlateChar(c) && c != '*' && c != '?') {
      return InvalidArgumentError("pattern '" + std::string(raw.substr(0, 40)) +
                                  "' has a character other than A-Z, 0-9, '*' and '?'");
    }
    if (c == '*' && !p.text.empty() && p.text.back() == '*') continue;
    p.text += c;
    if (c == '*') {
      p.has_star = true;
    } else {
      ++p.fixed;
      if (c != '?') ++literals;
    }
  }
  if (literals < 2) {
    return InvalidArgumentError("pattern '" + std::string(raw.substr(0, 40)) + "' has " +
                                std::to_string(literals) +
                                " literal characters; at least 2 are needed besides '*' and '?'");
  }
  if (p.fixed > kMaxPlateChars) {
    return InvalidArgumentError("pattern '" + std::string(raw.substr(0, 40)) + "' needs " +
                                std::to_string(p.fixed) + " characters; plates have at most " +
                                std::to_string(kMaxPlateChars));
  }
  const std::string& t = p.text;
  for (size_t i = 0; i < t.size(); ++i) {
    if (!IsPlateChar(t[i])) continue;
    if (std::find(p.literals.begin(), p.literals.end(), t[i]) == p.literals.end()) {
      p.literals.push_back(t[i]);
    }
    if (i + 1 < t.size() && IsPlateChar(t[i + 1])) {
      std::pair<char, char> b{t[i], t[i + 1]};
      if (std::find(p.bigrams.begin(), p.bigrams.end(), b) == p.bigrams.end()) {
        p.bigrams.push_back(b);
      }
    }
  }
  // Trigrams of literal runs, with the marks where the pattern is anchored: "7AB*" gives
  // "^7A" and "7AB", "*12" gives "12$".
  std::string marked = (t.front() == '*' ? "" : "^") + t + (t.back() == '*' ? "" : "$");
  auto literal = [](char c) { return IsPlateChar(c) || c == '^' || c == '$'; };
  for (size_t i = 0; i + 3 <= marked.size(); ++i) {
    if (!literal(marked[i]) || !literal(marked[i + 1]) || !literal(marked[i + 2])) continue;
    uint32_t tri = Trigram(marked.data() + i);
    if (std::find(p.trigrams.begin(), p.trigrams.end(), tri) == p.trigrams.end()) {
      p.trigrams.push_back(tri);
    }
  }
  return p;
}

// Glob match of '*' and '?' (one-star backtracking: linear for these lengths).
bool GlobMatch(std::string_view pat, std::string_view s) {
  size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < pat.size() && (pat[pi] == '?' || pat[pi] == s[si])) {
      ++pi;
      ++si;
    } else if (pi < pat.size() && pat[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < pat.size() && pat[pi] == '*') ++pi;
  return pi == pat.size();
}

bool PatternMatches(const Pattern& p, uint64_t packed) {
  unsigned n = PackedLength(packed);
  if (n < p.fixed || (!p.has_star && n != p.fixed)) return false;
  char s[8];
  std::memcpy(s, &packed, 8);
  return GlobMatch(p.text, std::string_view(s, n));
}

// ---- One edit: piece keys -----------------------------------------------------------------------

unsigned Pieces(unsigned n) { return std::min(4u, n); }
unsigned Boundary(unsigned n, unsigned j) { return j * n / Pieces(n); }

// The key of piece j for a plate of length n, from the first `prefix` and the last `suffix`
// characters of a key of length `len`.
uint64_t PieceKey(uint64_t key, unsigned len, unsigned n, unsigned j) {
  unsigned prefix = Boundary(n, j), suffix = n - Boundary(n, j + 1);
  uint64_t chars = LowBytes(key, prefix) |
                   (LowBytes(ShiftRight(key, 8 * (len - suffix)), suffix) << (8 * prefix));
  return chars | (uint64_t{n} << 56) | (uint64_t{j} << 60);
}

// ---- Camera filter
// -------------------------------------------------------------------------------

// Allowed cameras as a bitmap when it is small (at most 4,096 words, or 16 per camera), else
// the sorted vector itself.
class CameraFilter {
 public:
  explicit CameraFilter(const std::vector<uint32_t>* cameras) : sorted_(cameras) {
    if (cameras == nullptr || cameras->empty()) return;
    size_t words = size_t{cameras->back()} / 64 + 1;
    if (words <= 4096 || words <= 16 * cameras->size()) {
      bits_.assign(words, 0);
      for (uint32_t c : *cameras) bits_[c / 64] |= uint64_t{1} << (c % 64);
    }
  }
  bool all() const { return sorted_ == nullptr; }
  bool none() const { return sorted_ != nullptr && sorted_->empty(); }
  bool Allows(uint32_t camera) const {
    if (!bits_.empty()) {
      return camera / 64 < bits_.size() && (bits_[camera / 64] >> (camera % 64)) & 1;
    }
    return std::binary_search(sorted_->begin(), sorted_->end(), camera);
  }

 private:
  const std::vector<uint32_t>* sorted_;
  std::vector<uint64_t> bits_;
};

bool Newer(const ReadRef& a, const ReadRef& b) {
  return a.time_us != b.time_us ? a.time_us > b.time_us : a.read_index < b.read_index;
}

int64_t BucketOf(int64_t time_us, int64_t width) {
  return time_us >= 0 ? time_us / width : -((-(time_us + 1)) / width) - 1;
}

}  // namespace

// ---- The index ----------------------------------------------------------------------------------

struct PlateIndex::Impl {
  explicit Impl(PlateIndexOptions o) : options(o), postings(kTrigrams) {}

  // Lists grow by an eighth, not std::vector's doubling: there are 54,872 of them, most
  // trimmed by ShrinkToFit, and one insert each would otherwise double their memory.
  static void Reserve(std::vector<uint32_t>& list) {
    if (list.size() == list.capacity()) list.reserve(list.size() + list.size() / 8 + 4);
  }

  // New ids are mostly the largest yet (appended); a reused id costs a memmove of the list.
  static void InsertSorted(std::vector<uint32_t>& list, uint32_t id) {
    Reserve(list);
    if (list.empty() || list.back() < id) {
      list.push_back(id);
    } else {
      list.insert(std::lower_bound(list.begin(), list.end(), id), id);
    }
  }
  static void EraseSorted(std::vector<uint32_t>& list, uint32_t id) {
    auto it = std::lower_bound(list.begin(), list.end(), id);
    if (it != list.end() && *it == id) list.erase(it);
  }

  PlateIndexOptions options;
  std::vector<uint64_t> plates;  // By plate id; 0 when free.
  std::vector<uint64_t> keys;
  std::vector<ReadList> reads;
  std::vector<int64_t> newest;     // Time of the plate's newest read (kMinTime when free).
  std::vector<uint32_t> free_ids;  // A max-heap.
  TagTable plate_table, key_table, edit_table;
  std::vector<std::vector<uint32_t>> postings;  // By trigram; sorted plate ids.
  // The plates of each length, unordered (swap-removed: position_in_length[id] is where id
  // sits in by_length[its length]). Only patterns without '*' and without a trigram use them.
  std::array<std::vector<uint32_t>, kMaxPlateChars + 1> by_length;
  std::vector<uint32_t> position_in_length;
  // Retention: bucket -> plate ids with a read in it (repeats allowed), and the bucket Add used
  // last (reads come in time order, so most land in it).
  std::map<int64_t, std::vector<uint32_t>> buckets;
  int64_t last_bucket = 0;
  std::vector<uint32_t>* last_bucket_ids = nullptr;
  size_t read_count = 0;
  size_t plate_count = 0;
  size_t read_bytes = 0;  // Of every ReadList's block.

  std::optional<uint32_t> Find(uint64_t packed) const {
    std::optional<uint32_t> found;
    plate_table.ForEach(Mix(packed), [&](uint32_t id) {
      if (plates[id] == packed) found = id;
    });
    return found;
  }

  uint32_t NewPlate(uint64_t packed) {
    uint32_t id;
    if (free_ids.empty()) {
      if (plates.size() == plates.capacity()) {  // Grow by an eighth, as the lists.
        size_t capacity = plates.size() + plates.size() / 8 + 16;
        plates.reserve(capacity);
        keys.reserve(capacity);
        reads.reserve(capacity);
        newest.reserve(capacity);
        position_in_length.reserve(capacity);
      }
      id = static_cast<uint32_t>(plates.size());
      plates.push_back(0);
      keys.push_back(0);
      reads.emplace_back();
      newest.push_back(kMinTime);
      position_in_length.push_back(0);
    } else {
      // The highest free id: posting lists are sorted by id, so it goes near their ends and
      // the insert moves little.
      std::pop_heap(free_ids.begin(), free_ids.end());
      id = free_ids.back();
      free_ids.pop_back();
    }
    uint64_t key = PackKey(packed, *options.classes);
    plates[id] = packed;
    keys[id] = key;
    plate_table.Insert(Mix(packed), id);
    key_table.Insert(Mix(key), id);
    unsigned n = PackedLength(key);
    for (unsigned j = 0; j < Pieces(n); ++j) edit_table.Insert(Mix(PieceKey(key, n, n, j)), id);
    std::array<uint32_t, 8> tri;
    for (size_t i = 0, k = PlateTrigrams(packed, tri); i < k; ++i)
      InsertSorted(postings[tri[i]], id);
    position_in_length[id] = static_cast<uint32_t>(by_length[n].size());
    Reserve(by_length[n]);
    by_length[n].push_back(id);
    ++plate_count;
    return id;
  }

  void FreePlate(uint32_t id) {
    uint64_t packed = plates[id], key = keys[id];
    plate_table.Erase(Mix(packed), id);
    key_table.Erase(Mix(key), id);
    unsigned n = PackedLength(key);
    for (unsigned j = 0; j < Pieces(n); ++j) edit_table.Erase(Mix(PieceKey(key, n, n, j)), id);
    std::array<uint32_t, 8> tri;
    for (size_t i = 0, k = PlateTrigrams(packed, tri); i < k; ++i)
      EraseSorted(postings[tri[i]], id);
    std::vector<uint32_t>& same_length = by_length[n];
    uint32_t moved = same_length.back();
    same_length[position_in_length[id]] = moved;
    position_in_length[moved] = position_in_length[id];
    same_length.pop_back();
    reads[id].Free(&read_bytes);
    newest[id] = kMinTime;
    plates[id] = 0;
    keys[id] = 0;
    free_ids.push_back(id);
    std::push_heap(free_ids.begin(), free_ids.end());
    --plate_count;
  }

  Status AddLocked(const PlateRead& r, uint64_t packed) {
    std::optional<uint32_t> found = Find(packed);
    uint32_t id = found ? *found : NewPlate(packed);
    if (!reads[id].Insert(r.time_us, r.read_index, r.camera, &read_bytes)) {
      return AlreadyExistsError("read " + std::to_string(r.read_index) + " of plate " +
                                std::string(r.plate) + " at " + std::to_string(r.time_us) +
                                " is already in the plate index");
    }
    newest[id] = std::max(newest[id], r.time_us);
    int64_t bucket = BucketOf(r.time_us, options.retention_bucket_us);
    if (last_bucket_ids == nullptr || bucket != last_bucket) {
      last_bucket = bucket;
      last_bucket_ids = &buckets[bucket];
    }
    last_bucket_ids->push_back(id);
    ++read_count;
    return OkStatus();
  }

  // Appends the reads of plate `id` that pass the filters.
  static void Collect(const ReadList& list, int64_t from_us, int64_t to_us,
                      const CameraFilter& cameras, std::vector<ReadRef>& out) {
    uint32_t n = list.size();
    if (n == 0) return;
    const int64_t* t = list.times();
    uint32_t i = 0;
    while (i < n && t[i] < from_us) ++i;
    for (; i < n && t[i] < to_us; ++i) {
      uint32_t camera = list.cameras()[i];
      if (cameras.all() || cameras.Allows(camera)) out.push_back({list.indexes()[i], t[i], camera});
    }
  }

  // Collects into `out` (unordered) the `limit` newest reads of the given plates that pass the
  // filters; returns whether more matched. The plates are scattered, so each costs cache misses
  // (its newest time, its list pointer, its list); they are prefetched a few plates ahead so
  // that the misses overlap. Once `out` has `limit` reads newer than some time `floor` (found
  // by nth_element each time `out` doubles), a plate whose newest read is older than `floor`
  // cannot contribute and its list is not read: a search matching 10,000 plates reads a few
  // thousand lists for a limit of 1,000.
  bool CollectPlates(const std::vector<uint32_t>& ids, int64_t from_us, int64_t to_us,
                     const CameraFilter& cameras, size_t limit, std::vector<ReadRef>& out) const {
    constexpr size_t kAhead = 8;
    int64_t floor = from_us;
    bool more = false;
    size_t n = ids.size();
    for (size_t i = 0; i < n; ++i) {
      if (i + 2 * kAhead < n) {
        __builtin_prefetch(&newest[ids[i + 2 * kAhead]]);
        __builtin_prefetch(&reads[ids[i + 2 * kAhead]]);
      }
      if (i + kAhead < n && newest[ids[i + kAhead]] >= floor) reads[ids[i + kAhead]].Prefetch();
      uint32_t id = ids[i];
      if (newest[id] < floor) continue;  // Ties with the floor may still win on read index.
      Collect(reads[id], from_us, to_us, cameras, out);
      if (out.size() >= 2 * limit) {
        auto nth = out.begin() + static_cast<ptrdiff_t>(limit - 1);
        std::nth_element(out.begin(), nth, out.end(), Newer);
        floor = std::max(floor, nth->time_us);
        out.resize(limit);
        more = true;
      }
    }
    if (out.size() > limit) {
      std::nth_element(out.begin(), out.begin() + static_cast<ptrdiff_t>(limit), out.end(), Newer);
      out.resize(limit);
      more = true;
    }
    return more;
  }

  // Plate ids for kWildcard.
  void WildcardCandidates(const Pattern& p, std::vector<uint32_t>& out) const {
    if (p.trigrams.empty()) {
      if (p.has_star) {
        ScanCandidates(p, out);
        return;
      }
      // "?AB?": check the plates of that length.
      const std::vector<uint32_t>& same_length = by_length[p.fixed];
      constexpr size_t kAhead = 16;
      for (size_t i = 0; i < same_length.size(); ++i) {
        if (i + kAhead < same_length.size()) __builtin_prefetch(&plates[same_length[i + kAhead]]);
        if (PatternMatches(p, plates[same_length[i]])) out.push_back(same_length[i]);
      }
      return;
    }
    std::vector<const std::vector<uint32_t>*> lists;
    for (uint32_t t : p.trigrams) lists.push_back(&postings[t]);
    std::sort(lists.begin(), lists.end(), [](auto* a, auto* b) { return a->size() < b->size(); });
    std::vector<uint32_t> cand = *lists[0];
    for (size_t l = 1; l < lists.size() && !cand.empty(); ++l) {
      const std::vector<uint32_t>& list = *lists[l];
      // Each survivor is looked for in the longer list by a forward-moving binary search.
      auto from = list.begin();
      size_t kept = 0;
      for (uint32_t id : cand) {
        from = std::lower_bound(from, list.end(), id);
        if (from == list.end()) break;
        if (*from == id) cand[kept++] = id;
      }
      cand.resize(kept);
    }
    // A pattern that is one trigram between stars ("*ABC*") needs no check.
    bool exact = p.text.size() == 5 && p.text.front() == '*' && p.text.back() == '*' &&
                 p.trigrams.size() == 1;
    constexpr size_t kAhead = 16;
    for (size_t i = 0; i < cand.size(); ++i) {
      if (i + kAhead < cand.size()) __builtin_prefetch(&plates[cand[i + kAhead]]);
      if (exact || PatternMatches(p, plates[cand[i]])) out.push_back(cand[i]);
    }
  }

  // Patterns with a '*' and no trigram ("*AB*", "A*B", "A?B*"): scan the packed plates, 512 at
  // a time, keeping those that hold every literal character and adjacent pair (FilterBlock),
  // then check the pattern on those. O(plates): about 1 ms per 2 million plates here.
  void ScanCandidates(const Pattern& p, std::vector<uint32_t>& out) const {
    std::vector<uint64_t> firsts, seconds, singles;
    for (const auto& [a, b] : p.bigrams) {
      firsts.push_back(0x0101010101010101ULL * static_cast<uint8_t>(a));
      seconds.push_back(0x0101010101010101ULL * static_cast<uint8_t>(b));
    }
    for (char c : p.literals) singles.push_back(0x0101010101010101ULL * static_cast<uint8_t>(c));
    constexpr size_t kBlock = 512;
    alignas(64) uint64_t keep[kBlock];
    for (size_t base = 0; base < plates.size(); base += kBlock) {
      size_t n = std::min(kBlock, plates.size() - base);
      const uint64_t* block = plates.data() + base;
      FilterBlock(block, n, firsts.data(), seconds.data(), firsts.size(), singles.data(),
                  singles.size(), keep);
      for (size_t i = 0; i < n; ++i) {
        if (keep[i] && PatternMatches(p, block[i])) out.push_back(static_cast<uint32_t>(base + i));
      }
    }
  }

  void FuzzyClassCandidates(uint64_t key, std::vector<uint32_t>& out) const {
    key_table.ForEach(Mix(key), [&](uint32_t id) {
      if (keys[id] == key) out.push_back(id);
    });
  }

  void FuzzyEditCandidates(uint64_t key, std::vector<uint32_t>& out) const {
    unsigned m = PackedLength(key);
    std::array<uint64_t, 12> hashes;
    size_t count = 0;
    for (unsigned n = std::max<unsigned>(m - 1, kMinPlateChars);
         n <= std::min<unsigned>(m + 1, kMaxPlateChars); ++n) {
      for (unsigned j = 0; j < Pieces(n); ++j) {
        unsigned prefix = Boundary(n, j), suffix = n - Boundary(n, j + 1);
        if (prefix + suffix > m) continue;
        hashes[count] = Mix(PieceKey(key, m, n, j));
        edit_table.Prefetch(hashes[count++]);
      }
    }
    for (size_t h = 0; h < count; ++h) {
      edit_table.ForEach(hashes[h], [&](uint32_t id) {
        if (WithinOneEdit(keys[id], key)) out.push_back(id);
      });
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }

  size_t MemoryBytes() const {
    size_t bytes = sizeof(Impl) + plates.capacity() * 8 + keys.capacity() * 8 +
                   reads.capacity() * sizeof(ReadList) + read_bytes + newest.capacity() * 8 +
                   free_ids.capacity() * 4 + plate_table.MemoryBytes() + key_table.MemoryBytes() +
                   edit_table.MemoryBytes() + postings.capacity() * sizeof(postings[0]);
    for (const auto& list : postings) bytes += list.capacity() * sizeof(uint32_t);
    for (const auto& list : by_length) bytes += list.capacity() * sizeof(uint32_t);
    bytes += position_in_length.capacity() * sizeof(uint32_t);
    constexpr size_t kMapNodeBytes = 32 + sizeof(std::pair<const int64_t, std::vector<uint32_t>>);
    for (const auto& [bucket, ids] : buckets) {
      bytes += kMapNodeBytes + ids.capacity() * sizeof(uint32_t);
    }
    return bytes;
  }
};

class PlateIndex::ReadLock {
 public:
  explicit ReadLock(const PlateIndex& m) : lock_(m.mu_) {}

 private:
  std::shared_lock<WriterFirstSharedMutex> lock_;
};

class PlateIndex::WriteLock {
 public:
  explicit WriteLock(const PlateIndex& m) : lock_(m.mu_) {}

 private:
  std::unique_lock<WriterFirstSharedMutex> lock_;
};

uint64_t PackPlate(std::string_view plate) {
  uint64_t out = 0;
  for (size_t i = 0; i < plate.size() && i < 8; ++i) {
    out |= uint64_t{static_cast<uint8_t>(plate[i])} << (8 * i);
  }
  return out;
}

std::string UnpackPlate(uint64_t packed) {
  std::string out;
  for (; packed != 0; packed >>= 8) out += static_cast<char>(packed & 0xff);
  return out;
}

namespace {

Status ValidatePlate(std::string_view plate) {
  bool ok = plate.size() >= kMinPlateChars && plate.size() <= kMaxPlateChars &&
            std::all_of(plate.begin(), plate.end(), IsPlateChar);
  if (ok) return OkStatus();
  return InvalidArgumentError("plate '" + std::string(plate.substr(0, 20)) +
                              "' is not normalised (2 to 8 characters of A-Z and 0-9)");
}

}  // namespace

PlateIndex::PlateIndex(PlateIndexOptions options) : impl_(std::make_unique<Impl>(options)) {
  if (impl_->options.retention_bucket_us <= 0) impl_->options.retention_bucket_us = 1;
  if (impl_->options.classes == nullptr) impl_->options.classes = &ConfusionClasses::Default();
}
PlateIndex::~PlateIndex() = default;

Status PlateIndex::Add(const PlateRead& read) { return AddBatch({&read, 1}); }

Status PlateIndex::AddBatch(std::span<const PlateRead> reads) {
  for (const PlateRead& r : reads) CANVASS_RETURN_IF_ERROR(ValidatePlate(r.plate));
  // The lock is taken per 32 reads: a new plate that reuses a freed id inserts it into up to 8
  // sorted posting lists (memmoves of up to tens of KiB at 10 million reads), and searches
  // should not wait for a whole batch of those.
  constexpr size_t kPerLock = 32;
  for (size_t at = 0; at < reads.size(); at += kPerLock) {
    WriteLock lock(*this);
    for (const PlateRead& r : reads.subspan(at, std::min(kPerLock, reads.size() - at))) {
      CANVASS_RETURN_IF_ERROR(impl_->AddLocked(r, PackPlate(r.plate)));
    }
  }
  return OkStatus();
}

bool PlateIndex::Remove(std::string_view plate, uint64_t read_index) {
  if (!ValidatePlate(plate).ok()) return false;
  uint64_t packed = PackPlate(plate);
  WriteLock lock(*this);
  Impl& m = *impl_;
  std::optional<uint32_t> id = m.Find(packed);
  if (!id || !m.reads[*id].Remove(read_index, &m.read_bytes)) return false;
  ReadList& list = m.reads[*id];
  --m.read_count;
  if (list.size() == 0) {
    m.FreePlate(*id);
  } else {
    m.newest[*id] = list.times()[list.size() - 1];
  }
  return true;
}

size_t PlateIndex::RemoveReadsBefore(int64_t cutoff_us) {
  // The exclusive lock is held for at most kSlice plates of one bucket, so searches and adds
  // get in between; the work resumes at `offset` in the same bucket.
  constexpr size_t kSlice = 256;
  size_t removed = 0, offset = 0;
  std::optional<int64_t> current;
  for (;;) {
    WriteLock lock(*this);
    Impl& m = *impl_;
    if (m.buckets.empty()) break;
    auto it = m.buckets.begin();
    if (it->first != current) {  // A new bucket (or another caller finished this one).
      current = it->first;
      offset = 0;
    }
    int64_t width = m.options.retention_bucket_us;
    // The bucket's start and end, in 128 bits (buckets at the ends of the int64 range).
    Int128 start = static_cast<Int128>(it->first) * width;
    Int128 end = start + width;
    if (start >= cutoff_us) break;
    // A plate listed here may have been freed, or freed and its id reused: removing its reads
    // before the cutoff is right in every case, as that is the call's contract.
    std::vector<uint32_t>& ids = it->second;
    size_t stop = std::min(ids.size(), offset + kSlice);
    for (; offset < stop; ++offset) {
      uint32_t id = ids[offset];
      if (m.plates[id] == 0) continue;
      uint32_t k = m.reads[id].RemoveBefore(cutoff_us, &m.read_bytes);
      removed += k;
      m.read_count -= k;
      if (k > 0 && m.reads[id].size() == 0) m.FreePlate(id);
    }
    if (offset < ids.size()) continue;
    if (end > cutoff_us) {
      // The bucket straddles the cutoff: keep the plates that still have reads in it.
      ids.erase(std::remove_if(ids.begin(), ids.end(),
                               [&](uint32_t id) {
                                 return m.plates[id] == 0 || m.reads[id].times()[0] >= end;
                               }),
                ids.end());
      if (!ids.empty()) break;
    }
    if (m.last_bucket_ids == &ids) m.last_bucket_ids = nullptr;
    m.buckets.erase(it);
    if (end > cutoff_us) break;
  }
  return removed;
}

StatusOr<PlateSearchResult> PlateIndex::Search(const PlateQuery& q) const {
  if (q.limit == 0 || q.limit > kMaxSearchLimit) {
    return InvalidArgumentError("limit must be between 1 and " + std::to_string(kMaxSearchLimit) +
                                ", got " + std::to_string(q.limit));
  }
  if (q.cameras != nullptr && !std::is_sorted(q.cameras->begin(), q.cameras->end())) {
    return InvalidArgumentError("the allowed cameras must be sorted ascending");
  }
  // Parse and validate before taking the lock.
  PlateSearchMode mode = q.mode;
  Pattern pattern;
  uint64_t packed = 0;
  if (mode == PlateSearchMode::kWildcard) {
    CANVASS_ASSIGN_OR_RETURN(pattern, ParsePattern(q.text));
    if (pattern.text.find_first_of("*?") == std::string::npos) {
      mode = PlateSearchMode::kExact;  // No wildcard: an exact search.
      packed = PackPlate(pattern.text);
    }
  } else {
    CANVASS_ASSIGN_OR_RETURN(std::string plate, NormalizePlate(q.text));
    packed = PackPlate(plate);
  }
  PlateSearchResult result;
  CameraFilter cameras(q.cameras);
  if (q.from_us >= q.to_us || cameras.none()) return result;
  uint64_t key = PackKey(packed, *impl_->options.classes);

  std::vector<uint32_t> ids;
  {
    ReadLock lock(*this);
    const Impl& m = *impl_;
    switch (mode) {
      case PlateSearchMode::kExact:
        if (std::optional<uint32_t> id = m.Find(packed)) ids.push_back(*id);
        break;
      case PlateSearchMode::kWildcard:
        m.WildcardCandidates(pattern, ids);
        break;
      case PlateSearchMode::kFuzzyClass:
        m.FuzzyClassCandidates(key, ids);
        break;
      case PlateSearchMode::kFuzzyEdit:
        m.FuzzyEditCandidates(key, ids);
        break;
    }
    result.truncated = m.CollectPlates(ids, q.from_us, q.to_us, cameras, q.limit, result.reads);
  }
  result.plates = ids.size();
  std::sort(result.reads.begin(), result.reads.end(), Newer);
  return result;
}

size_t PlateIndex::read_count() const {
  ReadLock lock(*this);
  return impl_->read_count;
}

size_t PlateIndex::plate_count() const {
  ReadLock lock(*this);
  return impl_->plate_count;
}

size_t PlateIndex::MemoryBytes() const {
  ReadLock lock(*this);
  return impl_->MemoryBytes();
}

void PlateIndex::ShrinkToFit() {
  WriteLock lock(*this);
  Impl& m = *impl_;
  for (ReadList& r : m.reads) r.ShrinkToFit(&m.read_bytes);
  for (auto& list : m.postings) list.shrink_to_fit();
  for (auto& list : m.by_length) list.shrink_to_fit();
  for (auto& [bucket, ids] : m.buckets) ids.shrink_to_fit();
  m.plates.shrink_to_fit();
  m.keys.shrink_to_fit();
  m.reads.shrink_to_fit();
  m.newest.shrink_to_fit();
  m.position_in_length.shrink_to_fit();
}

}  // namespace canvass::plates
