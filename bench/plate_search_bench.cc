// plate_search_bench: searching licence-plate reads through plates::PlateIndex against SQLite
// (FTS5 trigram over the distinct plates, B-tree over the reads) and against a full scan of the
// packed plates, over the same synthetic reads, in one process.
//
//  1. Build: PlateIndex from the reads in time order (as ingest adds them), then SQLite
//     in memory: `plates` (id, text UNIQUE), `plates_fts` (FTS5, tokenize="trigram", external
//     content `plates`) and `reads` (read_index PRIMARY KEY, plate_id, camera, time_us) with an
//     index on (plate_id, time_us).
//  2. Search, the same queries through each path; every answer is compared:
//       exact        an existing plate;                     SQLite: plates.text = ?
//       substring    "*ABC*" (3 characters of a plate);     SQLite: plates_fts MATCH '"ABC"'
//       prefix       "7AB*" (a plate's first 3);            SQLite: plates_fts.text GLOB ?
//       fixed        "?XY12?" (a plate, ends as '?');       SQLite: GLOB
//       suffix       "*123" (a plate's last 3);             SQLite: GLOB
//       fuzzy-class  a plate with confusable glyphs swapped; checked against the full scan
//       fuzzy-edit   the same plus one edit;                 checked against the full scan
//       2-literal    "*AB*": reported only; no trigram, so ours scans too
//     each joined to the reads, newest first, limit 1,000. Queries cycle through four filter
//     sets: none, a 7-day window, an agency's 500 of the 2,000 cameras, both. Ours and the scan
//     time each query as the fastest of --repeats runs (3) on this shared machine; SQLite once.
//     The full scan compares every packed plate (or confusion key) with a few (mask, value,
//     length) templates the query expands to, 512 plates at a time, in a loop GCC vectorises
//     (AVX2 or AVX-512 clones), then collects the matches' reads like the index.
//  3. Targets (issue "Plate reads"): partial searches p50 <= 1/5 of FTS5's; fuzzy-class p50 <=
//     1.5x exact p50; one-edit p50 <= 10x exact p50; every p99 of ours below the p50 of a full
//     scan of the packed plates (the plain exact-compare scan, the cheapest one). Memory per
//     read is reported.
//
// The reads: distinct plates in US formats (IL "AB 12345", CA "7ABC123", TX and NY "ABC1234",
// FL "ABC D12", 5% vanity of 2 to 8 characters), each seen 1 + Geometric(0.2) times (5 on
// average), at uniform times over 30 days on one of 2,000 cameras (Zipf-like weights).
//
// Usage: plate_search_bench [--reads N] [--big] [--queries N] [--scan-queries N] [--repeats N]
//                           [--no-sqlite] [--seed N]
//   --big is 100 million reads and implies --no-sqlite (SQLite's copy would not fit beside ours).
// Exit status: 0 all targets met, 3 some missed, 1 error or answers that differ.
// docs/benchmarks.md ("Plate search") has figures.
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "bench_sqlite.h"
#include "bench_util.h"
#include "plates/plate_index.h"
#include "plates/plate_text.h"

