// The `canvass` command line: one file per subcommand, each registering itself on the CLI11 app.
// apps/canvass/main.cc only calls RunCli.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#include "common/config.h"
#include "common/status.h"

namespace canvass::cli {

// Flags shared by every command that opens a data directory.
struct CommonFlags {
  std::string config_path;
  std::string data_dir;
  std::string listen;
  std::string log_level;
  std::string log_format;
};

// Adds --config, --data-dir, --listen (when with_listen), --log-level, --log-format.
void AddCommonFlags(CLI::App* cmd, CommonFlags* flags, bool with_listen);
// Reads the config file (if any), applies flags over it, validates, and sets up logging.
StatusOr<Config> LoadConfig(const CommonFlags& flags);

// The command chosen on the command line sets this; main runs it. Returns the exit code.
using Runner = std::function<int()>;

void AddServeCommand(CLI::App& app, Runner* run);
void AddDemoCommand(CLI::App& app, Runner* run);
void AddCheckCommand(CLI::App& app, Runner* run);
void AddAdminCommands(CLI::App& app, Runner* run);
void AddUploadCommand(CLI::App& app, Runner* run);
// agent: the edge agent (src/cli/agent.cc)
void AddAgentCommand(CLI::App& app, Runner* run);
void AddE2eeCommands(CLI::App& app, Runner* run);
void AddShareCommand(CLI::App& app, Runner* run);
void AddAuditCommands(CLI::App& app, Runner* run);
void AddEvidenceCommands(CLI::App& app, Runner* run);
void AddRecognizeCommand(CLI::App& app, Runner* run);
void AddReportCommands(CLI::App& app, Runner* run);

int RunCli(int argc, char** argv);

// Prints "error: <message>" to stderr and returns 1 (2 for bad usage).
int Fail(const Status& status);

// Blocks SIGINT and SIGTERM in this thread (and the threads it starts later), so that
// WaitForTermination can take them synchronously.
void BlockTerminationSignals();
// Waits for SIGINT or SIGTERM; returns its name.
std::string WaitForTermination();

}  // namespace canvass::cli
