#include "audit/tiles.h"

#include <algorithm>
#include <cstring>

namespace canvass::audit {
namespace {

// Number of hashes at tree level 8 * tile_level in a tree of `tree_size` leaves.
uint64_t HashesAtTileLevel(int tile_level, uint64_t tree_size) {
  int shift = kTileHeight * tile_level;
  return shift >= 64 ? 0 : tree_size >> shift;
}

void AppendIndexPath(std::string* out, uint64_t index) {
  int groups[7];  // 2^64 - 1 has 20 digits: 7 groups.
  int n = 0;
  do {
    groups[n++] = static_cast<int>(index % 1000);
    index /= 1000;
  } while (index != 0);
  for (int i = n - 1; i >= 0; --i) {
    if (i != 0) out->push_back('x');
    out->push_back(static_cast<char>('0' + groups[i] / 100));
    out->push_back(static_cast<char>('0' + groups[i] / 10 % 10));
    out->push_back(static_cast<char>('0' + groups[i] % 10));
    if (i != 0) out->push_back('/');
  }
}

void AppendPartial(std::string* out, int partial_width) {
  if (partial_width == 0) return;
  *out += ".p/";
  *out += std::to_string(partial_width);
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A decimal with no leading zeros (except "0" itself), at most `max`.
std::optional<int> ParseSmallDecimal(std::string_view s, int max) {
  if (!AllDigits(s) || s.size() > 3 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  if (v > max) return std::nullopt;
  return v;
}

Status BadPath(std::string_view path, std::string_view why) {
  return InvalidArgumentError("malformed tile path \"" + std::string(path.substr(0, 200)) +
                              "\": " + std::string(why));
}

// Records which tiles the nodes a proof reads live in.
class TileRecorder {
 public:
  explicit TileRecorder(uint64_t tree_size) : tree_size_(tree_size) {}

  NodeReader Reader() {
    return [this](int level, uint64_t index) -> StatusOr<Hash> {
      CANVASS_ASSIGN_OR_RETURN(TileId tile, TileForNode(level, index, tree_size_));
      if (std::find(tiles_.begin(), tiles_.end(), tile) == tiles_.end()) tiles_.push_back(tile);
      return Hash{};
    };
  }
  std::vector<TileId> tiles() && { return std::move(tiles_); }

 private:
  uint64_t tree_size_;
  std::vector<TileId> tiles_;
};

// Offsets of the interior levels 1..7 of a tile in a CachedTile's `inner` array: level r holds
// 256 >> r hashes starting at 256 - (512 >> r).
constexpr int InnerOffset(int r) { return 256 - (512 >> r); }
constexpr int kInnerHashes = InnerOffset(8);  // 254

}  // namespace

// ---- Paths ----

std::string TileId::Path() const { return TilePath(level, index, partial_width()); }

std::string TileIndexPath(uint64_t index) {
  std::string out;
  AppendIndexPath(&out, index);
  return out;
}

std::string TilePath(int level, uint64_t index, int partial_width) {
  std::string out;
  out.reserve(40);
  out += "tile/";
  out += std::to_string(level);
  out += '/';
  AppendIndexPath(&out, index);
  AppendPartial(&out, partial_width);
  return out;
}

std::string EntryBundlePath(uint64_t index, int partial_width) {
  std::string out;
  out.reserve(40);
  out += "tile/entries/";
  AppendIndexPath(&out, index);
  AppendPartial(&out, partial_width);
  return out;
}

StatusOr<ParsedTilePath> ParseTilePath(std::string_view path) {
  const std::string_view original = path;
  if (path.size() > 100) return BadPath(original, "too long");
  if (!path.starts_with("tile/")) return BadPath(original, "does not start with \"tile/\"");
  path.remove_prefix(5);

  ParsedTilePath out;
  size_t slash = path.find('/');
  if (slash == std::string_view::npos) return BadPath(original, "no tile index");
  std::string_view kind = path.substr(0, slash);
  path.remove_prefix(slash + 1);
  if (kind == "entries") {
    out.entries = true;
  } else {
    std::optional<int> level = ParseSmallDecimal(kind, kMaxTileLevel);
    if (!level) {
      return BadPath(original, "the level must be \"entries\" or 0..63 without leading zeros");
    }
    out.level = *level;
  }

  // Split off ".p/<W>".
  std::string_view index_part = path;
  size_t partial = path.find(".p/");
  if (partial != std::string_view::npos) {
    index_part = path.substr(0, partial);
    std::optional<int> width = ParseSmallDecimal(path.substr(partial + 3), kTileWidth - 1);
    if (!width || *width == 0) {
      return BadPath(original, "the partial width must be 1..255 without leading zeros");
    }
    out.partial_width = *width;
  }

  // <N>: groups "xDDD/" ... "DDD".
  uint64_t index = 0;
  int groups = 0;
  while (true) {
    size_t end = index_part.find('/');
    std::string_view group = index_part.substr(0, end);
    bool last = end == std::string_view::npos;
    if (!last) {
      if (group.size() != 4 || group[0] != 'x') {
        return BadPath(original, "every index group but the last must be 'x' and 3 digits");
      }
      group.remove_prefix(1);
    }
    if (group.size() != 3 || !AllDigits(group)) {
      return BadPath(original, "index groups must have exactly 3 digits");
    }
    if (++groups > 7) return BadPath(original, "the index has more than 7 groups");
    uint64_t value =
        static_cast<uint64_t>((group[0] - '0') * 100 + (group[1] - '0') * 10 + (group[2] - '0'));
    if (index > (UINT64_MAX - value) / 1000) return BadPath(original, "the index exceeds 2^64 - 1");
    index = index * 1000 + value;
    if (last) break;
    index_part.remove_prefix(end + 1);
  }
  out.index = index;

  // Only the canonical spelling (no leading "x000" groups) names a tile.
  std::string canonical = out.entries ? EntryBundlePath(out.index, out.partial_width)
                                      : TilePath(out.level, out.index, out.partial_width);
  if (canonical != original) {
    return BadPath(original, "not the canonical spelling \"" + canonical + "\"");
  }
  return out;
}

// ---- Geometry ----

int TileWidth(int level, uint64_t index, uint64_t tree_size) {
  if (level < 0 || level > kMaxTileLevel) return 0;
  uint64_t hashes = HashesAtTileLevel(level, tree_size);
  uint64_t full_tiles = hashes / kTileWidth;
  if (index < full_tiles) return kTileWidth;
  if (index == full_tiles) return static_cast<int>(hashes % kTileWidth);
  return 0;
}

StatusOr<TileId> TileForNode(int level, uint64_t index, uint64_t tree_size) {
  if (level < 0 || level > 63 || index >= (tree_size >> level)) {
    return NotFoundError("node (level " + std::to_string(level) + ", index " +
                         std::to_string(index) + ") is not a full subtree of the tree of size " +
                         std::to_string(tree_size));
  }
  TileId tile;
  tile.level = level / kTileHeight;
  int r = level % kTileHeight;
  tile.index = (index << r) / kTileWidth;
  tile.width = TileWidth(tile.level, tile.index, tree_size);
  return tile;
}

std::optional<TileSlot> TileSlotForNode(int level, uint64_t index) {
  if (level < 0 || level % kTileHeight != 0) return std::nullopt;
  return TileSlot{level / kTileHeight, index / kTileWidth, static_cast<int>(index % kTileWidth)};
}

std::vector<TileId> TilesForRoot(uint64_t tree_size) {
  TileRecorder recorder(tree_size);
  RootFromNodes(tree_size, recorder.Reader()).status().IgnoreError();  // Reads only real nodes.
  return std::move(recorder).tiles();
}

StatusOr<std::vector<TileId>> TilesForInclusionProof(uint64_t index, uint64_t tree_size) {
  TileRecorder recorder(tree_size);
  CANVASS_RETURN_IF_ERROR(InclusionProof(index, tree_size, recorder.Reader()).status());
  return std::move(recorder).tiles();
}

StatusOr<std::vector<TileId>> TilesForConsistencyProof(uint64_t old_size, uint64_t new_size) {
  TileRecorder recorder(new_size);
  CANVASS_RETURN_IF_ERROR(ConsistencyProof(old_size, new_size, recorder.Reader()).status());
  return std::move(recorder).tiles();
}

// ---- Tile and bundle bytes ----

std::string EncodeTile(std::span<const Hash> hashes) {
  std::string out(hashes.size() * 32, '\0');
  for (size_t i = 0; i < hashes.size(); ++i) std::memcpy(out.data() + 32 * i, hashes[i].data(), 32);
  return out;
}

StatusOr<std::vector<Hash>> DecodeTile(std::string_view bytes, int width) {
  if (width < 1 || width > kTileWidth) {
    return InvalidArgumentError("tile width must be 1..256, got " + std::to_string(width));
  }
  if (bytes.size() != static_cast<size_t>(width) * 32) {
    return DataLossError("tile of width " + std::to_string(width) + " must be " +
                         std::to_string(width * 32) + " bytes, got " +
                         std::to_string(bytes.size()));
  }
  std::vector<Hash> out(width);
  for (int i = 0; i < width; ++i) std::memcpy(out[i].data(), bytes.data() + 32 * i, 32);
  return out;
}

Status AppendBundleEntry(std::string* bundle, std::string_view entry) {
  if (entry.size() > kMaxEntryBytes) {
    return InvalidArgumentError("log entry of " + std::to_string(entry.size()) +
                                " bytes exceeds the 65535-byte limit of entry bundles");
  }
  bundle->push_back(static_cast<char>(entry.size() >> 8));
  bundle->push_back(static_cast<char>(entry.size() & 0xff));
  bundle->append(entry);
  return OkStatus();
}

StatusOr<std::string> EncodeEntryBundle(std::span<const std::string> entries) {
  if (entries.empty() || entries.size() > kTileWidth) {
    return InvalidArgumentError("an entry bundle holds 1..256 entries, got " +
                                std::to_string(entries.size()));
  }
  size_t total = 0;
  for (const std::string& e : entries) total += 2 + e.size();
  std::string out;
  out.reserve(total);
  for (size_t i = 0; i < entries.size(); ++i) {
    Status s = AppendBundleEntry(&out, entries[i]);
    if (!s.ok()) return s.WithContext("entry " + std::to_string(i));
  }
  return out;
}

StatusOr<std::vector<std::string>> DecodeEntryBundle(std::string_view bundle, int width) {
  if (width < 1 || width > kTileWidth) {
    return InvalidArgumentError("entry bundle width must be 1..256, got " + std::to_string(width));
  }
  std::vector<std::string> entries;
  entries.reserve(width);
  size_t pos = 0;
  while (pos < bundle.size()) {
    if (entries.size() == static_cast<size_t>(width)) {
      return DataLossError("entry bundle has " + std::to_string(bundle.size() - pos) +
                           " bytes after its " + std::to_string(width) + " entries");
    }
    if (bundle.size() - pos < 2) {
      return DataLossError("entry bundle ends inside the length of entry " +
                           std::to_string(entries.size()) + " (offset " + std::to_string(pos) +
                           ")");
    }
    size_t len = static_cast<size_t>(static_cast<uint8_t>(bundle[pos])) << 8 |
                 static_cast<uint8_t>(bundle[pos + 1]);
    pos += 2;
    if (bundle.size() - pos < len) {
      return DataLossError("entry bundle ends inside entry " + std::to_string(entries.size()) +
                           ": it declares " + std::to_string(len) + " bytes, " +
                           std::to_string(bundle.size() - pos) + " remain");
    }
    entries.emplace_back(bundle.substr(pos, len));
    pos += len;
  }
  if (entries.size() != static_cast<size_t>(width)) {
    return DataLossError("entry bundle holds " + std::to_string(entries.size()) +
                         " entries, expected " + std::to_string(width));
  }
  return entries;
}

// ---- Reading the tree from tiles ----

StatusOr<Hash> RootFromLevel0Tiles(uint64_t tree_size, const TileFetcher& fetch) {
  CompactRange range;
  const uint64_t full_tiles = tree_size / kTileWidth;
  for (uint64_t t = 0; t < full_tiles; ++t) {
    std::string path = TilePath(0, t, 0);
    CANVASS_ASSIGN_OR_RETURN(std::string bytes, fetch(path));
    if (bytes.size() != kFullTileBytes) {
      return DataLossError("tile " + path + " has " + std::to_string(bytes.size()) +
                           " bytes, a full tile has 8192");
    }
    const Hash root = PerfectRoot(reinterpret_cast<const uint8_t*>(bytes.data()), kTileWidth);
    CANVASS_RETURN_IF_ERROR(range.AppendSubtree(kTileHeight, root));
  }
  const int width = static_cast<int>(tree_size % kTileWidth);
  if (width != 0) {
    std::string path = TilePath(0, full_tiles, width);
    CANVASS_ASSIGN_OR_RETURN(std::string bytes, fetch(path));
    CANVASS_ASSIGN_OR_RETURN(std::vector<Hash> hashes, DecodeTile(bytes, width));
    for (const Hash& h : hashes) CANVASS_RETURN_IF_ERROR(range.Append(h));
  }
  return range.Root();
}

struct TileNodeReader::CachedTile {
  uint64_t key = 0;
  int width = 0;
  std::string bytes;                    // The tile: width * 32 bytes.
  std::unique_ptr<Hash[]> inner;        // Interior levels 1..7, allocated on first use.
  uint64_t computed[4] = {0, 0, 0, 0};  // Bit InnerOffset(r) + j: inner hash (r, j) is valid.

  bool Has(int bit) const { return (computed[bit / 64] >> (bit % 64)) & 1; }
  void Set(int bit) { computed[bit / 64] |= uint64_t{1} << (bit % 64); }

  const uint8_t* Leaf(uint64_t position) const {
    return reinterpret_cast<const uint8_t*>(bytes.data()) + 32 * position;
  }

  // The root of the 2^r tile hashes starting at position j * 2^r (1 <= r <= 7), memoizing every
  // interior hash it computes on the way.
  Hash Node(int r, uint64_t j) {
    if (!inner) inner = std::make_unique<Hash[]>(kInnerHashes);
    const int target = InnerOffset(r) + static_cast<int>(j);
    if (!Has(target)) {
      for (int t = 1; t <= r; ++t) {
        const uint64_t first = j << (r - t), last = (j + 1) << (r - t);
        for (uint64_t p = first; p < last; ++p) {
          const int bit = InnerOffset(t) + static_cast<int>(p);
          if (Has(bit)) continue;
          // The two children are contiguous: 64 bytes at level t - 1.
          const uint8_t* children = t == 1 ? Leaf(2 * p) : inner[InnerOffset(t - 1) + 2 * p].data();
          HashPairs(children, 1, inner[bit].data());
          Set(bit);
        }
      }
    }
    return inner[target];
  }
};

TileNodeReader::TileNodeReader(uint64_t tree_size, TileFetcher fetch, size_t max_cached_tiles)
    : tree_size_(tree_size),
      fetch_(std::move(fetch)),
      max_cached_tiles_(std::max<size_t>(max_cached_tiles, 1)) {}

TileNodeReader::~TileNodeReader() = default;

StatusOr<TileNodeReader::CachedTile*> TileNodeReader::GetTile(int level, uint64_t index,
                                                              int width) {
  // Tile indexes are below 2^56 (level 0) and tile levels below 8: the key is unique. The width
  // is checked too: a partial tile cached for an earlier tree size is replaced.
  const uint64_t key = static_cast<uint64_t>(level) << 56 | index;
  if (last_ != nullptr && last_->key == key && last_->width == width) return last_;
  if (auto it = by_key_.find(key); it != by_key_.end()) {
    if (it->second->width == width) {
      lru_.splice(lru_.begin(), lru_, it->second);
      last_ = &*it->second;
      return last_;
    }
    if (last_ == &*it->second) last_ = nullptr;
    lru_.erase(it->second);
    by_key_.erase(it);
  }
  const std::string path = TilePath(level, index, width == kTileWidth ? 0 : width);
  StatusOr<std::string> bytes = fetch_(path);
  ++fetches_;
  if (!bytes.ok()) return bytes.status().WithContext("fetching " + path);
  if (bytes->size() != static_cast<size_t>(width) * 32) {
    return DataLossError("tile " + path + " has " + std::to_string(bytes->size()) +
                         " bytes, expected " + std::to_string(width * 32));
  }
  if (lru_.size() >= max_cached_tiles_) {
    if (last_ == &lru_.back()) last_ = nullptr;
    by_key_.erase(lru_.back().key);
    lru_.pop_back();
  }
  lru_.emplace_front();
  lru_.front().key = key;
  lru_.front().width = width;
  lru_.front().bytes = std::move(bytes).value();
  by_key_.emplace(key, lru_.begin());
  last_ = &lru_.front();
  return last_;
}

StatusOr<Hash> TileNodeReader::ReadNode(int level, uint64_t index) {
  if (level < 0 || level > 63 || index >= (tree_size_ >> level)) {
    return NotFoundError("node (level " + std::to_string(level) + ", index " +
                         std::to_string(index) + ") is not a full subtree of the tree of size " +
                         std::to_string(tree_size_));
  }
  const int tile_level = level / kTileHeight;
  const int r = level % kTileHeight;
  const uint64_t first = index << r;  // First tile-level hash under the node.
  const uint64_t tile_index = first / kTileWidth;
  const uint64_t position = first % kTileWidth;
  CANVASS_ASSIGN_OR_RETURN(
      CachedTile * tile,
      GetTile(tile_level, tile_index, TileWidth(tile_level, tile_index, tree_size_)));
  if (r == 0) {
    Hash h;
    std::memcpy(h.data(), tile->Leaf(position), 32);
    return h;
  }
  return tile->Node(r, position >> r);
}

NodeReader TileNodeReader::AsNodeReader() {
  return [this](int level, uint64_t index) { return ReadNode(level, index); };
}

}  // namespace canvass::audit
