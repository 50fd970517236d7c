#include "audit/tiles.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

namespace canvass::audit {
namespace {

// ---- Paths ----

TEST(TilePaths, IndexEncodingInGroupsOfThree) {
  EXPECT_EQ(TileIndexPath(0), "000");
  EXPECT_EQ(TileIndexPath(7), "007");
  EXPECT_EQ(TileIndexPath(999), "999");
  EXPECT_EQ(TileIndexPath(1000), "x001/000");
  EXPECT_EQ(TileIndexPath(1234067), "x001/x234/067");
  EXPECT_EQ(TileIndexPath(UINT64_MAX), "x018/x446/x744/x073/x709/x551/615");
}

TEST(TilePaths, TileAndBundlePaths) {
  EXPECT_EQ(TilePath(0, 1234067, 0), "tile/0/x001/x234/067");
  EXPECT_EQ(TilePath(1, 5, 17), "tile/1/005.p/17");
  EXPECT_EQ(TilePath(63, 0, 255), "tile/63/000.p/255");
  EXPECT_EQ(EntryBundlePath(1234067, 112), "tile/entries/x001/x234/067.p/112");
  EXPECT_EQ(EntryBundlePath(0, 0), "tile/entries/000");
  EXPECT_EQ((TileId{2, 1000, 1}.Path()), "tile/2/x001/000.p/1");
  EXPECT_EQ((TileId{0, 3, 256}.Path()), "tile/0/003");
}

TEST(TilePaths, ParseRoundTrips) {
  for (uint64_t index :
       {uint64_t{0}, uint64_t{1}, uint64_t{999}, uint64_t{1000}, uint64_t{1234067}, UINT64_MAX}) {
    for (int width : {0, 1, 17, 255}) {
      for (int level : {0, 1, 9, 63}) {
        StatusOr<ParsedTilePath> p = ParseTilePath(TilePath(level, index, width));
        ASSERT_TRUE(p.ok()) << TilePath(level, index, width) << ": " << p.status().ToString();
        EXPECT_EQ(*p, (ParsedTilePath{false, level, index, width}));
      }
      StatusOr<ParsedTilePath> e = ParseTilePath(EntryBundlePath(index, width));
      ASSERT_TRUE(e.ok()) << EntryBundlePath(index, width) << ": " << e.status().ToString();
      EXPECT_EQ(*e, (ParsedTilePath{true, 0, index, width}));
    }
  }
}

TEST(TilePaths, ParseRefusesMalformedPaths) {
  const char* bad[] = {
      "",
      "tile",
      "tile/",
      "tile/0",
      "tile/0/",
      "/tile/0/000",
      "tiles/0/000",
      "tile/00/000",                                    // leading zero in L
      "tile/01/000",                                    // leading zero in L
      "tile/64/000",                                    // L out of range
      "tile/-1/000",                                    // not a number
      "tile/x/000",                                     // not a number
      "tile/0/00",                                      // 2 digits
      "tile/0/0000",                                    // 4 digits
      "tile/0/1a3",                                     // not digits
      "tile/0/x000/001",                                // leading zero group
      "tile/0/x001",                                    // last group with x
      "tile/0/001/002",                                 // inner group without x
      "tile/0/y001/002",                                // wrong prefix
      "tile/0/x001/",                                   // empty last group
      "tile/0/001.p/0",                                 // W = 0
      "tile/0/001.p/256",                               // W too large
      "tile/0/001.p/01",                                // leading zero in W
      "tile/0/001.p/",                                  // no W
      "tile/0/001.p/5/6",                               // junk after W
      "tile/0/001.p5",                                  // not ".p/"
      "tile/0/001/",                                    // trailing slash
      "tile/entries/",                                  // no index
      "tile/entries/x000/000",                          // leading zero group
      "tile/entries/000.p/300",                         // W too large
      "tile/0/x018/x446/x744/x073/x709/x551/616",       // 2^64
      "tile/0/x001/x002/x003/x004/x005/x006/x007/008",  // 8 groups
      "tile/0/000\n",                                   // junk
  };
  for (const char* path : bad) {
    StatusOr<ParsedTilePath> p = ParseTilePath(path);
    EXPECT_FALSE(p.ok()) << "accepted \"" << path << "\"";
    if (!p.ok()) {
      EXPECT_EQ(p.status().code(), Code::kInvalidArgument) << path;
      EXPECT_NE(p.status().message().find("malformed tile path"), std::string::npos) << path;
    }
  }
}

// ---- Geometry ----

TEST(TileGeometry, WidthsOfTheSpecExamples) {
  // "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level 0
  // tile of width 112, one full level 1 tile, one partial level 1 tile of width 17, and one
  // partial level 2 tile of width 1."
  EXPECT_EQ(TileWidth(0, 0, 70000), 256);
  EXPECT_EQ(TileWidth(0, 272, 70000), 256);
  EXPECT_EQ(TileWidth(0, 273, 70000), 112);
  EXPECT_EQ(TileWidth(0, 274, 70000), 0);
  EXPECT_EQ(TileWidth(1, 0, 70000), 256);
  EXPECT_EQ(TileWidth(1, 1, 70000), 17);
  EXPECT_EQ(TileWidth(1, 2, 70000), 0);
  EXPECT_EQ(TileWidth(2, 0, 70000), 1);
  EXPECT_EQ(TileWidth(3, 0, 70000), 0);
  // "a tree of size 256 will be represented by a full level 0 tile and a partial level 1 tile of
  // width 1."
  EXPECT_EQ(TileWidth(0, 0, 256), 256);
  EXPECT_EQ(TileWidth(0, 1, 256), 0);
  EXPECT_EQ(TileWidth(1, 0, 256), 1);
  EXPECT_EQ(TileWidth(2, 0, 256), 0);
  EXPECT_EQ(TileWidth(7, 0, UINT64_MAX), 255);
  EXPECT_EQ(TileWidth(8, 0, UINT64_MAX), 0);
}

std::set<std::string> Paths(const std::vector<TileId>& tiles) {
  std::set<std::string> out;
  for (const TileId& t : tiles) out.insert(t.Path());
  return out;
}

TEST(TileGeometry, TilesForTheRootAreThePartialTiles) {
  EXPECT_EQ(Paths(TilesForRoot(70000)),
            (std::set<std::string>{"tile/0/273.p/112", "tile/1/001.p/17", "tile/2/000.p/1"}));
  EXPECT_EQ(Paths(TilesForRoot(256)), (std::set<std::string>{"tile/1/000.p/1"}));
  EXPECT_EQ(Paths(TilesForRoot(1)), (std::set<std::string>{"tile/0/000.p/1"}));
  EXPECT_TRUE(TilesForRoot(0).empty());
}

TEST(TileGeometry, NodesMapToTheirTiles) {
  // Node (8, 5): hash 5 of tile 1/000 in a tree with 6+ full level-0 tiles.
  EXPECT_EQ(*TileForNode(8, 5, 256 * 6), (TileId{1, 0, 6}));
  // Node (3, 40): leaves 320..327, in level-0 tile 1 (leaves 256..511), read by hashing up.
  EXPECT_EQ(*TileForNode(3, 40, 1000), (TileId{0, 1, 256}));
  EXPECT_EQ(*TileForNode(3, 40, 328), (TileId{0, 1, 72}));
  EXPECT_EQ(TileForNode(3, 40, 327).status().code(), Code::kNotFound);
  // Node (10, 1): level-1 hashes 4..7, in tile 1/000.
  EXPECT_EQ(*TileForNode(10, 1, 2048), (TileId{1, 0, 8}));

  std::optional<TileSlot> slot = TileSlotForNode(8, 1000);
  ASSERT_TRUE(slot);
  EXPECT_EQ(slot->tile_level, 1);
  EXPECT_EQ(slot->tile_index, 3u);
  EXPECT_EQ(slot->position, 1000 - 768);
  EXPECT_FALSE(TileSlotForNode(3, 1));
}

// ---- A small log kept as tiles, built the way a writer would. ----

class TileLog {
 public:
  explicit TileLog(uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) {
      std::string entry = "entry " + std::to_string(i);
      entries_.push_back(entry);
      Status s = range_.Append(LeafHash(entry), [this](int level, uint64_t index, const Hash& h) {
        all_nodes_[{level, index}] = h;
        if (std::optional<TileSlot> slot = TileSlotForNode(level, index)) {
          tiles_[{slot->tile_level, slot->tile_index}].push_back(h);
        }
      });
      EXPECT_TRUE(s.ok());
      roots_.push_back(range_.Root());
    }
  }