namespace canvass {
namespace {

using namespace canvass::bench;  // Seconds, Percentile, Check, ...

using plates::PlateQuery;
using plates::PlateSearchMode;
using plates::ReadRef;

constexpr int64_t kT0 = 1'800'000'000'000'000;
constexpr int64_t kDayUs = 86'400'000'000;
constexpr int64_t kSpanUs = 30 * kDayUs;
constexpr uint32_t kCameras = 2000;
constexpr uint32_t kAgencyCameras = 500;
constexpr size_t kLimit = 1000;

// ---- The synthetic reads ---------------------------------------------------------------------

struct Data {
  std::vector<std::string> plates;  // Distinct.
  std::vector<uint64_t> packed;     // PackPlate(plates[i]).
  std::vector<uint64_t> keys;       // Packed confusion keys.
  std::vector<int> format;          // 0 IL, 1 CA, 2 TX, 3 NY, 4 FL, 5 vanity.
  // Reads in time order; the read index is the position.
  std::vector<int64_t> time_us;
  std::vector<uint32_t> plate_of;
  std::vector<uint32_t> camera;
  // The reads grouped by plate (CSR, each group sorted by time): the full scan's read lists.
  std::vector<uint64_t> first;
  std::vector<int64_t> by_plate_time;
  std::vector<uint64_t> by_plate_index;
  std::vector<uint32_t> by_plate_camera;
};

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  char Letter() {  // Serial letters skip I, O and Q, as most states do.
    static const char kSerial[] = "ABCDEFGHJKLMNPRSTUVWXYZ";
    return kSerial[rng_() % 23];
  }
  char Digit() { return static_cast<char>('0' + rng_() % 10); }
  char Any() {
    static const char kAll[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    return kAll[rng_() % 36];
  }

  std::string Plate(int* format) {
    uint64_t r = rng_() % 100;
    std::string p;
    if (r < 20) {  // IL "AB 12345"
      *format = 0;
      p = {Letter(), Letter(), Digit(), Digit(), Digit(), Digit(), Digit()};
    } else if (r < 45) {  // CA "7ABC123"
      *format = 1;
      p = {static_cast<char>('1' + rng_() % 9),
           Letter(),
           Letter(),
           Letter(),
           Digit(),
           Digit(),
           Digit()};
    } else if (r < 80) {  // TX and NY "ABC1234"
      *format = r < 65 ? 2 : 3;
      p = {Letter(), Letter(), Letter(), Digit(), Digit(), Digit(), Digit()};
    } else if (r < 95) {  // FL "ABC D12"
      *format = 4;
      p = {Letter(), Letter(), Letter(), Letter(), Digit(), Digit()};
    } else {  // Vanity
      *format = 5;
      size_t n = 2 + rng_() % 7;
      for (size_t i = 0; i < n; ++i)
        p += rng_() % 4 ? static_cast<char>('A' + rng_() % 26) : Digit();
    }
    return p;
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

Data MakeData(uint64_t reads, uint64_t seed) {
  Data d;
  Generator gen(seed);
  auto& rng = gen.rng();
  std::geometric_distribution<uint32_t> extra(0.2);
  std::vector<uint32_t> counts;
  std::unordered_set<uint64_t> seen;
  seen.reserve(reads / 4);
  uint64_t total = 0;
  while (total < reads) {
    int format = 0;
    std::string p = gen.Plate(&format);
    uint64_t packed = plates::PackPlate(p);
    if (!seen.insert(packed).second) continue;
    uint32_t c = static_cast<uint32_t>(std::min<uint64_t>(1 + extra(rng), reads - total));
    d.plates.push_back(p);
    d.packed.push_back(packed);
    d.keys.push_back(plates::PackPlate(plates::ConfusionClasses::Default().Key(p)));
    d.format.push_back(format);
    counts.push_back(c);
    total += c;
  }
  // Cameras: Zipf-like weights (some intersections see far more traffic than others).
  std::vector<double> cum(kCameras);
  double sum = 0;
  for (uint32_t c = 0; c < kCameras; ++c) cum[c] = sum += 1.0 / std::pow(c + 10.0, 0.8);
  std::uniform_real_distribution<double> u(0, sum);
  std::vector<uint32_t> camera_order(kCameras);  // Weight not tied to the camera number.
  for (uint32_t c = 0; c < kCameras; ++c) camera_order[c] = c;
  std::shuffle(camera_order.begin(), camera_order.end(), rng);
  struct Raw {
    int64_t time_us;
    uint32_t plate, camera;
  };
  std::vector<Raw> raw;
  raw.reserve(total);
  for (uint32_t p = 0; p < counts.size(); ++p) {
    for (uint32_t k = 0; k < counts[p]; ++k) {
      uint32_t cam =
          static_cast<uint32_t>(std::lower_bound(cum.begin(), cum.end(), u(rng)) - cum.begin());
      raw.push_back({kT0 + static_cast<int64_t>(rng() % kSpanUs), p,
                     camera_order[std::min(cam, kCameras - 1)]});
    }
  }
  std::sort(raw.begin(), raw.end(),
            [](const Raw& a, const Raw& b) { return a.time_us < b.time_us; });
  d.time_us.resize(total);
  d.plate_of.resize(total);
  d.camera.resize(total);
  for (uint64_t i = 0; i < total; ++i) {
    d.time_us[i] = raw[i].time_us;
    d.plate_of[i] = raw[i].plate;
    d.camera[i] = raw[i].camera;
  }
  raw = {};
  d.first.assign(d.plates.size() + 1, 0);
  for (uint32_t p : d.plate_of) ++d.first[p + 1];
  for (size_t p = 0; p < d.plates.size(); ++p) d.first[p + 1] += d.first[p];
  std::vector<uint64_t> fill(d.first.begin(), d.first.end() - 1);
  d.by_plate_time.resize(total);
  d.by_plate_index.resize(total);
  d.by_plate_camera.resize(total);
  for (uint64_t i = 0; i < total; ++i) {  // In time order, so each group is sorted by time.
    uint64_t at = fill[d.plate_of[i]]++;
    d.by_plate_time[at] = d.time_us[i];
    d.by_plate_index[at] = i;
    d.by_plate_camera[at] = d.camera[i];
  }
  return d;
}

// ---- Queries -----------------------------------------------------------------------------------

enum Category {
  kExact,
  kSubstring,
  kPrefix,
  kFixed,
  kSuffix,
  kFuzzyClass,
  kFuzzyEdit,
  kTwoLiteral,  // Reported, not a target: no trigram, so ours scans too.
  kCategories
};
const char* const kCategoryName[] = {"exact",        "substring *ABC*", "prefix 7AB*",
                                     "fixed ?XY12?", "suffix *123",     "fuzzy-class",
                                     "fuzzy-edit",   "2-literal *AB*"};

struct Query {
  std::string text;  // Ours (a plate or a pattern).
  std::string sql;   // SQLite's argument: the plate, an FTS5 phrase or a GLOB pattern.
  int64_t from_us = std::numeric_limits<int64_t>::min();
  int64_t to_us = std::numeric_limits<int64_t>::max();
  bool agency = false;
};

std::string SwapConfusables(std::string p, std::mt19937_64& rng) {
  static const std::string kClasses[] = {"0DOQ", "1IL", "2Z", "5S", "6G", "8B"};
  for (char& c : p) {
    for (const std::string& cls : kClasses) {
      if (cls.find(c) != std::string::npos && rng() % 2) c = cls[rng() % cls.size()];
    }
  }
  return p;
}

std::vector<Query> MakeQueries(const Data& d, Category cat, size_t n, std::mt19937_64& rng) {
  static const char kAll[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::vector<Query> qs(n);
  for (size_t i = 0; i < n; ++i) {
    Query& q = qs[i];
    const std::string& p = d.plates[rng() % d.plates.size()];
    switch (cat) {
      case kExact:
        q.text = q.sql = p;
        break;
      case kSubstring: {
        size_t at = p.size() < 3 ? 0 : rng() % (p.size() - 2);
        std::string sub = p.substr(at, 3);
        if (sub.size() < 3) sub = "ABC";
        q.text = "*" + sub + "*";
        q.sql = "\"" + sub + "\"";
        break;
      }
      case kPrefix:
        q.text = q.sql = (p.size() >= 3 ? p.substr(0, 3) : p) + "*";
        break;
      case kFixed:
        q.text = p.size() >= 4 ? "?" + p.substr(1, p.size() - 2) + "?" : p + "?";
        q.sql = q.text;
        break;
      case kSuffix:
        q.text = q.sql = "*" + (p.size() >= 3 ? p.substr(p.size() - 3) : p);
        break;
      case kTwoLiteral:
        q.text = q.sql = "*" + p.substr(rng() % (p.size() - 1), 2) + "*";
        break;
      case kFuzzyClass:
        q.text = SwapConfusables(p, rng);
        break;
      case kFuzzyEdit: {
        std::string e = SwapConfusables(p, rng);
        uint64_t kind = rng() % 3;
        if (kind == 0 || (kind == 1 && e.size() == 8) || (kind == 2 && e.size() == 2)) {
          e[rng() % e.size()] = kAll[rng() % 36];
        } else if (kind == 1) {
          e.insert(e.begin() + static_cast<ptrdiff_t>(rng() % (e.size() + 1)), kAll[rng() % 36]);
        } else {
          e.erase(e.begin() + static_cast<ptrdiff_t>(rng() % e.size()));
        }
        q.text = e;
        break;
      }
      default:
        break;
    }
    if (i % 4 == 1 || i % 4 == 3) {
      q.from_us = kT0 + static_cast<int64_t>(rng() % (23 * kDayUs));
      q.to_us = q.from_us + 7 * kDayUs;
    }
    q.agency = i % 4 >= 2;
  }
  return qs;
}

PlateSearchMode ModeOf(Category c) {
  switch (c) {
    case kExact:
      return PlateSearchMode::kExact;
    case kFuzzyClass:
      return PlateSearchMode::kFuzzyClass;
    case kFuzzyEdit:
      return PlateSearchMode::kFuzzyEdit;
    default:
      return PlateSearchMode::kWildcard;
  }
}

// ---- Baseline 1: SQLite with FTS5 trigram
// -----------------------------------------------------------

class Sqlite : public SqliteDb {
 public:
  ~Sqlite() {
    for (auto& row : stmts_) {
      for (sqlite3_stmt* s : row) sqlite3_finalize(s);
    }
  }

  void Build(const Data& d, const std::vector<uint32_t>& agency) {
    Exec("CREATE TABLE plates (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE)");
    Exec(
        "CREATE TABLE reads (read_index INTEGER PRIMARY KEY, plate_id INTEGER NOT NULL,"
        " camera INTEGER NOT NULL, time_us INTEGER NOT NULL)");
    Exec("CREATE TEMP TABLE allowed (camera INTEGER PRIMARY KEY)");
    Exec("BEGIN");
    sqlite3_stmt* plate = Prepare("INSERT INTO plates VALUES (?1, ?2)");
    for (size_t i = 0; i < d.plates.size(); ++i) {
      sqlite3_bind_int64(plate, 1, static_cast<int64_t>(i));
      sqlite3_bind_text(plate, 2, d.plates[i].data(), static_cast<int>(d.plates[i].size()),
                        SQLITE_STATIC);
      StepDone(plate);
    }
    sqlite3_stmt* read = Prepare("INSERT INTO reads VALUES (?1, ?2, ?3, ?4)");
    for (size_t i = 0; i < d.time_us.size(); ++i) {
      sqlite3_bind_int64(read, 1, static_cast<int64_t>(i));
      sqlite3_bind_int64(read, 2, d.plate_of[i]);
      sqlite3_bind_int64(read, 3, d.camera[i]);
      sqlite3_bind_int64(read, 4, d.time_us[i]);
      StepDone(read);
    }
    sqlite3_stmt* cam = Prepare("INSERT INTO allowed VALUES (?1)");
    for (uint32_t c : agency) {
      sqlite3_bind_int64(cam, 1, c);
      StepDone(cam);
    }
    for (sqlite3_stmt* s : {plate, read, cam}) sqlite3_finalize(s);
    Exec("CREATE INDEX reads_by_plate ON reads (plate_id, time_us)");
    Exec(
        "CREATE VIRTUAL TABLE plates_fts USING fts5(text, tokenize = 'trigram',"
        " content = 'plates', content_rowid = 'id')");
    Exec("INSERT INTO plates_fts (plates_fts) VALUES ('rebuild')");
    Exec("COMMIT");
    Exec("ANALYZE");
    const std::string cols = "SELECT r.read_index, r.time_us, r.camera FROM ";
    const std::string tail =
        " AND r.time_us >= ?2 AND r.time_us < ?3 ORDER BY r.time_us DESC, r.read_index LIMIT ?4";
    const std::string agency_filter = " AND r.camera IN (SELECT camera FROM allowed)";
    const std::string from[3] = {
        "plates p JOIN reads r ON r.plate_id = p.id WHERE p.text = ?1",
        "plates_fts f JOIN reads r ON r.plate_id = f.rowid WHERE plates_fts MATCH ?1",
        "plates_fts f JOIN reads r ON r.plate_id = f.rowid WHERE f.text GLOB ?1"};
    for (int k = 0; k < 3; ++k) {
      stmts_[k][0] = Prepare(cols + from[k] + tail);
      stmts_[k][1] = Prepare(cols + from[k] + agency_filter + tail);
    }
  }

  void PrintPlans() {
    for (int k = 0; k < 3; ++k) {
      std::string sql = std::string("EXPLAIN QUERY PLAN ") + sqlite3_sql(stmts_[k][1]);
      sqlite3_stmt* s = Prepare(sql);
      std::printf("  plan %d:", k);
      while (sqlite3_step(s) == SQLITE_ROW) {
        std::printf(" [%s]", reinterpret_cast<const char*>(sqlite3_column_text(s, 3)));
      }
      std::printf("\n");
      sqlite3_finalize(s);
    }
  }

  std::vector<ReadRef> Search(Category cat, const Query& q) {
    int k = cat == kExact ? 0 : cat == kSubstring ? 1 : 2;
    sqlite3_stmt* s = stmts_[k][q.agency ? 1 : 0];
    sqlite3_bind_text(s, 1, q.sql.data(), static_cast<int>(q.sql.size()), SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, q.from_us);
    sqlite3_bind_int64(s, 3, q.to_us);
    sqlite3_bind_int64(s, 4, static_cast<int64_t>(kLimit));
    std::vector<ReadRef> out;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      out.push_back({static_cast<uint64_t>(sqlite3_column_int64(s, 0)), sqlite3_column_int64(s, 1),
                     static_cast<uint32_t>(sqlite3_column_int64(s, 2))});
    }
    if (rc != SQLITE_DONE) DieWithError();
    sqlite3_reset(s);
    return out;
  }

 private:
  sqlite3_stmt* stmts_[3][2] = {};
};

// ---- Baseline 2: the full scan
// --------------------------------------------------------------------

// A packed plate p matches when (p & mask) == value and it has `length` characters, i.e.
// 256^(length-1) <= p < 256^length: (p - lo) < span in unsigned arithmetic.
struct Template {
  uint64_t mask, value, lo, span;
  bool operator==(const Template&) const = default;
};

Template MakeTemplate(uint64_t mask, uint64_t value, unsigned length) {
  uint64_t lo = uint64_t{1} << (8 * (length - 1));
  uint64_t hi = length == 8 ? 0 : uint64_t{1} << (8 * length);
  return {mask, value & mask, lo, hi - lo};
}

uint64_t ByteMask(unsigned i) { return uint64_t{0xff} << (8 * i); }

// Every placement of a glob pattern ('*' and '?') in plates of 2 to 8 characters.
void ExpandGlob(const std::string& pat, size_t pi, unsigned pos, uint64_t mask, uint64_t value,
                unsigned length, std::vector<Template>& out) {
  if (pi == pat.size()) {
    if (pos == length) out.push_back(MakeTemplate(mask, value, length));
    return;
  }
  char c = pat[pi];
  if (c == '*') {
    for (unsigned k = 0; pos + k <= length; ++k)
      ExpandGlob(pat, pi + 1, pos + k, mask, value, length, out);
  } else if (pos < length) {
    if (c != '?') {
      mask |= ByteMask(pos);
      value |= uint64_t{static_cast<uint8_t>(c)} << (8 * pos);
    }
    ExpandGlob(pat, pi + 1, pos + 1, mask, value, length, out);
  }
}

std::vector<Template> GlobTemplates(const std::string& pat) {
  std::vector<Template> out;
  for (unsigned length = 2; length <= 8; ++length) ExpandGlob(pat, 0, 0, 0, 0, length, out);
  std::vector<Template> unique;
  for (const Template& t : out) {
    if (std::find(unique.begin(), unique.end(), t) == unique.end()) unique.push_back(t);
  }
  return unique;
}

// The keys within one edit of key q (length m): q itself, a substitution at each position, an
// insertion at each position, a deletion at each position.
std::vector<Template> EditTemplates(uint64_t q, unsigned m) {
  std::vector<Template> out;
  auto low = [](uint64_t x, unsigned n) { return n >= 8 ? x : x & ((uint64_t{1} << (8 * n)) - 1); };
  auto shr = [](uint64_t x, unsigned s) { return s >= 64 ? 0 : x >> s; };
  out.push_back(MakeTemplate(~uint64_t{0}, q, m));
  for (unsigned i = 0; i < m; ++i) out.push_back(MakeTemplate(~ByteMask(i), q, m));
  if (m < 8) {
    for (unsigned i = 0; i <= m; ++i) {
      uint64_t v = low(q, i) | (shr(q, 8 * i) << (8 * (i + 1)));
      out.push_back(MakeTemplate(~ByteMask(i), v, m + 1));
    }
  }
  if (m > 2) {
    for (unsigned i = 0; i < m; ++i) {
      uint64_t v = low(q, i) | (shr(q, 8 * (i + 1)) << (8 * i));
      out.push_back(MakeTemplate(~uint64_t{0}, v, m - 1));
    }
  }
  return out;
}

constexpr size_t kScanBlock = 512;

// hit[i] = 1 if plate i matches any template. GCC vectorises the inner loops; the clones let it
// use AVX2 or AVX-512 where the CPU has them.
__attribute__((target_clones("avx512f", "avx2", "default"))) void ScanBlock(
    const uint64_t* p, size_t n, const Template* t, size_t nt, uint64_t* hit) {
  for (size_t i = 0; i < n; ++i) hit[i] = 0;
  for (size_t k = 0; k < nt; ++k) {
    const uint64_t mask = t[k].mask, value = t[k].value, lo = t[k].lo, span = t[k].span;
    for (size_t i = 0; i < n; ++i) hit[i] |= ((p[i] & mask) == value) & ((p[i] - lo) < span);
  }
}

// The plain comparison: the cheapest full scan, the ceiling for every p99.
__attribute__((target_clones("avx512f", "avx2", "default"))) void ScanBlockEqual(const uint64_t* p,
                                                                                 size_t n,
                                                                                 uint64_t q,
                                                                                 uint64_t* hit) {
  for (size_t i = 0; i < n; ++i) hit[i] = p[i] == q;
}

std::vector<ReadRef> FullScan(const Data& d, Category cat, const Query& q,
                              const std::vector<bool>& agency, size_t* plates_matched) {
  std::vector<Template> templates;
  const std::vector<uint64_t>* column = &d.packed;
  uint64_t equal = 0;
  bool plain = false;
  std::string text = q.text;
  if (cat == kExact) {
    plain = true;
    equal = plates::PackPlate(text);
  } else if (cat == kFuzzyClass || cat == kFuzzyEdit) {
    column = &d.keys;
    std::string key = plates::ConfusionClasses::Default().Key(text);
    if (cat == kFuzzyClass) {
      plain = true;
      equal = plates::PackPlate(key);
    } else {
      templates = EditTemplates(plates::PackPlate(key), static_cast<unsigned>(key.size()));
    }
  } else {
    templates = GlobTemplates(text);
  }
  alignas(64) uint64_t hit[kScanBlock];
  std::vector<uint32_t> matched;
  const std::vector<uint64_t>& col = *column;
  for (size_t base = 0; base < col.size(); base += kScanBlock) {
    size_t n = std::min(kScanBlock, col.size() - base);
    if (plain) {
      ScanBlockEqual(col.data() + base, n, equal, hit);
    } else {
      ScanBlock(col.data() + base, n, templates.data(), templates.size(), hit);
    }
    for (size_t i = 0; i < n; ++i) {
      if (hit[i]) matched.push_back(static_cast<uint32_t>(base + i));
    }
  }
  *plates_matched = matched.size();
  std::vector<ReadRef> out;
  for (uint32_t p : matched) {
    for (uint64_t r = d.first[p]; r < d.first[p + 1]; ++r) {
      int64_t t = d.by_plate_time[r];
      if (t < q.from_us || t >= q.to_us) continue;
      uint32_t cam = d.by_plate_camera[r];
      if (q.agency && !agency[cam]) continue;
      out.push_back({d.by_plate_index[r], t, cam});
    }
  }
  auto newer = [](const ReadRef& a, const ReadRef& b) {
    return a.time_us != b.time_us ? a.time_us > b.time_us : a.read_index < b.read_index;
  };
  if (out.size() > kLimit) {
    std::nth_element(out.begin(), out.begin() + kLimit, out.end(), newer);
    out.resize(kLimit);
  }
  std::sort(out.begin(), out.end(), newer);
  return out;
}

// ---- Measuring
// ---------------------------------------------------------------------------------------

void Usage() {
  std::fprintf(stderr,
               "usage: plate_search_bench [--reads N] [--big] [--queries N] [--scan-queries N]"
               " [--repeats N] [--no-sqlite] [--seed N]\n");
  std::exit(1);
}

}  // namespace
}  // namespace canvass

int main(int argc, char** argv) {
  using namespace canvass;
  uint64_t reads = 10'000'000;
  size_t queries = 500, scan_queries = 100, repeats = 3;
  uint64_t seed = 1;
  bool use_sqlite = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    bool has_value = i + 1 < argc;
    if (a == "--big") {
      reads = 100'000'000;
      use_sqlite = false;
    } else if (a == "--no-sqlite") {
      use_sqlite = false;
    } else if (a == "--reads" && has_value) {
      reads = std::stoull(argv[++i]);
    } else if (a == "--queries" && has_value) {
      queries = std::stoull(argv[++i]);
    } else if (a == "--scan-queries" && has_value) {
      scan_queries = std::stoull(argv[++i]);
    } else if (a == "--repeats" && has_value) {
      repeats = std::max<size_t>(1, std::stoull(argv[++i]));
    } else if (a == "--seed" && has_value) {
      seed = std::stoull(argv[++i]);
    } else {
      Usage();
    }
  }
  if (reads == 0 || queries < 100) Usage();
  scan_queries = std::min(scan_queries, queries);
  std::printf("machine: %u CPUs, %s; SQLite %s\n", std::thread::hardware_concurrency(),
              CpuModel().c_str(), sqlite3_libversion());

