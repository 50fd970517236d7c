// Config: every option of a Canvass deployment, with its default. Read from a TOML file
// (toml++), then overridden by command-line flags, then validated once at start-up.
// docs/ref/config.md lists every option; keep it in step with this file.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace canvass {

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";   // HOST:PORT; loopback by default.
  std::string data_dir = "var/canvass";    // Database, clip blobs, keys, uploads.
  int threads = 0;                         // 0: one per core (at least 2).
  int64_t max_header_bytes = 16 * 1024;    // Request line plus headers.
  int64_t max_body_bytes = 1024 * 1024;    // JSON bodies.
  int64_t request_timeout_ms = 30'000;     // Whole request, read to last byte written.
  int64_t shutdown_grace_ms = 10'000;      // In-flight requests may finish this long on SIGTERM.
};

struct DeploymentConfig {
  // The deployment's name: the audit log's origin line and the issuer of signed exports, for
  // example "canvass.springfield.gov". It never changes for a data directory. Empty: the name
  // the data directory's audit signing key was made for, or "canvass.local" for a new one.
  std::string name;
};

struct AuthConfig {
  // Argon2id cost: "interactive" (64 MiB, libsodium's INTERACTIVE), "moderate" (256 MiB),
  // "sensitive" (1 GiB) or "minimum" (for tests only; refused unless allow_weak_passwords).
  std::string password_cost = "interactive";
  bool allow_weak_passwords = false;       // Test deployments only.
  int64_t session_ttl_s = 12 * 3600;       // Browser sessions end this long after login.
  int login_max_failures = 5;              // Failures per username or address in the window...
  int64_t login_window_s = 15 * 60;        // ...within this window lock logins...
  int64_t login_lockout_s = 15 * 60;       // ...for this long.
  bool resident_signup = true;             // Residents may create their own accounts.
  bool secure_cookies = true;              // Set the Secure flag (browsers accept it on localhost).
};

struct ClipsConfig {
  int default_retention_days = 60;
  int max_retention_days = 180;
  int64_t max_clip_bytes = 512LL * 1024 * 1024;
  int64_t max_clip_duration_s = 15 * 60;
  int64_t max_upload_chunk_bytes = 8LL * 1024 * 1024;  // Multiple of 1 MiB (the segment size).
  int64_t max_future_skew_s = 300;         // Clip end times may be this far ahead of the server.
  int64_t upload_ttl_s = 24 * 3600;        // Unfinished uploads are discarded after this.
};

struct AuditConfig {
  // How often new audit events are integrated and a checkpoint signed (group commit of the
  // public log). Also done at shutdown.
  int64_t checkpoint_interval_ms = 1000;
};

struct LogConfig {
  std::string level = "info";   // trace, debug, info, warn, error
  std::string format = "text";  // text or json
};

struct Config {
  ServerConfig server;
  DeploymentConfig deployment;
  AuthConfig auth;
  ClipsConfig clips;
  AuditConfig audit;
  LogConfig log;

  // Checks every option; the message names the option and the allowed range.
  Status Validate() const;
};

// Reads a TOML file. Unknown keys are errors (a typo must not silently keep a default).
StatusOr<Config> LoadConfigFile(const std::string& path);
// Parses TOML text (for tests and for `canvass demo`).
StatusOr<Config> ParseConfig(std::string_view toml_text, std::string_view source_name);

// Splits "HOST:PORT" (IPv6 as "[::1]:8080").
Status ParseListenAddress(std::string_view listen, std::string* host, uint16_t* port);

}  // namespace canvass
