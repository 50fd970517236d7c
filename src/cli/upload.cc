// canvass upload: what a camera agent does with one clip, from the command line.
//   canvass upload --server http://127.0.0.1:8080 --device-token cvd_...
//                  --started-at 2026-11-29T08:00:00Z [--ended-at ...] [--e2ee] FILE
#include <cstdio>

#include "agent/clip_uploader.h"
#include "cli/cli.h"
#include "common/file_system.h"
#include "common/time_format.h"
#include "media/probe.h"

namespace canvass::cli {

void AddUploadCommand(CLI::App& app, Runner* run) {
  struct Opts {
    std::string server = "http://127.0.0.1:8080", token, started, ended, file;
    bool e2ee = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("upload", "Upload a clip as a camera's agent (resumable)");
  cmd->add_option("--server", o->server, "server URL");
  cmd->add_option("--device-token", o->token, "the camera's device token")
      ->envname("CANVASS_DEVICE_TOKEN")->required();
  cmd->add_option("--started-at", o->started, "RFC 3339 start of the recording")->required();
  cmd->add_option("--ended-at", o->ended, "RFC 3339 end (default: start + probed duration)");
  cmd->add_flag("--e2ee", o->e2ee, "seal the clip to the owner's key before sending");
  cmd->add_option("file", o->file, "the video file")->required();
  cmd->callback([run, o] {
    *run = [o]() -> int {
      InitCrypto();
      auto bytes = FileSystem::Posix()->ReadFile(o->file);
      if (!bytes.ok()) return Fail(bytes.status());
      agent::UploadOptions u;
      u.server_url = o->server;
      u.device_token = o->token;
      u.e2ee = o->e2ee;
      auto start = ParseRfc3339(o->started);
      if (!start.ok()) return Fail(start.status());
      u.started_at_us = *start;
      if (!o->ended.empty()) {
        auto end = ParseRfc3339(o->ended);
        if (!end.ok()) return Fail(end.status());
        u.ended_at_us = *end;
      } else {
        auto info = media::ProbeVideoFile(o->file);
        if (!info.ok()) return Fail(info.status());
        u.ended_at_us = u.started_at_us + info->duration_us;
      }
      u.progress = [](int64_t done, int64_t total) {
        std::fprintf(stderr, "\r%lld / %lld bytes", static_cast<long long>(done),
                     static_cast<long long>(total));
      };
      auto r = agent::UploadClip(*bytes, u, *Random::System());
      std::fprintf(stderr, "\n");
      if (!r.ok()) return Fail(r.status());
      std::printf("%s\n", r->clip_json.c_str());
      return 0;
    };
  });
}

}  // namespace canvass::cli