  auto t0 = Steady::now();
  Data d = MakeData(reads, seed);
  std::printf(
      "reads: %llu of %zu distinct plates (%.2f per plate) over 30 days, %u cameras; "
      "generated in %.1f s\n",
      static_cast<unsigned long long>(d.time_us.size()), d.plates.size(),
      static_cast<double>(d.time_us.size()) / d.plates.size(), kCameras,
      Seconds(t0, Steady::now()));
  std::mt19937_64 rng(seed + 1);
  std::vector<uint32_t> agency(kCameras);
  for (uint32_t c = 0; c < kCameras; ++c) agency[c] = c;
  std::shuffle(agency.begin(), agency.end(), rng);
  agency.resize(kAgencyCameras);
  std::sort(agency.begin(), agency.end());
  std::vector<bool> agency_bits(kCameras);
  for (uint32_t c : agency) agency_bits[c] = true;

  // ---- 1. build
  // ------------------------------------------------------------------------------------
  double rss_before = RssMiB();
  plates::PlateIndex index;
  t0 = Steady::now();
  {
    std::vector<plates::PlateRead> batch;
    for (uint64_t i = 0; i < d.time_us.size(); ++i) {
      batch.push_back({i, d.plates[d.plate_of[i]], d.camera[i], d.time_us[i]});
      if (batch.size() == 4096 || i + 1 == d.time_us.size()) {
        Status s = index.AddBatch(batch);
        if (!s.ok()) Die(s.ToString());
        batch.clear();
      }
    }
  }
  double add_s = Seconds(t0, Steady::now());
  index.ShrinkToFit();
  double ours_build_s = Seconds(t0, Steady::now());
  double rss_added = RssMiB() - rss_before;
  size_t ours_bytes = index.MemoryBytes();
  if (index.read_count() != d.time_us.size() || index.plate_count() != d.plates.size()) {
    Die("index counts differ");
  }
  std::printf("\nbuild\n");
  std::printf("  ours:    %7.1f s (adds %.1f s, %.0f reads/s; ShrinkToFit %.1f s)\n", ours_build_s,
              add_s, d.time_us.size() / add_s, ours_build_s - add_s);
  std::printf(
      "           MemoryBytes %.0f MiB = %.1f B per read (%.1f B per plate); RSS +%.0f MiB\n",
      ours_bytes / 1048576.0, static_cast<double>(ours_bytes) / d.time_us.size(),
      static_cast<double>(ours_bytes) / d.plates.size(), rss_added);
  Sqlite sqlite;
  if (use_sqlite) {
    t0 = Steady::now();
    sqlite.Build(d, agency);
    double sqlite_build_s = Seconds(t0, Steady::now());
    std::printf("  SQLite:  %7.1f s; sqlite3_memory_used %.0f MiB = %.1f B per read\n",
                sqlite_build_s, sqlite3_memory_used() / 1048576.0,
                static_cast<double>(sqlite3_memory_used()) / d.time_us.size());
    sqlite.PrintPlans();
  } else {
    std::printf("  SQLite:  skipped (--no-sqlite or --big)\n");
  }

