// canvass demo: the server on SQLite under --data-dir (default var/demo), seeded on first run
// with the demo town; writes DIR/demo-accounts.json and prints the URL and the logins.
#include <spdlog/spdlog.h>

#include <cstdio>

#include "api/app.h"
#include "cli/cli.h"
#include "cli/demo_town.h"

namespace canvass::cli {

namespace {

int RunDemo(CommonFlags flags) {
  // The demo's own defaults stand in for the config file's when there is none.
  if (flags.config_path.empty()) {
    if (flags.data_dir.empty()) flags.data_dir = "var/demo";
    if (flags.listen.empty()) flags.listen = "127.0.0.1:8080";
  }
  auto config = LoadConfig(flags);
  if (!config.ok()) return Fail(config.status());
  if (config->deployment.name.empty()) config->deployment.name = "demo.canvass.local";
  config->auth.secure_cookies = false;  // plain http on loopback; browsers drop Secure cookies on 127.0.0.1 otherwise
  BlockTerminationSignals();
  auto app = api::App::Open({*config});
  if (!app.ok()) return Fail(app.status());
  FileSystem* fs = FileSystem::Posix();
  const std::string accounts_path = JoinPath(config->server.data_dir, "demo-accounts.json");
  std::vector<DemoAccount> accounts;
  if (fs->Exists(accounts_path)) {
    auto text = fs->ReadFile(accounts_path);
    if (!text.ok()) return Fail(text.status());
    auto parsed = ParseDemoAccountsJson(*text);
    if (!parsed.ok()) return Fail(parsed.status());
    accounts = std::move(parsed).value();
    spdlog::info("reusing the demo town in {}", config->server.data_dir);
  } else {
    spdlog::info("seeding the demo town in {} (a few seconds)", config->server.data_dir);
    auto seeded = SeedDemoTown(**app, *Random::System());
    if (!seeded.ok()) {
      return Fail(seeded.status().WithContext(
          "seeding failed; remove " + config->server.data_dir + " and try again"));
    }
    accounts = std::move(seeded).value();
    Status w = fs->WriteFileAtomic(accounts_path, DemoAccountsJson(accounts));
    if (!w.ok()) return Fail(w);
  }
  Status s = (*app)->Start();
  if (!s.ok()) return Fail(s);
  std::printf("\nCanvass demo is running at %s\n\n", (*app)->BaseUrl().c_str());
  std::printf("  %-13s %-18s %s\n", "role", "username", "password");
  for (const auto& a : accounts) {
    std::printf("  %-13s %-18s %s\n", a.role.c_str(), a.username.c_str(), a.password.c_str());
  }
  std::printf("\nLogins and API tokens: %s\nTry: curl -H \"Authorization: Bearer $TOKEN\" %s/api/v1/me\n"
              "Stop with Ctrl-C.\n\n",
              accounts_path.c_str(), (*app)->BaseUrl().c_str());
  std::fflush(stdout);
  std::string sig = WaitForTermination();
  spdlog::info("{}: stopping", sig);
  (*app)->Shutdown();
  return 0;
}

}  // namespace

void AddDemoCommand(CLI::App& app, Runner* run) {
  auto flags = std::make_shared<CommonFlags>();
  CLI::App* cmd = app.add_subcommand("demo", "Run the server seeded with a small demo town");
  AddCommonFlags(cmd, flags.get(), /*with_listen=*/true);
  cmd->callback([run, flags] { *run = [flags] { return RunDemo(*flags); }; });
}

}  // namespace canvass::cli
