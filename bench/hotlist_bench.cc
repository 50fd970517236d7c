// hotlist_bench: matching plate reads against hot lists through plates::HotListMatcher, against
// an indexed SQLite table of the same entries, in one process.
//
//  1. Load: a 1,000,000-entry NCIC-style list plus 49 agencies' own lists (100 to 1,000 entries
//     each) into our matcher (one ReplaceList per list) and into an in-memory SQLite table
//     (confusion key, plate, state, list, agency, entry id, reason, expiry) indexed on the key.
//     Memory per entry.
//  2. Throughput: the same stream of reads through both, single-threaded, every answer
//     compared. Baseline: one prepared SELECT per read on the key, with the state, expiry and
//     entitlement tests in SQL. Targets: ours >= 20x the baseline and > 1M reads/s. Rates are
//     per CPU-second of the matching thread (the machine is shared; wall-clock rates beside).
//  3. Alert latency: each read timed alone with steady_clock, from the read in hand to its hit
//     list. Target: p99 < 1 ms.
//  4. A swap under ingest: one thread matching the stream without pause, another replacing the
//     1M-entry list with a new version. Targets: the swap takes < 1 s, and the matching thread's
//     longest read during it stays far below the swap (< 1/10 of it). Then the latency of
//     single-entry edits (AddEntry, RemoveEntry) on the big list.
//  5. For the design notes: the same stream matched list by list (one matcher per list) instead
//     of through one combined table.
//
// Reads: plates in realistic state formats (IL "AB12345", CA "7ABC123", TX and NY "ABC1234",
// FL "ABCD12", some vanity plates), 1% drawn from the lists (two thirds read exactly, one third
// with one or two confusable characters misread), the rest random (a few of which hit by
// chance); 10% of reads have no state. Each read comes from a camera whose sharing agreements
// entitle it to one of four sets of agencies.
//
// Usage: hotlist_bench [--entries N] [--reads N] [--seed N]
// Exit status: 0 all targets met, 3 some missed, 1 error or answers that differ.
// docs/benchmarks.md ("Hot-list matching") has figures.
#include <sqlite3.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "bench_sqlite.h"
#include "bench_util.h"
#include "plates/hotlist_matcher.h"
#include "plates/plate_text.h"