  static constexpr uint64_t kAnySize = UINT64_MAX;

  // Serves the tiles of the tree of `size` leaves (a full tile or the right partial prefix), or
  // with kAnySize every tile of every size up to the log's.
  TileFetcher Fetcher(uint64_t size, std::vector<std::string>* fetched = nullptr) const {
    return [this, size, fetched](const std::string& path) -> StatusOr<std::string> {
      if (fetched) fetched->push_back(path);
      CANVASS_ASSIGN_OR_RETURN(ParsedTilePath p, ParseTilePath(path));
      int width = p.partial_width == 0 ? kTileWidth : p.partial_width;
      if (size != kAnySize && TileWidth(p.level, p.index, size) != width) {
        return NotFoundError("no tile " + path + " in tree of size " + std::to_string(size));
      }
      auto it = tiles_.find({p.level, p.index});
      if (it == tiles_.end() || it->second.size() < static_cast<size_t>(width)) {
        return NotFoundError("tile " + path + " not written");
      }
      return EncodeTile(std::span(it->second).first(width));
    };
  }

  NodeReader Nodes(uint64_t size) const {
    return [this, size](int level, uint64_t index) -> StatusOr<Hash> {
      if (((index + 1) << level) > size) return InternalError("beyond tree size");
      return all_nodes_.at({level, index});
    };
  }

