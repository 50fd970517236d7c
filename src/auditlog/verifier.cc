#include "auditlog/verifier.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <map>
#include <memory>
#include <thread>

#include "audit/merkle.h"

namespace canvass {

// Leaves are canonical (audit/leaf.h): fixed key order, no spaces, and every string a token of
// [a-z0-9_.] (the store refuses anything else), so a strict scanner checks them exactly and
// about twenty times faster than a general JSON parser. The field prefixes are compared as
// constants and characters are classed through a table: this runs once per entry of the log.
namespace {

constexpr uint8_t kTokenChar = 1;  // [a-z0-9_.]
constexpr uint8_t kHexChar = 2;    // [0-9a-f]

constexpr std::array<uint8_t, 256> MakeCharClasses() {
  std::array<uint8_t, 256> c{};
  for (int ch = 'a'; ch <= 'z'; ++ch) c[ch] |= kTokenChar;
  for (int ch = '0'; ch <= '9'; ++ch) c[ch] |= kTokenChar | kHexChar;
  for (int ch = 'a'; ch <= 'f'; ++ch) c[ch] |= kHexChar;
  c['_'] |= kTokenChar;
  c['.'] |= kTokenChar;
  return c;
}
constexpr std::array<uint8_t, 256> kCharClasses = MakeCharClasses();

struct LeafField {
  std::string_view prefix;
  enum Kind { kToken, kHex, kHash, kInt } kind;
};
constexpr LeafField kLeafFields[] = {
    {"{\"agency\":\"", LeafField::kToken},      {"\",\"case\":\"", LeafField::kHex},
    {"\",\"commitment\":\"", LeafField::kHash}, {"\",\"count\":", LeafField::kInt},
    {",\"object\":\"", LeafField::kToken},      {"\",\"reason\":\"", LeafField::kToken},
    {"\",\"role\":\"", LeafField::kToken},
};
// After "role", an optional public scope (searches only), then the last two fields.
constexpr std::string_view kScopeStart = "\",\"scope\":{\"agencies\":";
constexpr std::string_view kScopeMiddle = ",\"cameras\":";
constexpr std::string_view kTimeAfterRole = "\",\"time\":";
constexpr std::string_view kTimeAfterScope = "},\"time\":";
constexpr std::string_view kType = ",\"type\":\"";
constexpr std::string_view kLeafEnd = "\",\"v\":1}";

}  // namespace

Status CheckLeafShape(std::string_view s) {
  const char* const data = s.data();
  const size_t size = s.size();
  size_t pos = 0;
  auto literal = [&](std::string_view lit) {
    if (size - pos < lit.size() || std::memcmp(data + pos, lit.data(), lit.size()) != 0) {
      return false;
    }
    pos += lit.size();
    return true;
  };
  // A run of characters of one class, ending at a '"' (not consumed), at most `max` long.
  auto token = [&](size_t max, uint8_t cls) {
    const size_t start = pos;
    while (pos < size && (kCharClasses[static_cast<uint8_t>(data[pos])] & cls)) ++pos;
    return pos < size && data[pos] == '"' && pos - start <= max;
  };
  auto integer = [&] {
    const size_t start = pos;
    while (pos < size && data[pos] >= '0' && data[pos] <= '9') ++pos;
    return pos > start && pos - start <= 19 && (data[start] != '0' || pos - start == 1);
  };
  // Unrolled, so that each prefix comparison is against a constant of known length.
#pragma GCC unroll 16
  for (const LeafField& f : kLeafFields) {
    if (!literal(f.prefix)) {
      return DataLossError("not a canonical leaf (expected " + std::string(f.prefix) + ")");
    }
    bool ok = true;
    switch (f.kind) {
      case LeafField::kToken:
        ok = token(64, kTokenChar);
        break;
      case LeafField::kHex:
        ok = token(64, kHexChar);
        break;
      case LeafField::kHash: {
        // Exactly 64 hex digits, then '"': a fixed-length loop without branches, which the
        // compiler vectorises (this is a third of every leaf).
        ok = size - pos > 64 && data[pos + 64] == '"';
        if (ok) {
          uint8_t bad = 0;
          for (int i = 0; i < 64; ++i) {
            const uint8_t c = static_cast<uint8_t>(data[pos + i]);
            bad |= static_cast<uint8_t>(static_cast<uint8_t>(c - '0') > 9) &
                   static_cast<uint8_t>(static_cast<uint8_t>(c - 'a') > 5);
          }
          ok = bad == 0;
          pos += 64;
        }
        break;
      }
      case LeafField::kInt:
        ok = integer();
        break;
    }
    if (!ok) return DataLossError("bad value after " + std::string(f.prefix));
  }
  if (literal(kScopeStart)) {
    if (!integer() || !literal(kScopeMiddle) || !integer() || !literal(kTimeAfterScope)) {
      return DataLossError("bad value in \"scope\"");
    }
  } else if (!literal(kTimeAfterRole)) {
    return DataLossError("not a canonical leaf (expected \"time\" or \"scope\" after \"role\")");
  }
  if (!integer()) return DataLossError("bad value after \"time\"");
  if (!literal(kType) || !token(64, kTokenChar)) return DataLossError("bad value after \"type\"");
  if (!literal(kLeafEnd) || pos != size) {
    return DataLossError("not a canonical leaf of version 1");
  }
  return OkStatus();
}

namespace {

// One level-0 tile and its entry bundle, as fetched, and what checking them found.
struct TileWork {
  uint64_t n = 0;
  int width = 0;
  std::string tile;
  std::string bundle;
  Status status;
  audit::Hash root{};  // of the tile's 256 leaves, when full
};

// Checks one tile against its bundle: every entry's hash, every entry's shape. Reads the bundle
// in place (no copies): the entries are located first, then hashed together (LeafHashes hashes
// two at a time), then compared and shape-checked in order, so the first bad entry is the one
// named, as if each entry were checked in turn. Safe to run on any thread.
void CheckTile(TileWork& w) {
  const uint64_t first = w.n * audit::kTileWidth;
  if (w.tile.size() != static_cast<size_t>(w.width) * 32) {
    w.status = DataLossError("tile 0/" + std::to_string(w.n) + " has the wrong length");
    return;
  }
  // The bundle was just written by the fetching thread, usually on another core: ask for all of
  // it at once, rather than one line per entry as the chain of lengths below reaches it.
  for (size_t p = 0; p < w.bundle.size(); p += 64) __builtin_prefetch(w.bundle.data() + p);
  std::string_view entries[audit::kTileWidth];
  int located = 0;
  size_t pos = 0;
  Status framing;  // why entry `located` could not be located, if it could not
  for (; located < w.width; ++located) {
    const uint64_t index = first + static_cast<uint64_t>(located);
    if (pos + 2 > w.bundle.size()) {
      framing = DataLossError("entry " + std::to_string(index) + ": the bundle ends early");
      break;
    }
    size_t len =
        (static_cast<uint8_t>(w.bundle[pos]) << 8) | static_cast<uint8_t>(w.bundle[pos + 1]);
    pos += 2;
    if (pos + len > w.bundle.size()) {
      framing = DataLossError("entry " + std::to_string(index) + ": the bundle ends early");
      break;
    }
    entries[located] = std::string_view(w.bundle.data() + pos, len);
    pos += len;
  }
  alignas(32) uint8_t hashes[audit::kTileWidth * 32];
  audit::LeafHashes(entries, static_cast<size_t>(located), hashes);
  for (int i = 0; i < located; ++i) {
    const uint64_t index = first + static_cast<uint64_t>(i);
    if (std::memcmp(hashes + 32 * i, w.tile.data() + 32 * i, 32) != 0) {
      w.status =
          DataLossError("entry " + std::to_string(index) + ": its hash is not the one in its tile");
      return;
    }
    Status shape = CheckLeafShape(entries[i]);
    if (!shape.ok()) {
      w.status = DataLossError("entry " + std::to_string(index) + ": " + shape.message());
      return;
    }
  }
  if (!framing.ok()) {
    w.status = std::move(framing);
    return;
  }
  if (pos != w.bundle.size()) {
    w.status = DataLossError("entry bundle " + std::to_string(w.n) + " has bytes after entry " +
                             std::to_string(first + static_cast<uint64_t>(w.width) - 1));
    return;
  }
  if (w.width == audit::kTileWidth) {
    w.root = audit::PerfectRoot(reinterpret_cast<const uint8_t*>(w.tile.data()), audit::kTileWidth);
  }
}

}  // namespace

StatusOr<LogVerification> VerifyLog(const audit::TileFetcher& fetch, const audit::Verifier& key,
                                    const std::optional<audit::Checkpoint>& previous, int threads) {
  LogVerification out;
  CANVASS_ASSIGN_OR_RETURN(out.checkpoint_note, fetch("checkpoint"));
  CANVASS_ASSIGN_OR_RETURN(out.checkpoint,
                           audit::OpenCheckpoint(out.checkpoint_note, key, key.name()));
  const uint64_t size = out.checkpoint.size;
  if (previous && previous->size > size) {
    return DataLossError("the log shrank: it had " + std::to_string(previous->size) +
                         " leaves when last seen, its checkpoint now says " + std::to_string(size));
  }
  if (threads <= 0) threads = std::max(1u, std::thread::hardware_concurrency());

  audit::CompactRange range;
  // Hashes of tree levels 8, 16, ... as recomputed, to compare with the served higher tiles.
  std::map<int, std::string> higher;
  auto visit = [&](int level, uint64_t, const audit::Hash& h) {
    if (level > 0 && level % audit::kTileHeight == 0) {
      higher[level / audit::kTileHeight].append(reinterpret_cast<const char*>(h.data()), h.size());
    }
  };
  auto check_previous = [&](uint64_t index) -> Status {
    if (previous && range.size() == previous->size && range.Root() != previous->root) {
      return DataLossError(
          "the first " + std::to_string(previous->size) +
          " leaves no longer hash to the checkpoint seen before: the log rewrote history "
          "(the bad entry is at or before index " +
          std::to_string(index) + ")");
    }
    return OkStatus();
  };

  // A pipeline over a window of tiles: this thread fetches tiles in order (the fetcher may not be
  // thread-safe) and extends the tree with each checked tile in order; the other threads check
  // tiles as soon as they are fetched, and this thread checks too whenever the window is full.
  // So every core hashes for the whole run, the copies a fetcher makes overlap the hashing, and
  // at most kWindow tiles and bundles are held (their buffers are freed and reused as the window
  // moves, instead of a whole batch's being freed and faulted in again).
  const uint64_t tiles = (size + audit::kTileWidth - 1) / audit::kTileWidth;
  constexpr uint64_t kWindow = 128;
  struct Slot {
    TileWork work;
    std::atomic<uint64_t> done{0};  // t + 1 once tile t in this slot has been checked
  };
  std::unique_ptr<Slot[]> slots(new Slot[kWindow]);
  std::atomic<uint64_t> fetched{0};   // tiles [0, fetched) are in their slots
  std::atomic<uint64_t> claimed{0};   // tiles [0, claimed) are taken by a checker
  std::atomic<uint64_t> finished{0};  // how many checks have completed (to wait on)
  std::atomic<bool> stop{false};
  auto check = [&](uint64_t t) {
    Slot& slot = slots[t % kWindow];
    CheckTile(slot.work);
    slot.done.store(t + 1, std::memory_order_release);
    finished.fetch_add(1, std::memory_order_release);
    finished.notify_one();
  };
  auto helper = [&] {
    for (;;) {
      const uint64_t t = claimed.fetch_add(1);
      if (t >= tiles) return;
      for (uint64_t f; (f = fetched.load(std::memory_order_acquire)) <= t;) {
        fetched.wait(f, std::memory_order_acquire);
      }
      if (stop.load()) return;
      check(t);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads && static_cast<uint64_t>(t) < tiles; ++t) pool.emplace_back(helper);
  auto finish_pool = [&] {
    stop.store(true);
    fetched.store(UINT64_MAX);  // wakes helpers waiting for a fetch; they see `stop` and leave
    fetched.notify_all();
    for (auto& th : pool) th.join();
  };

  auto extend = [&](TileWork& w) -> Status {
    CANVASS_RETURN_IF_ERROR(w.status);
    const uint64_t first = w.n * audit::kTileWidth;
    const bool boundary_inside = previous && previous->size > first &&
                                 previous->size < first + static_cast<uint64_t>(w.width);
    if (w.width == audit::kTileWidth && !boundary_inside) {
      CANVASS_RETURN_IF_ERROR(range.AppendSubtree(audit::kTileHeight, w.root, visit));
    } else {
      for (int i = 0; i < w.width; ++i) {
        audit::Hash h;
        std::memcpy(h.data(), w.tile.data() + 32 * i, 32);
        CANVASS_RETURN_IF_ERROR(range.Append(h, visit));
        CANVASS_RETURN_IF_ERROR(check_previous(first + static_cast<uint64_t>(i)));
      }
    }
    CANVASS_RETURN_IF_ERROR(check_previous(first + static_cast<uint64_t>(w.width) - 1));
    out.entries_checked += static_cast<uint64_t>(w.width);
    ++out.tiles_checked;
    return OkStatus();
  };
  auto fetch_into = [&](TileWork& w, uint64_t n) -> Status {
    w.n = n;
    w.width = audit::TileWidth(0, n, size);
    w.status = OkStatus();
    const int partial = w.width == audit::kTileWidth ? 0 : w.width;
    CANVASS_ASSIGN_OR_RETURN(w.tile, fetch(audit::TilePath(0, n, partial)));
    CANVASS_ASSIGN_OR_RETURN(w.bundle, fetch(audit::EntryBundlePath(n, partial)));
    return OkStatus();
  };

  Status pipeline;
  for (uint64_t next_fetch = 0, next_append = 0; next_append < tiles;) {
    Slot& oldest = slots[next_append % kWindow];
    if (oldest.done.load(std::memory_order_acquire) == next_append + 1) {
      pipeline = extend(oldest.work);
      if (!pipeline.ok()) break;
      std::string().swap(oldest.work.tile);  // free now: the next fetch reuses the memory
      std::string().swap(oldest.work.bundle);
      ++next_append;
      continue;
    }
    if (next_fetch < tiles && next_fetch - next_append < kWindow) {
      pipeline = fetch_into(slots[next_fetch % kWindow].work, next_fetch);
      if (!pipeline.ok()) break;
      fetched.store(++next_fetch, std::memory_order_release);
      fetched.notify_all();
      continue;
    }
    uint64_t c = claimed.load();
    if (c < next_fetch && claimed.compare_exchange_strong(c, c + 1)) {
      check(c);
      continue;
    }
    // Nothing to do here until a helper finishes a check.
    const uint64_t seen = finished.load(std::memory_order_acquire);
    if (oldest.done.load(std::memory_order_acquire) == next_append + 1) continue;
    finished.wait(seen, std::memory_order_acquire);
  }
  finish_pool();
  CANVASS_RETURN_IF_ERROR(pipeline);
  if (previous && previous->size == 0 && previous->root != audit::EmptyRoot()) {
    return DataLossError("the previous checkpoint of an empty tree has a wrong root");
  }
  if (range.Root() != out.checkpoint.root) {
    return DataLossError("the entries hash to a root that is not the signed checkpoint's");
  }
  // The higher tiles a proof client would use must agree with the leaves.
  for (const auto& [level, data] : higher) {
    const uint64_t count = data.size() / 32;
    for (uint64_t n = 0; n * audit::kTileWidth < count; ++n) {
      const int width = audit::TileWidth(level, n, size);
      if (width == 0) break;
      const int partial = width == audit::kTileWidth ? 0 : width;
      CANVASS_ASSIGN_OR_RETURN(std::string tile, fetch(audit::TilePath(level, n, partial)));
      std::string expect = data.substr(n * audit::kFullTileBytes, static_cast<size_t>(width) * 32);
      if (tile != expect) {
        return DataLossError("tile " + std::to_string(level) + "/" + std::to_string(n) +
                             " does not match the tree the entries make");
      }
      ++out.tiles_checked;
    }
  }
  return out;
}

}  // namespace canvass
