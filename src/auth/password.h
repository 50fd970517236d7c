// Password hashing with argon2id (libsodium crypto_pwhash_str): salted, memory-hard, and the
// cost parameters are stored inside the hash, so raising the cost never breaks old hashes.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace canvass::auth {

// Cost names as in config (auth.password_cost): minimum, interactive, moderate, sensitive.
StatusOr<std::string> HashPassword(std::string_view password, std::string_view cost);
// Constant-time with respect to the password; false for a malformed hash.
bool VerifyPassword(std::string_view hash, std::string_view password);
// 10 to 1024 bytes; the message says which limit was broken.
Status CheckPasswordPolicy(std::string_view password);

}  // namespace canvass::auth
