#include "media/e2ee.h"

#include <sodium.h>

#include <algorithm>

#include "media/clip_cipher.h"

namespace canvass::media {
namespace {

static_assert(crypto_box_PUBLICKEYBYTES == 32);
static_assert(crypto_box_SECRETKEYBYTES == 32);
static_assert(crypto_box_SEALBYTES + sizeof(ClipKey) == 80);
static_assert(kSealedHeaderBytes == kSealedMagic.size() + 1 + 80 + 8);

constexpr size_t kSealedKeyOffset = kSealedMagic.size() + 1;
constexpr size_t kSealedKeyBytes = crypto_box_SEALBYTES + sizeof(ClipKey);
constexpr size_t kSizeOffset = kSealedKeyOffset + kSealedKeyBytes;
// Bigger than any clip; keeps CiphertextSizeFor far from overflowing.
constexpr uint64_t kMaxPlainBytes = uint64_t{1} << 50;

const unsigned char* U8(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Status CheckKeySize(std::string_view key, std::string_view what) {
  if (key.size() != 32) {
    return InvalidArgumentError(std::string(what) + " must be 32 bytes, got " +
                                std::to_string(key.size()));
  }
  return OkStatus();
}

}  // namespace

E2eeKeyPair NewE2eeKeyPair() {
  InitCrypto();
  E2eeKeyPair pair;
  pair.public_key.resize(crypto_box_PUBLICKEYBYTES);
  pair.secret_key.resize(crypto_box_SECRETKEYBYTES);
  crypto_box_keypair(reinterpret_cast<unsigned char*>(pair.public_key.data()),
                     reinterpret_cast<unsigned char*>(pair.secret_key.data()));
  return pair;
}

bool LooksSealed(std::string_view data) { return data.starts_with(kSealedMagic); }

StatusOr<std::string> SealForOwner(std::string_view owner_public_key, std::string_view plain,
                                   Random& random) {
  CANVASS_RETURN_IF_ERROR(CheckKeySize(owner_public_key, "owner public key"));
  InitCrypto();
  const int64_t plain_bytes = static_cast<int64_t>(plain.size());
  std::string out;
  out.reserve(kSealedHeaderBytes + static_cast<size_t>(CiphertextSizeFor(plain_bytes)));
  out.append(kSealedMagic);
  out.push_back(static_cast<char>(kSealedVersion));

  ClipKey key = NewClipKey(random);
  out.resize(kSealedKeyOffset + kSealedKeyBytes);
  if (crypto_box_seal(reinterpret_cast<unsigned char*>(out.data()) + kSealedKeyOffset, key.data(),
                      key.size(), U8(owner_public_key)) != 0) {
    sodium_memzero(key.data(), key.size());
    return InvalidArgumentError("owner public key is not a usable X25519 key");
  }
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<char>((static_cast<uint64_t>(plain_bytes) >> (8 * i)) & 0xff));
  }
  const int64_t segments = SegmentCount(plain_bytes);
  for (int64_t index = 0; index < segments; ++index) {
    const size_t begin = static_cast<size_t>(index * kSegmentPlainBytes);
    out += EncryptSegment(key, index, index == segments - 1,
                          plain.substr(begin, static_cast<size_t>(kSegmentPlainBytes)));
  }
  sodium_memzero(key.data(), key.size());
  return out;
}

StatusOr<std::string> OpenSealed(std::string_view public_key, std::string_view secret_key,
                                 std::string_view sealed) {
  CANVASS_RETURN_IF_ERROR(CheckKeySize(public_key, "public key"));
  CANVASS_RETURN_IF_ERROR(CheckKeySize(secret_key, "secret key"));
  InitCrypto();
  unsigned char derived_public[crypto_box_PUBLICKEYBYTES];
  crypto_scalarmult_base(derived_public, U8(secret_key));
  if (sodium_memcmp(derived_public, U8(public_key), sizeof(derived_public)) != 0) {
    return InvalidArgumentError("the public key does not belong to the secret key");
  }
  if (!LooksSealed(sealed)) {
    return InvalidArgumentError("not a sealed clip: it does not start with \"CVE2\"");
  }
  if (sealed.size() < kSealedHeaderBytes) {
    return DataLossError("sealed clip is truncated: " + std::to_string(sealed.size()) +
                         " bytes is shorter than its " + std::to_string(kSealedHeaderBytes) +
                         "-byte header");
  }
  const uint8_t version = static_cast<uint8_t>(sealed[kSealedMagic.size()]);
  if (version != kSealedVersion) {
    return InvalidArgumentError("unsupported sealed clip version " + std::to_string(version) +
                                " (this build reads version " + std::to_string(kSealedVersion) +
                                ")");
  }
  uint64_t size_field = 0;
  for (int i = 0; i < 8; ++i) {
    size_field |= static_cast<uint64_t>(static_cast<uint8_t>(sealed[kSizeOffset + i])) << (8 * i);
  }
  const std::string_view segments = sealed.substr(kSealedHeaderBytes);
  if (size_field > kMaxPlainBytes || CiphertextSizeFor(static_cast<int64_t>(size_field)) !=
                                         static_cast<int64_t>(segments.size())) {
    return DataLossError("sealed clip is damaged: " + std::to_string(segments.size()) +
                         " bytes of segments do not match its recorded size of " +
                         std::to_string(size_field) + " bytes (truncated or extended)");
  }
  const int64_t plain_bytes = static_cast<int64_t>(size_field);

  ClipKey key;
  if (crypto_box_seal_open(key.data(), U8(sealed) + kSealedKeyOffset, kSealedKeyBytes,
                           U8(public_key), U8(secret_key)) != 0) {
    return DataLossError(
        "cannot open the sealed clip key: sealed for another key, or tampered with");
  }
  std::string plain;
  plain.reserve(static_cast<size_t>(plain_bytes));
  const int64_t count = SegmentCount(plain_bytes);
  size_t offset = 0;
  Status status;
  for (int64_t index = 0; index < count && status.ok(); ++index) {
    const int64_t segment_plain =
        std::min(kSegmentPlainBytes, plain_bytes - index * kSegmentPlainBytes);
    const size_t segment_bytes = static_cast<size_t>(segment_plain + kSegmentOverheadBytes);
    StatusOr<std::string> piece =
        DecryptSegment(key, index, index == count - 1, segments.substr(offset, segment_bytes));
    if (!piece.ok()) {
      status = piece.status();
    } else {
      plain += *piece;
      offset += segment_bytes;
    }
  }
  sodium_memzero(key.data(), key.size());
  if (!status.ok()) {
    sodium_memzero(plain.data(), plain.size());
    return status;
  }
  return plain;
}

}  // namespace canvass::media
