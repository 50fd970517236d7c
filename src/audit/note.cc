#include "audit/note.h"

#include <sodium.h>

#include <cstdio>
#include <cstring>

#include "common/encoding.h"
#include "common/sha256.h"

namespace canvass::audit {
namespace {

constexpr std::string_view kEmDashSpace = "\xE2\x80\x94 ";  // U+2014 EM DASH, then a space.
constexpr std::string_view kSignerPrefix = "PRIVATE+KEY+";

// Decodes one UTF-8 code point at s[*pos], advancing *pos; -1 if the bytes there are not valid
// UTF-8 (truncated, overlong, surrogate or above U+10FFFF).
int32_t NextCodePoint(std::string_view s, size_t* pos) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const uint8_t b0 = byte(*pos);
  if (b0 < 0x80) {
    ++*pos;
    return b0;
  }
  int len;
  int32_t cp;
  int32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return -1;
  }
  if (s.size() - *pos < static_cast<size_t>(len)) return -1;
  for (int i = 1; i < len; ++i) {
    const uint8_t b = byte(*pos + i);
    if ((b & 0xC0) != 0x80) return -1;
    cp = cp << 6 | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  *pos += len;
  return cp;
}

// Unicode White_Space (what Go's unicode.IsSpace reports).
bool IsUnicodeSpace(int32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

// Valid UTF-8 without ASCII control characters (below U+0020) other than newline.
Status ValidateText(std::string_view text, std::string_view what) {
  for (size_t pos = 0; pos < text.size();) {
    const size_t at = pos;
    const int32_t cp = NextCodePoint(text, &pos);
    if (cp < 0)
      return InvalidArgumentError(std::string(what) + " is not valid UTF-8 at byte " +
                                  std::to_string(at));
    if (cp < 0x20 && cp != '\n') {
      return InvalidArgumentError(std::string(what) + " has a control character at byte " +
                                  std::to_string(at));
    }
  }
  return OkStatus();
}

std::string KeyIdHex(uint32_t id) {
  char buf[9];
  std::snprintf(buf, sizeof(buf), "%08x", id);
  return buf;
}

StatusOr<uint32_t> ParseKeyIdHex(std::string_view hex) {
  if (hex.size() != 8) {
    return InvalidArgumentError("the key ID must be 8 hex digits, got " +
                                std::to_string(hex.size()) + " characters");
  }
  uint32_t id = 0;
  for (char c : hex) {
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    } else {
      return InvalidArgumentError("the key ID must be 8 hex digits");
    }
    id = id << 4 | static_cast<uint32_t>(v);
  }
  return id;
}

// Decodes base64(0x01 || 32 bytes) into `out`.
Status DecodeTypedKey(std::string_view b64, const char* what, uint8_t* out) {
  StatusOr<std::string> raw = Base64Decode(b64);
  if (!raw.ok()) return InvalidArgumentError(std::string("the ") + what + " is not valid base64");
  if (raw->size() != 33) {
    return InvalidArgumentError(std::string("the ") + what + " must be 33 bytes (type byte and " +
                                "32-byte key), got " + std::to_string(raw->size()));
  }
  if (static_cast<uint8_t>((*raw)[0]) != kSignatureTypeEd25519) {
    char buf[5];
    std::snprintf(buf, sizeof(buf), "0x%02x", static_cast<uint8_t>((*raw)[0]));
    return InvalidArgumentError(std::string("unsupported key type ") + buf +
                                " (only 0x01, Ed25519, is supported)");
  }
  std::memcpy(out, raw->data() + 1, 32);
  sodium_memzero(raw->data(), raw->size());
  return OkStatus();
}

std::string TypedKeyBase64(const uint8_t* key32) {
  std::string raw(33, '\0');
  raw[0] = static_cast<char>(kSignatureTypeEd25519);
  std::memcpy(raw.data() + 1, key32, 32);
  std::string out = Base64Encode(raw);
  sodium_memzero(raw.data(), raw.size());
  return out;
}

// Splits "<name>+<id>+<base64>" at its first two '+' (names have none; base64 may).
bool SplitThree(std::string_view s, std::string_view parts[3]) {
  size_t p1 = s.find('+');
  if (p1 == std::string_view::npos) return false;
  size_t p2 = s.find('+', p1 + 1);
  if (p2 == std::string_view::npos) return false;
  parts[0] = s.substr(0, p1);
  parts[1] = s.substr(p1 + 1, p2 - p1 - 1);
  parts[2] = s.substr(p2 + 1);
  return true;
}

// Canonical decimal below 2^64: digits only, no leading zero unless "0".
bool ParseDecimal(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

}  // namespace

Status ValidateKeyName(std::string_view name) {
  if (name.empty()) return InvalidArgumentError("key name is empty");
  for (size_t pos = 0; pos < name.size();) {
    const int32_t cp = NextCodePoint(name, &pos);
    if (cp < 0) return InvalidArgumentError("key name is not valid UTF-8");
    if (cp == '+') return InvalidArgumentError("key name contains '+'");
    if (IsUnicodeSpace(cp)) return InvalidArgumentError("key name contains white space");
    if (cp < 0x20) return InvalidArgumentError("key name has a control character");
  }
  return OkStatus();
}

uint32_t Ed25519KeyId(std::string_view name, const PublicKey& public_key) {
  Sha256 h;
  h.Update(name);
  const uint8_t sep[2] = {0x0A, kSignatureTypeEd25519};
  h.Update(sep, sizeof(sep));
  h.Update(public_key.data(), public_key.size());
  const Sha256Digest d = h.Finish();
  return static_cast<uint32_t>(d[0]) << 24 | static_cast<uint32_t>(d[1]) << 16 |
         static_cast<uint32_t>(d[2]) << 8 | static_cast<uint32_t>(d[3]);
}

// ---- Verifier ----

StatusOr<Verifier> Verifier::FromPublicKey(std::string_view name, const PublicKey& public_key) {
  CANVASS_RETURN_IF_ERROR(ValidateKeyName(name));
  Verifier v;
  v.name_ = std::string(name);
  v.public_key_ = public_key;
  v.key_id_ = Ed25519KeyId(name, public_key);
  return v;
}

StatusOr<Verifier> Verifier::Parse(std::string_view verifier_key) {
  std::string_view parts[3];
  if (!SplitThree(verifier_key, parts)) {
    return InvalidArgumentError(
        "malformed verifier key: want <name>+<8 hex digits>+<base64 key>, three '+'-separated "
        "fields");
  }
  Status name_ok = ValidateKeyName(parts[0]);
  if (!name_ok.ok()) return name_ok.WithContext("malformed verifier key");
  StatusOr<uint32_t> id = ParseKeyIdHex(parts[1]);
  if (!id.ok()) return id.status().WithContext("malformed verifier key");
  PublicKey pk;
  Status key_ok = DecodeTypedKey(parts[2], "public key", pk.data());
  if (!key_ok.ok()) return key_ok.WithContext("malformed verifier key");
  CANVASS_ASSIGN_OR_RETURN(Verifier v, FromPublicKey(parts[0], pk));
  if (v.key_id_ != *id) {
    return InvalidArgumentError("malformed verifier key: key ID " + KeyIdHex(*id) +
                                " does not match the name and public key (expected " +
                                KeyIdHex(v.key_id_) + ")");
  }
  return v;
}

std::string Verifier::ToString() const {
  return name_ + "+" + KeyIdHex(key_id_) + "+" + TypedKeyBase64(public_key_.data());
}

bool Verifier::Verify(std::string_view message, const Signature& signature) const {
  InitCrypto();
  return crypto_sign_verify_detached(signature.data(),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), public_key_.data()) == 0;
}

