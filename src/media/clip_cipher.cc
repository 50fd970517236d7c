#include "media/clip_cipher.h"

#include <sodium.h>

#include <algorithm>
#include <cassert>
#include <span>

#include "common/sha256.h"

namespace canvass::media {
namespace {

static_assert(crypto_secretstream_xchacha20poly1305_HEADERBYTES == 24);
static_assert(crypto_secretstream_xchacha20poly1305_ABYTES == 17);
static_assert(kSegmentOverheadBytes == crypto_secretstream_xchacha20poly1305_HEADERBYTES +
                                           crypto_secretstream_xchacha20poly1305_ABYTES);
static_assert(crypto_secretstream_xchacha20poly1305_KEYBYTES == 32);
static_assert(crypto_kdf_KEYBYTES == 32);
static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == 24);
static_assert(kWrappedKeyBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + 32 +
                                      crypto_aead_xchacha20poly1305_ietf_ABYTES);

constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "cnvsclip";
constexpr size_t kHeaderBytes = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
constexpr size_t kABytes = crypto_secretstream_xchacha20poly1305_ABYTES;
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;

// Zeroes a key-sized buffer when it goes out of scope.
class SubKey {
 public:
  SubKey(const ClipKey& clip_key, int64_t index) {
    crypto_kdf_derive_from_key(bytes_.data(), bytes_.size(), static_cast<uint64_t>(index),
                               kKdfContext, clip_key.data());
  }
  ~SubKey() { sodium_memzero(bytes_.data(), bytes_.size()); }
  SubKey(const SubKey&) = delete;
  SubKey& operator=(const SubKey&) = delete;
  const uint8_t* data() const { return bytes_.data(); }

 private:
  std::array<uint8_t, crypto_secretstream_xchacha20poly1305_KEYBYTES> bytes_;
};

const unsigned char* U8(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* U8(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

Status SegmentAuthError(int64_t index) {
  return DataLossError("segment " + std::to_string(index) + " of clip failed authentication");
}

int64_t SegmentPlainSize(int64_t plain_bytes, int64_t index) {
  return std::min(kSegmentPlainBytes, plain_bytes - index * kSegmentPlainBytes);
}

int64_t SegmentCipherOffset(int64_t index) {
  return index * (kSegmentPlainBytes + kSegmentOverheadBytes);
}

}  // namespace

ClipKey NewClipKey(Random& random) {
  ClipKey key;
  random.Fill(key);
  return key;
}

int64_t SegmentCount(int64_t plain_bytes) {
  assert(plain_bytes >= 0);
  return (plain_bytes + kSegmentPlainBytes - 1) / kSegmentPlainBytes;
}

int64_t CiphertextSizeFor(int64_t plain_bytes) {
  return plain_bytes + SegmentCount(plain_bytes) * kSegmentOverheadBytes;
}

std::string EncryptSegment(const ClipKey& key, int64_t index, bool last, std::string_view plain) {
  assert(index >= 0);
  assert(static_cast<int64_t>(plain.size()) <= kSegmentPlainBytes);
  assert(last ? !plain.empty() : static_cast<int64_t>(plain.size()) == kSegmentPlainBytes);
  InitCrypto();
  SubKey subkey(key, index);
  std::string out(kHeaderBytes + plain.size() + kABytes, '\0');
  crypto_secretstream_xchacha20poly1305_state state;
  crypto_secretstream_xchacha20poly1305_init_push(&state, U8(out), subkey.data());
  const unsigned char tag = last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                                 : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
  crypto_secretstream_xchacha20poly1305_push(&state, U8(out) + kHeaderBytes, nullptr, U8(plain),
                                             plain.size(), nullptr, 0, tag);
  sodium_memzero(&state, sizeof(state));
  return out;
}

StatusOr<std::string> DecryptSegment(const ClipKey& key, int64_t index, bool last,
                                     std::string_view cipher) {
  if (index < 0)
    return InvalidArgumentError("segment index must be >= 0, got " + std::to_string(index));
  if (cipher.size() < kHeaderBytes + kABytes ||
      static_cast<int64_t>(cipher.size()) > kSegmentPlainBytes + kSegmentOverheadBytes) {
    return SegmentAuthError(index);
  }
  InitCrypto();
  SubKey subkey(key, index);
  crypto_secretstream_xchacha20poly1305_state state;
  if (crypto_secretstream_xchacha20poly1305_init_pull(&state, U8(cipher), subkey.data()) != 0) {
    return SegmentAuthError(index);
  }
  std::string plain(cipher.size() - kHeaderBytes - kABytes, '\0');
  unsigned char tag = 0;
  int rc = crypto_secretstream_xchacha20poly1305_pull(&state, U8(plain), nullptr, &tag,
                                                      U8(cipher) + kHeaderBytes,
                                                      cipher.size() - kHeaderBytes, nullptr, 0);
  sodium_memzero(&state, sizeof(state));
  const unsigned char want_tag = last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                                      : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
  if (rc != 0 || tag != want_tag) {
    sodium_memzero(plain.data(), plain.size());
    return SegmentAuthError(index);
  }
  return plain;
}

std::string WrapKey(const MasterKey& master, const ClipKey& key, std::string_view ad,
                    Random& random) {
  InitCrypto();
  std::string out(kWrappedKeyBytes, '\0');
  random.Fill({U8(out), kNonceBytes});
  unsigned long long cipher_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(U8(out) + kNonceBytes, &cipher_len, key.data(),
                                             key.size(), U8(ad), ad.size(), nullptr, U8(out),
                                             master.data());
  assert(cipher_len + kNonceBytes == kWrappedKeyBytes);
  return out;
}

StatusOr<ClipKey> UnwrapKey(const MasterKey& master, std::string_view wrapped,
                            std::string_view ad) {
  if (wrapped.size() != kWrappedKeyBytes) {
    return DataLossError("wrapped clip key must be " + std::to_string(kWrappedKeyBytes) +
                         " bytes, got " + std::to_string(wrapped.size()));
  }
  InitCrypto();
  ClipKey key;
  unsigned long long key_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          key.data(), &key_len, nullptr, U8(wrapped) + kNonceBytes, wrapped.size() - kNonceBytes,
          U8(ad), ad.size(), U8(wrapped), master.data()) != 0 ||
      key_len != key.size()) {
    sodium_memzero(key.data(), key.size());
    return DataLossError(
        "wrapped clip key failed authentication (wrong master key, wrong clip id, or tampered)");
  }
  return key;
}

