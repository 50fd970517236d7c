// audit_bench: the audit log's figures, each beside its baseline, in one run.
//
//  1. Durable appends: concurrent writers appending audit events through the store with group
//     commit, against one commit per event (one thread, group commit off), same process, same
//     disk. Targets: >= 40,000 events/s and >= 20x the baseline.
//  2. Latency of one append until durable (p50) against a bare 4 KiB write + fdatasync in the
//     same directory. Target: p50 <= 2x.
//  3. Inclusion proofs in a 10-million-leaf tree whose tiles are in memory, one thread.
//     Target: >= 50,000 proofs/s per core.
//  4. Verifying a 10-million-leaf log from its tiles and entry bundles (canvass audit verify's
//     code), against raw SHA-256 throughput measured in the same run. Target: >= 0.5.
//
// Usage: audit_bench [--dir D] [--leaves N] [--writers N] [--seconds S]
// Exit status: 0 all targets met, 3 some missed, 1 error. docs/benchmarks.md has figures.
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "audit/leaf.h"
#include "audit/merkle.h"
#include "audit/tiles.h"
#include "auditlog/audit_log.h"
#include "auditlog/verifier.h"
#include "bench_util.h"
#include "store/sqlite/sqlite_store.h"

namespace canvass {
namespace {

using namespace canvass::bench;  // Seconds, Percentile, Check, ...

AuditEvent Event(int i) {
  AuditEvent e;
  e.type = "clip.view";
  e.actor_role = "resident";
  e.object_kind = "clip";
  e.count = 1;
  e.at_us = 1'800'000'000'000'000 + i;
  e.actor_id = "acc_benchmarkaccount0001";
  e.object_id = "clp_benchmarkclip000001";
  return e;
}

std::unique_ptr<sqlite::SqliteStore> FreshStore(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  auto s = sqlite::SqliteStore::Open(path, 2);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(s).value();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace
}  // namespace canvass

int main(int argc, char** argv) {
  using namespace canvass;
  std::string dir = "/tmp/canvass-bench-audit";
  uint64_t leaves = 10'000'000;
  int writers = 128;
  double seconds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--dir")
      dir = argv[i + 1];
    else if (a == "--leaves")
      leaves = std::stoull(argv[i + 1]);
    else if (a == "--writers")
      writers = std::stoi(argv[i + 1]);
    else if (a == "--seconds")
      seconds = std::stod(argv[i + 1]);
    else {
      std::fprintf(stderr,
                   "usage: audit_bench [--dir D] [--leaves N] [--writers N] [--seconds S]\n");
      return 1;
    }
  }
  std::filesystem::create_directories(dir);
  InitCrypto();
  std::printf("machine: %u CPUs, %s; dir %s\n", std::thread::hardware_concurrency(),
              CpuModel().c_str(), dir.c_str());
  bool all = true;

