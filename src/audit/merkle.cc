#include "audit/merkle.h"

#include <openssl/evp.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/encoding.h"

namespace canvass::audit {
namespace {

[[noreturn]] void DieOpenSsl(const char* what) {
  // SHA-256 over memory fails only if OpenSSL cannot allocate or has no SHA-256 at all; there is
  // no sensible way for a hash function to report that, and no log can work without it.
  std::fprintf(stderr, "fatal: OpenSSL SHA-256 failed in %s\n", what);
  std::abort();
}

const EVP_MD* Sha256Md() {
  // Fetched once: OpenSSL 3's one-shot SHA256() and EVP_sha256() look the algorithm up on every
  // call, which costs more than hashing 65 bytes.
  static EVP_MD* const md = [] {
    EVP_MD* m = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (m == nullptr) DieOpenSsl("EVP_MD_fetch");
    return m;
  }();
  return md;
}

// One reusable digest context per thread: no allocation per hash.
class ThreadHasher {
 public:
  ThreadHasher() : md_(Sha256Md()), ctx_(EVP_MD_CTX_new()) {
    if (ctx_ == nullptr) DieOpenSsl("EVP_MD_CTX_new");
  }
  ~ThreadHasher() { EVP_MD_CTX_free(ctx_); }
  ThreadHasher(const ThreadHasher&) = delete;
  ThreadHasher& operator=(const ThreadHasher&) = delete;

  void Digest(const void* data, size_t n, uint8_t* out) {
    if (EVP_DigestInit_ex(ctx_, md_, nullptr) != 1 || EVP_DigestUpdate(ctx_, data, n) != 1 ||
        EVP_DigestFinal_ex(ctx_, out, nullptr) != 1) {
      DieOpenSsl("Digest");
    }
  }
  void Digest2(const void* a, size_t an, const void* b, size_t bn, uint8_t* out) {
    if (EVP_DigestInit_ex(ctx_, md_, nullptr) != 1 || EVP_DigestUpdate(ctx_, a, an) != 1 ||
        EVP_DigestUpdate(ctx_, b, bn) != 1 || EVP_DigestFinal_ex(ctx_, out, nullptr) != 1) {
      DieOpenSsl("Digest2");
    }
  }

