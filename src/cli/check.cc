// canvass check: fsck for the database and the disk. Prints each problem; exits 1 if any.
#include <cstdio>

#include "api/app.h"
#include "auditlog/verifier.h"
#include "cli/cli.h"
#include "clips/clip_check.h"
#include "retention/retention_check.h"

namespace canvass::cli {

namespace {

int RunCheck(const CommonFlags& flags, bool repair) {
  auto config = LoadConfig(flags);
  if (!config.ok()) return Fail(config.status());
  FileSystem* fs = FileSystem::Posix();
  if (!fs->Exists(JoinPath(config->server.data_dir, "canvass.db"))) {
    return Fail(NotFoundError("no database in " + config->server.data_dir +
                              "; is --data-dir right? (`canvass serve` creates one)"));
  }
  // Opening applies pending migrations; a database from a newer Canvass is refused here.
  auto app = api::App::Open({*config});
  if (!app.ok()) return Fail(app.status());
  api::Services& s = (*app)->services();
  std::vector<std::string> problems;
  auto version = s.store->SchemaVersion();
  if (!version.ok()) return Fail(version.status());
  if (*version != s.store->ExpectedSchemaVersion()) {
    problems.push_back("schema version " + std::to_string(*version) + ", expected " +
                       std::to_string(s.store->ExpectedSchemaVersion()));
  }
  auto report = CheckClips(*s.store, *s.clips, *fs, repair);
  if (!report.ok()) return Fail(report.status());
  for (auto& p : report->problems) problems.push_back(std::move(p));
  auto evidence = (*app)->evidence_locker().Check(*s.store, repair);
  if (!evidence.ok()) return Fail(evidence.status());
  for (auto& p : evidence->problems) problems.push_back(std::move(p));
  // Nothing kept past its retention (docs/design/retention.md, "Checking").
  auto retained = retention::CheckRetention(*s.store, *s.plates, *fs, (*app)->config(),
                                            s.clock->NowMicros(), repair);
  if (!retained.ok()) return Fail(retained.status());
  for (auto& p : retained->problems) problems.push_back(std::move(p));
  // The audit log, as an outside verifier sees it (opening the app already checked that the
  // stored tiles reproduce the latest checkpoint's root, and integrated pending events).
  auto key = audit::Verifier::Parse(s.audit->VerifierKey());
  if (!key.ok()) return Fail(key.status());
  auto log = VerifyLog(s.audit->LocalFetcher(), *key, std::nullopt);
  if (!log.ok()) problems.push_back("audit log: " + log.status().message());
  for (const auto& p : problems) std::printf("problem: %s\n", p.c_str());
  std::printf(
      "checked schema v%d, %lld clips and %lld evidence items (%lld bytes decrypted and "
      "hashed), %lld plate reads and %lld crop packs against retention, %llu audit leaves; "
      "%zu problem%s",
      *version, static_cast<long long>(report->clips_checked),
      static_cast<long long>(evidence->items_checked),
      static_cast<long long>(report->bytes_checked + evidence->bytes_checked),
      static_cast<long long>(retained->reads_checked),
      static_cast<long long>(retained->packs_checked),
      static_cast<unsigned long long>(log.ok() ? log->entries_checked : 0), problems.size(),
      problems.size() == 1 ? "" : "s");
  if (repair)
    std::printf("; %lld orphan files removed, %lld crop ranges zeroed or packs removed",
                static_cast<long long>(report->orphans_removed + evidence->orphans_removed),
                static_cast<long long>(retained->repaired));
  std::printf("\n");
  return problems.empty() ? 0 : 1;
}

}  // namespace

void AddCheckCommand(CLI::App& app, Runner* run) {
  auto flags = std::make_shared<CommonFlags>();
  auto repair = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("check", "Check the database and the stored clips (fsck)");
  AddCommonFlags(cmd, flags.get(), /*with_listen=*/false);
  cmd->add_flag("--repair", *repair, "remove orphan files (never rows)");
  cmd->callback(
      [run, flags, repair] { *run = [flags, repair] { return RunCheck(*flags, *repair); }; });
}

}  // namespace canvass::cli