namespace canvass {
namespace {

using namespace canvass::bench;  // Seconds, Percentile, Check, ...

using plates::AgencySet;
using plates::HotListEntry;
using plates::HotListHit;
using plates::HotListMatcher;

constexpr int64_t kT0 = 1'800'000'000'000'000;
constexpr int64_t kDayUs = 86'400'000'000;
constexpr int kCustomLists = 49;
constexpr int kAgencies = 10;  // agy_00 .. agy_09 own the custom lists; agy_fbi the NCIC list.

// The machine is shared, so rates are also given per CPU-second.
double ThreadCpuSeconds() { return ThreadCpuUs() / 1e6; }

// ---- The synthetic lists and reads ----------------------------------------------------------

const char* const kStates[] = {"IL", "CA", "TX", "NY", "FL"};
const char* const kReasons[] = {"STOLEN VEHICLE", "STOLEN PLATE",  "WANTED PERSON",
                                "AMBER ALERT",    "SILVER ALERT",  "PROTECTION ORDER",
                                "GANG MEMBER",    "MISSING PERSON"};

char Letter(std::mt19937_64& rng) { return static_cast<char>('A' + rng() % 26); }
char Digit(std::mt19937_64& rng) { return static_cast<char>('0' + rng() % 10); }

// A plate and its state, in the state's format.
std::pair<std::string, std::string> RandomPlate(std::mt19937_64& rng) {
  std::string p;
  unsigned r = rng() % 100;
  std::string state;
  if (r < 30) {  // IL: AB12345
    state = "IL";
    p = {Letter(rng), Letter(rng)};
    for (int i = 0; i < 5; ++i) p += Digit(rng);
  } else if (r < 55) {  // CA: 7ABC123
    state = "CA";
    p = {Digit(rng), Letter(rng), Letter(rng), Letter(rng), Digit(rng), Digit(rng), Digit(rng)};
  } else if (r < 85) {  // TX, NY: ABC1234
    state = r < 75 ? "TX" : "NY";
    p = {Letter(rng), Letter(rng), Letter(rng), Digit(rng), Digit(rng), Digit(rng), Digit(rng)};
  } else if (r < 95) {  // FL: ABCD12
    state = "FL";
    p = {Letter(rng), Letter(rng), Letter(rng), Letter(rng), Digit(rng), Digit(rng)};
  } else {  // Vanity: 2 to 8 letters and digits, any state.
    state = kStates[rng() % 5];
    for (size_t i = 0, n = 2 + rng() % 7; i < n; ++i) p += rng() % 3 ? Letter(rng) : Digit(rng);
  }
  return {p, state};
}

HotListEntry RandomEntry(std::mt19937_64& rng, std::string id) {
  auto [plate, state] = RandomPlate(rng);
  HotListEntry e;
  e.entry_id = std::move(id);
  e.plate = std::move(plate);
  e.state = rng() % 100 < 3 ? "" : state;  // A few entries match any state.
  e.reason = kReasons[rng() % 8];
  unsigned x = rng() % 100;
  if (x < 5) {
    e.expires_at_us = kT0 - 1 - static_cast<int64_t>(rng() % (30 * kDayUs));  // Expired.
  } else if (x < 30) {
    e.expires_at_us = kT0 + 1 + static_cast<int64_t>(rng() % (90 * kDayUs));
  }
  return e;
}

std::string Id(char prefix, size_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%c%09zu", prefix, n);
  return buf;
}

struct List {
  std::string list_id;
  std::string agency_id;
  std::vector<HotListEntry> entries;
};

std::vector<List> MakeLists(size_t ncic_entries, std::mt19937_64& rng) {
  std::vector<List> lists;
  lists.push_back({"ncic", "agy_fbi", {}});
  lists[0].entries.reserve(ncic_entries);
  for (size_t i = 0; i < ncic_entries; ++i)
    lists[0].entries.push_back(RandomEntry(rng, Id('N', i)));
  for (int l = 0; l < kCustomLists; ++l) {
    char name[32];
    std::snprintf(name, sizeof name, "local-%02d", l);
    char agency[16];
    std::snprintf(agency, sizeof agency, "agy_%02d", l % kAgencies);
    List list{name, agency, {}};
    for (size_t i = 0, n = 100 + rng() % 901; i < n; ++i) {
      // A fifth are also on the NCIC list (a local copy of a stolen car), the rest their own.
      HotListEntry e =
          rng() % 5 == 0 ? lists[0].entries[rng() % ncic_entries] : RandomEntry(rng, "");
      e.entry_id = Id('L', i);
      list.entries.push_back(std::move(e));
    }
    lists.push_back(std::move(list));
  }
  return lists;
}

// The NCIC list's next version: 95% of the entries kept, 5% replaced by new ones.
std::vector<HotListEntry> NextVersion(const std::vector<HotListEntry>& old, std::mt19937_64& rng) {
  std::vector<HotListEntry> next;
  next.reserve(old.size());
  for (size_t i = 0; i < old.size(); ++i) {
    next.push_back(rng() % 20 == 0 ? RandomEntry(rng, Id('M', i)) : old[i]);
  }
  return next;
}

struct Read {
  std::string plate;
  std::string state;
  int64_t at_us;
  uint8_t profile;  // Which entitlement (index in the profiles).
};

// Replaces one or two confusable characters by another member of their class.
std::string Misread(std::string plate, std::mt19937_64& rng) {
  static const std::vector<std::string> kGroups = {"0DOQ", "1IL", "2Z", "5S", "6G", "8B"};
  std::vector<size_t> positions;
  for (size_t i = 0; i < plate.size(); ++i) {
    for (const auto& g : kGroups) {
      if (g.find(plate[i]) != std::string::npos) positions.push_back(i);
    }
  }
  if (positions.empty()) return plate;
  for (int k = 0, n = rng() % 10 < 3 ? 2 : 1; k < n; ++k) {
    size_t i = positions[rng() % positions.size()];
    for (const auto& g : kGroups) {
      size_t at = g.find(plate[i]);
      if (at == std::string::npos) continue;
      plate[i] = g[(at + 1 + rng() % (g.size() - 1)) % g.size()];
      break;
    }
  }
  return plate;
}

std::vector<Read> MakeReads(const std::vector<List>& lists, size_t n, std::mt19937_64& rng) {
  std::vector<Read> reads(n);
  size_t ncic = lists[0].entries.size();
  for (size_t i = 0; i < n; ++i) {
    Read& r = reads[i];
    r.at_us = kT0 + static_cast<int64_t>(i) * 1000;
    r.profile = static_cast<uint8_t>(rng() % 4);
    if (rng() % 100 == 0) {
      // From a list: mostly the big one, sometimes an agency's own.
      const HotListEntry& e =
          rng() % 10 < 8 ? lists[0].entries[rng() % ncic] : [&]() -> const HotListEntry& {
        const List& l = lists[1 + rng() % kCustomLists];
        return l.entries[rng() % l.entries.size()];
      }();
      r.plate = rng() % 3 == 0 ? Misread(e.plate, rng) : e.plate;
      r.state = e.state.empty() ? kStates[rng() % 5] : e.state;
      if (rng() % 20 == 0) r.state = kStates[rng() % 5];  // A misread state.
    } else {
      std::tie(r.plate, r.state) = RandomPlate(rng);
    }
    if (rng() % 10 == 0) r.state.clear();  // State not read.
  }
  return reads;
}

// Entitlement profiles: every agency; the FBI and half the locals; the FBI and one local; one
// local alone. As agency names, for our Entitlement and for the baseline's bit mask.
std::vector<std::vector<std::string>> Profiles() {
  std::vector<std::vector<std::string>> p(4);
  p[0].push_back("agy_fbi");
  for (int a = 0; a < kAgencies; ++a) p[0].push_back("agy_0" + std::to_string(a));
  p[1] = {"agy_fbi", "agy_00", "agy_01", "agy_02", "agy_03", "agy_04"};
  p[2] = {"agy_fbi", "agy_05"};
  p[3] = {"agy_03"};
  return p;
}

// ---- Baseline: SQLite ----------------------------------------------------------------------

uint64_t PackKey(std::string_view plate) {
  const auto& classes = plates::ConfusionClasses::Default();
  uint64_t key = 0;
  for (size_t i = 0; i < plate.size() && i < 8; ++i) {
    key |= uint64_t{static_cast<uint8_t>(classes.Key(plate[i]))} << (8 * i);
  }
  return key;  // Characters are < 0x80, so the top bit is clear: a positive int64.
}

class Sqlite : public SqliteDb {
 public:
  ~Sqlite() {
    sqlite3_finalize(lookup_);
  }

