#include "evidence/minisign.h"

#include <sodium.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <vector>

#include "common/encoding.h"

namespace canvass::evidence {
namespace {

constexpr std::string_view kAlgEd25519 = "Ed";        // Public keys; legacy signatures.
constexpr std::string_view kAlgEd25519Hashed = "ED";  // Signatures of BLAKE2b-512(message).
constexpr std::string_view kUntrustedPrefix = "untrusted comment: ";
constexpr std::string_view kTrustedPrefix = "trusted comment: ";
constexpr std::string_view kSecretKeyHeader = "canvass-evidence-key-v1";
constexpr size_t kKeyIdBytes = 8;
constexpr size_t kMaxFileBytes = 64 * 1024;  // Far above any real .pub or .minisig.

// BLAKE2b-512, minisign's pre-hash.
std::string Blake2b512(std::string_view message) {
  std::string out(crypto_generichash_BYTES_MAX, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                     nullptr, 0);
  return out;
}

std::string Ed25519Sign(const SigningKey& key, std::string_view message) {
  std::string sig(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       reinterpret_cast<const unsigned char*>(key.secret_key.data()));
  return sig;
}

bool Ed25519Verify(std::string_view public_key, std::string_view message, std::string_view sig) {
  return sig.size() == crypto_sign_BYTES && public_key.size() == crypto_sign_PUBLICKEYBYTES &&
         crypto_sign_verify_detached(
             reinterpret_cast<const unsigned char*>(sig.data()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(),
             reinterpret_cast<const unsigned char*>(public_key.data())) == 0;
}

// Splits text into lines at "\n", dropping a trailing "\r" from each (minisign's trim()).
std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

StatusOr<SigningKey> KeyFromSeed(std::string_view key_id, std::string_view seed) {
  if (key_id.size() != kKeyIdBytes || seed.size() != crypto_sign_SEEDBYTES) {
    return InvalidArgumentError("a signing key needs an 8-byte key ID and a 32-byte seed");
  }
  InitCrypto();
  SigningKey key;
  key.key_id = std::string(key_id);
  key.secret_key.assign(crypto_sign_SECRETKEYBYTES, '\0');
  key.public_key.assign(crypto_sign_PUBLICKEYBYTES, '\0');
  crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(key.public_key.data()),
                           reinterpret_cast<unsigned char*>(key.secret_key.data()),
                           reinterpret_cast<const unsigned char*>(seed.data()));
  return key;
}

std::string SecretKeyFile(const SigningKey& key) {
  std::string raw = key.key_id + key.secret_key.substr(0, crypto_sign_SEEDBYTES);
  std::string out = std::string(kSecretKeyHeader) + "\n" + Base64Encode(raw) + "\n";
  sodium_memzero(raw.data(), raw.size());
  return out;
}

StatusOr<SigningKey> ParseSecretKeyFile(std::string_view text) {
  std::vector<std::string_view> lines = Lines(text);
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.size() != 2 || lines[0] != kSecretKeyHeader) {
    return InvalidArgumentError(std::string("expected two lines, the first \"") +
                                std::string(kSecretKeyHeader) + "\"");
  }
  StatusOr<std::string> raw = Base64Decode(lines[1]);
  if (!raw.ok()) return InvalidArgumentError("the key line is not valid base64");
  if (raw->size() != kKeyIdBytes + crypto_sign_SEEDBYTES) {
    sodium_memzero(raw->data(), raw->size());
    return InvalidArgumentError("the key line must hold 40 bytes (key ID and seed)");
  }
  StatusOr<SigningKey> key = KeyFromSeed(std::string_view(*raw).substr(0, kKeyIdBytes),
                                         std::string_view(*raw).substr(kKeyIdBytes));
  sodium_memzero(raw->data(), raw->size());
  return key;
}

struct PublicKey {
  std::string key_id;
  std::string public_key;
};

StatusOr<PublicKey> ParsePublicKeyFile(std::string_view text) {
  if (text.size() > kMaxFileBytes) return InvalidArgumentError("the public key file is too big");
  std::vector<std::string_view> lines = Lines(text);
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  // A file (comment line, key line) or the bare key line, as `minisign -P` takes it.
  std::string_view b64;
  if (lines.size() == 1) {
    b64 = lines[0];
  } else if (lines.size() == 2) {
    b64 = lines[1];
  } else {
    return InvalidArgumentError(
        "malformed minisign public key file: expected an \"untrusted comment:\" line and a "
        "base64 key line");
  }
  StatusOr<std::string> raw = Base64Decode(b64);
  if (!raw.ok() || raw->size() != 2 + kKeyIdBytes + crypto_sign_PUBLICKEYBYTES) {
    return InvalidArgumentError(
        "malformed minisign public key: the key line must be the base64 of 42 bytes");
  }
  if (std::string_view(*raw).substr(0, 2) != kAlgEd25519) {
    return InvalidArgumentError("unsupported minisign public key algorithm (only \"Ed\")");
  }
  return PublicKey{raw->substr(2, kKeyIdBytes), raw->substr(2 + kKeyIdBytes)};
}

}  // namespace