// ---- SegmentWriter ----

SegmentWriter::SegmentWriter(const ClipKey& key, int64_t total_plain_bytes,
                             int64_t first_plain_offset, WritableFile* out)
    : key_(key),
      total_plain_bytes_(total_plain_bytes),
      plain_offset_(first_plain_offset),
      written_plain_bytes_(first_plain_offset),
      out_(out) {
  if (total_plain_bytes < 0) {
    status_ =
        InvalidArgumentError("clip size must be >= 0, got " + std::to_string(total_plain_bytes));
  } else if (first_plain_offset < 0 || first_plain_offset % kSegmentPlainBytes != 0 ||
             first_plain_offset > total_plain_bytes) {
    status_ = InvalidArgumentError(
        "resume offset must be a multiple of " + std::to_string(kSegmentPlainBytes) +
        " between 0 and the clip size " + std::to_string(total_plain_bytes) + ", got " +
        std::to_string(first_plain_offset));
  } else if (out == nullptr) {
    status_ = InvalidArgumentError("SegmentWriter needs an output file");
  }
}

SegmentWriter::~SegmentWriter() {
  sodium_memzero(key_.data(), key_.size());
  sodium_memzero(buffer_.data(), buffer_.size());
}

Status SegmentWriter::Append(std::string_view plain) {
  CANVASS_RETURN_IF_ERROR(status_);
  if (static_cast<int64_t>(plain.size()) > total_plain_bytes_ - plain_offset_) {
    return InvalidArgumentError("appending " + std::to_string(plain.size()) + " bytes at offset " +
                                std::to_string(plain_offset_) + " would exceed the clip size of " +
                                std::to_string(total_plain_bytes_) + " bytes");
  }
  while (!plain.empty()) {
    const int64_t index = written_plain_bytes_ / kSegmentPlainBytes;
    const int64_t segment_size = SegmentPlainSize(total_plain_bytes_, index);
    const size_t take = std::min(plain.size(), static_cast<size_t>(segment_size) - buffer_.size());
    if (buffer_.empty() && take == static_cast<size_t>(segment_size)) {
      // A whole segment in the input: encrypt it without copying it into the buffer.
      const bool last = written_plain_bytes_ + segment_size == total_plain_bytes_;
      Status s = out_->Append(EncryptSegment(key_, index, last, plain.substr(0, take)));
      plain_offset_ += static_cast<int64_t>(take);
      plain.remove_prefix(take);
      if (!s.ok()) return status_ = s;
      written_plain_bytes_ += segment_size;
      continue;
    }
    if (buffer_.capacity() < static_cast<size_t>(segment_size)) {
      buffer_.reserve(static_cast<size_t>(segment_size));
    }
    buffer_.append(plain.substr(0, take));
    plain_offset_ += static_cast<int64_t>(take);
    plain.remove_prefix(take);
    if (static_cast<int64_t>(buffer_.size()) == segment_size) {
      const bool last = written_plain_bytes_ + segment_size == total_plain_bytes_;
      Status s = out_->Append(EncryptSegment(key_, index, last, buffer_));
      sodium_memzero(buffer_.data(), buffer_.size());
      buffer_.clear();
      if (!s.ok()) return status_ = s;
      written_plain_bytes_ += segment_size;
    }
  }
  return OkStatus();
}