  // agency_index[i]: the agency index of lists[i]'s owner, as our matcher numbers them (< 63).
  void Build(const std::vector<List>& lists, const std::vector<uint32_t>& agency_index,
             const std::vector<std::string>& agency_names) {
    agency_names_ = agency_names;
    Exec(
        "CREATE TABLE hot (key INTEGER NOT NULL, plate TEXT NOT NULL, state TEXT NOT NULL,"
        " list_id TEXT NOT NULL, agency INTEGER NOT NULL, entry_id TEXT NOT NULL,"
        " reason TEXT NOT NULL, expires_at_us INTEGER NOT NULL)");
    Exec("BEGIN");
    sqlite3_stmt* ins = Prepare("INSERT INTO hot VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    for (size_t l = 0; l < lists.size(); ++l) {
      for (const HotListEntry& e : lists[l].entries) {
        StatusOr<std::string> plate = plates::NormalizePlate(e.plate);
        if (!plate.ok()) Die(plate.status().ToString());
        sqlite3_bind_int64(ins, 1, static_cast<int64_t>(PackKey(*plate)));
        sqlite3_bind_text(ins, 2, plate->data(), static_cast<int>(plate->size()), SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 3, e.state.data(), static_cast<int>(e.state.size()), SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, lists[l].list_id.data(),
                          static_cast<int>(lists[l].list_id.size()), SQLITE_STATIC);
        sqlite3_bind_int(ins, 5, static_cast<int>(agency_index[l]));
        sqlite3_bind_text(ins, 6, e.entry_id.data(), static_cast<int>(e.entry_id.size()),
                          SQLITE_STATIC);
        sqlite3_bind_text(ins, 7, e.reason.data(), static_cast<int>(e.reason.size()),
                          SQLITE_STATIC);
        sqlite3_bind_int64(ins, 8, e.expires_at_us);
        if (sqlite3_step(ins) != SQLITE_DONE) DieWithError();
        sqlite3_reset(ins);
      }
    }
    sqlite3_finalize(ins);
    Exec("CREATE INDEX hot_by_key ON hot (key)");
    Exec("COMMIT");
    lookup_ = Prepare(
        "SELECT list_id, agency, entry_id, plate, state, reason, expires_at_us FROM hot"
        " WHERE key = ?1 AND (state = '' OR ?2 = '' OR state = ?2)"
        " AND (expires_at_us = 0 OR expires_at_us > ?3) AND ((?4 >> agency) & 1) = 1");
  }

