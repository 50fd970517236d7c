// Minisign-compatible Ed25519 keys and signatures (https://jedisct1.github.io/minisign/), so that
// anyone can check an evidence package with the stock `minisign -V` tool.
//
// Formats (base64 is standard and padded; key_id is 8 random bytes, shown as minisign shows it:
// the bytes read as a little-endian uint64, in upper-case hex without leading zeros):
//
//   public key file:
//     "untrusted comment: minisign public key " <KEYID> "\n"
//     base64("Ed" || key_id[8] || ed25519_public_key[32]) "\n"
//
//   signature file (what Sign writes; algorithm "ED" is minisign's pre-hashed mode):
//     "untrusted comment: " <text> "\n"
//     base64("ED" || key_id[8] || signature[64]) "\n"
//     "trusted comment: " <trusted comment> "\n"
//     base64(global_signature[64]) "\n"
//   where signature        = Ed25519(BLAKE2b-512(message))
//         global_signature = Ed25519(signature || trusted comment)
//   Verify also accepts the legacy algorithm "Ed" (signature = Ed25519(message)), as minisign
//   0.11 does.
//
//   our secret key file (never leaves the deployment; mode 0600):
//     "canvass-evidence-key-v1\n"
//     base64(key_id[8] || ed25519_seed[32]) "\n"
//
// The trusted comment is signed; the untrusted one is not and carries nothing that matters.
//
// Errors from Verify: a malformed key or signature file is InvalidArgument; a signature by
// another key (key ID mismatch), a bad signature or a bad trusted-comment signature is
// FailedPrecondition. Messages never include secret key material.
//
// Thread-safety: all functions are safe to call from any thread. SigningKey is a plain value.
#pragma once

#include <string>
#include <string_view>

#include "common/file_system.h"
#include "common/random.h"
#include "common/status.h"

namespace canvass::evidence {

// Largest trusted comment Sign writes and Verify accepts (minisign reads up to 8192 bytes).
inline constexpr size_t kMaxTrustedCommentBytes = 4096;

struct SigningKey {
  std::string key_id;      // 8 random bytes.
  std::string secret_key;  // libsodium's 64 bytes: seed || public key. A secret.
  std::string public_key;  // 32 bytes.
};

// A new key from `random` (Random::System(), libsodium's CSPRNG, in production).
SigningKey GenerateSigningKey(Random& random = *Random::System());

// Loads the key at `path`, or, if there is no file there, creates one (directories included,
// mode 0600, written atomically) from `random`. A file that is there but malformed is refused
// with DataLoss naming the path (never overwritten: the key it held may have signed packages).
StatusOr<SigningKey> LoadOrCreateSigningKey(FileSystem* fs, const std::string& path,
                                            Random& random = *Random::System());

// The key ID as minisign prints it: little-endian uint64 in upper-case hex, e.g.
// "6E2F9A1C0B3D4E5F".
std::string KeyIdHex(std::string_view key_id);

// The minisign public key file (see the grammar above): publish it, give it to verifiers.
std::string PublicKeyFile(const SigningKey& key);

// True if `comment` can be a trusted comment: at most kMaxTrustedCommentBytes, no NUL, CR or LF
// (a tab is fine: minisign's own default comment has one).
Status ValidateTrustedComment(std::string_view comment);

// The .minisig text for `message`. A trusted comment that fails ValidateTrustedComment is made
// to pass first (CR, LF and NUL become spaces, then it is cut to kMaxTrustedCommentBytes), so
// the file always parses; callers that care validate beforehand.
std::string Sign(const SigningKey& key, std::string_view message, std::string_view trusted_comment);

// What a good signature says.
struct VerifiedSignature {
  std::string key_id;           // 8 bytes.
  std::string trusted_comment;  // Without the "trusted comment: " prefix.
};

// Checks `signature_file` (.minisig text) on `message` against `public_key_file` (.pub text, or
// the bare base64 key line as `minisign -P` takes it). Returns the signed trusted comment.
StatusOr<VerifiedSignature> VerifySignature(std::string_view public_key_file,
                                            std::string_view message,
                                            std::string_view signature_file);

// VerifySignature, for callers that only need yes or no.
Status Verify(std::string_view public_key_file, std::string_view message,
              std::string_view signature_file);

}  // namespace canvass::evidence
