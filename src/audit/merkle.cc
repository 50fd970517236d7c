#include "audit/merkle.h"

// The hashing below uses OpenSSL's low-level SHA-256 block interface, deprecated in OpenSSL 3 but
// still built and exported: it runs the same assembly (SHA-NI where the CPU has it) as EVP, with
// none of EVP's per-call costs (provider dispatch, context checks, cleansing), which are larger
// than hashing a 65-byte node. Padding is done here, so each hash is one call into the block
// function per contiguous run of blocks and no data is buffered.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define CANVASS_SHA_NI 1
#endif

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/encoding.h"

namespace canvass::audit {
namespace {

// A SHA-256 state in its initial value (FIPS 180-4 5.3.3), copied to start each hash.
const SHA256_CTX& InitialState() {
  static const SHA256_CTX initial = [] {
    SHA256_CTX c;
    if (SHA256_Init(&c) != 1) {
      std::fprintf(stderr, "fatal: OpenSSL SHA256_Init failed\n");
      std::abort();
    }
    return c;
  }();
  return initial;
}

// Runs the block function over `blocks` whole 64-byte blocks (nothing is buffered in `c`).
inline void Blocks(SHA256_CTX* c, const uint8_t* p, size_t blocks) {
  SHA256_Update(c, p, blocks * 64);
}

inline void StoreDigest(const SHA256_CTX& c, uint8_t* out) {
  for (int i = 0; i < 8; ++i) {
    uint32_t h = c.h[i];
    if constexpr (std::endian::native == std::endian::little) h = __builtin_bswap32(h);
    else if constexpr (std::endian::native != std::endian::big) {
      h = (h >> 24) | ((h >> 8) & 0xff00) | ((h << 8) & 0xff0000) | (h << 24);
    }
    std::memcpy(out + 4 * i, &h, 4);
  }
}

// Messages of up to kSmall bytes are copied and padded into a 512-byte buffer and hashed in one
// call of the block function, whose entry and exit cost about as much as a block.
constexpr size_t kSmall = 512 - 9;

// Writes prefix || data (at most kSmall bytes) and its SHA-256 padding to `buf`; returns the
// number of 64-byte blocks written.
inline size_t PadSmall(const uint8_t* prefix, size_t prefix_len, const uint8_t* data, size_t n,
                       uint8_t* buf) {
  const size_t total = prefix_len + n;
  if (prefix_len != 0) buf[0] = *prefix;
  if (n != 0) std::memcpy(buf + prefix_len, data, n);
  const size_t blocks = (total + 9 + 63) / 64;
  const size_t end = blocks * 64;
  buf[total] = 0x80;
  std::memset(buf + total + 1, 0, end - 8 - (total + 1));
  const uint64_t bits = static_cast<uint64_t>(total) * 8;
  for (int i = 0; i < 8; ++i) buf[end - 1 - i] = static_cast<uint8_t>(bits >> (8 * i));
  return blocks;
}

// Fills the 128 bytes of a node hash's two padded blocks: 0x01 || the 64 bytes at `pair`.
inline void PadPair(const uint8_t* pair, uint8_t* buf) {
  buf[0] = 0x01;
  std::memcpy(buf + 1, pair, 64);
  buf[65] = 0x80;
  std::memset(buf + 66, 0, 128 - 66 - 2);
  buf[126] = 520 >> 8;  // 65 bytes = 520 bits, big-endian at the end of the second block
  buf[127] = 520 & 0xff;
}

#ifdef CANVASS_SHA_NI
// Two SHA-256 block chains at once with the SHA-NI instructions. One chain is bound by the
// latency of SHA256RNDS2 (each round pair waits for the one before); two independent chains
// interleaved fill the gaps, so two messages hash in little more than the time of one. Both
// states are in OpenSSL's order (h[0..7]); both messages have `blocks` whole blocks.
alignas(16) constexpr uint32_t kRoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

__attribute__((target("sha,sse4.1,ssse3"))) void Blocks2ShaNi(uint32_t* state_a,
                                                               const uint8_t* a,
                                                               uint32_t* state_b,
                                                               const uint8_t* b, size_t blocks) {
  const __m128i kShuffle = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i s0[2], s1[2];  // ABEF and CDGH of each chain
  uint32_t* states[2] = {state_a, state_b};
  for (int l = 0; l < 2; ++l) {
    __m128i t = _mm_loadu_si128(reinterpret_cast<const __m128i*>(states[l]));
    __m128i u = _mm_loadu_si128(reinterpret_cast<const __m128i*>(states[l] + 4));
    t = _mm_shuffle_epi32(t, 0xB1);                // CDAB
    u = _mm_shuffle_epi32(u, 0x1B);                // EFGH
    s0[l] = _mm_alignr_epi8(t, u, 8);             // ABEF
    s1[l] = _mm_blend_epi16(u, t, 0xF0);          // CDGH
  }
  const uint8_t* data[2] = {a, b};
  for (size_t blk = 0; blk < blocks; ++blk) {
    __m128i save0[2] = {s0[0], s0[1]}, save1[2] = {s1[0], s1[1]};
    __m128i m[2][4];
#pragma GCC unroll 16
    for (int g = 0; g < 16; ++g) {
      const __m128i k = _mm_load_si128(reinterpret_cast<const __m128i*>(kRoundConstants + 4 * g));
#pragma GCC unroll 2
      for (int l = 0; l < 2; ++l) {
        __m128i w;
        if (g < 4) {
          w = _mm_shuffle_epi8(
              _mm_loadu_si128(reinterpret_cast<const __m128i*>(data[l] + 64 * blk + 16 * g)),
              kShuffle);
        } else {
          w = _mm_sha256msg1_epu32(m[l][g & 3], m[l][(g + 1) & 3]);
          w = _mm_add_epi32(w, _mm_alignr_epi8(m[l][(g + 3) & 3], m[l][(g + 2) & 3], 4));
          w = _mm_sha256msg2_epu32(w, m[l][(g + 3) & 3]);
        }
        m[l][g & 3] = w;
        __m128i msg = _mm_add_epi32(w, k);
        s1[l] = _mm_sha256rnds2_epu32(s1[l], s0[l], msg);
        msg = _mm_shuffle_epi32(msg, 0x0E);
        s0[l] = _mm_sha256rnds2_epu32(s0[l], s1[l], msg);
      }
    }
    for (int l = 0; l < 2; ++l) {
      s0[l] = _mm_add_epi32(s0[l], save0[l]);
      s1[l] = _mm_add_epi32(s1[l], save1[l]);
    }
  }
  for (int l = 0; l < 2; ++l) {
    __m128i t = _mm_shuffle_epi32(s0[l], 0x1B);     // FEBA
    __m128i u = _mm_shuffle_epi32(s1[l], 0xB1);     // DCHG
    _mm_storeu_si128(reinterpret_cast<__m128i*>(states[l]), _mm_blend_epi16(t, u, 0xF0));  // DCBA
    _mm_storeu_si128(reinterpret_cast<__m128i*>(states[l] + 4), _mm_alignr_epi8(u, t, 8));  // HGFE
  }
}

bool HaveShaNi() {
  static const bool have = [] {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
    const bool sse41 = (ecx >> 19) & 1, ssse3 = (ecx >> 9) & 1;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
    return sse41 && ssse3 && ((ebx >> 29) & 1);
  }();
  return have;
}
#endif

// Hashes two padded messages of `blocks` blocks each, into out_a and out_b.
inline void Blocks2(const uint8_t* a, uint8_t* out_a, const uint8_t* b, uint8_t* out_b,
                    size_t blocks) {
  SHA256_CTX ca = InitialState(), cb = InitialState();
#ifdef CANVASS_SHA_NI
  if (HaveShaNi()) {
    Blocks2ShaNi(ca.h, a, cb.h, b, blocks);
    StoreDigest(ca, out_a);
    StoreDigest(cb, out_b);
    return;
  }
#endif
  Blocks(&ca, a, blocks);
  Blocks(&cb, b, blocks);
  StoreDigest(ca, out_a);
  StoreDigest(cb, out_b);
}

// Pads the last `n` (< 64) bytes of a message of `total` bytes, already at the start of `buf`
// (128 bytes), hashes the one or two final blocks and writes the digest.
inline void Finish(SHA256_CTX* c, uint8_t* buf, size_t n, uint64_t total, uint8_t* out) {
  buf[n] = 0x80;
  const size_t end = n + 1 + 8 <= 64 ? 64 : 128;
  std::memset(buf + n + 1, 0, end - 8 - (n + 1));
  const uint64_t bits = total * 8;
  for (int i = 0; i < 8; ++i) buf[end - 1 - i] = static_cast<uint8_t>(bits >> (8 * i));
  Blocks(c, buf, end / 64);
  StoreDigest(*c, out);
}

// SHA-256(prefix || data), where the prefix is 0 or 1 byte. No allocation. A message of up to
// kSmall bytes (log entries are about 200) is copied and padded on the stack and hashed in one
// call of the block function, whose entry and exit cost about as much as a block; longer ones are
// hashed in place apart from their first and last partial blocks.
void Digest(const uint8_t* prefix, size_t prefix_len, const uint8_t* data, size_t n,
            uint8_t* out) {
  SHA256_CTX c = InitialState();
  const uint64_t total = prefix_len + n;
  if (total <= kSmall) {
    alignas(64) uint8_t buf[512];
    Blocks(&c, buf, PadSmall(prefix, prefix_len, data, n, buf));
    StoreDigest(c, out);
    return;
  }
  // The first block holds the prefix; the rest of the data is hashed where it lies.
  uint8_t buf[128];
  if (prefix_len != 0) {
    buf[0] = *prefix;
    const size_t head = 64 - prefix_len;
    std::memcpy(buf + prefix_len, data, head);
    Blocks(&c, buf, 1);
    data += head;
    n -= head;
  }
  const size_t full = n / 64;
  if (full != 0) Blocks(&c, data, full);
  data += full * 64;
  n -= full * 64;
  if (n != 0) std::memcpy(buf, data, n);
  Finish(&c, buf, n, total, out);
}

// Hashes 0x01 || the 64 bytes at `pair` into `out` (which may alias `pair`): two blocks, the
// second fixed apart from its first byte.
inline void HashPair(const uint8_t* pair, uint8_t* out) {
  alignas(64) uint8_t buf[128];
  PadPair(pair, buf);
  SHA256_CTX c = InitialState();
  Blocks(&c, buf, 2);
  StoreDigest(c, out);
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
  Digest(&kPrefix, 1, reinterpret_cast<const uint8_t*>(leaf.data()), leaf.size(), h.data());
  return h;
}

Hash NodeHash(const Hash& left, const Hash& right) {
  uint8_t pair[64];
  std::memcpy(pair, left.data(), 32);
  std::memcpy(pair + 32, right.data(), 32);
  Hash h;
  HashPair(pair, h.data());
  return h;
}

Hash EmptyRoot() {
  static const Hash empty = [] {
    Hash h;
    Digest(nullptr, 0, nullptr, 0, h.data());
    return h;
  }();
  return empty;
}

void HashPairs(const uint8_t* in, size_t pairs, uint8_t* out) {
  // Two nodes at a time: both inputs are copied out before either output is written, and the
  // outputs (32 * i onwards) never reach inputs not yet read (64 * i onwards), so `out` may be `in`.
  size_t i = 0;
  for (; i + 2 <= pairs; i += 2) {
    alignas(64) uint8_t a[128], b[128];
    PadPair(in + 64 * i, a);
    PadPair(in + 64 * (i + 1), b);
    Blocks2(a, out + 32 * i, b, out + 32 * (i + 1), 2);
  }
  if (i < pairs) HashPair(in + 64 * i, out + 32 * i);
}

void LeafHashes(const std::string_view* leaves, size_t count, uint8_t* out) {
  static constexpr uint8_t kPrefix = 0x00;
  size_t i = 0;
  for (; i + 2 <= count; i += 2) {
    const std::string_view a = leaves[i], b = leaves[i + 1];
    // Two entries of the same padded length (log entries nearly always are) hash together.
    if (a.size() + 1 <= kSmall && b.size() + 1 <= kSmall &&
        (a.size() + 1 + 9 + 63) / 64 == (b.size() + 1 + 9 + 63) / 64) {
      alignas(64) uint8_t ba[512], bb[512];
      const size_t blocks =
          PadSmall(&kPrefix, 1, reinterpret_cast<const uint8_t*>(a.data()), a.size(), ba);
      PadSmall(&kPrefix, 1, reinterpret_cast<const uint8_t*>(b.data()), b.size(), bb);
      Blocks2(ba, out + 32 * i, bb, out + 32 * (i + 1), blocks);
    } else {
      Digest(&kPrefix, 1, reinterpret_cast<const uint8_t*>(a.data()), a.size(), out + 32 * i);
      Digest(&kPrefix, 1, reinterpret_cast<const uint8_t*>(b.data()), b.size(),
             out + 32 * (i + 1));
    }
  }
  if (i < count) {
    Digest(&kPrefix, 1, reinterpret_cast<const uint8_t*>(leaves[i].data()), leaves[i].size(),
           out + 32 * i);
  }
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