  Hash Root(uint64_t size) const { return size == 0 ? EmptyRoot() : roots_[size - 1]; }
  const std::vector<std::string>& entries() const { return entries_; }
  const std::map<std::pair<int, uint64_t>, Hash>& all_nodes() const { return all_nodes_; }
  const std::map<std::pair<int, uint64_t>, std::vector<Hash>>& tiles() const { return tiles_; }

 private:
  CompactRange range_;
  std::vector<std::string> entries_;
  std::vector<Hash> roots_;
  std::map<std::pair<int, uint64_t>, Hash> all_nodes_;
  std::map<std::pair<int, uint64_t>, std::vector<Hash>> tiles_;
};

TEST(TileNodeReader, AnswersEveryNodeAtEveryLevel) {
  TileLog log(70000);
  for (uint64_t size : {1, 255, 256, 257, 511, 65536, 65537, 70000}) {
    TileNodeReader reader(size, log.Fetcher(size));
    for (const auto& [key, hash] : log.all_nodes()) {
      auto [level, index] = key;
      if (((index + 1) << level) > size) continue;
      if (level == 0 && index % 97 != 0) continue;  // Sample the leaves; every interior node.
      StatusOr<Hash> h = reader.ReadNode(level, index);
      ASSERT_TRUE(h.ok()) << level << "/" << index << " in " << size << ": "
                          << h.status().ToString();
      ASSERT_EQ(*h, hash) << level << "/" << index << " in " << size;
    }
    EXPECT_EQ(reader.ReadNode(0, size).status().code(), Code::kNotFound);
    StatusOr<Hash> root = RootFromNodes(size, reader.AsNodeReader());
    ASSERT_TRUE(root.ok()) << root.status().ToString();
    EXPECT_EQ(*root, log.Root(size)) << size;
  }
}

TEST(TileNodeReader, ProofsFromTilesVerify) {
  TileLog log(70000);
  for (uint64_t size : {1, 2, 300, 4096, 65536, 65537, 70000}) {
    TileNodeReader reader(size, log.Fetcher(size));
    for (uint64_t index : {uint64_t{0}, size / 3, size / 2 + 1, size - 1}) {
      if (index >= size) continue;
      StatusOr<std::vector<Hash>> proof = InclusionProof(index, size, reader.AsNodeReader());
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      EXPECT_EQ(*proof, *InclusionProof(index, size, log.Nodes(size)));
      EXPECT_TRUE(
          VerifyInclusion(LeafHash(log.entries()[index]), index, size, *proof, log.Root(size))
              .ok());
    }
    for (uint64_t old_size : {uint64_t{1}, size / 2, size - 1}) {
      if (old_size == 0 || old_size > size) continue;
      StatusOr<std::vector<Hash>> proof = ConsistencyProof(old_size, size, reader.AsNodeReader());
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      EXPECT_TRUE(
          VerifyConsistency(old_size, size, log.Root(old_size), log.Root(size), *proof).ok());
    }
  }
}

TEST(TileNodeReader, TileListsMatchWhatProofsFetch) {
  TileLog log(70000);
  for (uint64_t size : {1, 257, 65536, 70000}) {
    for (uint64_t index : {uint64_t{0}, size / 2, size - 1}) {
      std::vector<std::string> fetched;
      TileNodeReader reader(size, log.Fetcher(size, &fetched));
      ASSERT_TRUE(InclusionProof(index, size, reader.AsNodeReader()).ok());
      std::vector<TileId> tiles = *TilesForInclusionProof(index, size);
      EXPECT_EQ(Paths(tiles), std::set<std::string>(fetched.begin(), fetched.end()));
      EXPECT_EQ(tiles.size(), fetched.size());  // No tile fetched twice.
    }
    for (uint64_t old_size : {uint64_t{1}, size / 2}) {
      if (old_size == 0) continue;
      std::vector<std::string> fetched;
      TileNodeReader reader(size, log.Fetcher(size, &fetched));
      ASSERT_TRUE(ConsistencyProof(old_size, size, reader.AsNodeReader()).ok());
      EXPECT_EQ(Paths(*TilesForConsistencyProof(old_size, size)),
                std::set<std::string>(fetched.begin(), fetched.end()));
    }
    std::vector<std::string> fetched;
    TileNodeReader reader(size, log.Fetcher(size, &fetched));
    ASSERT_TRUE(RootFromNodes(size, reader.AsNodeReader()).ok());
    EXPECT_EQ(Paths(TilesForRoot(size)), std::set<std::string>(fetched.begin(), fetched.end()));
  }
  EXPECT_EQ(TilesForInclusionProof(5, 5).status().code(), Code::kInvalidArgument);
}

TEST(TileNodeReader, CachesTilesAndEvictsBeyondItsLimit) {
  TileLog log(5000);
  TileNodeReader big(5000, log.Fetcher(5000));
  for (int round = 0; round < 3; ++round) {
    for (uint64_t i = 0; i < 5000; i += 37)
      ASSERT_TRUE(InclusionProof(i, 5000, big.AsNodeReader()).ok());
  }
  // 20 level-0 tiles (19 full, one partial of 136) and one partial level-1 tile.
  EXPECT_EQ(big.tile_fetches(), 21u);

  TileNodeReader tiny(5000, log.Fetcher(5000), 1);
  for (uint64_t i = 0; i < 5000; i += 37) {
    StatusOr<std::vector<Hash>> proof = InclusionProof(i, 5000, tiny.AsNodeReader());
    ASSERT_TRUE(proof.ok());
    EXPECT_TRUE(VerifyInclusion(LeafHash(log.entries()[i]), i, 5000, *proof, log.Root(5000)).ok());
  }
  EXPECT_GT(tiny.tile_fetches(), 21u);
}

TEST(TileNodeReader, FollowsAGrowingTree) {
  TileLog log(2000);
  std::vector<std::string> fetched;
  // One reader follows the tree through several sizes, also backwards; a partial tile cached for
  // one size must never answer for another.
  TileNodeReader reader(300, log.Fetcher(TileLog::kAnySize, &fetched));
  for (uint64_t size : {300, 301, 600, 1999, 2000, 400, 300}) {
    reader.set_tree_size(size);
    TileNodeReader fresh(size, log.Fetcher(size));
    for (uint64_t index = 0; index < size; index += 13) {
      StatusOr<std::vector<Hash>> proof = InclusionProof(index, size, reader.AsNodeReader());
      ASSERT_TRUE(proof.ok()) << size << ": " << proof.status().ToString();
      EXPECT_EQ(*proof, *InclusionProof(index, size, fresh.AsNodeReader())) << index << "/" << size;
      EXPECT_TRUE(
          VerifyInclusion(LeafHash(log.entries()[index]), index, size, *proof, log.Root(size))
              .ok());
    }
    EXPECT_EQ(*RootFromNodes(size, reader.AsNodeReader()), log.Root(size)) << size;
  }
  // The first full tile was fetched once for all sizes.
  EXPECT_EQ(std::count(fetched.begin(), fetched.end(), "tile/0/000"), 1);
}

TEST(TileNodeReader, BadTilesAndFetchErrors) {
  TileNodeReader short_tiles(
      1000, [](const std::string&) -> StatusOr<std::string> { return std::string(100, 'x'); });
  StatusOr<Hash> h = short_tiles.ReadNode(0, 5);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), Code::kDataLoss);
  EXPECT_EQ(h.status().message(), "tile tile/0/000 has 100 bytes, expected 8192");

  TileNodeReader down(1000, [](const std::string&) -> StatusOr<std::string> {
    return UnavailableError("disk on fire");
  });
  h = down.ReadNode(3, 5);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), Code::kUnavailable);
  EXPECT_EQ(h.status().message(), "fetching tile/0/000: disk on fire");
  EXPECT_EQ(down.ReadNode(-1, 0).status().code(), Code::kNotFound);
  EXPECT_EQ(down.ReadNode(64, 0).status().code(), Code::kNotFound);
}

