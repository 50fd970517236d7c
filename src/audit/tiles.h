// Tiles and entry bundles of a tiled transparency log, as c2sp.org/tlog-tiles, tile height 8.
//
// A tile at tile level L and index N holds up to 256 consecutive hashes of TREE level 8L: hash i
// of the tile is the full-subtree node (8L, 256N + i), i.e. MTH(D[(256N + i) * 256^L :
// (256N + i + 1) * 256^L]). Level-0 tiles hold leaf hashes; a level-1 tile holds the roots of 256
// full level-0 tiles. A full tile is 256 hashes (8,192 bytes); the rightmost tile of a level in a
// tree of size s is partial with floor(s / 256^L) mod 256 hashes (none: no tile). Entry bundle N
// holds the entries whose leaf hashes are in level-0 tile N, each as a big-endian uint16 length
// followed by that many bytes.
//
// Paths (relative to the log's URL prefix): "tile/<L>/<N>[.p/<W>]" and "tile/entries/<N>[.p/<W>]",
// where <N> is written in 3-digit groups, all but the last prefixed with "x" (1234067 ->
// "x001/x234/067") and ".p/<W>" marks a partial tile of W (1..255) hashes or entries.
//
// Thread-safety: the free functions are safe from any thread; a TileNodeReader is used by one
// thread at a time (it caches tiles); give each thread or request its own.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "audit/merkle.h"
#include "common/status.h"

namespace canvass::audit {

inline constexpr int kTileHeight = 8;            // Tree levels per tile level.
inline constexpr int kTileWidth = 256;           // Hashes in a full tile, entries in a full bundle.
inline constexpr size_t kFullTileBytes = 8192;   // kTileWidth * 32.
inline constexpr int kMaxTileLevel = 63;         // The largest <L> a path may carry (spec).
inline constexpr size_t kMaxEntryBytes = 65535;  // An entry's length must fit the uint16 prefix.

// One tile of a tree of a given size: its width says whether it is full (256) or partial.
struct TileId {
  int level = 0;           // Tile level L: the tile's hashes are tree level 8L.
  uint64_t index = 0;      // N.
  int width = kTileWidth;  // 1..256 hashes.

