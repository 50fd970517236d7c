// Encryption at rest of clips: a segmented format that allows random access.
//
// A clip's plaintext is cut into segments of kSegmentPlainBytes (the last one may be shorter).
// Each segment is encrypted on its own, as a libsodium crypto_secretstream_xchacha20poly1305
// stream with exactly one message, under a subkey derived from the clip key and the segment's
// index (crypto_kdf_derive_from_key, context "cnvsclip", subkey id = index). The clip's last
// segment is tagged TAG_FINAL, every other one TAG_MESSAGE. A stored segment is
//   24-byte secretstream header || ciphertext (plaintext size + 17 bytes)
// and the stored clip is the concatenation of its segments, with no header of its own: the
// plaintext size lives in the database, and the file's size must equal
// CiphertextSizeFor(plain size). See docs/design/clip-format.md.
//
// What this detects:
//   - any flipped bit (Poly1305 tag of the segment),
//   - reordered or duplicated segments (the subkey depends on the index),
//   - truncation or extension (file size check at ClipReader::Open, plus the FINAL tag: a clip
//     cut at a segment boundary and passed off as shorter ends in a TAG_MESSAGE segment).
//
// Per-clip keys are wrapped under the server's master key (WrapKey / UnwrapKey) and stored next
// to the clip's metadata, never next to the clip file.
//
// All functions call canvass::InitCrypto() themselves. Free functions are thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/file_system.h"
#include "common/random.h"
#include "common/status.h"

namespace canvass::media {

inline constexpr int64_t kSegmentPlainBytes = 1 << 20;     // 1 MiB of plaintext per segment
inline constexpr int64_t kSegmentOverheadBytes = 24 + 17;  // secretstream header + ABYTES

using ClipKey = std::array<uint8_t, 32>;
using MasterKey = std::array<uint8_t, 32>;

// A fresh random clip key drawn from `random`.
ClipKey NewClipKey(Random& random);

// Number of segments of a clip of `plain_bytes`: ceil(plain_bytes / kSegmentPlainBytes);
// 0 bytes -> 0 segments. `plain_bytes` must be >= 0.
int64_t SegmentCount(int64_t plain_bytes);

// Size of the stored clip file: plain_bytes + SegmentCount(plain_bytes) * kSegmentOverheadBytes.
int64_t CiphertextSizeFor(int64_t plain_bytes);

// Encrypts segment `index` of a clip. `plain.size()` must be kSegmentPlainBytes unless `last`
// (the clip's last segment), in which case it is 1..kSegmentPlainBytes bytes (checked by
// assert). Returns header || ciphertext, plain.size() + kSegmentOverheadBytes bytes. The
// secretstream header is random (libsodium's CSPRNG), so two encryptions differ.
std::string EncryptSegment(const ClipKey& key, int64_t index, bool last, std::string_view plain);

// Inverse of EncryptSegment. Fails with DataLoss ("segment N of clip failed authentication") on
// any tampering, wrong index, wrong key, a tag that does not match `last`, or a ciphertext too
// short or too long to be a segment. A negative index is InvalidArgument.
StatusOr<std::string> DecryptSegment(const ClipKey& key, int64_t index, bool last,
                                     std::string_view cipher);

// Wraps a clip key under the master key: XChaCha20-Poly1305-IETF with a random 24-byte nonce
// from `random` and associated data `ad` (the caller passes the clip id, which binds the wrapped
// key to its clip). Output = nonce || ciphertext (32 + 16 bytes), kWrappedKeyBytes in all.
inline constexpr size_t kWrappedKeyBytes = 24 + 32 + 16;
std::string WrapKey(const MasterKey& master, const ClipKey& key, std::string_view ad,
                    Random& random);

// Inverse of WrapKey. Fails with DataLoss on a wrong size, wrong master key, wrong `ad`, or
// tampering.
StatusOr<ClipKey> UnwrapKey(const MasterKey& master, std::string_view wrapped, std::string_view ad);

// Streams the plaintext of a clip whose total size is known in advance into the segmented
// format, writing to `out`.
//
// Append() accepts pieces of any size; the writer writes each segment to `out` as soon as it is
// complete (the last one when total_plain_bytes is reached), so it holds at most one segment of
// plaintext (buffered_bytes()). It never calls Sync() or Close(); the caller decides when.
//
// Resuming an upload: `first_plain_offset` must be a multiple of kSegmentPlainBytes and at most
// total_plain_bytes; the writer then continues with segment first_plain_offset /
// kSegmentPlainBytes, and `out` is expected to hold exactly CiphertextSizeFor(first_plain_offset)
// bytes already (the complete segments before it). A caller that crashed mid-segment truncates
// the file to CiphertextSizeFor(k * kSegmentPlainBytes) for the k complete segments it has.
//
// Errors: invalid constructor arguments (negative total, misaligned or out-of-range
// first_plain_offset) are reported as InvalidArgument by every Append. Appending past
// total_plain_bytes is InvalidArgument and consumes nothing. A failure of `out` is returned and
// sticks: every later Append returns it again (the file may end in a partial segment).
//
// The key is copied. Not thread-safe. `out` must outlive the writer.
class SegmentWriter {
 public:
  SegmentWriter(const ClipKey& key, int64_t total_plain_bytes, int64_t first_plain_offset,
                WritableFile* out);
  ~SegmentWriter();
  SegmentWriter(const SegmentWriter&) = delete;
  SegmentWriter& operator=(const SegmentWriter&) = delete;

