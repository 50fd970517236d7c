// Signed notes (c2sp.org/signed-note) with Ed25519 keys, and transparency log checkpoints
// (c2sp.org/tlog-checkpoint): the signed tree head of the audit log.
//
// A note is a text of UTF-8 lines, each ending in a newline, followed by a blank line and one or
// more signature lines:
//
//   <text, ending in "\n">
//   "\n"
//   "— " <key name> " " base64(4-byte big-endian key ID || 64-byte Ed25519 signature) "\n"  ...
//
// ("—" is U+2014 EM DASH.) The Ed25519 signature is over the text, final newline included. The key
// ID is the first 4 bytes of SHA-256(key name || 0x0A || 0x01 || 32-byte public key).
//
// Key strings (as Go's golang.org/x/mod/sumdb/note writes them; <id> is the key ID as 8 hex
// digits, base64 is standard and padded):
//   verifier key: <name> "+" <id> "+" base64(0x01 || 32-byte public key)
//   signer key:   "PRIVATE+KEY+" <name> "+" <id> "+" base64(0x01 || 32-byte Ed25519 seed)
// The signer key is a secret: keep it out of logs and error messages.
//
// A checkpoint is the text of a note: origin line, decimal tree size, base64 root hash, then
// optional non-empty extension lines.
//
// Errors: malformed keys, notes and checkpoints are InvalidArgument; a note with no valid signature
// by the expected key, or with a bad one, is Unauthenticated. Messages never include key material.
//
// Thread-safety: Signer and Verifier are immutable values, safe to share between threads; the free
// functions are safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audit/merkle.h"
#include "common/random.h"
#include "common/status.h"

namespace canvass::audit {

using PublicKey = std::array<uint8_t, 32>;
using Signature = std::array<uint8_t, 64>;

inline constexpr uint8_t kSignatureTypeEd25519 = 0x01;  // signed-note signature type byte.
inline constexpr size_t kMaxNoteBytes = 1 << 20;        // OpenNote refuses larger notes.
inline constexpr size_t kMaxNoteSignatures = 100;       // The spec requires accepting >= 16.

// Key names: non-empty, valid UTF-8, no Unicode white space, no '+', no control characters.
Status ValidateKeyName(std::string_view name);

// SHA-256(name || 0x0A || 0x01 || public_key)[:4], big-endian.
uint32_t Ed25519KeyId(std::string_view name, const PublicKey& public_key);

// Checks signatures by one Ed25519 key.
class Verifier {
 public:
  // From a verifier key string "<name>+<8 hex>+<base64(0x01 || public key)>". Fails if the name,
  // hex or base64 is malformed, the type byte is not 0x01, or the ID does not match name and key.
  static StatusOr<Verifier> Parse(std::string_view verifier_key);
  static StatusOr<Verifier> FromPublicKey(std::string_view name, const PublicKey& public_key);

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  const PublicKey& public_key() const { return public_key_; }
  // The verifier key string (publishable).
  std::string ToString() const;
  // True if `signature` is this key's Ed25519 signature of `message`.
  bool Verify(std::string_view message, const Signature& signature) const;

 private:
  friend class Signer;
  Verifier() = default;
  std::string name_;
  uint32_t key_id_ = 0;
  PublicKey public_key_{};
};

// Signs with one Ed25519 key. Holds the secret key; wipes it on destruction.
class Signer {
 public:
  // A new key from 32 bytes of `random` (Random::System() in production).
  static StatusOr<Signer> Generate(std::string_view name, Random& random);
  // From a signer key string "PRIVATE+KEY+<name>+<8 hex>+<base64(0x01 || seed)>". Fails if it is
  // malformed or its key ID does not match the key.
  static StatusOr<Signer> Parse(std::string_view signer_key);

  Signer(const Signer& other) = default;
  Signer& operator=(const Signer& other) = default;
  ~Signer();

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  const PublicKey& public_key() const { return public_key_; }
  Verifier verifier() const;
  // The signer key string. A secret: store it like a password.
  std::string ToString() const;
  Signature Sign(std::string_view message) const;

 private:
  Signer() = default;
  static StatusOr<Signer> FromSeed(std::string_view name, const uint8_t* seed);

  std::string name_;
  uint32_t key_id_ = 0;
  PublicKey public_key_{};
  std::array<uint8_t, 64> secret_key_{};  // libsodium's: seed || public key.
};

// The note: `text` followed by a blank line and `signer`'s signature line. InvalidArgument if the
// text is empty, does not end in a newline, is not valid UTF-8 or has control characters other
// than newline.
StatusOr<std::string> SignNote(std::string_view text, const Signer& signer);

// Checks `note` and returns its text (final newline included) if it carries a valid signature by
// `verifier`. Signatures by other keys (a different name or key ID) are ignored, as the spec
// requires; a signature by this key that does not verify fails the whole note.
StatusOr<std::string> OpenNote(std::string_view note, const Verifier& verifier);

struct Checkpoint {
  std::string origin;  // Non-empty; conventionally the log's URL prefix without scheme.
  uint64_t size = 0;   // Number of leaves.
  Hash root{};         // Root hash of the tree of `size` leaves.
  std::vector<std::string> extensions;  // Optional extra lines, each non-empty.
  bool operator==(const Checkpoint&) const = default;
};

// "<origin>\n<size>\n<base64 root>\n" followed by "<extension>\n" for each extension.
// InvalidArgument if the origin or an extension is empty or contains a newline, control
// character or invalid UTF-8 (the result would not parse).
StatusOr<std::string> FormatCheckpoint(const Checkpoint& checkpoint);

// Parses a checkpoint note text. InvalidArgument saying which line is malformed: fewer than three
// lines, an empty line, a size that is not canonical decimal below 2^64, a root that is not the
// padded base64 of 32 bytes, or a text not ending in a newline.
StatusOr<Checkpoint> ParseCheckpoint(std::string_view text);

// OpenNote, then ParseCheckpoint, then checks the origin line equals `origin`
// (Unauthenticated otherwise: a valid signature over another log's checkpoint).
StatusOr<Checkpoint> OpenCheckpoint(std::string_view note, const Verifier& verifier,
                                    std::string_view origin);

}  // namespace canvass::audit
