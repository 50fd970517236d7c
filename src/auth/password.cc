#include "auth/password.h"

#include <sodium.h>

#include "common/random.h"

namespace canvass::auth {

StatusOr<std::string> HashPassword(std::string_view password, std::string_view cost) {
  InitCrypto();
  unsigned long long ops;
  size_t mem;
  if (cost == "minimum") {
    ops = crypto_pwhash_OPSLIMIT_MIN;
    mem = crypto_pwhash_MEMLIMIT_MIN;
  } else if (cost == "interactive") {
    ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  } else if (cost == "moderate") {
    ops = crypto_pwhash_OPSLIMIT_MODERATE;
    mem = crypto_pwhash_MEMLIMIT_MODERATE;
  } else if (cost == "sensitive") {
    ops = crypto_pwhash_OPSLIMIT_SENSITIVE;
    mem = crypto_pwhash_MEMLIMIT_SENSITIVE;
  } else {
    return InvalidArgumentError("unknown password cost '" + std::string(cost) + "'");
  }
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return ResourceExhaustedError("out of memory hashing a password");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  InitCrypto();
  std::string h(hash);  // must be NUL-terminated
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

Status CheckPasswordPolicy(std::string_view password) {
  if (password.size() < 10) return InvalidArgumentError("password must be at least 10 characters");
  if (password.size() > 1024) return InvalidArgumentError("password must be at most 1024 bytes");
  return OkStatus();
}

}  // namespace canvass::auth
