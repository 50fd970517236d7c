// canvass audit: check the public log from outside, as anyone can.
//   canvass audit verify --url http://HOST:PORT/audit --key KEYFILE [--state FILE]
//   canvass audit verify --dir DIR --key KEYFILE [--state FILE]     (an offline copy)
//   canvass audit mirror --url http://HOST:PORT/audit --out DIR      (make such a copy)
//   canvass audit proof  --url http://HOST:PORT --index N [--size S]
//   canvass audit show   --url http://HOST:PORT/audit [--from N] [--count M]
//
// KEYFILE holds the verifier key published at /audit/key. The state file keeps the last
// checkpoint verified, as a witness would: the next run proves the log only grew since.
#include <boost/json.hpp>
#include <cstdio>
#include <iostream>

#include "api/http_client.h"
#include "audit/merkle.h"
#include "auditlog/verifier.h"
#include "cli/cli.h"
#include "cli/log_key.h"
#include "common/encoding.h"
#include "common/file_system.h"

namespace canvass::cli {
namespace json = boost::json;

namespace {

struct LogSource {
  std::string url;  // http://HOST:PORT/audit
  std::string dir;
};

// Splits "http://HOST:PORT/prefix" into the server and the path prefix.
Status SplitUrl(const std::string& url, std::string* server, std::string* prefix) {
  if (!url.starts_with("http://")) return InvalidArgumentError("--url must start with http://");
  size_t slash = url.find('/', 7);
  *server = url.substr(0, slash);
  *prefix = slash == std::string::npos ? "" : url.substr(slash);
  while (!prefix->empty() && prefix->back() == '/') prefix->pop_back();
  return OkStatus();
}

StatusOr<audit::TileFetcher> MakeFetcher(const LogSource& src) {
  if (!src.dir.empty()) {
    std::string dir = src.dir;
    return audit::TileFetcher([dir](const std::string& path) -> StatusOr<std::string> {
      return FileSystem::Posix()->ReadFile(JoinPath(dir, path));
    });
  }
  std::string server, prefix;
  CANVASS_RETURN_IF_ERROR(SplitUrl(src.url, &server, &prefix));
  CANVASS_ASSIGN_OR_RETURN(auto client, api::HttpClient::Connect(server));
  std::shared_ptr<api::HttpClient> shared(std::move(client));
  return audit::TileFetcher([shared, prefix](const std::string& path) -> StatusOr<std::string> {
    CANVASS_ASSIGN_OR_RETURN(auto r, shared->Send("GET", prefix + "/" + path));
    if (r.status == 404) return NotFoundError("GET " + prefix + "/" + path + ": 404");
    if (r.status != 200) {
      return UnavailableError("GET " + prefix + "/" + path + ": HTTP " + std::to_string(r.status));
    }
    return r.body;
  });
}

// The checkpoint in a note, without checking its signature: for commands that only need the
// tree size (mirror, show, proof); `verify` opens the note with the key.
StatusOr<audit::Checkpoint> UnverifiedCheckpoint(const std::string& note) {
  return audit::ParseCheckpoint(note.substr(0, note.find("\n\n") + 1));
}

int RunVerify(const LogSource& src, const std::string& key_path, const std::string& state_path) {
  if (src.url.empty() == src.dir.empty()) {
    return Fail(InvalidArgumentError("give exactly one of --url and --dir"));
  }
  auto key = ReadLogKey(key_path);
  if (!key.ok()) return Fail(key.status().WithContext("--key " + key_path));
  std::optional<audit::Checkpoint> previous;
  FileSystem* fs = FileSystem::Posix();
  if (!state_path.empty() && fs->Exists(state_path)) {
    auto note = fs->ReadFile(state_path);
    if (!note.ok()) return Fail(note.status());
    auto cp = audit::OpenCheckpoint(*note, *key, key->name());
    if (!cp.ok()) return Fail(cp.status().WithContext("state file " + state_path));
    previous = *cp;
  }
  auto fetch = MakeFetcher(src);
  if (!fetch.ok()) return Fail(fetch.status());
  auto result = VerifyLog(*fetch, *key, previous);
  if (!result.ok()) {
    std::fprintf(stderr, "FAIL: %s\n", result.status().message().c_str());
    return 1;
  }
  if (!state_path.empty()) {
    Status s = fs->WriteFileAtomic(state_path, result->checkpoint_note);
    if (!s.ok()) return Fail(s);
  }
  std::printf("OK: %s, %llu leaves, root %s; %llu entries and %llu tiles checked%s\n",
              result->checkpoint.origin.c_str(),
              static_cast<unsigned long long>(result->checkpoint.size),
              audit::HashHex(result->checkpoint.root).c_str(),
              static_cast<unsigned long long>(result->entries_checked),
              static_cast<unsigned long long>(result->tiles_checked),
              previous ? (", consistent with the checkpoint of " + std::to_string(previous->size) +
                          " leaves seen before")
                             .c_str()
                       : "");
  return 0;
}

int RunMirror(const LogSource& src, const std::string& out) {
  auto fetch = MakeFetcher(src);
  if (!fetch.ok()) return Fail(fetch.status());
  FileSystem* fs = FileSystem::Posix();
  auto note = (*fetch)("checkpoint");
  if (!note.ok()) return Fail(note.status());
  auto cp = UnverifiedCheckpoint(*note);
  if (!cp.ok()) return Fail(cp.status());
  auto save = [&](const std::string& path, const std::string& bytes) {
    std::string full = JoinPath(out, path);
    Status s = fs->CreateDirs(DirName(full));
    return s.ok() ? fs->WriteFileAtomic(full, bytes) : s;
  };
  // Every tile of every level, and every entry bundle, of this checkpoint's tree.
  for (int level = 0;; ++level) {
    uint64_t nodes = level == 0 ? cp->size : cp->size >> (audit::kTileHeight * level);
    if (nodes == 0) break;
    for (uint64_t n = 0; n * audit::kTileWidth < nodes; ++n) {
      int width = audit::TileWidth(level, n, cp->size);
      int partial = width == audit::kTileWidth ? 0 : width;
      std::vector<std::string> paths = {audit::TilePath(level, n, partial)};
      if (level == 0) paths.push_back(audit::EntryBundlePath(n, partial));
      for (const auto& p : paths) {
        auto bytes = (*fetch)(p);
        if (!bytes.ok()) return Fail(bytes.status());
        Status s = save(p, *bytes);
        if (!s.ok()) return Fail(s);
      }
    }
  }
  Status s = save("checkpoint", *note);
  if (!s.ok()) return Fail(s);
  std::printf("mirrored %llu leaves to %s\n", static_cast<unsigned long long>(cp->size),
              out.c_str());
  return 0;
}

int RunProof(const std::string& url, uint64_t index, uint64_t size) {
  auto client = api::HttpClient::Connect(url);
  if (!client.ok()) return Fail(client.status());
  std::string target = "/api/v1/audit/proofs/inclusion?index=" + std::to_string(index) +
                       "&size=" + std::to_string(size);
  if (size == 0) {
    auto cp = (*client)->Send("GET", "/audit/checkpoint");
    if (!cp.ok()) return Fail(cp.status());
    auto parsed = UnverifiedCheckpoint(cp->body);
    if (!parsed.ok()) return Fail(parsed.status());
    target = "/api/v1/audit/proofs/inclusion?index=" + std::to_string(index) +
             "&size=" + std::to_string(parsed->size);
  }
  auto r = (*client)->Send("GET", target);
  if (!r.ok()) return Fail(r.status());
  std::printf("%s\n", r->body.c_str());
  return r->status == 200 ? 0 : 1;
}

int RunShow(const LogSource& src, uint64_t from, uint64_t count) {
  auto fetch = MakeFetcher(src);
  if (!fetch.ok()) return Fail(fetch.status());
  auto note = (*fetch)("checkpoint");
  if (!note.ok()) return Fail(note.status());
  auto cp = UnverifiedCheckpoint(*note);
  if (!cp.ok()) return Fail(cp.status());
  uint64_t end = std::min<uint64_t>(cp->size, count == 0 ? cp->size : from + count);
  for (uint64_t n = from / audit::kTileWidth; n * audit::kTileWidth < end; ++n) {
    int width = audit::TileWidth(0, n, cp->size);
    auto bundle = (*fetch)(audit::EntryBundlePath(n, width == audit::kTileWidth ? 0 : width));
    if (!bundle.ok()) return Fail(bundle.status());
    auto entries = audit::DecodeEntryBundle(*bundle, width);
    if (!entries.ok()) return Fail(entries.status());
    for (int i = 0; i < width; ++i) {
      uint64_t index = n * audit::kTileWidth + static_cast<uint64_t>(i);
      if (index < from || index >= end) continue;
      std::printf("{\"index\":%llu,\"leaf\":%s}\n", static_cast<unsigned long long>(index),
                  (*entries)[static_cast<size_t>(i)].c_str());
    }
  }
  return 0;
}

}  // namespace

void AddAuditCommands(CLI::App& app, Runner* run) {
  CLI::App* audit = app.add_subcommand("audit", "Verify and read the public audit log");
  audit->require_subcommand(1);
  {
    auto src = std::make_shared<LogSource>();
    auto key = std::make_shared<std::string>();
    auto state = std::make_shared<std::string>();
    CLI::App* cmd = audit->add_subcommand("verify", "Verify the whole log and its checkpoint");
    cmd->add_option("--url", src->url, "the log, e.g. http://127.0.0.1:8080/audit");
    cmd->add_option("--dir", src->dir, "an offline copy (canvass audit mirror)");
    cmd->add_option("--key", *key, "file with the verifier key from /audit/key")->required();
    cmd->add_option("--state", *state, "witness state: the last checkpoint verified");
    cmd->callback([=] { *run = [=] { return RunVerify(*src, *key, *state); }; });
  }
  {
    auto src = std::make_shared<LogSource>();
    auto out = std::make_shared<std::string>();
    CLI::App* cmd = audit->add_subcommand("mirror", "Copy the log's checkpoint and tiles to a dir");
    cmd->add_option("--url", src->url, "the log, e.g. http://127.0.0.1:8080/audit")->required();
    cmd->add_option("--out", *out, "directory to write")->required();
    cmd->callback([=] { *run = [=] { return RunMirror(*src, *out); }; });
  }
  {
    auto url = std::make_shared<std::string>("http://127.0.0.1:8080");
    auto index = std::make_shared<uint64_t>(0);
    auto size = std::make_shared<uint64_t>(0);
    CLI::App* cmd = audit->add_subcommand("proof", "Print the inclusion proof of a leaf");
    cmd->add_option("--url", *url, "the server");
    cmd->add_option("--index", *index, "leaf index")->required();
    cmd->add_option("--size", *size, "tree size (default: the latest checkpoint)");
    cmd->callback([=] { *run = [=] { return RunProof(*url, *index, *size); }; });
  }
  {
    auto src = std::make_shared<LogSource>();
    auto from = std::make_shared<uint64_t>(0);
    auto count = std::make_shared<uint64_t>(0);
    CLI::App* cmd = audit->add_subcommand("show", "Print leaves as JSON lines");
    cmd->add_option("--url", src->url, "the log, e.g. http://127.0.0.1:8080/audit");
    cmd->add_option("--dir", src->dir, "an offline copy");
    cmd->add_option("--from", *from, "first leaf index");
    cmd->add_option("--count", *count, "how many (default: all)");
    cmd->callback([=] { *run = [=] { return RunShow(*src, *from, *count); }; });
  }
}

}  // namespace canvass::cli