 private:
  const EVP_MD* md_;
  EVP_MD_CTX* ctx_;
};

ThreadHasher& Hasher() {
  thread_local ThreadHasher hasher;
  return hasher;
}

// Hashes 0x01 || the 64 bytes at `pair` into `out` (which may alias `pair`).
inline void HashPair(ThreadHasher& hasher, const uint8_t* pair, uint8_t* out) {
  uint8_t buf[65];
  buf[0] = 0x01;
  std::memcpy(buf + 1, pair, 64);
  hasher.Digest(buf, sizeof(buf), out);
}

// The largest power of two strictly below n (n >= 2).
inline uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

inline int Log2(uint64_t power_of_two) { return std::countr_zero(power_of_two); }

std::string NodeName(int level, uint64_t index) {
  return "node (level " + std::to_string(level) + ", index " + std::to_string(index) + ")";
}

StatusOr<Hash> Read(const NodeReader& read, int level, uint64_t index) {
  StatusOr<Hash> h = read(level, index);
  if (!h.ok()) return h.status().WithContext("reading " + NodeName(level, index));
  return h;
}

// MTH(D[begin:end]) for a range that is a subtree of the tree shape (begin is a multiple of the
// smallest power of two >= end - begin), as every range in the RFC 9162 proof recursions is. The
// range splits into full subtrees of decreasing size, which are folded right to left.
StatusOr<Hash> SubtreeHash(uint64_t begin, uint64_t end, const NodeReader& read) {
  struct Part {
    int level;
    uint64_t index;
  };
  Part parts[64];
  int n = 0;
  for (uint64_t b = begin; b < end;) {
    int level = std::bit_width(end - b) - 1;
    if (b != 0) level = std::min(level, std::countr_zero(b));
    parts[n++] = {level, b >> level};
    b += uint64_t{1} << level;
  }
  CANVASS_ASSIGN_OR_RETURN(Hash h, Read(read, parts[n - 1].level, parts[n - 1].index));
  for (int i = n - 2; i >= 0; --i) {
    CANVASS_ASSIGN_OR_RETURN(Hash left, Read(read, parts[i].level, parts[i].index));
    h = NodeHash(left, h);
  }
  return h;
}

// The number of hashes in PATH(index, D[0:size]) (RFC 9162 2.1.3.1).
size_t InclusionPathLength(uint64_t index, uint64_t size) {
  size_t len = 0;
  for (uint64_t begin = 0, end = size; end - begin > 1; ++len) {
    uint64_t k = SplitPoint(end - begin);
    if (index < begin + k) {
      end = begin + k;
    } else {
      begin += k;
    }
  }
  return len;
}

// The number of hashes in PROOF(old_size, D[0:new_size]) (RFC 9162 2.1.4.1), 0 < old < new.
size_t ConsistencyPathLength(uint64_t old_size, uint64_t new_size) {
  size_t len = 0;
  uint64_t m = old_size, begin = 0, end = new_size;
  bool whole = true;
  while (true) {
    if (m == end - begin) {
      if (!whole) ++len;
      return len;
    }
    uint64_t k = SplitPoint(end - begin);
    if (m <= k) {
      end = begin + k;
    } else {
      m -= k;
      begin += k;
      whole = false;
    }
    ++len;
  }
}

std::string Mismatch(const char* what, const Hash& computed, const Hash& expected) {
  return std::string(what) + ": computed " + HashHex(computed) + ", expected " + HashHex(expected);
}

}  // namespace

Hash LeafHash(std::string_view leaf) {
  static constexpr uint8_t kPrefix = 0x00;
  Hash h;
  Hasher().Digest2(&kPrefix, 1, leaf.data(), leaf.size(), h.data());
  return h;
}

Hash NodeHash(const Hash& left, const Hash& right) {
  uint8_t buf[65];
  buf[0] = 0x01;
  std::memcpy(buf + 1, left.data(), 32);
  std::memcpy(buf + 33, right.data(), 32);
  Hash h;
  Hasher().Digest(buf, sizeof(buf), h.data());
  return h;
}

Hash EmptyRoot() {
  static const Hash empty = [] {
    Hash h;
    Hasher().Digest("", 0, h.data());
    return h;
  }();
  return empty;
}

void HashPairs(const uint8_t* in, size_t pairs, uint8_t* out) {
  ThreadHasher& hasher = Hasher();
  for (size_t i = 0; i < pairs; ++i) HashPair(hasher, in + 64 * i, out + 32 * i);
}

Hash PerfectRoot(const uint8_t* hashes, size_t count) {
  Hash root;
  if (count <= 1) {
    std::memcpy(root.data(), hashes, 32);
    return root;
  }
  uint8_t stack_scratch[256 * 32];
  std::vector<uint8_t> heap_scratch;
  uint8_t* scratch = stack_scratch;
  if (count / 2 > 256) {
    heap_scratch.resize(count / 2 * 32);
    scratch = heap_scratch.data();
  }
  HashPairs(hashes, count / 2, scratch);
  for (size_t n = count / 2; n > 1; n /= 2) HashPairs(scratch, n / 2, scratch);
  std::memcpy(root.data(), scratch, 32);
  return root;
}

std::string HashHex(const Hash& hash) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()));
}

Hash RootFromLeafHashes(std::span<const Hash> leaf_hashes) {
  CompactRange range;
  for (const Hash& h : leaf_hashes) range.Append(h).IgnoreError();  // < 2^64 leaves: cannot fail
  return range.Root();
}

// ---- CompactRange ----

