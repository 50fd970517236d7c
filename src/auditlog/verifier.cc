#include "auditlog/verifier.h"

#include <atomic>
#include <cstring>
#include <map>
#include <thread>

#include "audit/merkle.h"

namespace canvass {

// Leaves are canonical (audit/leaf.h): fixed key order, no spaces, and every string a token of
// [a-z0-9_.] (the store refuses anything else), so a strict scanner checks them exactly and
// about twenty times faster than a general JSON parser.
Status CheckLeafShape(std::string_view s) {
  size_t pos = 0;
  auto literal = [&](std::string_view lit) {
    if (s.substr(pos, lit.size()) != lit) return false;
    pos += lit.size();
    return true;
  };
  auto token = [&](size_t max, bool hex_only) {
    size_t start = pos;
    while (pos < s.size() && s[pos] != '"') {
      char c = s[pos];
      bool ok = hex_only ? ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
                         : ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                            c == '.');
      if (!ok) return false;
      ++pos;
    }
    return pos - start <= max && pos < s.size();
  };
  auto integer = [&] {
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    return pos > start && pos - start <= 19 && (s[start] != '0' || pos - start == 1);
  };
  struct Field {
    const char* prefix;
    enum { kToken, kHex, kHash, kInt } kind;
  };
  static const Field kFields[] = {
      {"{\"agency\":\"", Field::kToken},   {"\",\"case\":\"", Field::kHex},
      {"\",\"commitment\":\"", Field::kHash}, {"\",\"count\":", Field::kInt},
      {",\"object\":\"", Field::kToken},   {"\",\"reason\":\"", Field::kToken},
      {"\",\"role\":\"", Field::kToken},    {"\",\"time\":", Field::kInt},
      {",\"type\":\"", Field::kToken},
  };
  for (const Field& f : kFields) {
    if (!literal(f.prefix)) {
      return DataLossError(std::string("not a canonical leaf (expected ") + f.prefix + ")");
    }
    bool ok = true;
    switch (f.kind) {
      case Field::kToken: ok = token(64, false); break;
      case Field::kHex: ok = token(64, true); break;
      case Field::kHash: {
        size_t start = pos;
        ok = token(64, true) && pos - start == 64;
        break;
      }
      case Field::kInt: ok = integer(); break;
    }
    if (!ok) return DataLossError(std::string("bad value after ") + f.prefix);
  }
  if (!literal("\",\"v\":1}") || pos != s.size()) {
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
// in place (no copies). Safe to run on any thread.
void CheckTile(TileWork& w) {
  const uint64_t first = w.n * audit::kTileWidth;
  if (w.tile.size() != static_cast<size_t>(w.width) * 32) {
    w.status = DataLossError("tile 0/" + std::to_string(w.n) + " has the wrong length");
    return;
  }
  size_t pos = 0;
  for (int i = 0; i < w.width; ++i) {
    const uint64_t index = first + static_cast<uint64_t>(i);
    if (pos + 2 > w.bundle.size()) {
      w.status = DataLossError("entry " + std::to_string(index) + ": the bundle ends early");
      return;
    }
    size_t len = (static_cast<uint8_t>(w.bundle[pos]) << 8) | static_cast<uint8_t>(w.bundle[pos + 1]);
    pos += 2;
    if (pos + len > w.bundle.size()) {
      w.status = DataLossError("entry " + std::to_string(index) + ": the bundle ends early");
      return;
    }
    std::string_view entry(w.bundle.data() + pos, len);
    pos += len;
    audit::Hash h = audit::LeafHash(entry);
    if (std::memcmp(h.data(), w.tile.data() + 32 * i, 32) != 0) {
      w.status = DataLossError("entry " + std::to_string(index) +
                               ": its hash is not the one in its tile");
      return;
    }
    Status shape = CheckLeafShape(entry);
    if (!shape.ok()) {
      w.status = DataLossError("entry " + std::to_string(index) + ": " + shape.message());
      return;
    }
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
                                    const std::optional<audit::Checkpoint>& previous,
                                    int threads) {
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
          "(the bad entry is at or before index " + std::to_string(index) + ")");
    }
    return OkStatus();
  };

  // Fetch a batch of tiles here (the fetcher may not be thread-safe), check them on all cores,
  // then extend the tree in order. (Overlapping the next batch's fetch with this batch's checks
  // was measured slower on two cores: the copies compete with the hashing.)
  constexpr uint64_t kBatchTiles = 256;
  const uint64_t tiles = (size + audit::kTileWidth - 1) / audit::kTileWidth;
  for (uint64_t batch = 0; batch < tiles; batch += kBatchTiles) {
    std::vector<TileWork> work(std::min(kBatchTiles, tiles - batch));
    for (size_t k = 0; k < work.size(); ++k) {
      TileWork& w = work[k];
      w.n = batch + k;
      w.width = audit::TileWidth(0, w.n, size);
      const int partial = w.width == audit::kTileWidth ? 0 : w.width;
      CANVASS_ASSIGN_OR_RETURN(w.tile, fetch(audit::TilePath(0, w.n, partial)));
      CANVASS_ASSIGN_OR_RETURN(w.bundle, fetch(audit::EntryBundlePath(w.n, partial)));
    }
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t k; (k = next++) < work.size();) CheckTile(work[k]);
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads && static_cast<size_t>(t) < work.size(); ++t) {
      pool.emplace_back(worker);
    }
    worker();
    for (auto& th : pool) th.join();
    for (TileWork& w : work) {
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
    }
  }
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
