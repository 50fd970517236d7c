// canvass serve: run the server until SIGTERM or SIGINT, then finish in-flight requests.
#include <spdlog/spdlog.h>

#include "api/app.h"
#include "cli/cli.h"

namespace canvass::cli {

void AddServeCommand(CLI::App& app, Runner* run) {
  auto flags = std::make_shared<CommonFlags>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the Canvass server");
  AddCommonFlags(cmd, flags.get(), /*with_listen=*/true);
  cmd->callback([run, flags] {
    *run = [flags]() -> int {
      auto config = LoadConfig(*flags);
      if (!config.ok()) return Fail(config.status());
      BlockTerminationSignals();
      auto app = api::App::Open({*config});
      if (!app.ok()) return Fail(app.status());
      Status s = (*app)->Start();
      if (!s.ok()) return Fail(s);
      spdlog::info("canvass serving {} from {}", (*app)->BaseUrl(), config->server.data_dir);
      std::string sig = WaitForTermination();
      spdlog::info("{}: finishing in-flight requests", sig);
      (*app)->Shutdown();
      spdlog::info("stopped");
      return 0;
    };
  });
}

}  // namespace canvass::cli