  // ---- 2. search
  // -----------------------------------------------------------------------------------
  struct Figures {
    std::vector<double> ours, sqlite, scan;
    double plates = 0, reads = 0;
    double slowest_us = 0;
    std::string slowest;  // The query behind slowest_us, and its plates.
  } fig[kCategories];
  size_t differ = 0;
  auto run_ours = [&](Category cat, const Query& q) {
    PlateQuery pq{.mode = ModeOf(cat),
                  .text = q.text,
                  .from_us = q.from_us,
                  .to_us = q.to_us,
                  .cameras = q.agency ? &agency : nullptr,
                  .limit = kLimit};
    StatusOr<plates::PlateSearchResult> r = index.Search(pq);
    if (!r.ok()) Die("'" + q.text + "': " + r.status().ToString());
    return std::move(r).value();
  };
  auto report = [&](const char* who, Category cat, const Query& q, size_t got, size_t want) {
    if (++differ <= 5) {
      std::printf("  DIFFERENT %s %s '%s' (agency %d, window %lld..%lld): ours %zu reads, %s %zu\n",
                  kCategoryName[cat], who, q.text.c_str(), q.agency,
                  static_cast<long long>(q.from_us), static_cast<long long>(q.to_us), got, who,
                  want);
    }
  };
  // Ours and the scan run each query `repeats` times and keep the fastest: the machine is shared,
  // and a preempted run says nothing about the query. SQLite runs each query once (its
  // milliseconds are less exposed to that noise, and repeats would triple the run).
  auto fastest = [&](auto&& run, auto* result) {
    double best = 1e300;
    for (size_t r = 0; r < repeats; ++r) {
      auto a = Steady::now();
      *result = run();
      best = std::min(best, Seconds(a, Steady::now()) * 1e6);
    }
    return best;
  };
  // The kinds take turns, query by query, so that the machine's noise falls on all of them alike.
  std::vector<Query> qs[kCategories];
  size_t count[kCategories];
  for (int c = 0; c < kCategories; ++c) {
    count[c] = c == kTwoLiteral ? scan_queries : queries;
    qs[c] = MakeQueries(d, static_cast<Category>(c), count[c], rng);
  }
  auto uses_sqlite = [&](Category cat) {
    return use_sqlite && cat != kFuzzyClass && cat != kFuzzyEdit && cat != kTwoLiteral;
  };
  t0 = Steady::now();
  for (int c = 0; c < kCategories; ++c) {  // Warm-up, untimed.
    auto cat = static_cast<Category>(c);
    for (size_t i = 0; i < std::min<size_t>(20, count[c]); ++i) {
      (void)run_ours(cat, qs[c][i]);
      if (uses_sqlite(cat)) (void)sqlite.Search(cat, qs[c][i]);
    }
  }
  for (size_t i = 0; i < queries; ++i) {
    for (int c = 0; c < kCategories; ++c) {
      if (i >= count[c]) continue;
      auto cat = static_cast<Category>(c);
      const Query& q = qs[c][i];
      plates::PlateSearchResult ours;
      fig[c].ours.push_back(fastest([&] { return run_ours(cat, q); }, &ours));
      if (fig[c].ours.back() > fig[c].slowest_us) {
        fig[c].slowest_us = fig[c].ours.back();
        fig[c].slowest = "'" + q.text + "' (" + std::to_string(ours.plates) + " plates" +
                         (q.agency ? ", agency" : "") + (q.from_us > kT0 ? ", 7 days" : "") + ")";
      }
      fig[c].plates += ours.plates;
      fig[c].reads += ours.reads.size();
      if (uses_sqlite(cat)) {
        auto a = Steady::now();
        std::vector<ReadRef> base = sqlite.Search(cat, q);
        fig[c].sqlite.push_back(Seconds(a, Steady::now()) * 1e6);
        if (base != ours.reads) report("SQLite", cat, q, ours.reads.size(), base.size());
      }
      if (i < scan_queries) {
        size_t scan_plates = 0;
        std::vector<ReadRef> scan;
        fig[c].scan.push_back(
            fastest([&] { return FullScan(d, cat, q, agency_bits, &scan_plates); }, &scan));
        if (scan != ours.reads || scan_plates != ours.plates) {
          report("scan", cat, q, ours.reads.size(), scan.size());
        }
      }
    }
  }
  for (int c = 0; c < kCategories; ++c) {
    fig[c].plates /= static_cast<double>(count[c]);
    fig[c].reads /= static_cast<double>(count[c]);
  }
  double search_s = Seconds(t0, Steady::now());
  if (differ > 0) Die(std::to_string(differ) + " answers differ");