  bool full() const { return width == kTileWidth; }
  int partial_width() const { return full() ? 0 : width; }  // The W of ".p/<W>", 0 if full.
  std::string Path() const;                                 // "tile/<L>/<N>[.p/<W>]"
  bool operator==(const TileId&) const = default;
};

// The <N> path element(s) of a tile index: 3-digit groups, all but the last prefixed with "x".
std::string TileIndexPath(uint64_t index);
// "tile/<L>/<N>[.p/<W>]". level must be 0..63 and partial_width 0 (full) or 1..255.
std::string TilePath(int level, uint64_t index, int partial_width);
// "tile/entries/<N>[.p/<W>]". partial_width 0 (full) or 1..255.
std::string EntryBundlePath(uint64_t index, int partial_width);

struct ParsedTilePath {
  bool entries = false;   // "tile/entries/..." (level is then 0).
  int level = 0;          // L, 0..63.
  uint64_t index = 0;     // N.
  int partial_width = 0;  // W, 1..255; 0 for a full tile or bundle.
  bool operator==(const ParsedTilePath&) const = default;
};
// Parses a path as TilePath or EntryBundlePath write it (no leading slash). Only the canonical
// spelling is accepted: no extra leading "x000" group, no leading zeros in <L> or <W>, 3 digits
// per group, W in 1..255, L in 0..63, N below 2^64. InvalidArgument saying what is wrong otherwise.
StatusOr<ParsedTilePath> ParseTilePath(std::string_view path);

// The width of tile (level, index) in a tree of `tree_size` leaves: 256 if full, 1..255 if
// partial, 0 if the tree has no such tile. For entry bundles use level 0.
int TileWidth(int level, uint64_t index, uint64_t tree_size);

// The tile that stores full-subtree node (level, index) in the tree of `tree_size` leaves, or the
// one from whose hashes it is computed when the level is not a multiple of 8. NotFound if the
// node is not a full subtree of that tree.
StatusOr<TileId> TileForNode(int level, uint64_t index, uint64_t tree_size);

// Where a node reported by CompactRange::Append belongs when writing tiles: nodes of tree levels
// 0, 8, 16, ... are hash `position` of tile (tile_level, tile_index); other levels are not stored.
struct TileSlot {
  int tile_level = 0;
  uint64_t tile_index = 0;
  int position = 0;
};
std::optional<TileSlot> TileSlotForNode(int level, uint64_t index);

// The tiles a client reads (in that order, without duplicates) to compute the root of the tree of
// `tree_size` leaves: its partial tiles, one per tile level at most.
std::vector<TileId> TilesForRoot(uint64_t tree_size);
// The tiles needed for the inclusion proof of leaf `index` in the tree of `tree_size` leaves.
StatusOr<std::vector<TileId>> TilesForInclusionProof(uint64_t index, uint64_t tree_size);
// The tiles needed for the consistency proof between two tree sizes (all within the new tree).
StatusOr<std::vector<TileId>> TilesForConsistencyProof(uint64_t old_size, uint64_t new_size);

// The bytes of a tile: the hashes concatenated (1..256 of them).
std::string EncodeTile(std::span<const Hash> hashes);
// Splits tile bytes into `width` hashes; DataLoss unless they are exactly 32 * width bytes.
StatusOr<std::vector<Hash>> DecodeTile(std::string_view bytes, int width);

// Appends one entry (uint16 big-endian length, then the bytes) to a bundle being built.
// InvalidArgument if the entry is longer than 65,535 bytes.
Status AppendBundleEntry(std::string* bundle, std::string_view entry);
// A bundle of 1..256 entries.
StatusOr<std::string> EncodeEntryBundle(std::span<const std::string> entries);
// The entries of a bundle that must hold exactly `width` (1..256) entries. DataLoss saying where
// the bundle is malformed: a truncated length or entry, too few or too many entries.
StatusOr<std::vector<std::string>> DecodeEntryBundle(std::string_view bundle, int width);

// Fetches a tile's bytes by its path ("tile/0/x001/234", ...), from disk, memory or HTTP.
using TileFetcher = std::function<StatusOr<std::string>(const std::string& path)>;

// Recomputes the root of the tree of `tree_size` leaves from every one of its level-0 tiles
// (ceil(size / 256) fetches, size - 1 node hashes), e.g. to audit stored tiles against a signed
// checkpoint. DataLoss if a tile has the wrong length; fetch errors are passed through.
StatusOr<Hash> RootFromLevel0Tiles(uint64_t tree_size, const TileFetcher& fetch);

// Answers NodeReader queries for the tree of `tree_size` leaves from its tiles: any full-subtree
// node at any level, those at levels that are not multiples of 8 computed by hashing up inside
// the tile that holds their descendants. Feed AsNodeReader() to InclusionProof, ConsistencyProof,
// RootFromNodes or CompactRange::FromNodes.
//
// Costs: a node in a cached tile is a lookup. A tile not cached costs a fetch, and the interior
// hashes it needs: up to 255 node hashes for the siblings of one leaf (the tile format stores
// only every 8th tree level). So a proof over cold level-0 tiles is bound by hashing (about 250
// node hashes per tile level), and a warm one by lookups (several times faster; see
// docs/design/audit-formats.md for measured figures).
//
// Cache: an LRU of `max_cached_tiles` tiles, each with the interior hashes computed from it so
// far (at most 16 KiB per tile: 8 KiB of tile, 8 KiB of interior hashes). Full tiles never
// change, so the cache stays valid when the tree grows: keep one long-lived reader per thread
// and call set_tree_size() with each new checkpoint size instead of building a reader per
// request (a cold reader recomputes the tiles near the root every time). Size the cache to the
// working set where proof throughput matters (a 10-million-leaf log has about 39,000 level-0
// tiles).
//
// Not thread-safe: one reader per thread.
class TileNodeReader {
 public:
  static constexpr size_t kDefaultMaxCachedTiles = 1024;

  TileNodeReader(uint64_t tree_size, TileFetcher fetch,
                 size_t max_cached_tiles = kDefaultMaxCachedTiles);
  ~TileNodeReader();
  TileNodeReader(const TileNodeReader&) = delete;
  TileNodeReader& operator=(const TileNodeReader&) = delete;

  uint64_t tree_size() const { return tree_size_; }
  // Answers for another tree size from now on (normally a larger one, after a new checkpoint).
  // Cached full tiles stay; a cached partial tile is replaced when its width no longer matches.
  void set_tree_size(uint64_t tree_size) { tree_size_ = tree_size; }

  // The hash of full-subtree node (level, index). NotFound if the node is not a full subtree of
  // this tree; DataLoss if a tile has the wrong length; fetch errors are passed through.
  StatusOr<Hash> ReadNode(int level, uint64_t index);

  // A NodeReader calling ReadNode on this object, which must outlive it.
  NodeReader AsNodeReader();

  // How many tiles have been fetched so far (cache misses).
  uint64_t tile_fetches() const { return fetches_; }

 private:
  struct CachedTile;
  StatusOr<CachedTile*> GetTile(int level, uint64_t index, int width);

  uint64_t tree_size_;
  const TileFetcher fetch_;
  const size_t max_cached_tiles_;
  std::list<CachedTile> lru_;  // Most recently used first.
  std::unordered_map<uint64_t, std::list<CachedTile>::iterator> by_key_;
  CachedTile* last_ = nullptr;  // The most recently used tile, checked before the map.
  uint64_t fetches_ = 0;
};

}  // namespace canvass::audit