SigningKey GenerateSigningKey(Random& random) {
  std::string key_id = random.Bytes(kKeyIdBytes);
  std::string seed = random.Bytes(crypto_sign_SEEDBYTES);
  SigningKey key = *KeyFromSeed(key_id, seed);  // Sizes are right by construction.
  sodium_memzero(seed.data(), seed.size());
  return key;
}

StatusOr<SigningKey> LoadOrCreateSigningKey(FileSystem* fs, const std::string& path,
                                            Random& random) {
  if (!fs->Exists(path)) {
    SigningKey key = GenerateSigningKey(random);
    std::string text = SecretKeyFile(key);
    Status s = fs->CreateDirs(DirName(path));
    if (s.ok()) s = fs->WriteFileAtomic(path, text);
    sodium_memzero(text.data(), text.size());
    if (!s.ok()) return s.WithContext("cannot create the evidence signing key");
    return key;
  }
  StatusOr<int64_t> size = fs->FileSize(path);
  if (!size.ok()) return size.status();
  if (*size > static_cast<int64_t>(kMaxFileBytes)) {
    return DataLossError("evidence signing key " + path + " is malformed: too big");
  }
  StatusOr<std::string> text = fs->ReadFile(path);
  if (!text.ok()) return text.status();
  StatusOr<SigningKey> key = ParseSecretKeyFile(*text);
  sodium_memzero(text->data(), text->size());
  if (!key.ok()) {
    return DataLossError("evidence signing key " + path + " is malformed (" +
                         key.status().message() +
                         "); restore it from backup rather than replacing it: packages signed "
                         "with it can only be checked with its public key");
  }
  return key;
}

std::string KeyIdHex(std::string_view key_id) {
  uint64_t v = 0;
  for (size_t i = 0; i < key_id.size() && i < 8; ++i) {
    v |= static_cast<uint64_t>(static_cast<uint8_t>(key_id[i])) << (8 * i);
  }
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%" PRIX64, v);
  return buf;
}

std::string PublicKeyFile(const SigningKey& key) {
  return std::string(kUntrustedPrefix) + "minisign public key " + KeyIdHex(key.key_id) + "\n" +
         Base64Encode(std::string(kAlgEd25519) + key.key_id + key.public_key) + "\n";
}

Status ValidateTrustedComment(std::string_view comment) {
  if (comment.size() > kMaxTrustedCommentBytes) {
    return InvalidArgumentError("the trusted comment must be at most " +
                                std::to_string(kMaxTrustedCommentBytes) + " bytes, got " +
                                std::to_string(comment.size()));
  }
  for (char c : comment) {
    if (c == '\0' || c == '\r' || c == '\n') {
      return InvalidArgumentError("the trusted comment must be one line without NUL or CR");
    }
  }
  return OkStatus();
}

