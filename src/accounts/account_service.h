// AccountService: accounts, logins, sessions and API tokens.
//
// Who may create whom (deny by default):
//   anonymous     -> resident (when auth.resident_signup is on)
//   admin         -> any role
//   agency_admin  -> officer, supervisor or agency_admin of its own agency
//   everyone else -> nobody
// Credentials: browser sessions (cookie holding a random token; the store keeps only its SHA-256
// and a CSRF token), bearer API tokens "cvs_..." and camera device tokens "cvd_..." (hash only).
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <memory>
#include <string>

#include "auth/login_throttle.h"
#include "auth/principal.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/random.h"
#include "store/store.h"

namespace canvass {

struct NewAccount {
  std::string username;
  std::string display_name;
  std::string password;
  Role role = Role::kResident;
  std::string agency_id;
};

struct LoginResult {
  Account account;
  std::string session_token;  // The cookie value; shown once.
  std::string csrf_token;
  int64_t expires_at_us = 0;
};

class AccountService {
 public:
  AccountService(Store* store, const Clock* clock, Random* random, const AuthConfig& config);

  StatusOr<Account> CreateAccount(const Principal& actor, const NewAccount& in);
  // Refuses with Unauthenticated ("wrong username or password") without saying which, and with
  // ResourceExhausted and the seconds to wait when throttled.
  StatusOr<LoginResult> Login(const std::string& username, const std::string& password,
                              const std::string& client_address);
  Status Logout(const Principal& actor);
  // Returns the token ("cvs_..."); only its hash is stored.
  StatusOr<std::string> CreateApiToken(const Principal& actor, const std::string& label);
  StatusOr<Account> GetAccount(const Principal& actor, const std::string& id);
  StatusOr<std::vector<Account>> ListAccounts(const Principal& actor);
  Status SetDisabled(const Principal& actor, const std::string& id, bool disabled);
  // Sets (or, with an empty key, clears) the X25519 key clips are sealed to.
  Status SetE2eePublicKey(const Principal& actor, const std::string& raw_key);

  // Resolves credentials to a principal. `cookie_token` is the session cookie's value,
  // `bearer` the Authorization: Bearer value; either may be empty (then: anonymous).
  // Unknown, expired or disabled credentials are Unauthenticated.
  StatusOr<Principal> Authenticate(const std::string& cookie_token, const std::string& bearer);

  // Seconds until the throttle lets this key try again (for Retry-After).
  int64_t RetryAfterSeconds(const std::string& key) { return throttle_.RetryAfterSeconds(key); }

 private:
  StatusOr<Principal> PrincipalForAccount(Account account, Principal::Via via);

  Store* store_;
  const Clock* clock_;
  Random* random_;
  AuthConfig config_;
  auth::LoginThrottle throttle_;
  std::string dummy_hash_;  // Verified against for unknown usernames, to even out timing.
};

// [a-z0-9._-]{3,64}, starting with a letter or digit.
Status ValidateUsername(std::string_view username);

}  // namespace canvass