  std::vector<HotListHit> Match(const Read& r, uint64_t agency_mask) {
    sqlite3_bind_int64(lookup_, 1, static_cast<int64_t>(PackKey(r.plate)));
    // A state that is not two letters counts as unread, as in HotListMatcher.
    std::string_view state = r.state.size() == 2 ? std::string_view(r.state) : "";
    sqlite3_bind_text(lookup_, 2, state.data(), static_cast<int>(state.size()), SQLITE_STATIC);
    sqlite3_bind_int64(lookup_, 3, r.at_us);
    sqlite3_bind_int64(lookup_, 4, static_cast<int64_t>(agency_mask));
    std::vector<HotListHit> hits;
    auto text = [&](int col) {
      return std::string(reinterpret_cast<const char*>(sqlite3_column_text(lookup_, col)),
                         static_cast<size_t>(sqlite3_column_bytes(lookup_, col)));
    };
    int rc;
    while ((rc = sqlite3_step(lookup_)) == SQLITE_ROW) {
      HotListHit h;
      h.list_id = text(0);
      h.agency_id = agency_names_[static_cast<size_t>(sqlite3_column_int(lookup_, 1))];
      h.entry.entry_id = text(2);
      h.entry.plate = text(3);
      h.entry.state = text(4);
      h.entry.reason = text(5);
      h.entry.expires_at_us = sqlite3_column_int64(lookup_, 6);
      h.kind = h.entry.plate == r.plate ? plates::HitKind::kExact : plates::HitKind::kConfusable;
      hits.push_back(std::move(h));
    }
    if (rc != SQLITE_DONE) DieWithError();
    sqlite3_reset(lookup_);
    if (hits.size() > 1) {
      std::sort(hits.begin(), hits.end(), [](const HotListHit& a, const HotListHit& b) {
        return std::tie(a.list_id, a.entry.entry_id) < std::tie(b.list_id, b.entry.entry_id);
      });
    }
    return hits;
  }

