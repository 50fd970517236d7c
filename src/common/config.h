// Config: every option of a Canvass deployment, with its default. Read from a TOML file
// (toml++), then overridden by command-line flags, then validated once at start-up.
// docs/ref/config.md lists every option; keep it in step with this file.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace canvass {

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; loopback by default.
  std::string data_dir = "var/canvass";   // Database, clip blobs, keys, uploads.
  // The built web UI (web/dist), served as static files outside /api/ and /audit/; a relative
  // path is from the working directory. Empty, or no index.html there: the built-in page.
  std::string web_dir = "web/dist";
  int threads = 0;                        // 0: one per core (at least 2).
  int64_t max_header_bytes = 16 * 1024;   // Request line plus headers.
  int64_t max_body_bytes = 1024 * 1024;   // JSON bodies.
  int64_t request_timeout_ms = 30'000;    // Whole request, read to last byte written.
  int64_t shutdown_grace_ms = 10'000;     // In-flight requests may finish this long on SIGTERM.
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
  bool allow_weak_passwords = false;  // Test deployments only.
  int64_t session_ttl_s = 12 * 3600;  // Browser sessions end this long after login.
  int login_max_failures = 5;         // Failures per username or address in the window...
  int64_t login_window_s = 15 * 60;   // ...within this window lock logins...
  int64_t login_lockout_s = 15 * 60;  // ...for this long.
  bool resident_signup = true;        // Residents may create their own accounts.
  bool secure_cookies = true;         // Set the Secure flag (browsers accept it on localhost).
};

struct ClipsConfig {
  int default_retention_days = 60;
  int max_retention_days = 180;
  int64_t max_clip_bytes = 512LL * 1024 * 1024;
  int64_t max_clip_duration_s = 15 * 60;
  int64_t max_upload_chunk_bytes = 8LL * 1024 * 1024;  // Multiple of 1 MiB (the segment size).
  int64_t max_future_skew_s = 300;   // Clip end times may be this far ahead of the server.
  int64_t upload_ttl_s = 24 * 3600;  // Unfinished uploads are discarded after this.
};

struct AuditConfig {
  // How often new audit events are integrated and a checkpoint signed (group commit of the
  // public log). Also done at shutdown.
  int64_t checkpoint_interval_ms = 1000;
};

// The rules for community footage requests (src/policy/request_policy.h evaluates them). The
// defaults come from the public record (docs/design/requests.md names the source of each).
struct RequestRules {
  int min_radius_m = 25;
  int max_radius_m = 800;           // about half a mile (Ring)
  int64_t max_area_m2 = 1'294'994;  // 0.5 square miles
  int64_t min_window_s = 15 * 60;
  int64_t max_window_s = 12 * 3600;
  int max_window_age_days = 60;  // the window must lie within clip retention
  int max_requests_per_case = 2;
  int expiry_h = 72;
  int approval_radius_m = 400;           // a supervisor approves requests wider than this...
  int64_t approval_window_s = 6 * 3600;  // ...or longer than this
  bool allow_federal = false;            // federal agencies may file requests
  // Prohibited purposes: purpose name -> words or phrases that, found in the incident type or
  // the public description (case-insensitive, on word boundaries), refuse the request.
  std::map<std::string, std::vector<std::string>> prohibited_purposes = {
      {"immigration_enforcement",
       {"immigration", "immigrant", "deportation", "deport", "undocumented", "ice detainer",
        "visa overstay", "illegal alien"}},
      {"reproductive_health_care",
       {"abortion", "reproductive", "pregnancy", "miscarriage", "contraception"}},
      {"lawful_protest",
       {"protest", "protester", "protesters", "demonstration", "demonstrators", "rally", "march",
        "picket"}},
  };
};

struct RequestsConfig {
  RequestRules rules;
  // Per-state overrides: "[requests.states.CA]" holds any of the keys of [requests]; the rest
  // come from [requests]. Keys are two-letter upper-case state codes.
  std::map<std::string, RequestRules> states;
  // The rules for an agency in `state`.
  const RequestRules& For(const std::string& state) const;
};

// Licence-plate reads (src/plates, docs/design/plates.md). Prohibited purposes are those of
// [requests] for the agency's state: one list per state for every kind of search.
struct PlateStateRules {
  int retention_days = 30;
  bool out_of_state_sharing = true;  // may agencies of this state share with other states?
  bool federal_sharing = true;       // ...with federal agencies (one to one at most anyway)?
};

struct PlatesConfig {
  PlateStateRules rules;
  // Per-state overrides; by default California forbids out-of-state and federal sharing
  // (SB 34; Attorney General bulletin 2023-DLE-06) and Virginia keeps reads 21 days.
  std::map<std::string, PlateStateRules> states = {
      {"CA", {30, false, false}},
      {"VA", {21, true, true}},
  };
  bool require_case_number = true;  // every search names a case
  int min_reason_chars = 15;        // the free-text reason, at least
  int max_results = 10'000;         // per search
  const PlateStateRules& For(const std::string& state) const;
};

// [legal]: legal demands (docs/design/legal.md).
struct LegalConfig {
  int emergency_followup_h = 72;      // legal process must follow an emergency disclosure
  int max_nondisclosure_days = 366;   // a non-disclosure order needs an end date within this
  int min_reason_chars = 10;          // every decision's reason, at least
  int64_t max_document_bytes = 20LL * 1024 * 1024;  // one attached PDF
  int min_attestation_chars = 40;     // an officer's emergency attestation, at least
};

// [retention]: legal holds and the retention purge (docs/design/retention.md). How long clips
// and plate reads are kept is set per camera ([clips]) and per state ([plates]).
struct RetentionConfig {
  int preservation_days = 90;  // a preservation hold lasts this long...
  int renewal_days = 90;       // ...and each renewal adds this much to its expiry...
  int max_renewals = 1;        // ...at most this many times
  int batch = 500;             // clips, and reads per agency, deleted per maintenance pass
  // `canvass check` reports a clip or read this long past its retention (the purge runs every
  // minute in batches, so a few minutes' lag is normal while the server runs).
  int64_t check_grace_s = 3600;
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
  RequestsConfig requests;
  PlatesConfig plates;
  LegalConfig legal;
  RetentionConfig retention;
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