  std::printf(
      "\nsearch: %zu queries per kind (%zu through the full scan and for 2-literal), "
      "limit %zu, filters cycling none / 7-day window / %u of %u cameras / both; fastest "
      "of %zu runs for ours and the scan, 1 for SQLite; every answer identical (%.0f s)\n",
      queries, scan_queries, kLimit, kAgencyCameras, kCameras, repeats, search_s);
  std::printf("  %-16s %9s %9s %9s %9s %9s %9s %8s %8s\n", "kind", "ours p50", "ours p99",
              "FTS5 p50", "FTS5 p99", "scan p50", "scan p99", "plates", "returned");
  for (int c = 0; c < kCategories; ++c) {
    auto cell = [](const std::vector<double>& v, double p) {
      char buf[32];
      if (v.empty()) return std::string("-");
      std::snprintf(buf, sizeof buf, "%.1f", Percentile(v, p));
      return std::string(buf);
    };
    std::printf("  %-16s %9s %9s %9s %9s %9s %9s %8.1f %8.1f\n", kCategoryName[c],
                cell(fig[c].ours, 0.5).c_str(), cell(fig[c].ours, 0.99).c_str(),
                cell(fig[c].sqlite, 0.5).c_str(), cell(fig[c].sqlite, 0.99).c_str(),
                cell(fig[c].scan, 0.5).c_str(), cell(fig[c].scan, 0.99).c_str(), fig[c].plates,
                fig[c].reads);
  }
  std::printf(
      "  (microseconds; plates: mean plates matched per query; returned: mean reads returned)\n");
  for (int c = 0; c < kCategories; ++c) {
    std::printf("  slowest %-16s %8.1f us  %s\n", kCategoryName[c], fig[c].slowest_us,
                fig[c].slowest.c_str());
  }