TEST(TileRoot, RecomputedFromLevel0Tiles) {
  TileLog log(70000);
  for (uint64_t size : {0, 1, 255, 256, 257, 65536, 70000}) {
    StatusOr<Hash> root = RootFromLevel0Tiles(size, log.Fetcher(size));
    ASSERT_TRUE(root.ok()) << root.status().ToString();
    EXPECT_EQ(*root, log.Root(size)) << size;
  }
  StatusOr<Hash> bad = RootFromLevel0Tiles(
      300, [](const std::string&) -> StatusOr<std::string> { return std::string(8191, 'x'); });
  EXPECT_EQ(bad.status().code(), Code::kDataLoss);
}

// Level-1 tiles hold the roots of the full level-0 tiles.
TEST(TileRoot, Level1HashesAreLevel0TileRoots) {
  TileLog log(70000);
  const std::vector<Hash>& level1 = log.tiles().at({1, 0});
  for (uint64_t t = 0; t < 256; ++t) {
    const std::vector<Hash>& tile = log.tiles().at({0, t});
    ASSERT_EQ(tile.size(), 256u);
    EXPECT_EQ(PerfectRoot(tile[0].data(), 256), level1[t]);
  }
}

// ---- Tile and bundle bytes ----

TEST(TileBytes, EncodeAndDecode) {
  std::vector<Hash> hashes = {LeafHash("a"), LeafHash("b"), LeafHash("c")};
  std::string bytes = EncodeTile(hashes);
  ASSERT_EQ(bytes.size(), 96u);
  EXPECT_EQ(*DecodeTile(bytes, 3), hashes);
  StatusOr<std::vector<Hash>> bad = DecodeTile(bytes, 4);
  EXPECT_EQ(bad.status().code(), Code::kDataLoss);
  EXPECT_EQ(bad.status().message(), "tile of width 4 must be 128 bytes, got 96");
  EXPECT_EQ(DecodeTile(bytes, 0).status().code(), Code::kInvalidArgument);
}

