// Random: the one source of randomness (ids, tokens, salts, keys). Injected so that tests can
// make ids reproducible; production uses libsodium's CSPRNG.
//
// Thread-safety: implementations are safe to call from any thread.
#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <string>

namespace canvass {

class Random {
 public:
  virtual ~Random() = default;
  virtual void Fill(std::span<uint8_t> out) = 0;

  std::string Bytes(size_t n);
  // An unguessable id: `prefix` + "_" + 20 base32 characters (100 bits).
  std::string NewId(std::string_view prefix);
  // A secret token: `prefix` + "_" + 43 base64url characters (256 bits).
  std::string NewToken(std::string_view prefix);

  // libsodium's randombytes_buf. Process-wide; requires sodium_init (see InitCrypto).
  static Random* System();
};

// Deterministic (xorshift) randomness for tests. Never use for secrets.
class DeterministicRandom final : public Random {
 public:
  explicit DeterministicRandom(uint64_t seed) : state_(seed ? seed : 1) {}
  void Fill(std::span<uint8_t> out) override;

 private:
  std::mutex mu_;
  uint64_t state_;
};

// Initialises libsodium once. Aborts if it cannot (no entropy source).
void InitCrypto();

// True if `id` is `prefix` + "_" + 20 base32 characters. Used to reject path tricks early.
bool IsWellFormedId(std::string_view id, std::string_view prefix);

}  // namespace canvass
