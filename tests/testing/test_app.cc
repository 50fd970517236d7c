#include "testing/test_app.h"

#include <gtest/gtest.h>

#include "testing/fault_file_system.h"

namespace canvass::testing {

Config TestApp::DefaultConfig() {
  Config c;
  c.server.listen = "127.0.0.1:0";
  c.server.threads = 2;
  c.server.shutdown_grace_ms = 5000;
  c.auth.password_cost = "minimum";
  c.auth.allow_weak_passwords = true;
  c.log.level = "warn";
  return c;
}

TestApp::TestApp(bool start, Config config, const Clock* clock) {
  data_dir_ = FreshTestDir();
  config.server.data_dir = data_dir_;
  auto app = api::App::Open({config, clock});
  if (!app.ok()) {
    ADD_FAILURE() << app.status().ToString();
    std::abort();
  }
  app_ = std::move(app).value();
  auto agency = services().agencies->Create(
      Principal::System(),
      {"Test PD", "IL", false, {{39.7, -89.8}, {39.7, -89.5}, {39.9, -89.5}, {39.9, -89.8}}});
  agency_ = *agency;
  EXPECT_TRUE(services().agencies->Verify(Principal::System(), agency_.id).ok());
  agency_ = *services().agencies->Get(Principal::System(), agency_.id);
  if (start) {
    Status s = app_->Start();
    if (!s.ok()) {
      ADD_FAILURE() << s.ToString();
      std::abort();
    }
  }
}

TestApp::~TestApp() {
  app_->Shutdown();  // integrates every event into a signed checkpoint
  ScanPublicLeaves();
}

// Every leaf any test produced: public records must hold no person, place or object. The
// needles are everything private the store knows: usernames, display names, camera names, exact
// coordinates, and the ids of accounts, cameras, clips, uploads and motion events.
void TestApp::ScanPublicLeaves() {
  Store* store = services().store;
  std::vector<std::string> needles = {"acc_", "cam_", "clp_", "upl_", "mot_",
                                      "tok_", "req_", "evd_", "shr_"};
  auto accounts = store->ListAccounts("");
  ASSERT_TRUE(accounts.ok());
  for (const auto& a : *accounts) {
    if (a.username.size() >= 4) needles.push_back(a.username);
    if (a.display_name.size() >= 4) needles.push_back(a.display_name);
    auto cams = store->ListCamerasByOwner(a.id);
    ASSERT_TRUE(cams.ok());
    for (const auto& c : *cams) {
      if (c.name.size() >= 4) needles.push_back(c.name);
      needles.push_back(std::to_string(c.location.lat_deg).substr(0, 6));
      needles.push_back(std::to_string(c.location.lng_deg).substr(0, 7));
    }
  }
  // Role names are public vocabulary; a test account named "officer" is not a leak.
  std::erase_if(needles, [](const std::string& n) { return ParseRole(n).ok(); });
  auto rows = store->ReadAuditRows(0, 1'000'000);
  ASSERT_TRUE(rows.ok());
  for (const auto& row : *rows) {
    ASSERT_FALSE(row.leaf.empty()) << "leaf " << row.index << " was never integrated";
    for (const auto& n : needles) {
      // A needle that is itself a token (a username like "owner") could only leak as a whole
      // field value; anything else must not appear at all.
      bool token =
          n.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.") == std::string::npos &&
          !n.ends_with("_");
      std::string probe = token ? "\"" + n + "\"" : n;
      EXPECT_EQ(row.leaf.find(probe), std::string::npos)
          << "public leaf " << row.index << " contains private '" << n << "': " << row.leaf;
    }
  }
}

std::unique_ptr<api::HttpClient> TestApp::Client() {
  auto c = api::HttpClient::Connect(url());
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return std::move(c).value();
}

TestApp::Login TestApp::Make(Role role, const std::string& username) {
  return Make(role, username, IsAgencyRole(role) ? agency_.id : "");
}

TestApp::Login TestApp::Make(Role role, const std::string& username, const std::string& agency_id) {
  auto a = services().accounts->CreateAccount(Principal::System(),
                                              {username, "", "password1234", role, agency_id});
  EXPECT_TRUE(a.ok()) << a.status().ToString();
  Principal p;
  p.kind = Principal::Kind::kAccount;
  p.account = *a;
  auto t = services().accounts->CreateApiToken(p, "test");
  EXPECT_TRUE(t.ok());
  return {*a, *t};
}

std::string TestApp::MakeCamera(const Login& owner, const std::string& name) {
  return MakeCamera(owner, name, LatLng{39.8, -89.65});
}

std::string TestApp::MakeCamera(const Login& owner, const std::string& name, LatLng location,
                                SharingPreference sharing) {
  Principal p = *services().accounts->Authenticate("", owner.token);
  CameraInput in;
  in.name = name;
  in.location = location;
  in.sharing = sharing;
  auto cam = services().cameras->Create(p, in);
  EXPECT_TRUE(cam.ok()) << cam.status().ToString();
  return cam->device_token;
}

std::string TestApp::MakeReader(const std::string& name, LatLng location) {
  static int n = 0;
  Login admin = Make(Role::kAgencyAdmin, "reader-admin-" + std::to_string(++n));
  Principal p = *services().accounts->Authenticate("", admin.token);
  auto r = services().plates->RegisterReader(p, {name, location, 90});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r->token;
}

api::HttpClient::Headers Bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

}  // namespace canvass::testing