  Status Append(std::string_view plain);

  // Plaintext bytes consumed so far, including first_plain_offset.
  int64_t plain_offset() const { return plain_offset_; }
  // Plaintext consumed but not yet written out (the incomplete current segment).
  int64_t buffered_bytes() const { return static_cast<int64_t>(buffer_.size()); }
  // True once all total_plain_bytes have been written out to `out`.
  bool done() const { return status_.ok() && written_plain_bytes_ == total_plain_bytes_; }

 private:
  ClipKey key_;
  int64_t total_plain_bytes_;
  int64_t plain_offset_;
  int64_t written_plain_bytes_;
  WritableFile* out_;
  std::string buffer_;
  Status status_;
};

// Random-access plaintext reads over an encrypted clip file.
//
// Open checks that the file's size equals CiphertextSizeFor(plain_bytes) (DataLoss otherwise:
// the file was truncated or extended). Reads decrypt whole segments and cache the last one
// decrypted, so sequential reads decrypt each segment once. Every byte returned has been
// authenticated. Not thread-safe (use one reader per thread).
class ClipReader {
 public:
  static StatusOr<std::unique_ptr<ClipReader>> Open(std::unique_ptr<RandomAccessFile> file,
                                                    const ClipKey& key, int64_t plain_bytes);
  ~ClipReader();
  ClipReader(const ClipReader&) = delete;
  ClipReader& operator=(const ClipReader&) = delete;

  // Plaintext size of the clip.
  int64_t size() const { return plain_bytes_; }

  // Up to n plaintext bytes at `offset`; fewer only at the end of the clip (none at offset ==
  // size()). A negative offset or offset > size() is InvalidArgument; a segment that fails to
  // decrypt is DataLoss; I/O errors of the file are passed through.
  StatusOr<std::string> ReadAt(int64_t offset, size_t n);

 private:
  ClipReader(std::unique_ptr<RandomAccessFile> file, const ClipKey& key, int64_t plain_bytes);
  Status LoadSegment(int64_t index);

  std::unique_ptr<RandomAccessFile> file_;
  ClipKey key_;
  int64_t plain_bytes_;
  int64_t cached_index_ = -1;
  std::string cached_plain_;
};

// Decrypts a whole clip, segment by segment (memory: one segment), and returns the lower-case
// hex SHA-256 of its plaintext. Fails like ClipReader::ReadAt.
StatusOr<std::string> PlaintextSha256Hex(ClipReader& reader);

}  // namespace canvass::media
