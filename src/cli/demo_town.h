// The demo town: a small, believable deployment seeded through the services (so every row has
// its audit event): an admin, a verified agency with officer, supervisor and agency admin, a
// legal account, an auditor, and a dozen residents around Springfield, IL, each with a camera
// and a few real (synthetic, H.264) clips.
#pragma once

#include <string>
#include <vector>

#include "api/app.h"
#include "media/town_sim.h"

namespace canvass::cli {

struct DemoAccount {
  std::string role;
  std::string username;
  std::string password;
  std::string token;  // bearer API token
};

// Seeds an empty deployment. Passwords and tokens are random and returned.
StatusOr<std::vector<DemoAccount>> SeedDemoTown(api::App& app, Random& random);

// The principal of a seeded demo account (by its API token).
StatusOr<Principal> DemoPrincipal(api::Services& s, const std::vector<DemoAccount>& accounts,
                                  const std::string& username);

// demo-accounts.json: [{"role", "username", "password", "token"}, ...]
std::string DemoAccountsJson(const std::vector<DemoAccount>& accounts);
StatusOr<std::vector<DemoAccount>> ParseDemoAccountsJson(const std::string& text);

// The demo town's traffic (media/town_sim.h): its vehicles, three residents' cameras (Elm St
// doorbell by day, Oak St driveway by night, Maple St driveway) and two ALPR cameras on poles.
media::TownSim DemoTownSim();

// A camera an agent runs in the demo, with its credentials.
struct DemoCamera {
  std::string name;          // as in DemoTownSim() and the agent config
  std::string kind;          // "doorbell", "outdoor" or "alpr"
  std::string device_token;  // cvd_...
  std::string reader_token;  // cvl_..., alpr only
};

// Credentials for the demo's agents, on a seeded town: fresh device tokens for the residents'
// cameras of `sim`; for its ALPR cameras, camera records owned by "city.streets" (a
// resident-role account standing for the city's public works: cameras belong to residents, and
// the agent needs a device token for motion clips) and a plate reader each, registered by the
// agency admin; and the agency's "Demo hot list" holding three plates that pass the readers.
StatusOr<std::vector<DemoCamera>> SeedDemoCameras(api::App& app,
                                                  const std::vector<DemoAccount>& accounts,
                                                  const media::TownSim& sim, Random& random);

// demo-cameras.json: [{"name", "kind", "device_token", "reader_token"}, ...]
std::string DemoCamerasJson(const std::vector<DemoCamera>& cameras);
StatusOr<std::vector<DemoCamera>> ParseDemoCamerasJson(const std::string& text);

}  // namespace canvass::cli
