// SHA-256 through OpenSSL (which uses the CPU's SHA extensions where present).
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace canvass {

using Sha256Digest = std::array<unsigned char, 32>;

// Incremental hashing. Not thread-safe; copyable (copies the state).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256& other);
  Sha256& operator=(const Sha256& other);
  void Update(std::string_view data) { Update(data.data(), data.size()); }
  void Update(const void* data, size_t n);
  Sha256Digest Finish();

 private:
  evp_md_ctx_st* ctx_;
};

Sha256Digest Sha256Of(std::string_view data);
std::string Sha256Hex(std::string_view data);
std::string DigestHex(const Sha256Digest& d);
std::string DigestBytes(const Sha256Digest& d);

// HMAC-SHA-256 (used for keyed, non-reversible naming of secrets and case numbers).
Sha256Digest HmacSha256(std::string_view key, std::string_view data);

}  // namespace canvass
