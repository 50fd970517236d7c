// Merkle tree hashing, compact ranges and proofs of a transparency log, as RFC 9162 section 2.1
// (the same tree as RFC 6962 and c2sp.org/tlog-tiles): SHA-256, leaves hashed with a 0x00 prefix,
// interior nodes with a 0x01 prefix, and a tree of n leaves split at the largest power of two
// below n.
//
// Node coordinates: (level, index) names the root of the FULL (perfect) subtree of 2^level leaves
// starting at leaf index * 2^level; level 0 is the leaf hashes themselves. A node exists in a tree
// of size n once (index + 1) * 2^level <= n, and its hash never changes after that, which is why
// stored nodes (tiles, see tiles.h) can serve proofs for every later tree size. Hashes of partial
// (right-edge) subtrees are never stored: the proof functions compute them from full nodes.
//
// Thread-safety: the free functions are safe to call from any thread (hashing keeps its state on
// the stack); a CompactRange is a value, used by one thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace canvass::audit {

using Hash = std::array<uint8_t, 32>;
static_assert(sizeof(Hash) == 32, "Hash arrays must be contiguous 32-byte records");

// SHA-256(0x00 || leaf): the hash of a log entry (RFC 9162 2.1.1).
Hash LeafHash(std::string_view leaf);
// The leaf hashes of `count` entries, written to `out` (32 * count bytes): the same as LeafHash on
// each, computed two at a time where the CPU can (SHA-NI), for verifying many entries at once.
void LeafHashes(const std::string_view* leaves, size_t count, uint8_t* out);
// SHA-256(0x01 || left || right): an interior node.
Hash NodeHash(const Hash& left, const Hash& right);
// SHA-256 of the empty string: the root of the tree of size 0.
Hash EmptyRoot();

// Hashes `pairs` consecutive pairs of 32-byte hashes: out[i] = NodeHash(in[2i], in[2i+1]), reading
// 64 * pairs bytes from `in` and writing 32 * pairs bytes to `out`. `out` may equal `in` (hashing a
// level in place) but must not otherwise overlap it. This is the hot loop of tile hashing and root
// recomputation: one SHA-256 call per node, no allocation.
void HashPairs(const uint8_t* in, size_t pairs, uint8_t* out);

// The root of a perfect subtree from its `count` bottom hashes stored contiguously at `hashes`
// (32 * count bytes, e.g. the bytes of a full tile). `count` must be a power of two; 1 gives the
// hash itself. count - 1 node hashes, computed level by level in a scratch buffer (on the stack
// up to 512 hashes).
Hash PerfectRoot(const uint8_t* hashes, size_t count);

// Lower-case hex of a hash, for messages and tests.
std::string HashHex(const Hash& hash);

// The Merkle Tree Hash (RFC 9162 2.1.1) of the given leaf hashes, in n - 1 node hashes.
Hash RootFromLeafHashes(std::span<const Hash> leaf_hashes);

// Returns the hash of the FULL subtree node (level, index); level 0 is a leaf hash. Errors are
// passed through by the proof functions (with the node named in the message).
using NodeReader = std::function<StatusOr<Hash>(int level, uint64_t index)>;
// Receives a node whose hash an append made known (see CompactRange).
using NodeVisitor = std::function<void(int level, uint64_t index, const Hash& hash)>;

// The state of a tree builder: for a tree of `size` leaves, the roots of the perfect subtrees
// that [0, size) splits into (one per set bit of size). Appending is O(log n) and the root is
// O(log n); 64 hashes of fixed storage, no allocation.
class CompactRange {
 public:
  CompactRange() = default;

  // The range of an existing tree of `size` leaves, from its stored full-subtree nodes (one read
  // per set bit of size). Used to resume appending after a restart.
  static StatusOr<CompactRange> FromNodes(uint64_t size, const NodeReader& read);

  uint64_t size() const { return size_; }

  // Appends one leaf hash. If `visit` is set it is called for every node that becomes known: the
  // leaf itself (0, old size), then every full subtree the leaf completes, bottom-up. These are
  // exactly the nodes a log must store: the ones at levels 0, 8, 16, ... are tile contents.
  // Fails (ResourceExhausted) only if the tree already holds 2^64 - 1 leaves.
  Status Append(const Hash& leaf_hash, const NodeVisitor& visit = {});

  // Appends a whole perfect subtree of 2^level leaves whose root is `hash` (e.g. the root of a full
  // tile: level 8). The size must be a multiple of 2^level (InvalidArgument otherwise). `visit`
  // sees the appended node and the nodes it completes above it, not the nodes inside it.
  Status AppendSubtree(int level, const Hash& hash, const NodeVisitor& visit = {});

  // The Merkle Tree Hash of the leaves appended so far (EmptyRoot() for none).
  Hash Root() const;

 private:
  void Merge(int level, Hash hash, const NodeVisitor& visit);

  uint64_t size_ = 0;
  std::array<Hash, 64> nodes_{};  // nodes_[l] is meaningful iff bit l of size_ is set.
};

// The root of the tree of `size` leaves, from its stored nodes: O(log n) reads, one per set bit.
StatusOr<Hash> RootFromNodes(uint64_t size, const NodeReader& read);

// The inclusion proof (RFC 9162 2.1.3.1) of leaf `index` in the tree of `size` leaves, leaf's
// sibling first. Needs index < size (InvalidArgument otherwise). Reads about log2(size) nodes.
StatusOr<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size, const NodeReader& read);

// The consistency proof (RFC 9162 2.1.4.1) between the trees of `old_size` and `new_size`
// leaves. Needs old_size <= new_size (InvalidArgument otherwise). Empty when old_size is 0 or
// equal to new_size.
StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size,
                                             const NodeReader& read);

// RFC 9162 2.1.3.2. OK iff `proof` proves that `leaf_hash` is leaf `index` of the tree of `size`
// leaves whose root is `root`; DataLoss saying what does not match otherwise.
Status VerifyInclusion(const Hash& leaf_hash, uint64_t index, uint64_t size,
                       std::span<const Hash> proof, const Hash& root);

// RFC 9162 2.1.4.2. OK iff `proof` proves that the tree of `old_size` leaves with root `old_root`
// is a prefix of the tree of `new_size` leaves with root `new_root`; DataLoss otherwise. For
// old_size == new_size the proof must be empty and the roots equal; for old_size == 0 the proof
// must be empty and old_root must be EmptyRoot().
Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                         const Hash& new_root, std::span<const Hash> proof);

}  // namespace canvass::audit