TEST(EntryBundles, RoundTripAndLeafHashesMatchTheTile) {
  TileLog log(300);
  std::vector<std::string> first(log.entries().begin(), log.entries().begin() + 256);
  StatusOr<std::string> bundle = EncodeEntryBundle(first);
  ASSERT_TRUE(bundle.ok());
  StatusOr<std::vector<std::string>> decoded = DecodeEntryBundle(*bundle, 256);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, first);
  const std::vector<Hash>& tile = log.tiles().at({0, 0});
  for (int i = 0; i < 256; ++i) EXPECT_EQ(LeafHash((*decoded)[i]), tile[i]);
}

TEST(EntryBundles, ByteLayoutIsUint16BigEndianLengthPrefixed) {
  std::vector<std::string> entries = {"", "ab", std::string(300, 'x')};
  std::string bundle = *EncodeEntryBundle(entries);
  ASSERT_EQ(bundle.size(), 2u + 0 + 2 + 2 + 2 + 300);
  EXPECT_EQ(bundle.substr(0, 6), std::string("\x00\x00\x00\x02"
                                             "ab",
                                             6));
  EXPECT_EQ(static_cast<uint8_t>(bundle[6]), 0x01);
  EXPECT_EQ(static_cast<uint8_t>(bundle[7]), 0x2c);  // 300 = 0x012c
  EXPECT_EQ(*DecodeEntryBundle(bundle, 3), entries);

  std::string max_entry(kMaxEntryBytes, 'm');
  std::string b;
  ASSERT_TRUE(AppendBundleEntry(&b, max_entry).ok());
  EXPECT_EQ(b.substr(0, 2), "\xff\xff");
  EXPECT_EQ((*DecodeEntryBundle(b, 1))[0], max_entry);
  Status too_big = AppendBundleEntry(&b, std::string(kMaxEntryBytes + 1, 'm'));
  EXPECT_EQ(too_big.code(), Code::kInvalidArgument);
  EXPECT_EQ(too_big.message(),
            "log entry of 65536 bytes exceeds the 65535-byte limit of entry bundles");
  EXPECT_EQ(EncodeEntryBundle(std::vector<std::string>{}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(EncodeEntryBundle(std::vector<std::string>(257, "x")).status().code(),
            Code::kInvalidArgument);
}

TEST(EntryBundles, MalformedBundlesAreDataLoss) {
  std::string bundle = *EncodeEntryBundle(std::vector<std::string>{"abc", "defg"});
  struct Case {
    std::string bytes;
    int width;
    std::string message;
  } cases[] = {
      {bundle.substr(0, 1), 2, "entry bundle ends inside the length of entry 0 (offset 0)"},
      {bundle.substr(0, 6), 2, "entry bundle ends inside the length of entry 1 (offset 5)"},
      {bundle.substr(0, 10), 2, "entry bundle ends inside entry 1: it declares 4 bytes, 3 remain"},
      {bundle, 1, "entry bundle has 6 bytes after its 1 entries"},
      {bundle, 3, "entry bundle holds 2 entries, expected 3"},
      {"", 1, "entry bundle holds 0 entries, expected 1"},
  };
  for (const Case& c : cases) {
    StatusOr<std::vector<std::string>> d = DecodeEntryBundle(c.bytes, c.width);
    ASSERT_FALSE(d.ok()) << c.message;
    EXPECT_EQ(d.status().code(), Code::kDataLoss);
    EXPECT_EQ(d.status().message(), c.message);
  }
  EXPECT_EQ(DecodeEntryBundle(bundle, 0).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace canvass::audit