 private:
  sqlite3_stmt* lookup_ = nullptr;
  std::vector<std::string> agency_names_;  // By agency index.
};

// ---- Measuring -------------------------------------------------------------------------------

void Usage() {
  std::fprintf(stderr, "usage: hotlist_bench [--entries N] [--reads N] [--seed N]\n");
  std::exit(1);
}

}  // namespace
}  // namespace canvass

int main(int argc, char** argv) {
  using namespace canvass;
  size_t entries = 1'000'000;
  size_t reads_n = 2'000'000;
  uint64_t seed = 1;
  if (argc % 2 == 0) Usage();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--entries")
      entries = std::stoull(argv[i + 1]);
    else if (a == "--reads")
      reads_n = std::stoull(argv[i + 1]);
    else if (a == "--seed")
      seed = std::stoull(argv[i + 1]);
    else
      Usage();
  }
  if (entries == 0 || reads_n == 0) Usage();
  std::printf("machine: %u CPUs, %s; SQLite %s\n", std::thread::hardware_concurrency(),
              CpuModel().c_str(), sqlite3_libversion());

  std::mt19937_64 rng(seed);
  auto t0 = Steady::now();
  std::vector<List> lists = MakeLists(entries, rng);
  std::vector<Read> reads = MakeReads(lists, reads_n, rng);
  std::vector<HotListEntry> next_ncic = NextVersion(lists[0].entries, rng);
  size_t total = 0;
  for (const List& l : lists) total += l.entries.size();
  std::printf(
      "lists: ncic %zu entries + %d agency lists (%zu entries); %zu reads; generated in "
      "%.1f s\n",
      entries, kCustomLists, total - entries, reads_n, Seconds(t0, Steady::now()));
  bool all = true;

  // ---- 1. load ------------------------------------------------------------------------------
  double rss_before = RssMiB();
  HotListMatcher matcher;
  std::vector<plates::HotList> batch;
  for (const List& l : lists) batch.push_back({l.list_id, l.agency_id, l.entries});
  t0 = Steady::now();
  double cpu0 = ThreadCpuSeconds();
  Status loaded = matcher.ReplaceLists(std::move(batch));  // As the server does at start.
  double ours_load_s = Seconds(t0, Steady::now());
  double ours_load_cpu_s = ThreadCpuSeconds() - cpu0;
  if (!loaded.ok()) Die(loaded.ToString());
  double rss_added = RssMiB() - rss_before;
  if (matcher.entry_count() != total) Die("matcher entry count differs");
  size_t ours_bytes = matcher.MemoryBytes();

  std::vector<std::vector<std::string>> profiles = Profiles();
  std::vector<AgencySet> sets;
  std::vector<uint64_t> masks;
  std::vector<std::string> agency_names(64);
  for (const auto& p : profiles) {
    sets.push_back(matcher.Entitlement(p));
    uint64_t mask = 0;
    for (const std::string& a : p) {
      uint32_t i = matcher.AgencyIndex(a);
      if (i >= 63) Die("too many agencies for the baseline's mask");
      mask |= uint64_t{1} << i;
      agency_names[i] = a;
    }
    masks.push_back(mask);
  }
  std::vector<uint32_t> list_agency;
  for (const List& l : lists) {
    list_agency.push_back(matcher.AgencyIndex(l.agency_id));
    agency_names[list_agency.back()] = l.agency_id;
  }

  Sqlite sqlite;
  t0 = Steady::now();
  sqlite.Build(lists, list_agency, agency_names);
  double sqlite_load_s = Seconds(t0, Steady::now());
  std::printf("\nload\n");
  std::printf(
      "  ours:    %6.2f s (CPU %.2f s), one ReplaceLists   MemoryBytes %.0f MiB = %.0f B"
      "/entry, RSS +%.0f MiB = %.0f B/entry\n",
      ours_load_s, ours_load_cpu_s, ours_bytes / 1048576.0, static_cast<double>(ours_bytes) / total,
      rss_added, rss_added * 1048576.0 / total);
  std::printf("  SQLite:  %6.2f s   sqlite3_memory_used %.0f MiB = %.0f B/entry\n", sqlite_load_s,
              sqlite3_memory_used() / 1048576.0,
              static_cast<double>(sqlite3_memory_used()) / total);

  // ---- 2. throughput ------------------------------------------------------------------------
  std::vector<std::vector<HotListHit>> ours(reads_n), base(reads_n);
  for (size_t i = 0; i < std::min<size_t>(10'000, reads_n); ++i) {  // Warm-up, untimed.
    const Read& r = reads[i];
    ours[i] = matcher.Match(r.plate, r.state, r.at_us, sets[r.profile]);
  }
  t0 = Steady::now();
  cpu0 = ThreadCpuSeconds();
  for (size_t i = 0; i < reads_n; ++i) {
    const Read& r = reads[i];
    ours[i] = matcher.Match(r.plate, r.state, r.at_us, sets[r.profile]);
  }
  double ours_s = Seconds(t0, Steady::now());
  double ours_cpu_s = ThreadCpuSeconds() - cpu0;
  // The same through one View (a batch of reads sharing one snapshot).
  t0 = Steady::now();
  cpu0 = ThreadCpuSeconds();
  {
    HotListMatcher::View view = matcher.view();
    for (size_t i = 0; i < reads_n; ++i) {
      const Read& r = reads[i];
      std::vector<HotListHit> h = view.Match(r.plate, r.state, r.at_us, sets[r.profile]);
      if (h.size() != ours[i].size()) Die("view and matcher differ");
    }
  }
  double view_s = Seconds(t0, Steady::now());
  double view_cpu_s = ThreadCpuSeconds() - cpu0;
  t0 = Steady::now();
  cpu0 = ThreadCpuSeconds();
  for (size_t i = 0; i < reads_n; ++i) {
    const Read& r = reads[i];
    base[i] = sqlite.Match(r, masks[r.profile]);
  }
  double sqlite_s = Seconds(t0, Steady::now());
  double sqlite_cpu_s = ThreadCpuSeconds() - cpu0;
  size_t hit_reads = 0, hits = 0, exact = 0;
  for (size_t i = 0; i < reads_n; ++i) {
    if (ours[i] != base[i]) {
      Die("read " + std::to_string(i) + " (" + reads[i].plate + ", " + reads[i].state +
          ") differs: ours " + std::to_string(ours[i].size()) + " hits, SQLite " +
          std::to_string(base[i].size()));
    }
    hit_reads += ours[i].empty() ? 0 : 1;
    hits += ours[i].size();
    for (const HotListHit& h : ours[i]) exact += h.kind == plates::HitKind::kExact ? 1 : 0;
  }
  // Rates per CPU-second of the matching thread: what one core does, whatever else the shared
  // machine runs. Wall-clock rates are printed beside them.
  double ours_rate = reads_n / ours_cpu_s, sqlite_rate = reads_n / sqlite_cpu_s;
  std::printf("\nthroughput: %zu reads, single thread; answers identical\n", reads_n);
  std::printf("  reads with a hit: %zu (%.2f%%), hits %zu (%zu exact, %zu confusable)\n", hit_reads,
              100.0 * hit_reads / reads_n, hits, exact, hits - exact);
  std::printf("  per CPU-second (wall clock in brackets):\n");
  std::printf("  ours (Match):     %10.0f reads/s  %5.0f ns/read   (%10.0f reads/s)\n", ours_rate,
              ours_cpu_s / reads_n * 1e9, reads_n / ours_s);
  std::printf("  ours (one View):  %10.0f reads/s  %5.0f ns/read   (%10.0f reads/s)\n",
              reads_n / view_cpu_s, view_cpu_s / reads_n * 1e9, reads_n / view_s);
  std::printf("  SQLite:           %10.0f reads/s  %5.0f ns/read   (%10.0f reads/s)\n", sqlite_rate,
              sqlite_cpu_s / reads_n * 1e9, reads_n / sqlite_s);
  std::printf("  ratio ours/SQLite: %.1fx (wall clock %.1fx)\n", ours_rate / sqlite_rate,
              sqlite_s / ours_s);
  ours.clear();
  ours.shrink_to_fit();
  base.clear();
  base.shrink_to_fit();

  // ---- 3. alert latency ---------------------------------------------------------------------
  std::vector<double> lat_us(reads_n);
  for (size_t i = 0; i < reads_n; ++i) {
    const Read& r = reads[i];
    auto a = Steady::now();
    std::vector<HotListHit> h = matcher.Match(r.plate, r.state, r.at_us, sets[r.profile]);
    auto b = Steady::now();
    lat_us[i] = Seconds(a, b) * 1e6;
  }
  double p50 = Percentile(lat_us, 0.5), p99 = Percentile(lat_us, 0.99),
         p999 = Percentile(lat_us, 0.999),
         lat_max = *std::max_element(lat_us.begin(), lat_us.end());
  std::printf("\nalert latency (read in hand -> hit list), %zu reads\n", reads_n);
  std::printf("  p50 %.2f us   p99 %.2f us   p99.9 %.2f us   max %.1f us\n", p50, p99, p999,
              lat_max);
  lat_us.clear();
  lat_us.shrink_to_fit();

  // ---- 4. swap under ingest ------------------------------------------------------------------
  // phase 0: before the swap, 1: during, 2: after. The reader records each read's latency.
  std::atomic<int> phase = 0;
  std::atomic<bool> stop = false;
  std::vector<double> phase_lat_us[3];
  for (auto& v : phase_lat_us) v.reserve(8'000'000);
  double phase_s[3] = {0, 0, 0};
  std::thread reader([&] {
    size_t i = 0;
    auto phase_start = Steady::now();
    int current = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      const Read& r = reads[i++ % reads_n];
      auto a = Steady::now();
      std::vector<HotListHit> h = matcher.Match(r.plate, r.state, r.at_us, sets[r.profile]);
      auto b = Steady::now();
      int p = phase.load(std::memory_order_relaxed);
      if (p != current) {
        phase_s[current] = Seconds(phase_start, a);
        phase_start = a;
        current = p;
      }
      phase_lat_us[p].push_back(Seconds(a, b) * 1e6);
    }
    phase_s[current] = Seconds(phase_start, Steady::now());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  phase = 1;
  t0 = Steady::now();
  cpu0 = ThreadCpuSeconds();
  Status swapped = matcher.ReplaceList("ncic", "agy_fbi", std::move(next_ncic));
  double swap_s = Seconds(t0, Steady::now());
  double swap_cpu_s = ThreadCpuSeconds() - cpu0;
  phase = 2;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop = true;
  reader.join();
  if (!swapped.ok()) Die(swapped.ToString());
  std::printf("\nswap of the %zu-entry list under ingest (one thread matching, one importing)\n",
              entries);
  std::printf("  ReplaceList: %.3f s (CPU %.3f s)\n", swap_s, swap_cpu_s);
  const char* names[3] = {"before", "during", "after"};
  for (int p = 0; p < 3; ++p) {
    const auto& v = phase_lat_us[p];
    if (v.empty()) continue;
    std::printf(
        "  matching %-6s: %9.0f reads/s   p50 %.2f us   p99 %.2f us   p99.9 %.2f us   "
        "max %.1f us\n",
        names[p], v.size() / phase_s[p], Percentile(v, 0.5), Percentile(v, 0.99),
        Percentile(v, 0.999), *std::max_element(v.begin(), v.end()));
  }
  double during_max_us = phase_lat_us[1].empty()
                             ? 0
                             : *std::max_element(phase_lat_us[1].begin(), phase_lat_us[1].end());
  double during_rate = phase_lat_us[1].empty() ? 0 : phase_lat_us[1].size() / phase_s[1];

  // ---- 4b. single-entry edits ----------------------------------------------------------------
  // An officer adds a plate, or an entry is cleared: 1,000 AddEntry of new entries and 1,000
  // RemoveEntry of imported ones on the big list (at 1M entries they stay within the side
  // table's budget, so none rebuilds the main table).
  std::vector<double> edit_us;
  for (int i = 0; i < 1000; ++i) {
    HotListEntry e = RandomEntry(rng, Id('E', static_cast<size_t>(i)));
    auto a = Steady::now();
    Status added = matcher.AddEntry("ncic", std::move(e));
    auto b = Steady::now();
    Status removed = matcher.RemoveEntry("ncic", Id('N', static_cast<size_t>(i) * 997));
    auto c = Steady::now();
    if (!added.ok()) Die(added.ToString());
    if (!removed.ok() && removed.code() != Code::kNotFound) Die(removed.ToString());
    edit_us.push_back(Seconds(a, b) * 1e6);
    edit_us.push_back(Seconds(b, c) * 1e6);
  }
  std::printf(
      "\nsingle-entry edits on the %zu-entry list: %zu AddEntry/RemoveEntry, p50 %.0f us, "
      "p99 %.0f us, max %.0f us\n",
      entries, edit_us.size(), Percentile(edit_us, 0.5), Percentile(edit_us, 0.99),
      *std::max_element(edit_us.begin(), edit_us.end()));

  // ---- 5. list by list -----------------------------------------------------------------------
  double per_list_rate = 0;
  {
    std::vector<std::unique_ptr<HotListMatcher>> per_list;
    for (const List& l : lists) {
      per_list.push_back(std::make_unique<HotListMatcher>());
      if (!per_list.back()->ReplaceList(l.list_id, l.agency_id, l.entries).ok()) Die("per list");
    }
    std::vector<std::vector<AgencySet>> per_list_sets(per_list.size());
    for (size_t m = 0; m < per_list.size(); ++m) {
      for (const auto& p : profiles) per_list_sets[m].push_back(per_list[m]->Entitlement(p));
    }
    size_t n = std::min<size_t>(reads_n, 500'000), found = 0;
    t0 = Steady::now();
    for (size_t i = 0; i < n; ++i) {
      const Read& r = reads[i];
      for (size_t m = 0; m < per_list.size(); ++m) {
        found += per_list[m]->Match(r.plate, r.state, r.at_us, per_list_sets[m][r.profile]).size();
      }
    }
    per_list_rate = n / Seconds(t0, Steady::now());
    std::printf(
        "\nlist by list (%zu matchers, one per list), %zu reads: %.0f reads/s (%.1fx "
        "slower than one table); %zu hits\n",
        per_list.size(), n, per_list_rate, ours_rate / per_list_rate, found);
  }

  std::printf("\ntargets\n");
  all &= Check("ours >= 20x SQLite (reads/s, single thread)", ours_rate >= 20 * sqlite_rate);
  all &= Check("ours > 1,000,000 reads/s on one core", ours_rate > 1e6);
  all &= Check("alert latency p99 < 1 ms", p99 < 1000);
  all &= Check("swap of the 1M-entry list < 1 s", swap_s < 1.0);
  all &= Check("matching during the swap: longest read < 1/10 of the swap",
               during_max_us < swap_s * 1e6 / 10);
  std::printf("  (stretch: ours >= 50x SQLite: %s; reads/s during the swap %.0f)\n",
              ours_rate >= 50 * sqlite_rate ? "yes" : "no", during_rate);
  std::printf("  memory per entry: %.0f B (MemoryBytes), %.0f B (RSS)\n",
              static_cast<double>(ours_bytes) / total, rss_added * 1048576.0 / total);
  std::printf("\nresult: %s\n", all ? "all targets met" : "some targets missed");
  return all ? 0 : 3;
}
