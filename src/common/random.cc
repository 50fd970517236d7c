#include "common/random.h"

#include <sodium.h>

#include <cstdlib>
#include <cstdio>

#include "common/encoding.h"

namespace canvass {
namespace {

constexpr char kBase32[] = "abcdefghijklmnopqrstuvwxyz234567";
constexpr size_t kIdChars = 20;

class SodiumRandom final : public Random {
 public:
  void Fill(std::span<uint8_t> out) override { randombytes_buf(out.data(), out.size()); }
};

}  // namespace

void InitCrypto() {
  static const bool ok = [] { return sodium_init() >= 0; }();
  if (!ok) {
    std::fprintf(stderr, "fatal: libsodium could not be initialised (no entropy source?)\n");
    std::abort();
  }
}

Random* Random::System() {
  InitCrypto();
  static SodiumRandom r;
  return &r;
}

std::string Random::Bytes(size_t n) {
  std::string out(n, '\0');
  Fill({reinterpret_cast<uint8_t*>(out.data()), n});
  return out;
}

std::string Random::NewId(std::string_view prefix) {
  uint8_t raw[kIdChars];
  Fill(raw);
  std::string out(prefix);
  out += '_';
  for (uint8_t b : raw) out += kBase32[b & 31];
  return out;
}

std::string Random::NewToken(std::string_view prefix) {
  std::string raw = Bytes(32);
  return std::string(prefix) + "_" + Base64UrlEncode(raw);
}

void DeterministicRandom::Fill(std::span<uint8_t> out) {
  std::lock_guard lock(mu_);
  for (auto& b : out) {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    b = static_cast<uint8_t>(state_ >> 24);
  }
}

bool IsWellFormedId(std::string_view id, std::string_view prefix) {
  if (id.size() != prefix.size() + 1 + kIdChars) return false;
  if (id.substr(0, prefix.size()) != prefix || id[prefix.size()] != '_') return false;
  for (char c : id.substr(prefix.size() + 1)) {
    if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) return false;
  }
  return true;
}

}  // namespace canvass