  // ---- 1. durable appends -------------------------------------------------------------------
  double base_rate, gc_rate;
  {
    auto store = FreshStore(dir + "/base.db");
    store->set_group_commit(false);
    int n = 0;
    auto t0 = Steady::now();
    while (Seconds(t0, Steady::now()) < seconds / 2) {
      if (!store->RecordAccess(Event(n++)).ok()) return 1;
    }
    base_rate = n / Seconds(t0, Steady::now());
  }
  int64_t gc_events = 0;
  double integrate_s = 0;
  {
    auto store = FreshStore(dir + "/gc.db");
    std::atomic<int64_t> count{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    auto t0 = Steady::now();
    for (int t = 0; t < writers; ++t) {
      threads.emplace_back([&, t] {
        int i = 0;
        while (!stop) {
          if (!store->RecordAccess(Event(t * 1'000'000 + i++)).ok()) std::abort();
          ++count;
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& th : threads) th.join();
    gc_events = count;
    gc_rate = count / Seconds(t0, Steady::now());
    // Integration of all of them into tiles and one signed checkpoint.
    DeterministicRandom random(1);
    AuditLog log(store.get(), SystemClock::Get(), *audit::Signer::Generate("bench.example", random),
                 "k");
    auto ti = Steady::now();
    if (!log.Init().ok()) return 1;
    integrate_s = Seconds(ti, Steady::now());
  }
  std::printf("\n1. durable appends (SQLite WAL, synchronous=FULL)\n");
  std::printf("  one commit per event, 1 thread            %10.0f events/s\n", base_rate);
  std::printf("  group commit, %3d writers                 %10.0f events/s  (x%.1f)\n", writers,
              gc_rate, gc_rate / base_rate);
  std::printf(
      "  integrating those %lld events into tiles + one signed checkpoint: %.2f s "
      "(%.0f leaves/s)\n",
      static_cast<long long>(gc_events), integrate_s, gc_events / integrate_s);
  all &= Check(">= 40,000 events/s with group commit", gc_rate >= 40'000);
  all &= Check(">= 20x one commit per event", gc_rate >= 20 * base_rate);

  // ---- 2. latency of one durable append ------------------------------------------------------
  {
    auto store = FreshStore(dir + "/lat.db");
    std::vector<double> append_us, sync_us;
    std::string page(4096, 'x');
    std::string path = dir + "/fdatasync.probe";
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    for (int i = 0; i < 400; ++i) {
      auto a = Steady::now();
      if (!store->RecordAccess(Event(i)).ok()) return 1;
      auto b = Steady::now();
      if (::pwrite(fd, page.data(), page.size(), 0) != 4096 || ::fdatasync(fd) != 0) return 1;
      auto c = Steady::now();
      append_us.push_back(Seconds(a, b) * 1e6);
      sync_us.push_back(Seconds(b, c) * 1e6);
    }
    ::close(fd);
    std::filesystem::remove(path);
    double pa = Median(append_us), ps = Median(sync_us);
    std::printf("\n2. one append until durable, 400 samples interleaved\n");
    std::printf("  append p50 %.0f us; bare 4 KiB write + fdatasync p50 %.0f us; ratio %.2f\n", pa,
                ps, pa / ps);
    all &= Check("append p50 <= 2x fdatasync p50", pa <= 2 * ps);
  }

  // ---- 3 and 4: a big tree in memory ---------------------------------------------------------
  std::printf("\n3./4. a tree of %llu leaves in memory (building it...)\n",
              static_cast<unsigned long long>(leaves));
  std::unordered_map<std::string, std::string> files;  // path -> bytes, like a tile server
  audit::CompactRange range;
  std::map<std::pair<int, uint64_t>, std::string> tiles;
  std::vector<std::string> bundle;
  uint64_t entry_bytes = 0;
  {
    AuditEvent e = Event(0);
    std::string bundle_bytes;
    for (uint64_t i = 0; i < leaves; ++i) {
      e.at_us = 1'800'000'000'000'000 + static_cast<int64_t>(i) * 1000;
      std::string leaf = audit::EncodeLeaf(
          e, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "");
      entry_bytes += leaf.size();
      if (!range
               .Append(audit::LeafHash(leaf),
                       [&](int level, uint64_t index, const audit::Hash& h) {
                         auto slot = audit::TileSlotForNode(level, index);
                         if (slot) {
                           tiles[{slot->tile_level, slot->tile_index}].append(
                               reinterpret_cast<const char*>(h.data()), h.size());
                         }
                       })
               .ok()) {
        return 1;
      }
      if (!audit::AppendBundleEntry(&bundle_bytes, leaf).ok()) return 1;
      if ((i + 1) % audit::kTileWidth == 0 || i + 1 == leaves) {
        uint64_t n = i / audit::kTileWidth;
        int w = audit::TileWidth(0, n, leaves);
        files[audit::EntryBundlePath(n, w == audit::kTileWidth ? 0 : w)] = std::move(bundle_bytes);
        bundle_bytes.clear();
      }
    }
    for (auto& [key, data] : tiles) {
      int w = static_cast<int>(data.size() / 32);
      files[audit::TilePath(key.first, key.second, w == audit::kTileWidth ? 0 : w)] =
          std::move(data);
    }
  }
  DeterministicRandom krand(2);
  audit::Signer signer = *audit::Signer::Generate("bench.example", krand);
  audit::Checkpoint cp{"bench.example", leaves, range.Root(), {}};
  files["checkpoint"] = *audit::SignNote(*audit::FormatCheckpoint(cp), signer);
  audit::TileFetcher fetch = [&](const std::string& p) -> StatusOr<std::string> {
    auto it = files.find(p);
    if (it == files.end()) return NotFoundError(p);
    return it->second;
  };

  {
    audit::TileNodeReader reader(leaves, fetch, 60'000);
    std::mt19937_64 rng(7);
    auto read = reader.AsNodeReader();
    for (int i = 0; i < 200'000; ++i) {  // warm the cache, as a long-lived server reader is
      if (!audit::InclusionProof(rng() % leaves, leaves, read).ok()) return 1;
    }
    const int kProofs = 300'000;
    auto t0 = Steady::now();
    for (int i = 0; i < kProofs; ++i) {
      if (!audit::InclusionProof(rng() % leaves, leaves, read).ok()) return 1;
    }
    double warm = kProofs / Seconds(t0, Steady::now());
    audit::TileNodeReader cold_reader(leaves, fetch, 1024);
    auto cold_read = cold_reader.AsNodeReader();
    t0 = Steady::now();
    for (int i = 0; i < 20'000; ++i) {
      if (!audit::InclusionProof(rng() % leaves, leaves, cold_read).ok()) return 1;
    }
    double cold = 20'000 / Seconds(t0, Steady::now());
    std::printf(
        "  inclusion proofs, random leaves, 1 thread: %.0f/s with a warm tile cache, "
        "%.0f/s with a 1,024-tile cache\n",
        warm, cold);
    all &= Check(">= 50,000 inclusion proofs/s per core (warm reader)", warm >= 50'000);
  }

  {
    // Raw SHA-256 throughput on this machine, now.
    std::string buf(256 << 20, 'a');
    unsigned char md[32];
    unsigned int len;
    auto t0 = Steady::now();
    EVP_Digest(buf.data(), buf.size(), md, &len, EVP_sha256(), nullptr);
    double sha_mbs = buf.size() / Seconds(t0, Steady::now()) / 1e6;
    uint64_t tile_bytes = 0;
    for (const auto& [p, b] : files) {
      if (p.starts_with("tile/") && !p.starts_with("tile/entries")) tile_bytes += b.size();
    }
    t0 = Steady::now();
    auto v = VerifyLog(fetch, signer.verifier(), std::nullopt);
    double verify_s = Seconds(t0, Steady::now());
    if (!v.ok()) {
      std::fprintf(stderr, "verify: %s\n", v.status().ToString().c_str());
      return 1;
    }
    t0 = Steady::now();
    auto root = audit::RootFromLevel0Tiles(leaves, fetch);
    double root_s = Seconds(t0, Steady::now());
    if (!root.ok() || *root != cp.root) return 1;
    double mbs = (entry_bytes + tile_bytes) / verify_s / 1e6;
    std::printf("  raw SHA-256: %.0f MB/s\n", sha_mbs);
    std::printf(
        "  canvass audit verify's check of all %llu leaves: %.2f s = %.0f MB/s of entries "
        "and tiles (%.2f of SHA-256)\n",
        static_cast<unsigned long long>(leaves), verify_s, mbs, mbs / sha_mbs);
    std::printf("    of which recomputing the root from level-0 tiles alone: %.2f s\n", root_s);
    all &= Check("verify throughput >= 0.5 of SHA-256", mbs >= 0.5 * sha_mbs);
  }
  for (const char* f : {"base.db", "gc.db", "lat.db"}) {
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(dir + "/" + f + s);
  }
  std::printf("\nresult: %s\n", all ? "all targets met" : "some targets missed");
  return all ? 0 : 3;
}
