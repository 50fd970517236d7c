#include "audit/merkle.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/encoding.h"
#include "common/sha256.h"

namespace canvass::audit {
namespace {

// ---- A deliberately naive reference, straight from the RFC 9162 2.1 definitions. ----

Hash Sha(const std::string& bytes) {
  Sha256Digest d = Sha256Of(bytes);
  Hash h;
  std::copy(d.begin(), d.end(), h.begin());
  return h;
}

std::string Bytes(const Hash& h) { return std::string(h.begin(), h.end()); }

Hash NaiveLeaf(const std::string& leaf) { return Sha(std::string(1, '\0') + leaf); }
Hash NaiveNode(const Hash& l, const Hash& r) {
  std::string in = "\x01";
  in += Bytes(l);
  in += Bytes(r);
  return Sha(in);
}

uint64_t LargestPowerOfTwoBelow(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// Optional memo of MTH(D[begin:end]) for one leaf vector, to keep the all-pairs tests fast.
using Memo = std::map<std::pair<uint64_t, uint64_t>, Hash>;

// MTH(D[begin:end]) over leaf hashes.
Hash NaiveRoot(const std::vector<Hash>& leaves, uint64_t begin, uint64_t end,
               Memo* memo = nullptr) {
  uint64_t n = end - begin;
  if (n == 0) return Sha("");
  if (n == 1) return leaves[begin];
  if (memo) {
    if (auto it = memo->find({begin, end}); it != memo->end()) return it->second;
  }
  uint64_t k = LargestPowerOfTwoBelow(n);
  Hash h =
      NaiveNode(NaiveRoot(leaves, begin, begin + k, memo), NaiveRoot(leaves, begin + k, end, memo));
  if (memo) memo->emplace(std::make_pair(begin, end), h);
  return h;
}

// PATH(m, D[begin:end]).
std::vector<Hash> NaivePath(const std::vector<Hash>& leaves, uint64_t m, uint64_t begin,
                            uint64_t end, Memo* memo) {
  uint64_t n = end - begin;
  if (n == 1) return {};
  uint64_t k = LargestPowerOfTwoBelow(n);
  std::vector<Hash> out;
  if (m < k) {
    out = NaivePath(leaves, m, begin, begin + k, memo);
    out.push_back(NaiveRoot(leaves, begin + k, end, memo));
  } else {
    out = NaivePath(leaves, m - k, begin + k, end, memo);
    out.push_back(NaiveRoot(leaves, begin, begin + k, memo));
  }
  return out;
}

// SUBPROOF(m, D[begin:end], b).
std::vector<Hash> NaiveSubproof(const std::vector<Hash>& leaves, uint64_t m, uint64_t begin,
                                uint64_t end, bool b, Memo* memo) {
  uint64_t n = end - begin;
  if (m == n) {
    if (b) return {};
    return {NaiveRoot(leaves, begin, end, memo)};
  }
  uint64_t k = LargestPowerOfTwoBelow(n);
  std::vector<Hash> out;
  if (m <= k) {
    out = NaiveSubproof(leaves, m, begin, begin + k, b, memo);
    out.push_back(NaiveRoot(leaves, begin + k, end, memo));
  } else {
    out = NaiveSubproof(leaves, m - k, begin + k, end, false, memo);
    out.push_back(NaiveRoot(leaves, begin, begin + k, memo));
  }
  return out;
}

std::vector<Hash> TestLeaves(int n) {
  std::vector<Hash> leaves;
  for (int i = 0; i < n; ++i) leaves.push_back(NaiveLeaf("entry " + std::to_string(i)));
  return leaves;
}

// Every node an append reported, as a log would store them.
using NodeMap = std::map<std::pair<int, uint64_t>, Hash>;

NodeMap BuildNodes(const std::vector<Hash>& leaves) {
  NodeMap nodes;
  CompactRange range;
  for (const Hash& h : leaves) {
    EXPECT_TRUE(range
                    .Append(h,
                            [&](int level, uint64_t index, const Hash& hash) {
                              EXPECT_TRUE(nodes.emplace(std::make_pair(level, index), hash).second)
                                  << "node reported twice: " << level << "/" << index;
                            })
                    .ok());
  }
  return nodes;
}

// A reader for the tree of `size` leaves that refuses nodes that are not full subtrees of it, so
// that a proof reading a node of a later tree fails.
NodeReader ReaderFor(const NodeMap& nodes, uint64_t size, int* reads = nullptr) {
  return [&nodes, size, reads](int level, uint64_t index) -> StatusOr<Hash> {
    if (reads) ++*reads;
    if (((index + 1) << level) > size) {
      return InternalError("read node " + std::to_string(level) + "/" + std::to_string(index) +
                           " beyond tree size " + std::to_string(size));
    }
    auto it = nodes.find({level, index});
    if (it == nodes.end()) return NotFoundError("no node");
    return it->second;
  };
}

// ---- Hashing ----

TEST(MerkleHash, EmptyRootIsSha256OfNothing) {
  EXPECT_EQ(HashHex(EmptyRoot()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(RootFromLeafHashes({}), EmptyRoot());
  EXPECT_EQ(CompactRange().Root(), EmptyRoot());
}

TEST(MerkleHash, LeafAndNodeHashesHaveTheirPrefixes) {
  EXPECT_EQ(HashHex(LeafHash("")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  EXPECT_EQ(LeafHash("hello"), NaiveLeaf("hello"));
  std::string big(100000, 'z');
  EXPECT_EQ(LeafHash(big), NaiveLeaf(big));
  Hash a = LeafHash("a"), b = LeafHash("b");
  EXPECT_EQ(NodeHash(a, b), NaiveNode(a, b));
  EXPECT_NE(NodeHash(a, b), NodeHash(b, a));
}

TEST(MerkleHash, HashPairsWorksInPlace) {
  std::vector<Hash> level = TestLeaves(8);
  std::vector<Hash> want;
  for (int i = 0; i < 4; ++i) want.push_back(NaiveNode(level[2 * i], level[2 * i + 1]));
  HashPairs(level[0].data(), 4, level[0].data());
  for (int i = 0; i < 4; ++i) EXPECT_EQ(level[i], want[i]) << i;
}

TEST(MerkleHash, PerfectRootMatchesTheReference) {
  for (int n : {1, 2, 4, 256, 1024}) {
    std::vector<Hash> leaves = TestLeaves(n);
    EXPECT_EQ(PerfectRoot(leaves[0].data(), n), NaiveRoot(leaves, 0, n)) << n;
  }
}

// The RFC 6962 test tree used by Certificate Transparency implementations.
TEST(MerkleHash, KnownRootsOfTheCertificateTransparencyTestTree) {
  const std::vector<std::string> data = {
      "",
      std::string(1, '\0'),
      "\x10",
      "\x20\x21",
      "\x30\x31",
      "\x40\x41\x42\x43",
      "\x50\x51\x52\x53\x54\x55\x56\x57",
      "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"};
  const std::vector<std::string> roots = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
  CompactRange range;
  for (size_t i = 0; i < data.size(); ++i) {
    ASSERT_TRUE(range.Append(LeafHash(data[i])).ok());
    EXPECT_EQ(HashHex(range.Root()), roots[i]) << "size " << i + 1;
  }
}

// ---- Roots and the compact range ----

TEST(MerkleRoot, RootsOfSizes1To300MatchTheNaiveDefinition) {
  std::vector<Hash> leaves = TestLeaves(300);
  CompactRange range;
  for (uint64_t n = 1; n <= 300; ++n) {
    ASSERT_TRUE(range.Append(leaves[n - 1]).ok());
    Hash want = NaiveRoot(leaves, 0, n);
    ASSERT_EQ(range.size(), n);
    EXPECT_EQ(range.Root(), want) << "size " << n;
    EXPECT_EQ(RootFromLeafHashes(std::span(leaves).first(n)), want) << "size " << n;
  }
}

TEST(MerkleRoot, AppendReportsEveryFullSubtreeExactlyOnce) {
  const uint64_t n = 300;
  std::vector<Hash> leaves = TestLeaves(n);
  NodeMap nodes = BuildNodes(leaves);
  size_t want_count = 0;
  for (int level = 0; (uint64_t{1} << level) <= n; ++level) {
    for (uint64_t index = 0; ((index + 1) << level) <= n; ++index) {
      ++want_count;
      auto it = nodes.find({level, index});
      ASSERT_NE(it, nodes.end()) << level << "/" << index;
      EXPECT_EQ(it->second, NaiveRoot(leaves, index << level, (index + 1) << level));
    }
  }
  EXPECT_EQ(nodes.size(), want_count);
}

TEST(MerkleRoot, RootFromStoredNodesAndResumedRange) {
  std::vector<Hash> leaves = TestLeaves(300);
  NodeMap nodes = BuildNodes(leaves);
  for (uint64_t n : {0, 1, 2, 3, 7, 8, 9, 100, 255, 256, 257, 299}) {
    int reads = 0;
    StatusOr<Hash> root = RootFromNodes(n, ReaderFor(nodes, n, &reads));
    ASSERT_TRUE(root.ok()) << root.status().ToString();
    EXPECT_EQ(*root, NaiveRoot(leaves, 0, n)) << n;
    EXPECT_EQ(reads, std::popcount(n)) << n;

    // Resume appending from stored nodes and reach the same root as appending from scratch.
    StatusOr<CompactRange> range = CompactRange::FromNodes(n, ReaderFor(nodes, n));
    ASSERT_TRUE(range.ok()) << range.status().ToString();
    EXPECT_EQ(range->Root(), NaiveRoot(leaves, 0, n));
    for (uint64_t i = n; i < 300; ++i) ASSERT_TRUE(range->Append(leaves[i]).ok());
    EXPECT_EQ(range->Root(), NaiveRoot(leaves, 0, 300));
  }
}

TEST(MerkleRoot, AppendSubtreeOfAFullTile) {
  std::vector<Hash> leaves = TestLeaves(256 * 3 + 5);
  CompactRange range;
  for (int t = 0; t < 3; ++t) {
    ASSERT_TRUE(range.AppendSubtree(8, PerfectRoot(leaves[256 * t].data(), 256)).ok());
  }
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(range.Append(leaves[768 + i]).ok());
  EXPECT_EQ(range.Root(), NaiveRoot(leaves, 0, leaves.size()));

  Status misaligned = range.AppendSubtree(8, leaves[0]);
  EXPECT_EQ(misaligned.code(), Code::kInvalidArgument);
  EXPECT_NE(misaligned.message().find("not a multiple"), std::string::npos);
  EXPECT_EQ(range.AppendSubtree(64, leaves[0]).code(), Code::kInvalidArgument);
}

TEST(MerkleRoot, ResumingFailsWhenANodeIsMissing) {
  NodeMap empty;
  StatusOr<CompactRange> range = CompactRange::FromNodes(5, ReaderFor(empty, 5));
  ASSERT_FALSE(range.ok());
  EXPECT_EQ(range.status().code(), Code::kNotFound);
  EXPECT_NE(range.status().message().find("node (level"), std::string::npos);
}

// ---- Proofs ----

constexpr uint64_t kMaxProofSize = 200;

class MerkleProofs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    leaves_ = new std::vector<Hash>(TestLeaves(kMaxProofSize));
    nodes_ = new NodeMap(BuildNodes(*leaves_));
    roots_ = new std::vector<Hash>();
    memo_ = new Memo();
    for (uint64_t n = 0; n <= kMaxProofSize; ++n) {
      roots_->push_back(NaiveRoot(*leaves_, 0, n, memo_));
    }
  }
  static void TearDownTestSuite() {
    delete leaves_;
    delete nodes_;
    delete roots_;
    delete memo_;
  }
  static std::vector<Hash>* leaves_;
  static NodeMap* nodes_;
  static std::vector<Hash>* roots_;
  static Memo* memo_;
};
std::vector<Hash>* MerkleProofs::leaves_ = nullptr;
NodeMap* MerkleProofs::nodes_ = nullptr;
std::vector<Hash>* MerkleProofs::roots_ = nullptr;
Memo* MerkleProofs::memo_ = nullptr;

TEST_F(MerkleProofs, InclusionForEveryIndexAndSizeUpTo200) {
  const auto& leaves = *leaves_;
  const auto& roots = *roots_;
  for (uint64_t size = 1; size <= kMaxProofSize; ++size) {
    NodeReader read = ReaderFor(*nodes_, size);
    for (uint64_t index = 0; index < size; ++index) {
      StatusOr<std::vector<Hash>> proof = InclusionProof(index, size, read);
      ASSERT_TRUE(proof.ok()) << index << "/" << size << ": " << proof.status().ToString();
      ASSERT_EQ(*proof, NaivePath(leaves, index, 0, size, memo_)) << index << "/" << size;
      Status ok = VerifyInclusion(leaves[index], index, size, *proof, roots[size]);
      ASSERT_TRUE(ok.ok()) << index << "/" << size << ": " << ok.ToString();
    }
  }
}

TEST_F(MerkleProofs, TamperedInclusionProofsFail) {
  const auto& leaves = *leaves_;
  const auto& roots = *roots_;
  for (uint64_t size = 1; size <= kMaxProofSize; size += (size < 40 ? 1 : 7)) {
    NodeReader read = ReaderFor(*nodes_, size);
    for (uint64_t index = 0; index < size; ++index) {
      std::vector<Hash> proof = *InclusionProof(index, size, read);
      auto fails = [&](const Hash& leaf, uint64_t i, uint64_t n, const std::vector<Hash>& p,
                       const Hash& root, const char* what) {
        Status s = VerifyInclusion(leaf, i, n, p, root);
        EXPECT_EQ(s.code(), Code::kDataLoss) << what << " " << index << "/" << size;
      };
      for (size_t e = 0; e < proof.size(); ++e) {
        std::vector<Hash> bad = proof;
        bad[e][e % 32] ^= 0x01;
        fails(leaves[index], index, size, bad, roots[size], "flipped byte");
      }
      if (!proof.empty()) {
        std::vector<Hash> truncated(proof.begin(), proof.end() - 1);
        fails(leaves[index], index, size, truncated, roots[size], "truncated");
      }
      std::vector<Hash> extended = proof;
      extended.push_back(leaves[0]);
      fails(leaves[index], index, size, extended, roots[size], "extended");
      if (size > 1) {
        uint64_t other = (index + 1) % size;
        fails(leaves[index], other, size, proof, roots[size], "wrong index");
        fails(leaves[other], index, size, proof, roots[size], "wrong leaf");
      }
      if (size < kMaxProofSize) {
        fails(leaves[index], index, size + 1, proof, roots[size + 1], "wrong size");
      }
      if (index + 1 < size) {
        fails(leaves[index], index, size - 1, proof, roots[size - 1], "smaller size");
      }
      fails(leaves[index], index, size, proof, roots[size - 1], "wrong root");
      fails(leaves[index], size, size, proof, roots[size], "index beyond size");
    }
  }
}

TEST_F(MerkleProofs, ConsistencyForEveryPairOfSizesUpTo200) {
  const auto& leaves = *leaves_;
  const auto& roots = *roots_;
  for (uint64_t new_size = 0; new_size <= kMaxProofSize; ++new_size) {
    NodeReader read = ReaderFor(*nodes_, new_size);
    for (uint64_t old_size = 0; old_size <= new_size; ++old_size) {
      StatusOr<std::vector<Hash>> proof = ConsistencyProof(old_size, new_size, read);
      ASSERT_TRUE(proof.ok()) << old_size << "->" << new_size << ": " << proof.status().ToString();
      if (old_size == 0 || old_size == new_size) {
        EXPECT_TRUE(proof->empty());
      } else {
        ASSERT_EQ(*proof, NaiveSubproof(leaves, old_size, 0, new_size, true, memo_))
            << old_size << "->" << new_size;
      }
      Status ok = VerifyConsistency(old_size, new_size, roots[old_size], roots[new_size], *proof);
      ASSERT_TRUE(ok.ok()) << old_size << "->" << new_size << ": " << ok.ToString();
    }
  }
}

TEST_F(MerkleProofs, TamperedConsistencyProofsFail) {
  const auto& roots = *roots_;
  for (uint64_t new_size = 2; new_size <= kMaxProofSize; new_size += (new_size < 40 ? 1 : 5)) {
    NodeReader read = ReaderFor(*nodes_, new_size);
    for (uint64_t old_size = 1; old_size < new_size; ++old_size) {
      std::vector<Hash> proof = *ConsistencyProof(old_size, new_size, read);
      auto fails = [&](uint64_t m, uint64_t n, const Hash& r1, const Hash& r2,
                       const std::vector<Hash>& p, const char* what) {
        Status s = VerifyConsistency(m, n, r1, r2, p);
        EXPECT_EQ(s.code(), Code::kDataLoss) << what << " " << old_size << "->" << new_size;
      };
      for (size_t e = 0; e < proof.size(); ++e) {
        std::vector<Hash> bad = proof;
        bad[e][31 - e % 32] ^= 0x80;
        fails(old_size, new_size, roots[old_size], roots[new_size], bad, "flipped byte");
      }
      std::vector<Hash> truncated(proof.begin(), proof.end() - 1);
      fails(old_size, new_size, roots[old_size], roots[new_size], truncated, "truncated");
      std::vector<Hash> extended = proof;
      extended.push_back(roots[1]);
      fails(old_size, new_size, roots[old_size], roots[new_size], extended, "extended");
      fails(old_size, new_size, roots[old_size - 1], roots[new_size], proof, "wrong old root");
      fails(old_size, new_size, roots[old_size], roots[new_size - 1], proof, "wrong new root");
      fails(old_size - 1 == 0 ? 2 : old_size - 1, new_size, roots[old_size], roots[new_size], proof,
            "wrong old size");
      if (new_size < kMaxProofSize) {
        fails(old_size, new_size + 1, roots[old_size], roots[new_size + 1], proof,
              "wrong new size");
      }
      fails(new_size, old_size, roots[new_size], roots[old_size], proof, "sizes swapped");
    }
  }
}

TEST(MerkleProofEdges, ArgumentsOutOfRange) {
  NodeMap nodes = BuildNodes(TestLeaves(4));
  NodeReader read = ReaderFor(nodes, 4);
  StatusOr<std::vector<Hash>> p = InclusionProof(4, 4, read);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Code::kInvalidArgument);
  EXPECT_NE(p.status().message().find("not below the tree size"), std::string::npos);
  EXPECT_EQ(InclusionProof(0, 0, read).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(3, 2, read).status().code(), Code::kInvalidArgument);

  // Equal sizes and the empty tree need empty proofs.
  Hash root4 = *RootFromNodes(4, read);
  EXPECT_TRUE(VerifyConsistency(4, 4, root4, root4, {}).ok());
  EXPECT_FALSE(VerifyConsistency(4, 4, root4, EmptyRoot(), {}).ok());
  EXPECT_FALSE(VerifyConsistency(4, 4, root4, root4, std::vector<Hash>{root4}).ok());
  EXPECT_TRUE(VerifyConsistency(0, 4, EmptyRoot(), root4, {}).ok());
  EXPECT_FALSE(VerifyConsistency(0, 4, root4, root4, {}).ok());
  EXPECT_FALSE(VerifyConsistency(0, 4, EmptyRoot(), root4, std::vector<Hash>{root4}).ok());
  // The one-leaf tree's root is its leaf, with an empty proof.
  EXPECT_TRUE(VerifyInclusion(nodes.at({0, 0}), 0, 1, {}, nodes.at({0, 0})).ok());
}

TEST(MerkleProofEdges, FailureMessagesSayWhatIsWrong) {
  std::vector<Hash> leaves = TestLeaves(10);
  NodeMap nodes = BuildNodes(leaves);
  NodeReader read = ReaderFor(nodes, 10);
  Hash root = *RootFromNodes(10, read);
  std::vector<Hash> proof = *InclusionProof(3, 10, read);
  proof.pop_back();
  Status s = VerifyInclusion(leaves[3], 3, 10, proof, root);
  EXPECT_EQ(s.message(),
            "inclusion proof for leaf 3 in a tree of 10 leaves must have 4 hashes, got 3");
  proof = *InclusionProof(3, 10, read);
  s = VerifyInclusion(leaves[4], 3, 10, proof, root);
  EXPECT_NE(s.message().find("does not lead to the root: computed "), std::string::npos)
      << s.message();
  std::vector<Hash> cproof = *ConsistencyProof(3, 10, read);
  s = VerifyConsistency(3, 10, root, root, cproof);
  EXPECT_NE(s.message().find("consistency proof from size 3 to 10 does not lead to the old root"),
            std::string::npos)
      << s.message();
}

TEST(MerkleProofEdges, ReaderErrorsArePassedThroughWithTheNode) {
  NodeReader broken = [](int, uint64_t) -> StatusOr<Hash> {
    return UnavailableError("tile store is down");
  };
  StatusOr<std::vector<Hash>> p = InclusionProof(5, 11, broken);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Code::kUnavailable);
  EXPECT_NE(p.status().message().find("reading node (level"), std::string::npos);
  EXPECT_NE(p.status().message().find("tile store is down"), std::string::npos);
  EXPECT_EQ(ConsistencyProof(5, 11, broken).status().code(), Code::kUnavailable);
}

TEST(MerkleProofEdges, ProofsAtLargeSizesReadFewNodes) {
  // A tree of 2^62 + 12345 leaves that all have the same hash, so node (level, i) is the same for
  // every i and can be computed per level. Checks the size arithmetic near 2^64, the O(log n)
  // bound, and that the generator never asks for a node outside the tree.
  const uint64_t size = (uint64_t{1} << 62) + 12345;
  std::vector<Hash> by_level = {LeafHash("same")};
  for (int l = 1; l < 64; ++l) by_level.push_back(NodeHash(by_level.back(), by_level.back()));
  int reads = 0;
  NodeReader uniform = [&](int level, uint64_t index) -> StatusOr<Hash> {
    ++reads;
    if (level < 0 || level > 62 || index >= (size >> level)) return InternalError("out of tree");
    return by_level[level];
  };
  const Hash root = *RootFromNodes(size, uniform);
  for (uint64_t index : {uint64_t{0}, uint64_t{12345}, size / 2, size - 2, size - 1}) {
    reads = 0;
    StatusOr<std::vector<Hash>> p = InclusionProof(index, size, uniform);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_LE(reads, 2 * 64);
    EXPECT_TRUE(VerifyInclusion(by_level[0], index, size, *p, root).ok()) << index;
  }
  for (uint64_t old_size : {uint64_t{1}, uint64_t{3}, size / 3, uint64_t{1} << 62, size - 1}) {
    reads = 0;
    StatusOr<std::vector<Hash>> c = ConsistencyProof(old_size, size, uniform);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_LE(reads, 2 * 64);
    const Hash old_root = *RootFromNodes(old_size, uniform);
    EXPECT_TRUE(VerifyConsistency(old_size, size, old_root, root, *c).ok()) << old_size;
  }
}

}  // namespace
}  // namespace canvass::audit