// ---- Signer ----

StatusOr<Signer> Signer::FromSeed(std::string_view name, const uint8_t* seed) {
  CANVASS_RETURN_IF_ERROR(ValidateKeyName(name));
  InitCrypto();
  Signer s;
  s.name_ = std::string(name);
  if (crypto_sign_seed_keypair(s.public_key_.data(), s.secret_key_.data(), seed) != 0) {
    return InternalError("libsodium could not derive an Ed25519 key pair");
  }
  s.key_id_ = Ed25519KeyId(name, s.public_key_);
  return s;
}

StatusOr<Signer> Signer::Generate(std::string_view name, Random& random) {
  uint8_t seed[crypto_sign_SEEDBYTES];
  random.Fill(seed);
  StatusOr<Signer> s = FromSeed(name, seed);
  sodium_memzero(seed, sizeof(seed));
  return s;
}

StatusOr<Signer> Signer::Parse(std::string_view signer_key) {
  // Messages here must never echo the key string: it is a secret.
  if (!signer_key.starts_with(kSignerPrefix)) {
    return InvalidArgumentError("malformed signer key: it must start with \"PRIVATE+KEY+\"");
  }
  std::string_view parts[3];
  if (!SplitThree(signer_key.substr(kSignerPrefix.size()), parts)) {
    return InvalidArgumentError(
        "malformed signer key: want PRIVATE+KEY+<name>+<8 hex digits>+<base64 seed>");
  }
  Status name_ok = ValidateKeyName(parts[0]);
  if (!name_ok.ok()) return name_ok.WithContext("malformed signer key");
  StatusOr<uint32_t> id = ParseKeyIdHex(parts[1]);
  if (!id.ok()) return id.status().WithContext("malformed signer key");
  uint8_t seed[32];
  Status key_ok = DecodeTypedKey(parts[2], "seed", seed);
  if (!key_ok.ok()) return key_ok.WithContext("malformed signer key");
  StatusOr<Signer> s = FromSeed(parts[0], seed);
  sodium_memzero(seed, sizeof(seed));
  if (!s.ok()) return s;
  if (s->key_id_ != *id) {
    return InvalidArgumentError("malformed signer key: key ID " + KeyIdHex(*id) +
                                " does not match the name and key");
  }
  return s;
}