  // ---- 3. churn: one more day of ingest and retention, with a searcher beside it
  // ----------------------- 144 steps of 10 minutes: each adds a step's share of a day's reads
  // (AddBatch of up to 4,096; a fifth of them for new plates, which reuse the plate ids retention
  // frees) and moves the retention cutoff 10 minutes on. A second thread runs exact searches
  // meanwhile.
  {
    uint64_t day_reads = d.time_us.size() / 30;
    constexpr int kSteps = 144;
    Generator gen(seed + 2);
    std::vector<std::string> fresh;
    std::vector<plates::PlateRead> batch;
    std::vector<double> add_us, remove_us, search_us;
    std::atomic<bool> stop{false};
    std::thread searcher([&] {
      std::mt19937_64 r(seed + 3);
      while (!stop.load(std::memory_order_relaxed)) {
        const std::string& p = d.plates[r() % d.plates.size()];
        auto a = Steady::now();
        StatusOr<plates::PlateSearchResult> res =
            index.Search({.text = p, .cameras = &agency, .limit = kLimit});
        search_us.push_back(Seconds(a, Steady::now()) * 1e6);
        if (!res.ok()) Die(res.status().ToString());
      }
    });
    size_t removed = 0, added = 0;
    auto churn_start = Steady::now();
    for (int step = 0; step < kSteps; ++step) {
      int64_t step_start = kT0 + kSpanUs + step * (kDayUs / kSteps);
      uint64_t n = day_reads / kSteps;
      fresh.clear();
      batch.clear();
      for (uint64_t k = 0; k < n; ++k) {
        int format = 0;
        fresh.push_back(gen.rng()() % 5 == 0 ? gen.Plate(&format)
                                             : d.plates[gen.rng()() % d.plates.size()]);
      }
      for (uint64_t k = 0; k < n; ++k) {
        batch.push_back({d.time_us.size() + added + k, fresh[k],
                         static_cast<uint32_t>(gen.rng()() % kCameras),
                         step_start + static_cast<int64_t>(k * (kDayUs / kSteps) / n)});
      }
      for (size_t at = 0; at < batch.size(); at += 4096) {
        auto a = Steady::now();
        Status st = index.AddBatch(std::span<const plates::PlateRead>(batch).subspan(
            at, std::min<size_t>(4096, batch.size() - at)));
        add_us.push_back(Seconds(a, Steady::now()) * 1e6);
        if (!st.ok()) Die(st.ToString());
      }
      added += n;
      auto a = Steady::now();
      removed += index.RemoveReadsBefore(kT0 + (step + 1) * (kDayUs / kSteps));
      remove_us.push_back(Seconds(a, Steady::now()) * 1e6);
    }
    double churn_s = Seconds(churn_start, Steady::now());
    stop = true;
    searcher.join();
    std::printf(
        "\nchurn: one day in %d steps: %zu reads added, %zu removed by retention, in %.1f s "
        "(%.0f added and %.0f removed per s)\n",
        kSteps, added, removed, churn_s, added / churn_s, removed / churn_s);
    std::printf(
        "  AddBatch of up to 4,096: p50 %.0f us, max %.0f us; RemoveReadsBefore of 10 min: "
        "p50 %.0f us, max %.0f us\n",
        Percentile(add_us, 0.5), Percentile(add_us, 1.0), Percentile(remove_us, 0.5),
        Percentile(remove_us, 1.0));
    std::printf(
        "  exact searches meanwhile (agency filter): %zu, p50 %.1f us, p99 %.1f us, "
        "max %.0f us\n",
        search_us.size(), Percentile(search_us, 0.5), Percentile(search_us, 0.99),
        Percentile(search_us, 1.0));
    std::printf("  after: %zu reads, %zu plates, MemoryBytes %.1f B per read\n", index.read_count(),
                index.plate_count(), static_cast<double>(index.MemoryBytes()) / index.read_count());
  }