StatusOr<CompactRange> CompactRange::FromNodes(uint64_t size, const NodeReader& read) {
  CompactRange range;
  for (int level = 0; level < 64; ++level) {
    if (((size >> level) & 1) == 0) continue;
    CANVASS_ASSIGN_OR_RETURN(range.nodes_[level], Read(read, level, (size >> level) - 1));
  }
  range.size_ = size;
  return range;
}

void CompactRange::Merge(int level, Hash hash, const NodeVisitor& visit) {
  const uint64_t added = uint64_t{1} << level;
  uint64_t index = size_ >> level;
  if (visit) visit(level, index, hash);
  while ((size_ >> level) & 1) {  // A left sibling waits at this level: complete the parent.
    hash = NodeHash(nodes_[level], hash);
    ++level;
    index >>= 1;
    if (visit) visit(level, index, hash);
  }
  nodes_[level] = hash;
  size_ += added;
}

Status CompactRange::Append(const Hash& leaf_hash, const NodeVisitor& visit) {
  if (size_ == UINT64_MAX) return ResourceExhaustedError("the tree already has 2^64 - 1 leaves");
  Merge(0, leaf_hash, visit);
  return OkStatus();
}

Status CompactRange::AppendSubtree(int level, const Hash& hash, const NodeVisitor& visit) {
  if (level < 0 || level > 63) {
    return InvalidArgumentError("subtree level must be between 0 and 63, got " +
                                std::to_string(level));
  }
  const uint64_t added = uint64_t{1} << level;
  if (size_ % added != 0) {
    return InvalidArgumentError("cannot append a subtree of 2^" + std::to_string(level) +
                                " leaves to a tree of size " + std::to_string(size_) +
                                ": the size is not a multiple of the subtree size");
  }
  if (size_ > UINT64_MAX - added) {
    return ResourceExhaustedError("appending 2^" + std::to_string(level) + " leaves to a tree of " +
                                  std::to_string(size_) + " would exceed 2^64 - 1 leaves");
  }
  Merge(level, hash, visit);
  return OkStatus();
}

Hash CompactRange::Root() const {
  if (size_ == 0) return EmptyRoot();
  int level = std::countr_zero(size_);
  Hash h = nodes_[level];
  for (++level; level < 64; ++level) {
    if ((size_ >> level) & 1) h = NodeHash(nodes_[level], h);
  }
  return h;
}

// ---- Proofs ----

StatusOr<Hash> RootFromNodes(uint64_t size, const NodeReader& read) {
  if (size == 0) return EmptyRoot();
  return SubtreeHash(0, size, read);
}