Signer::~Signer() { sodium_memzero(secret_key_.data(), secret_key_.size()); }

Verifier Signer::verifier() const {
  Verifier v;
  v.name_ = name_;
  v.key_id_ = key_id_;
  v.public_key_ = public_key_;
  return v;
}

std::string Signer::ToString() const {
  // libsodium's secret key starts with the seed.
  return std::string(kSignerPrefix) + name_ + "+" + KeyIdHex(key_id_) + "+" +
         TypedKeyBase64(secret_key_.data());
}

Signature Signer::Sign(std::string_view message) const {
  InitCrypto();
  Signature sig;
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), secret_key_.data());
  return sig;
}

// ---- Notes ----

StatusOr<std::string> SignNote(std::string_view text, const Signer& signer) {
  if (text.empty() || text.back() != '\n') {
    return InvalidArgumentError("note text must be non-empty and end with a newline");
  }
  CANVASS_RETURN_IF_ERROR(ValidateText(text, "note text"));
  const Signature sig = signer.Sign(text);
  std::string blob(4 + sig.size(), '\0');
  const uint32_t id = signer.key_id();
  blob[0] = static_cast<char>(id >> 24);
  blob[1] = static_cast<char>(id >> 16);
  blob[2] = static_cast<char>(id >> 8);
  blob[3] = static_cast<char>(id);
  std::memcpy(blob.data() + 4, sig.data(), sig.size());

  std::string note;
  note.reserve(text.size() + signer.name().size() + 100);
  note.append(text);
  note.push_back('\n');
  note.append(kEmDashSpace);
  note.append(signer.name());
  note.push_back(' ');
  note.append(Base64Encode(blob));
  note.push_back('\n');
  return note;
}

StatusOr<std::string> OpenNote(std::string_view note, const Verifier& verifier) {
  if (note.size() > kMaxNoteBytes) {
    return InvalidArgumentError("note is " + std::to_string(note.size()) +
                                " bytes, more than the limit of " + std::to_string(kMaxNoteBytes));
  }
  CANVASS_RETURN_IF_ERROR(ValidateText(note, "note"));
  if (note.empty() || note.back() != '\n') {
    return InvalidArgumentError("note does not end with a newline");
  }
  // The text ends at the last blank line; signature lines follow it.
  const size_t blank = note.rfind("\n\n");
  if (blank == std::string_view::npos) {
    return InvalidArgumentError("note has no blank line between its text and signatures");
  }
  const std::string_view text = note.substr(0, blank + 1);
  std::string_view sigs = note.substr(blank + 2);
  if (sigs.empty()) return InvalidArgumentError("note has no signature lines");

  size_t count = 0;
  bool verified = false;
  while (!sigs.empty()) {
    const size_t eol = sigs.find('\n');  // Present: the note ends with a newline.
    std::string_view line = sigs.substr(0, eol);
    sigs.remove_prefix(eol + 1);
    const std::string where = "signature line " + std::to_string(count + 1);
    if (++count > kMaxNoteSignatures) {
      return InvalidArgumentError("note has more than " + std::to_string(kMaxNoteSignatures) +
                                  " signatures");
    }
    if (!line.starts_with(kEmDashSpace)) {
      return InvalidArgumentError(where + " does not start with an em dash (U+2014) and a space");
    }
    line.remove_prefix(kEmDashSpace.size());
    const size_t space = line.find(' ');
    if (space == std::string_view::npos) {
      return InvalidArgumentError(where + " has no space between key name and signature");
    }
    const std::string_view name = line.substr(0, space);
    const std::string_view b64 = line.substr(space + 1);
    Status name_ok = ValidateKeyName(name);
    if (!name_ok.ok()) return name_ok.WithContext(where);
    StatusOr<std::string> blob = Base64Decode(b64);
    if (!blob.ok()) return InvalidArgumentError(where + ": the signature is not valid base64");
    if (blob->size() < 5) {
      return InvalidArgumentError(where + ": the signature is shorter than a key ID and one byte");
    }
    const auto b = [&](int i) { return static_cast<uint32_t>(static_cast<uint8_t>((*blob)[i])); };
    const uint32_t id = b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
    if (name != verifier.name() || id != verifier.key_id()) continue;  // Unknown key: ignored.
    Signature sig;
    if (blob->size() != 4 + sig.size()) {
      return UnauthenticatedError("the signature by " + verifier.name() + " is " +
                                  std::to_string(blob->size() - 4) +
                                  " bytes, an Ed25519 signature is 64");
    }
    std::memcpy(sig.data(), blob->data() + 4, sig.size());
    if (!verifier.Verify(text, sig)) {
      return UnauthenticatedError("the signature by " + verifier.name() + "+" +
                                  KeyIdHex(verifier.key_id()) + " does not verify");
    }
    verified = true;
  }
  if (!verified) {
    return UnauthenticatedError("note is not signed by " + verifier.name() + "+" +
                                KeyIdHex(verifier.key_id()));
  }
  return std::string(text);
}