// ---- ClipReader ----

ClipReader::ClipReader(std::unique_ptr<RandomAccessFile> file, const ClipKey& key,
                       int64_t plain_bytes)
    : file_(std::move(file)), key_(key), plain_bytes_(plain_bytes) {}

ClipReader::~ClipReader() {
  sodium_memzero(key_.data(), key_.size());
  sodium_memzero(cached_plain_.data(), cached_plain_.size());
}

StatusOr<std::unique_ptr<ClipReader>> ClipReader::Open(std::unique_ptr<RandomAccessFile> file,
                                                       const ClipKey& key, int64_t plain_bytes) {
  if (file == nullptr) return InvalidArgumentError("ClipReader::Open needs a file");
  if (plain_bytes < 0) {
    return InvalidArgumentError("clip size must be >= 0, got " + std::to_string(plain_bytes));
  }
  CANVASS_ASSIGN_OR_RETURN(int64_t file_bytes, file->Size());
  const int64_t want = CiphertextSizeFor(plain_bytes);
  if (file_bytes != want) {
    return DataLossError("encrypted clip file is " + std::to_string(file_bytes) +
                         " bytes but a clip of " + std::to_string(plain_bytes) + " bytes must be " +
                         std::to_string(want) + " (" +
                         (file_bytes < want ? "truncated" : "extended") + ")");
  }
  return std::unique_ptr<ClipReader>(new ClipReader(std::move(file), key, plain_bytes));
}

Status ClipReader::LoadSegment(int64_t index) {
  if (index == cached_index_) return OkStatus();
  const int64_t plain_size = SegmentPlainSize(plain_bytes_, index);
  const size_t cipher_size = static_cast<size_t>(plain_size + kSegmentOverheadBytes);
  CANVASS_ASSIGN_OR_RETURN(std::string cipher,
                           file_->ReadAt(SegmentCipherOffset(index), cipher_size));
  if (cipher.size() != cipher_size) {
    return DataLossError("encrypted clip file ends inside segment " + std::to_string(index));
  }
  const bool last = index == SegmentCount(plain_bytes_) - 1;
  sodium_memzero(cached_plain_.data(), cached_plain_.size());
  cached_index_ = -1;
  CANVASS_ASSIGN_OR_RETURN(cached_plain_, DecryptSegment(key_, index, last, cipher));
  cached_index_ = index;
  return OkStatus();
}

StatusOr<std::string> ClipReader::ReadAt(int64_t offset, size_t n) {
  if (offset < 0 || offset > plain_bytes_) {
    return InvalidArgumentError("read offset " + std::to_string(offset) +
                                " is outside the clip of " + std::to_string(plain_bytes_) +
                                " bytes");
  }
  const int64_t end = offset + static_cast<int64_t>(std::min<uint64_t>(
                                   n, static_cast<uint64_t>(plain_bytes_ - offset)));
  std::string out;
  out.reserve(static_cast<size_t>(end - offset));
  while (offset < end) {
    const int64_t index = offset / kSegmentPlainBytes;
    CANVASS_RETURN_IF_ERROR(LoadSegment(index));
    const int64_t in_segment = offset - index * kSegmentPlainBytes;
    const int64_t take =
        std::min(end - offset, static_cast<int64_t>(cached_plain_.size()) - in_segment);
    out.append(cached_plain_, static_cast<size_t>(in_segment), static_cast<size_t>(take));
    offset += take;
  }
  return out;
}

StatusOr<std::string> PlaintextSha256Hex(ClipReader& reader) {
  Sha256 hash;
  for (int64_t offset = 0; offset < reader.size(); offset += kSegmentPlainBytes) {
    CANVASS_ASSIGN_OR_RETURN(std::string chunk,
                             reader.ReadAt(offset, static_cast<size_t>(kSegmentPlainBytes)));
    hash.Update(chunk);
  }
  return DigestHex(hash.Finish());
}

}  // namespace canvass::media