std::string Sign(const SigningKey& key, std::string_view message,
                 std::string_view trusted_comment) {
  std::string comment(trusted_comment.substr(0, kMaxTrustedCommentBytes));
  for (char& c : comment) {
    if (c == '\0' || c == '\r' || c == '\n') c = ' ';
  }
  const std::string sig = Ed25519Sign(key, Blake2b512(message));
  const std::string global_sig = Ed25519Sign(key, sig + comment);
  return std::string(kUntrustedPrefix) + "signature from canvass evidence key " +
         KeyIdHex(key.key_id) + "\n" +
         Base64Encode(std::string(kAlgEd25519Hashed) + key.key_id + sig) + "\n" +
         std::string(kTrustedPrefix) + comment + "\n" + Base64Encode(global_sig) + "\n";
}

StatusOr<VerifiedSignature> VerifySignature(std::string_view public_key_file,
                                            std::string_view message,
                                            std::string_view signature_file) {
  CANVASS_ASSIGN_OR_RETURN(PublicKey pk, ParsePublicKeyFile(public_key_file));
  if (signature_file.size() > kMaxFileBytes) {
    return InvalidArgumentError("the signature file is too big to be a minisign signature");
  }
  // minisign reads the first four lines and ignores anything after them; so do we.
  std::vector<std::string_view> lines = Lines(signature_file);
  if (lines.size() < 4) {
    return InvalidArgumentError("malformed minisign signature: expected 4 lines, got " +
                                std::to_string(lines.size()));
  }
  if (!lines[0].starts_with(kUntrustedPrefix)) {
    return InvalidArgumentError(
        "malformed minisign signature: the first line must start with \"untrusted comment: \"");
  }
  StatusOr<std::string> sig_struct = Base64Decode(lines[1]);
  if (!sig_struct.ok() || sig_struct->size() != 2 + kKeyIdBytes + crypto_sign_BYTES) {
    return InvalidArgumentError(
        "malformed minisign signature: the second line must be the base64 of 74 bytes");
  }
  if (!lines[2].starts_with(kTrustedPrefix)) {
    return InvalidArgumentError(
        "malformed minisign signature: the third line must start with \"trusted comment: \"");
  }
  std::string_view comment = lines[2].substr(kTrustedPrefix.size());
  // minisign would cut the comment at a NUL or CR and ignore the rest, unsigned: refuse those.
  if (comment.size() > kMaxTrustedCommentBytes ||
      comment.find_first_of(std::string_view("\0\r", 2)) != std::string_view::npos) {
    return InvalidArgumentError(
        "malformed minisign signature: the trusted comment is too long or has a NUL or CR");
  }
  StatusOr<std::string> global_sig = Base64Decode(lines[3]);
  if (!global_sig.ok() || global_sig->size() != crypto_sign_BYTES) {
    return InvalidArgumentError(
        "malformed minisign signature: the fourth line must be the base64 of 64 bytes");
  }
  const std::string_view alg = std::string_view(*sig_struct).substr(0, 2);
  const std::string key_id = sig_struct->substr(2, kKeyIdBytes);
  const std::string sig = sig_struct->substr(2 + kKeyIdBytes);
  if (alg != kAlgEd25519Hashed && alg != kAlgEd25519) {
    return InvalidArgumentError(
        "unsupported minisign signature algorithm (only \"ED\" and legacy \"Ed\")");
  }
  if (key_id != pk.key_id) {
    return FailedPreconditionError("the signature was made by key " + KeyIdHex(key_id) +
                                   ", but the public key given is key " + KeyIdHex(pk.key_id) +
                                   ": use the deployment's evidence public key");
  }
  InitCrypto();
  const bool ok = alg == kAlgEd25519Hashed ? Ed25519Verify(pk.public_key, Blake2b512(message), sig)
                                           : Ed25519Verify(pk.public_key, message, sig);
  if (!ok) {
    return FailedPreconditionError(
        "bad signature: the signed file changed since it was signed, or the signature is forged");
  }
  if (!Ed25519Verify(pk.public_key, sig + std::string(comment), *global_sig)) {
    return FailedPreconditionError(
        "bad trusted comment signature: the trusted comment was edited after signing");
  }
  return VerifiedSignature{key_id, std::string(comment)};
}

Status Verify(std::string_view public_key_file, std::string_view message,
              std::string_view signature_file) {
  return VerifySignature(public_key_file, message, signature_file).status();
}

}  // namespace canvass::evidence