// ---- Checkpoints ----

StatusOr<std::string> FormatCheckpoint(const Checkpoint& checkpoint) {
  const auto check_line = [](std::string_view line, const std::string& what) -> Status {
    if (line.empty()) return InvalidArgumentError("checkpoint " + what + " is empty");
    if (line.find('\n') != std::string_view::npos) {
      return InvalidArgumentError("checkpoint " + what + " contains a newline");
    }
    return ValidateText(line, "checkpoint " + what);
  };
  CANVASS_RETURN_IF_ERROR(check_line(checkpoint.origin, "origin"));
  for (size_t i = 0; i < checkpoint.extensions.size(); ++i) {
    CANVASS_RETURN_IF_ERROR(
        check_line(checkpoint.extensions[i], "extension line " + std::to_string(i + 1)));
  }
  std::string out = checkpoint.origin;
  out.push_back('\n');
  out.append(std::to_string(checkpoint.size));
  out.push_back('\n');
  out.append(Base64Encode(std::string_view(reinterpret_cast<const char*>(checkpoint.root.data()),
                                           checkpoint.root.size())));
  out.push_back('\n');
  for (const std::string& e : checkpoint.extensions) {
    out.append(e);
    out.push_back('\n');
  }
  return out;
}

StatusOr<Checkpoint> ParseCheckpoint(std::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return InvalidArgumentError("checkpoint does not end with a newline");
  }
  CANVASS_RETURN_IF_ERROR(ValidateText(text, "checkpoint"));
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < text.size();) {
    const size_t eol = text.find('\n', start);
    lines.push_back(text.substr(start, eol - start));
    start = eol + 1;
  }
  if (lines.size() < 3) {
    return InvalidArgumentError("checkpoint has " + std::to_string(lines.size()) +
                                " lines, needs origin, tree size and root hash");
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) {
      return InvalidArgumentError("checkpoint line " + std::to_string(i + 1) + " is empty");
    }
  }
  Checkpoint c;
  c.origin = std::string(lines[0]);
  if (!ParseDecimal(lines[1], &c.size)) {
    return InvalidArgumentError(
        "checkpoint tree size (line 2) is not a decimal number below 2^64 without leading zeros");
  }
  StatusOr<std::string> root = Base64Decode(lines[2]);
  if (!root.ok() || root->size() != c.root.size() || Base64Encode(*root) != lines[2]) {
    return InvalidArgumentError(
        "checkpoint root hash (line 3) is not the padded base64 of 32 bytes");
  }
  std::memcpy(c.root.data(), root->data(), c.root.size());
  for (size_t i = 3; i < lines.size(); ++i) c.extensions.emplace_back(lines[i]);
  return c;
}

StatusOr<Checkpoint> OpenCheckpoint(std::string_view note, const Verifier& verifier,
                                    std::string_view origin) {
  CANVASS_ASSIGN_OR_RETURN(std::string text, OpenNote(note, verifier));
  CANVASS_ASSIGN_OR_RETURN(Checkpoint c, ParseCheckpoint(text));
  if (c.origin != origin) {
    return UnauthenticatedError("checkpoint is for origin \"" + c.origin.substr(0, 200) +
                                "\", expected \"" + std::string(origin) + "\"");
  }
  return c;
}

}  // namespace canvass::audit
