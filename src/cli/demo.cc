// canvass demo: the server on SQLite under --data-dir (default var/demo), seeded on first run
// with the demo town; writes DIR/demo-accounts.json and prints the URL and the logins. Unless
// --no-agents, it then runs the demo town's traffic (docs/design/agent.md, "Demo town"): videos
// of the simulated streets under DIR/town/, an in-process edge agent for five cameras fed by
// them: motion clips and alerts appear by themselves, and the ALPR cameras run the plate engine
// (src/recognize) on their video, so plate reads and hot-list hits appear by themselves too;
// and a DemoScript plays out incidents (requests, answers, hit triage, plate searches, legal
// demands) every few minutes.
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "agent/agent.h"
#include "api/app.h"
#include "cli/cli.h"
#include "cli/demo_script.h"
#include "cli/demo_town.h"
#include "media/synthetic_video.h"

namespace canvass::cli {

namespace {

// The demo town's moving parts, stopped (clips in progress finished) by Stop or the destructor.
class DemoTown {
 public:
  ~DemoTown() { Stop(); }

  Status Start(api::App& app, const std::vector<DemoAccount>& accounts,
               const std::string& data_dir) {
    FileSystem* fs = FileSystem::Posix();
    const media::TownSim sim = DemoTownSim();
    const std::string cameras_path = JoinPath(data_dir, "demo-cameras.json");
    std::vector<DemoCamera> cameras;
    if (fs->Exists(cameras_path)) {
      CANVASS_ASSIGN_OR_RETURN(std::string text, fs->ReadFile(cameras_path));
      CANVASS_ASSIGN_OR_RETURN(cameras, ParseDemoCamerasJson(text));
    } else {
      CANVASS_ASSIGN_OR_RETURN(cameras, SeedDemoCameras(app, accounts, sim, *Random::System()));
      CANVASS_RETURN_IF_ERROR(fs->WriteFileAtomic(cameras_path, DemoCamerasJson(cameras)));
    }
    const std::string town = JoinPath(data_dir, "town");
    CANVASS_RETURN_IF_ERROR(fs->CreateDirs(town));
    std::string toml = "[agent]\nserver = \"" + app.BaseUrl() + "\"\ndata_dir = \"" +
                       JoinPath(town, "agent") + "\"\nheartbeat_interval_s = 60\n";
    for (size_t i = 0; i < sim.cameras.size(); ++i) {
      const std::string& name = sim.cameras[i].spec.name;
      auto cam = std::find_if(cameras.begin(), cameras.end(),
                              [&](const DemoCamera& c) { return c.name == name; });
      if (cam == cameras.end()) {
        return DataLossError(cameras_path + " has no camera '" + name + "'; remove " + data_dir +
                             " and start the demo again");
      }
      // The file name carries the rendering's version: a demo directory kept from an older
      // build gets the current videos (v2: plates in a plate font; v3: ALPR lanes seen along).
      const std::string video = JoinPath(town, "camera-" + std::to_string(i) + "-v3.mp4");
      if (!fs->Exists(video)) {
        const auto t0 = std::chrono::steady_clock::now();
        CANVASS_RETURN_IF_ERROR(media::WriteSyntheticVideo(video, media::CameraVideo(sim, i)));
        spdlog::info("demo town: wrote {} ({}, {} vehicles a loop) in {} ms", video, name,
                     sim.cameras[i].passes.size(),
                     std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - t0)
                         .count());
      }
      toml += "\n[[camera]]\nname = \"" + name + "\"\nsource = \"" + video +
              "\"\nkind = \"" + cam->kind + "\"\ndevice_token = \"" + cam->device_token +
              "\"\nloop = true\n";
      if (!cam->reader_token.empty()) {
        toml += "reader_token = \"" + cam->reader_token + "\"\nplate_state = \"IL\"\n";
      }
    }
    const std::string config_path = JoinPath(town, "agent.toml");
    CANVASS_RETURN_IF_ERROR(fs->WriteFileAtomic(config_path, toml));
    CANVASS_ASSIGN_OR_RETURN(agent::AgentConfig config, agent::LoadAgentConfig(config_path));
    agent_ = std::make_unique<agent::Agent>(config, SystemClock::Get(), agent::Sleeper::Real(),
                                            Random::System(), fs);
    CANVASS_RETURN_IF_ERROR(agent_->Start());
    // The incidents, 100 s in (the first clips and reads have arrived), then every 150 s.
    script_ = std::make_unique<DemoScript>(app.services(), accounts);
    script_thread_ = std::thread(
        [this] { script_->Run(std::chrono::seconds(100), std::chrono::seconds(150)); });
    std::printf("\nThe demo town runs (simulated traffic; %lld-second loops; agent config %s):\n",
                static_cast<long long>(sim.options.loop_ms / 1000), config_path.c_str());
    for (size_t i = 0; i < sim.cameras.size(); ++i) {
      const auto& c = sim.cameras[i];
      std::printf("  %-28s %-8s %2zu vehicles a loop%s%s\n", c.spec.name.c_str(),
                  c.spec.alpr ? "alpr" : "resident", c.passes.size(), c.spec.night ? ", night" : "",
                  c.spec.alpr ? ", plate reads" : ", motion clips and alerts");
    }
    std::printf("An incident every 150 s from 100 s on: a footage request, residents' answers, a "
                "hot-list hit triaged and searched, a preservation demand.\n");
    return OkStatus();
  }

  void Stop() {
    if (script_) script_->Stop();
    if (script_thread_.joinable()) script_thread_.join();
    if (agent_) agent_->Stop();
    agent_.reset();
  }

 private:
  std::unique_ptr<agent::Agent> agent_;
  std::unique_ptr<DemoScript> script_;
  std::thread script_thread_;
};

int RunDemo(CommonFlags flags, bool agents) {
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
  DemoTown town;
  if (agents) {
    Status t = town.Start(**app, accounts, config->server.data_dir);
    if (!t.ok()) {
      spdlog::error("the demo town's agents did not start ({}); the server runs without them",
                    t.message());
    }
    std::fflush(stdout);
  }
  std::string sig = WaitForTermination();
  spdlog::info("{}: stopping", sig);
  town.Stop();  // the agents first: their last uploads still find the server
  (*app)->Shutdown();
  return 0;
}

}  // namespace

void AddDemoCommand(CLI::App& app, Runner* run) {
  auto flags = std::make_shared<CommonFlags>();
  CLI::App* cmd = app.add_subcommand("demo", "Run the server seeded with a small demo town");
  AddCommonFlags(cmd, flags.get(), /*with_listen=*/true);
  auto no_agents = std::make_shared<bool>(false);
  cmd->add_flag("--no-agents", *no_agents,
                "serve the seeded town only: no simulated traffic, agents or plate reads");
  cmd->callback([run, flags, no_agents] {
    *run = [flags, no_agents] { return RunDemo(*flags, !*no_agents); };
  });
}

}  // namespace canvass::cli
