// The demo town: a small, believable deployment seeded through the services (so every row has
// its audit event): an admin, a verified agency with officer, supervisor and agency admin, a
// legal account, an auditor, and a dozen residents around Springfield, IL, each with a camera
// and a few real (synthetic, H.264) clips.
#pragma once

#include <string>
#include <vector>

#include "api/app.h"

namespace canvass::cli {

struct DemoAccount {
  std::string role;
  std::string username;
  std::string password;
  std::string token;  // bearer API token
};

// Seeds an empty deployment. Passwords and tokens are random and returned.
StatusOr<std::vector<DemoAccount>> SeedDemoTown(api::App& app, Random& random);

// demo-accounts.json: [{"role", "username", "password", "token"}, ...]
std::string DemoAccountsJson(const std::vector<DemoAccount>& accounts);
StatusOr<std::vector<DemoAccount>> ParseDemoAccountsJson(const std::string& text);

}  // namespace canvass::cli
