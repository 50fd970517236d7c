// canvass agent: the edge agent beside the cameras (docs/design/agent.md).
//   canvass agent --config agent.toml [--log-level info] [--log-format text]
//   canvass agent synth --out town.mp4 [--seconds 60] [--width 1280] [--height 720] [--fps 10]
//                       [--night] [--seed 1] [--still] [--vehicles-per-minute 6]
//                       [--people-per-minute 4]
// `synth` writes the synthetic street video the demo, tests and benchmarks feed to agents.
#include <cstdio>

#include "agent/agent.h"
#include "agent/sleeper.h"
#include "cli/cli.h"
#include "common/log.h"
#include "media/synthetic_video.h"

namespace canvass::cli {

void AddAgentCommand(CLI::App& app, Runner* run) {
  struct Opts {
    std::string config, log_level = "info", log_format = "text";
    std::string out;
    int seconds = 60, width = 1280, height = 720, fps = 10;
    int vehicles_per_minute = 6, people_per_minute = 4;
    uint32_t seed = 1;
    bool night = false, still = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "agent", "Run the edge agent: cameras in, motion clips and plate reads out");
  cmd->add_option("--config", o->config, "agent TOML file (docs/ref/agent-config.md)");
  cmd->add_option("--log-level", o->log_level, "trace, debug, info, warn or error");
  cmd->add_option("--log-format", o->log_format, "text or json");
  CLI::App* synth = cmd->add_subcommand("synth", "Write a synthetic street video (MP4)");
  synth->add_option("--out", o->out, "output file")->required();
  synth->add_option("--seconds", o->seconds, "length")->check(CLI::Range(1, 600));
  synth->add_option("--width", o->width, "pixels (even)");
  synth->add_option("--height", o->height, "pixels (even)");
  synth->add_option("--fps", o->fps, "frames a second")->check(CLI::Range(1, 60));
  synth->add_option("--seed", o->seed, "picks plates, colours and timing");
  synth->add_option("--vehicles-per-minute", o->vehicles_per_minute, "traffic")
      ->check(CLI::Range(0, 60));
  synth->add_option("--people-per-minute", o->people_per_minute, "pedestrians")
      ->check(CLI::Range(0, 60));
  synth->add_flag("--night", o->night, "a night scene");
  synth->add_flag("--still", o->still, "nothing moves");
  synth->callback([run, o] {
    *run = [o]() -> int {
      media::TownSceneOptions t{.width = o->width,
                                .height = o->height,
                                .fps = o->fps,
                                .duration_ms = o->seconds * 1000LL,
                                .night = o->night,
                                .vehicles_per_minute = o->vehicles_per_minute,
                                .people_per_minute = o->people_per_minute,
                                .seed = o->seed};
      if (o->still) t.vehicles_per_minute = t.people_per_minute = 0;
      media::SyntheticVideoOptions v = media::TownScene(t);
      Status s = media::WriteSyntheticVideo(o->out, v);
      if (!s.ok()) return Fail(s);
      for (const auto& obj : v.objects) {
        if (!obj.plate.empty()) {
          std::printf("%s vehicle %lld-%lld ms plate %s\n", o->out.c_str(),
                      static_cast<long long>(obj.start_ms), static_cast<long long>(obj.end_ms),
                      obj.plate.c_str());
        }
      }
      return 0;
    };
  });
  cmd->callback([run, o, synth] {
    if (synth->parsed()) return;
    *run = [o]() -> int {
      if (o->config.empty()) return Fail(InvalidArgumentError("--config is required"));
      Status logging = InitLogging(o->log_level, o->log_format);
      if (!logging.ok()) return Fail(logging);
      auto config = agent::LoadAgentConfig(o->config);
      if (!config.ok()) return Fail(config.status());
      InitCrypto();
      BlockTerminationSignals();
      agent::Agent a(*config, SystemClock::Get(), agent::Sleeper::Real(), Random::System(),
                     FileSystem::Posix());
      Status started = a.Start();
      if (!started.ok()) return Fail(started);
      std::fprintf(stderr, "canvass agent: %zu cameras, sending to %s\n", config->cameras.size(),
                   config->server.c_str());
      const std::string sig = WaitForTermination();
      spdlog::info("agent: {}; finishing clips in progress", sig);
      a.Stop();
      return 0;
    };
  });
}

}  // namespace canvass::cli
