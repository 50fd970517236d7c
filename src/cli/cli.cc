#include "cli/cli.h"

#include <signal.h>

#include <cstdio>

#include "common/log.h"

namespace canvass::cli {

void AddCommonFlags(CLI::App* cmd, CommonFlags* f, bool with_listen) {
  cmd->add_option("--config", f->config_path, "TOML config file (see docs/ref/config.md)");
  cmd->add_option("--data-dir", f->data_dir, "data directory (database, keys, clips)");
  if (with_listen) cmd->add_option("--listen", f->listen, "HOST:PORT to listen on");
  cmd->add_option("--log-level", f->log_level, "trace, debug, info, warn or error");
  cmd->add_option("--log-format", f->log_format, "text or json");
}

StatusOr<Config> LoadConfig(const CommonFlags& f) {
  Config c;
  if (!f.config_path.empty()) {
    CANVASS_ASSIGN_OR_RETURN(c, LoadConfigFile(f.config_path));
  }
  if (!f.data_dir.empty()) c.server.data_dir = f.data_dir;
  if (!f.listen.empty()) c.server.listen = f.listen;
  if (!f.log_level.empty()) c.log.level = f.log_level;
  if (!f.log_format.empty()) c.log.format = f.log_format;
  CANVASS_RETURN_IF_ERROR(c.Validate());
  CANVASS_RETURN_IF_ERROR(InitLogging(c.log.level, c.log.format));
  return c;
}

int Fail(const Status& status) {
  std::fprintf(stderr, "error: %s\n", status.message().c_str());
  return status.code() == Code::kInvalidArgument ? 2 : 1;
}

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

std::string WaitForTermination() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
  return sig == SIGTERM ? "SIGTERM" : "SIGINT";
}

int RunCli(int argc, char** argv) {
  CLI::App app{"Canvass: community footage requests and plate reads, done in the open"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "canvass 0.1.0");
  Runner run;
  AddServeCommand(app, &run);
  AddDemoCommand(app, &run);
  AddCheckCommand(app, &run);
  AddAdminCommands(app, &run);
  AddUploadCommand(app, &run);
  AddAgentCommand(app, &run);
  AddE2eeCommands(app, &run);
  AddShareCommand(app, &run);
  AddAuditCommands(app, &run);
  AddEvidenceCommands(app, &run);
  AddRecognizeCommand(app, &run);
  AddReportCommands(app, &run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return run ? run() : 0;
}

}  // namespace canvass::cli