  // ---- 3. targets
  // ----------------------------------------------------------------------------------
  std::printf("\ntargets\n");
  bool all = true;
  double exact_p50 = Percentile(fig[kExact].ours, 0.5);
  double ceiling = Percentile(fig[kExact].scan, 0.5);  // The plain compare of every packed plate.
  char line[160];
  if (use_sqlite) {
    for (Category c : {kSubstring, kPrefix, kFixed, kSuffix}) {
      double ours = Percentile(fig[c].ours, 0.5), fts = Percentile(fig[c].sqlite, 0.5);
      std::snprintf(line, sizeof line, "%s: p50 %.1f us <= FTS5 p50 %.1f us / 5 (x%.1f)",
                    kCategoryName[c], ours, fts, fts / ours);
      all &= Check(line, ours * 5 <= fts);
    }
  } else {
    std::printf("  partial searches against FTS5: not measured (no SQLite)\n");
  }
  double class_p50 = Percentile(fig[kFuzzyClass].ours, 0.5);
  std::snprintf(line, sizeof line, "fuzzy-class p50 %.2f us <= 1.5 x exact p50 %.2f us (x%.2f)",
                class_p50, exact_p50, class_p50 / exact_p50);
  all &= Check(line, class_p50 <= 1.5 * exact_p50);
  double edit_p50 = Percentile(fig[kFuzzyEdit].ours, 0.5);
  std::snprintf(line, sizeof line, "fuzzy-edit p50 %.2f us <= 10 x exact p50 %.2f us (x%.2f)",
                edit_p50, exact_p50, edit_p50 / exact_p50);
  all &= Check(line, edit_p50 <= 10 * exact_p50);
  for (int c = 0; c < kTwoLiteral; ++c) {
    double p99 = Percentile(fig[c].ours, 0.99);
    std::snprintf(line, sizeof line, "%s: p99 %.1f us < full scan p50 %.1f us", kCategoryName[c],
                  p99, ceiling);
    all &= Check(line, p99 < ceiling);
  }
  std::printf("  (not a target: %s p50 %.1f us, p99 %.1f us; it scans, as it has no trigram)\n",
              kCategoryName[kTwoLiteral], Percentile(fig[kTwoLiteral].ours, 0.5),
              Percentile(fig[kTwoLiteral].ours, 0.99));
  std::printf("  memory: %.1f B per read (MemoryBytes), %.1f B per read (RSS)\n",
              static_cast<double>(ours_bytes) / d.time_us.size(),
              rss_added * 1048576.0 / d.time_us.size());
  std::printf("\nresult: %s\n", all ? "all targets met" : "some targets missed");
  return all ? 0 : 3;
}
