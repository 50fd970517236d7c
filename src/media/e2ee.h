// End-to-end encryption of clips by the owner's client: the server stores a sealed clip it can
// never open, because only the owner holds the X25519 secret key.
//
// Sealed format (docs/design/clip-format.md):
//   "CVE2" || 0x01 (version)
//   || crypto_box_seal(clip key, owner public key)        (32 + 48 = 80 bytes)
//   || plaintext size                                     (8 bytes, little endian)
//   || segments, exactly as in clip_cipher.h (EncryptSegment under the clip key)
// The size field is not separately authenticated, but it cannot be changed unnoticed: the data
// must be exactly CiphertextSizeFor(size) bytes and end in the one segment tagged FINAL.
//
// The client side (SealForOwner, NewE2eeKeyPair) lives here too so that tests, the demo and the
// CLI produce exactly what a client produces. All functions call canvass::InitCrypto().
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/random.h"
#include "common/status.h"

namespace canvass::media {

inline constexpr std::string_view kSealedMagic = "CVE2";
inline constexpr uint8_t kSealedVersion = 1;
// Magic + version + sealed clip key + plaintext size.
inline constexpr size_t kSealedHeaderBytes = 4 + 1 + 80 + 8;

struct E2eeKeyPair {
  std::string public_key;  // raw 32-byte X25519 public key
  std::string secret_key;  // raw 32-byte X25519 secret key
};

// A fresh key pair from libsodium's CSPRNG (crypto_box_keypair).
E2eeKeyPair NewE2eeKeyPair();

// Encrypts `plain` for the holder of `owner_public_key` under a fresh clip key drawn from
// `random`. InvalidArgument if the public key is not 32 bytes.
StatusOr<std::string> SealForOwner(std::string_view owner_public_key, std::string_view plain,
                                   Random& random);

// Decrypts a sealed clip with the owner's key pair and returns the plaintext. InvalidArgument if
// a key is not 32 bytes, the two keys do not belong together, the data lacks the magic, or its
// version is unknown. DataLoss if the data is truncated, extended, tampered with, or was sealed
// for another key.
StatusOr<std::string> OpenSealed(std::string_view public_key, std::string_view secret_key,
                                 std::string_view sealed);

// True if `data` starts with the sealed-clip magic "CVE2". Cheap; checks nothing else.
bool LooksSealed(std::string_view data);

}  // namespace canvass::media
