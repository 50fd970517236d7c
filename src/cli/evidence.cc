// canvass evidence: evidence export packages (docs/design/evidence.md).
//   canvass evidence verify PACKAGE --key PUBFILE
//
// PACKAGE is the .tar file or its unpacked folder; PUBFILE is the deployment's evidence public
// key (a minisign .pub file), obtained from the deployment, never from the package. The same
// check with standard tools only: `minisign -Vm SHA256SUMS -p PUBFILE` then
// `sha256sum -c SHA256SUMS` in the unpacked folder.
#include <cstdio>

#include "cli/cli.h"
#include "common/file_system.h"
#include "evidence/package.h"

namespace canvass::cli {

namespace {

// Exit 0 if the package verifies, 1 otherwise (whatever the reason: a court wants a plain
// yes or no, and the message says why).
int RunVerify(const std::string& package, const std::string& key_path) {
  InitCrypto();
  auto key = FileSystem::Posix()->ReadFile(key_path);
  if (!key.ok()) {
    std::fprintf(stderr, "error: --key %s: %s\n", key_path.c_str(), key.status().message().c_str());
    return 1;
  }
  auto report = evidence::VerifyPackage(package, *key);
  if (!report.ok()) {
    std::fprintf(stderr, "error: %s\n", report.status().message().c_str());
    return 1;
  }
  std::printf("package %s: signature OK (key %s), %d files match SHA256SUMS\n",
              report->name.c_str(), report->key_id.c_str(), report->files_checked);
  std::printf("trusted comment: %s\n", report->trusted_comment.c_str());
  return 0;
}

}  // namespace

void AddEvidenceCommands(CLI::App& app, Runner* run) {
  CLI::App* evidence = app.add_subcommand("evidence", "Evidence export packages");
  evidence->require_subcommand(1);
  {
    auto package = std::make_shared<std::string>();
    auto key = std::make_shared<std::string>();
    CLI::App* cmd = evidence->add_subcommand(
        "verify", "Check an evidence package's signature and every file's hash");
    cmd->add_option("package", *package, "the package: a .tar file or its unpacked folder")
        ->required();
    cmd->add_option("--key", *key, "the deployment's evidence public key (minisign .pub file)")
        ->required();
    cmd->callback(
        [run, package, key] { *run = [package, key] { return RunVerify(*package, *key); }; });
  }
}

}  // namespace canvass::cli
