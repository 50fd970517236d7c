// TestApp: a real Canvass server (App) on a fresh data directory and an ephemeral loopback port,
// with helpers to make accounts, tokens and cameras directly through the services.
#pragma once

#include <memory>
#include <string>

#include "api/app.h"
#include "api/http_client.h"

namespace canvass::testing {

class TestApp {
 public:
  // Starts the server unless start = false (for in-process Handle tests).
  explicit TestApp(bool start = true, Config config = DefaultConfig(),
                   const Clock* clock = nullptr);
  ~TestApp();

  static Config DefaultConfig();

  api::App& app() { return *app_; }
  api::Services& services() { return app_->services(); }
  std::string url() const { return app_->BaseUrl(); }
  const std::string& data_dir() const { return data_dir_; }
  std::unique_ptr<api::HttpClient> Client();

  struct Login {
    Account account;
    std::string token;  // bearer API token
  };
  // Creates an account (agency roles join the test agency) and an API token for it.
  Login Make(Role role, const std::string& username);
  // The same, for an agency role in another agency.
  Login Make(Role role, const std::string& username, const std::string& agency_id);
  // A camera of `owner`; returns the device token.
  std::string MakeCamera(const Login& owner, const std::string& name = "porch");
  std::string MakeCamera(const Login& owner, const std::string& name, LatLng location,
                         SharingPreference sharing = SharingPreference::kAsk);
  // A licence-plate reader of the test agency (registered by a new agency admin); returns its
  // token.
  std::string MakeReader(const std::string& name = "Main St northbound",
                         LatLng location = LatLng{39.8, -89.65});
  const Agency& agency() const { return agency_; }

 private:
  void ScanPublicLeaves();

  std::string data_dir_;
  std::unique_ptr<api::App> app_;
  Agency agency_;
};

api::HttpClient::Headers Bearer(const std::string& token);

}  // namespace canvass::testing