StatusOr<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size, const NodeReader& read) {
  if (index >= size) {
    return InvalidArgumentError("leaf index " + std::to_string(index) +
                                " is not below the tree size " + std::to_string(size));
  }
  // PATH(m, D[n]) walked top-down: the sibling of the half holding the leaf at each split.
  std::vector<Hash> proof;
  proof.reserve(64);
  for (uint64_t begin = 0, end = size; end - begin > 1;) {
    uint64_t k = SplitPoint(end - begin);
    if (index < begin + k) {
      CANVASS_ASSIGN_OR_RETURN(Hash right, SubtreeHash(begin + k, end, read));
      proof.push_back(right);
      end = begin + k;
    } else {
      CANVASS_ASSIGN_OR_RETURN(Hash left, Read(read, Log2(k), begin >> Log2(k)));
      proof.push_back(left);
      begin += k;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size,
                                             const NodeReader& read) {
  if (old_size > new_size) {
    return InvalidArgumentError("old tree size " + std::to_string(old_size) +
                                " is larger than the new tree size " + std::to_string(new_size));
  }
  std::vector<Hash> proof;
  if (old_size == 0 || old_size == new_size) return proof;
  proof.reserve(64);
  // SUBPROOF(m, D[n], b) walked top-down.
  uint64_t m = old_size, begin = 0, end = new_size;
  bool whole = true;  // b: D[begin:end] still starts the old tree, whose root the verifier has.
  while (true) {
    if (m == end - begin) {
      if (!whole) {
        CANVASS_ASSIGN_OR_RETURN(Hash h, SubtreeHash(begin, end, read));
        proof.push_back(h);
      }
      break;
    }
    uint64_t k = SplitPoint(end - begin);
    if (m <= k) {
      CANVASS_ASSIGN_OR_RETURN(Hash right, SubtreeHash(begin + k, end, read));
      proof.push_back(right);
      end = begin + k;
    } else {
      CANVASS_ASSIGN_OR_RETURN(Hash left, Read(read, Log2(k), begin >> Log2(k)));
      proof.push_back(left);
      m -= k;
      begin += k;
      whole = false;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

Status VerifyInclusion(const Hash& leaf_hash, uint64_t index, uint64_t size,
                       std::span<const Hash> proof, const Hash& root) {
  if (index >= size) {
    return DataLossError("inclusion proof: leaf index " + std::to_string(index) +
                         " is not below the tree size " + std::to_string(size));
  }
  size_t want = InclusionPathLength(index, size);
  if (proof.size() != want) {
    return DataLossError("inclusion proof for leaf " + std::to_string(index) + " in a tree of " +
                         std::to_string(size) + " leaves must have " + std::to_string(want) +
                         " hashes, got " + std::to_string(proof.size()));
  }
  // RFC 9162 2.1.3.2, step by step.
  uint64_t fn = index, sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return DataLossError("inclusion proof is longer than the path to the root");
    if ((fn & 1) || fn == sn) {
      r = NodeHash(p, r);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return DataLossError("inclusion proof is shorter than the path to the root");
  if (r != root) {
    return DataLossError(Mismatch(
        ("inclusion proof of leaf " + std::to_string(index) + " does not lead to the root").c_str(),
        r, root));
  }
  return OkStatus();
}

Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                         const Hash& new_root, std::span<const Hash> proof) {
  const std::string sizes =
      "consistency proof from size " + std::to_string(old_size) + " to " + std::to_string(new_size);
  if (old_size > new_size) return DataLossError(sizes + ": the old size is larger than the new");
  if (old_size == new_size || old_size == 0) {
    if (!proof.empty()) {
      return DataLossError(sizes + " must be empty, got " + std::to_string(proof.size()) +
                           " hashes");
    }
    if (old_size == 0 && old_root != EmptyRoot()) {
      return DataLossError(Mismatch((sizes + ": the old root is not the empty tree's").c_str(),
                                    old_root, EmptyRoot()));
    }
    if (old_size == new_size && old_root != new_root) {
      return DataLossError(
          Mismatch((sizes + ": equal sizes with different roots").c_str(), new_root, old_root));
    }
    return OkStatus();
  }
  size_t want = ConsistencyPathLength(old_size, new_size);
  if (proof.size() != want) {
    return DataLossError(sizes + " must have " + std::to_string(want) + " hashes, got " +
                         std::to_string(proof.size()));
  }
  // RFC 9162 2.1.4.2, step by step. Step 2 (prepend old_root when old_size is a power of two) is
  // done by starting from old_root instead of the first proof hash.
  const bool prepend = std::has_single_bit(old_size);
  size_t next = prepend ? 0 : 1;
  uint64_t fn = old_size - 1, sn = new_size - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = prepend ? old_root : proof[0];
  Hash sr = fr;
  for (; next < proof.size(); ++next) {
    const Hash& c = proof[next];
    if (sn == 0) return DataLossError(sizes + " is longer than the path to the root");
    if ((fn & 1) || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return DataLossError(sizes + " is shorter than the path to the root");
  if (fr != old_root) {
    return DataLossError(
        Mismatch((sizes + " does not lead to the old root").c_str(), fr, old_root));
  }
  if (sr != new_root) {
    return DataLossError(
        Mismatch((sizes + " does not lead to the new root").c_str(), sr, new_root));
  }
  return OkStatus();
}

}  // namespace canvass::audit
