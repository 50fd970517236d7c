#include "common/config.h"

#include <toml++/toml.h>

#include <charconv>
#include <limits>
#include <set>

#include "common/toml_table_reader.h"
#include "common/state_code.h"

namespace canvass {
namespace {

// The server config's tables: "config option <section>.<key>" in messages.
TomlTableReader ConfigTable(const toml::table* table, const std::string& section) {
  return TomlTableReader(table, "config option", section, "docs/ref/config.md");
}

Status Range(std::string_view name, int64_t v, int64_t lo, int64_t hi);

// Reads the keys of [requests] or [requests.states.XX] over `rules`. `sub_tables` names the
// keys that hold tables (skipped here, read by the caller).
Status ReadRequestRules(const toml::table* t, const std::string& section,
                        const std::set<std::string>& sub_tables, RequestRules* rules) {
  TomlTableReader r = ConfigTable(t, section);
  for (const auto& k : sub_tables) r.Skip(k);
  r.Read("min_radius_m", &rules->min_radius_m);
  r.Read("max_radius_m", &rules->max_radius_m);
  r.Read("max_area_m2", &rules->max_area_m2);
  r.Read("min_window_s", &rules->min_window_s);
  r.Read("max_window_s", &rules->max_window_s);
  r.Read("max_window_age_days", &rules->max_window_age_days);
  r.Read("max_requests_per_case", &rules->max_requests_per_case);
  r.Read("expiry_h", &rules->expiry_h);
  r.Read("approval_radius_m", &rules->approval_radius_m);
  r.Read("approval_window_s", &rules->approval_window_s);
  r.Read("allow_federal", &rules->allow_federal);
  CANVASS_RETURN_IF_ERROR(r.Finish());
  if (t) {
    if (const toml::table* p = (*t)["prohibited_purposes"].as_table()) {
      TomlTableReader pr = ConfigTable(p, section + ".prohibited_purposes");
      std::map<std::string, std::vector<std::string>> purposes;
      for (const auto& [k, v] : *p)
        pr.Read(std::string(k.str()).c_str(), &purposes[std::string(k.str())]);
      CANVASS_RETURN_IF_ERROR(pr.Finish());
      rules->prohibited_purposes = std::move(purposes);
    }
  }
  return OkStatus();
}

Status ValidateRequestRules(const RequestRules& r, const std::string& s) {
  CANVASS_RETURN_IF_ERROR(Range(s + ".min_radius_m", r.min_radius_m, 1, 100'000));
  CANVASS_RETURN_IF_ERROR(Range(s + ".max_radius_m", r.max_radius_m, r.min_radius_m, 100'000));
  CANVASS_RETURN_IF_ERROR(Range(s + ".max_area_m2", r.max_area_m2, 1, 1'000'000'000));
  CANVASS_RETURN_IF_ERROR(Range(s + ".min_window_s", r.min_window_s, 1, 30 * 86400));
  CANVASS_RETURN_IF_ERROR(Range(s + ".max_window_s", r.max_window_s, r.min_window_s, 30 * 86400));
  CANVASS_RETURN_IF_ERROR(Range(s + ".max_window_age_days", r.max_window_age_days, 1, 3650));
  CANVASS_RETURN_IF_ERROR(Range(s + ".max_requests_per_case", r.max_requests_per_case, 1, 1000));
  CANVASS_RETURN_IF_ERROR(Range(s + ".expiry_h", r.expiry_h, 1, 24 * 365));
  CANVASS_RETURN_IF_ERROR(Range(s + ".approval_radius_m", r.approval_radius_m, 0, 100'000));
  CANVASS_RETURN_IF_ERROR(Range(s + ".approval_window_s", r.approval_window_s, 0, 30 * 86400));
  for (const auto& [purpose, terms] : r.prohibited_purposes) {
    for (const auto& term : terms) {
      if (term.empty() || term.size() > 100) {
        return InvalidArgumentError("config option " + s + ".prohibited_purposes." + purpose +
                                    " has an empty or over-long term");
      }
    }
  }
  return OkStatus();
}

Status Range(std::string_view name, int64_t v, int64_t lo, int64_t hi) {
  if (v < lo || v > hi) {
    return InvalidArgumentError("config option " + std::string(name) + " must be between " +
                                std::to_string(lo) + " and " + std::to_string(hi) + ", got " +
                                std::to_string(v));
  }
  return OkStatus();
}

}  // namespace

StatusOr<Config> ParseConfig(std::string_view text, std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return InvalidArgumentError(std::string(source_name) + ":" + std::to_string(where.line) + ":" +
                                std::to_string(where.column) + ": " + std::string(e.description()));
  }
  static const std::set<std::string> kSections = {"server", "deployment", "auth",   "clips",
                                                  "audit",  "requests",   "plates", "log",
                                                  "legal", "retention"};
  for (const auto& [k, v] : root) {
    if (!kSections.count(std::string(k.str())) || !v.is_table()) {
      return InvalidArgumentError("unknown config section [" + std::string(k.str()) +
                                  "] (see docs/ref/config.md)");
    }
  }
  Config c;
  {
    TomlTableReader r = ConfigTable(root["server"].as_table(), "server");
    r.Read("listen", &c.server.listen);
    r.Read("data_dir", &c.server.data_dir);
    r.Read("web_dir", &c.server.web_dir);
    r.Read("threads", &c.server.threads);
    r.Read("max_header_bytes", &c.server.max_header_bytes);
    r.Read("max_body_bytes", &c.server.max_body_bytes);
    r.Read("request_timeout_ms", &c.server.request_timeout_ms);
    r.Read("shutdown_grace_ms", &c.server.shutdown_grace_ms);
    CANVASS_RETURN_IF_ERROR(r.Finish());
  }
  {
    TomlTableReader r = ConfigTable(root["deployment"].as_table(), "deployment");
    r.Read("name", &c.deployment.name);
    CANVASS_RETURN_IF_ERROR(r.Finish());
  }
  {
    TomlTableReader r = ConfigTable(root["auth"].as_table(), "auth");
    r.Read("password_cost", &c.auth.password_cost);
    r.Read("allow_weak_passwords", &c.auth.allow_weak_passwords);
    r.Read("session_ttl_s", &c.auth.session_ttl_s);
    r.Read("login_max_failures", &c.auth.login_max_failures);
    r.Read("login_window_s", &c.auth.login_window_s);
    r.Read("login_lockout_s", &c.auth.login_lockout_s);
    r.Read("resident_signup", &c.auth.resident_signup);
    r.Read("secure_cookies", &c.auth.secure_cookies);
    CANVASS_RETURN_IF_ERROR(r.Finish());
  }
  {
    TomlTableReader r = ConfigTable(root["clips"].as_table(), "clips");
    r.Read("default_retention_days", &c.clips.default_retention_days);
    r.Read("max_retention_days", &c.clips.max_retention_days);
    r.Read("max_clip_bytes", &c.clips.max_clip_bytes);
    r.Read("max_clip_duration_s", &c.clips.max_clip_duration_s);
    r.Read("max_upload_chunk_bytes", &c.clips.max_upload_chunk_bytes);
    r.Read("max_future_skew_s", &c.clips.max_future_skew_s);
    r.Read("upload_ttl_s", &c.clips.upload_ttl_s);
    CANVASS_RETURN_IF_ERROR(r.Finish());
  }
  {
    TomlTableReader r = ConfigTable(root["audit"].as_table(), "audit");
    r.Read("checkpoint_interval_ms", &c.audit.checkpoint_interval_ms);
    CANVASS_RETURN_IF_ERROR(r.Finish());
  }
  {
    const toml::table* t = root["requests"].as_table();
    CANVASS_RETURN_IF_ERROR(
        ReadRequestRules(t, "requests", {"states", "prohibited_purposes"}, &c.requests.rules));
    if (const toml::table* states = t ? (*t)["states"].as_table() : nullptr) {
      for (const auto& [k, v] : *states) {
        std::string state(k.str());
        const std::string section = "requests.states." + state;
        if (!v.is_table())
          return InvalidArgumentError("config option " + section + " must be a table");
        RequestRules rules = c.requests.rules;
        CANVASS_RETURN_IF_ERROR(
            ReadRequestRules(v.as_table(), section, {"prohibited_purposes"}, &rules));
        c.requests.states[state] = std::move(rules);
      }
    }
  }
  {
    const toml::table* t = root["plates"].as_table();
    TomlTableReader r = ConfigTable(t, "plates");
    r.Skip("states");
    r.Read("retention_days", &c.plates.rules.retention_days);
    r.Read("out_of_state_sharing", &c.plates.rules.out_of_state_sharing);
    r.Read("federal_sharing", &c.plates.rules.federal_sharing);
    r.Read("require_case_number", &c.plates.require_case_number);
    r.Read("min_reason_chars", &c.plates.min_reason_chars);
    r.Read("max_results", &c.plates.max_results);
    CANVASS_RETURN_IF_ERROR(r.Finish());
    if (const toml::table* states = t ? (*t)["states"].as_table() : nullptr) {
      for (const auto& [k, v] : *states) {
        const std::string state(k.str());
        const std::string section = "plates.states." + state;
        if (!v.is_table())
          return InvalidArgumentError("config option " + section + " must be a table");
        // A state named in the file starts from [plates] (or its built-in override) and
        // changes only the keys it sets.
        PlateStateRules rules = c.plates.For(state);
        TomlTableReader sr = ConfigTable(v.as_table(), section);
        sr.Read("retention_days", &rules.retention_days);
        sr.Read("out_of_state_sharing", &rules.out_of_state_sharing);
        sr.Read("federal_sharing", &rules.federal_sharing);
        CANVASS_RETURN_IF_ERROR(sr.Finish());
        c.plates.states[state] = rules;
      }
    }
  }
  {
    TomlTableReader r = ConfigTable(root["legal"].as_table(), "legal");
    r.Read("emergency_followup_h", &c.legal.emergency_followup_h);
    r.Read("max_nondisclosure_days", &c.legal.max_nondisclosure_days);
    r.Read("min_reason_chars", &c.legal.min_reason_chars);
    r.Read("max_document_bytes", &c.legal.max_document_bytes);
    r.Read("min_attestation_chars", &c.legal.min_attestation_chars);
    CANVASS_RETURN_IF_ERROR(r.Finish());
  }
  {
    TomlTableReader r = ConfigTable(root["retention"].as_table(), "retention");
    r.Read("preservation_days", &c.retention.preservation_days);
    r.Read("renewal_days", &c.retention.renewal_days);
    r.Read("max_renewals", &c.retention.max_renewals);
    r.Read("batch", &c.retention.batch);
    r.Read("check_grace_s", &c.retention.check_grace_s);
    CANVASS_RETURN_IF_ERROR(r.Finish());
  }
  {
    TomlTableReader r = ConfigTable(root["log"].as_table(), "log");
    r.Read("level", &c.log.level);
    r.Read("format", &c.log.format);
    CANVASS_RETURN_IF_ERROR(r.Finish());
  }
  return c;
}

StatusOr<Config> LoadConfigFile(const std::string& path) {
  toml::table root;
  std::string text;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return ErrnoStatus(errno, "cannot open config file " + path);
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  std::fclose(f);
  return ParseConfig(text, path);
}

Status ParseListenAddress(std::string_view listen, std::string* host, uint16_t* port) {
  auto bad = [&] {
    return InvalidArgumentError("listen address '" + std::string(listen) +
                                "' is not HOST:PORT (for example 127.0.0.1:8080)");
  };
  size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return bad();
  std::string_view h = listen.substr(0, colon), p = listen.substr(colon + 1);
  if (h.front() == '[') {
    if (h.back() != ']') return bad();
    h = h.substr(1, h.size() - 2);
  }
  unsigned v = 0;
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
  if (ec != std::errc() || ptr != p.data() + p.size() || v > 65535) return bad();
  *host = std::string(h);
  *port = static_cast<uint16_t>(v);
  return OkStatus();
}

Status Config::Validate() const {
  std::string host;
  uint16_t port;
  CANVASS_RETURN_IF_ERROR(ParseListenAddress(server.listen, &host, &port));
  if (server.data_dir.empty())
    return InvalidArgumentError("config option server.data_dir is empty");
  CANVASS_RETURN_IF_ERROR(Range("server.threads", server.threads, 0, 256));
  CANVASS_RETURN_IF_ERROR(Range("server.max_header_bytes", server.max_header_bytes, 1024, 1 << 20));
  CANVASS_RETURN_IF_ERROR(Range("server.max_body_bytes", server.max_body_bytes, 1024, 64 << 20));
  CANVASS_RETURN_IF_ERROR(
      Range("server.request_timeout_ms", server.request_timeout_ms, 100, 3'600'000));
  CANVASS_RETURN_IF_ERROR(Range("server.shutdown_grace_ms", server.shutdown_grace_ms, 0, 600'000));
  if (deployment.name.find_first_of(" \n\t+") != std::string::npos) {
    return InvalidArgumentError(
        "config option deployment.name must have no spaces or '+' (it becomes the audit log's "
        "origin line), got '" +
        deployment.name + "'");
  }
  static const std::set<std::string> kCosts = {"minimum", "interactive", "moderate", "sensitive"};
  if (!kCosts.count(auth.password_cost)) {
    return InvalidArgumentError(
        "config option auth.password_cost must be one of interactive, "
        "moderate, sensitive (or minimum for tests), got '" +
        auth.password_cost + "'");
  }
  if (auth.password_cost == "minimum" && !auth.allow_weak_passwords) {
    return InvalidArgumentError(
        "auth.password_cost = \"minimum\" is for tests only; set "
        "auth.allow_weak_passwords = true to use it");
  }
  CANVASS_RETURN_IF_ERROR(Range("auth.session_ttl_s", auth.session_ttl_s, 60, 30 * 86400));
  CANVASS_RETURN_IF_ERROR(Range("auth.login_max_failures", auth.login_max_failures, 1, 1000));
  CANVASS_RETURN_IF_ERROR(Range("auth.login_window_s", auth.login_window_s, 1, 86400));
  CANVASS_RETURN_IF_ERROR(Range("auth.login_lockout_s", auth.login_lockout_s, 1, 86400));
  CANVASS_RETURN_IF_ERROR(Range("legal.emergency_followup_h", legal.emergency_followup_h, 1, 24 * 30));
  CANVASS_RETURN_IF_ERROR(
      Range("legal.max_nondisclosure_days", legal.max_nondisclosure_days, 1, 3650));
  CANVASS_RETURN_IF_ERROR(Range("legal.min_reason_chars", legal.min_reason_chars, 1, 1000));
  CANVASS_RETURN_IF_ERROR(
      Range("legal.max_document_bytes", legal.max_document_bytes, 1024, 1LL << 30));
  CANVASS_RETURN_IF_ERROR(
      Range("legal.min_attestation_chars", legal.min_attestation_chars, 1, 2000));
  CANVASS_RETURN_IF_ERROR(Range("clips.max_retention_days", clips.max_retention_days, 1, 3650));
  CANVASS_RETURN_IF_ERROR(Range("clips.default_retention_days", clips.default_retention_days, 1,
                                clips.max_retention_days));
  CANVASS_RETURN_IF_ERROR(Range("clips.max_clip_bytes", clips.max_clip_bytes, 1024, 1LL << 40));
  CANVASS_RETURN_IF_ERROR(Range("clips.max_clip_duration_s", clips.max_clip_duration_s, 1, 86400));
  CANVASS_RETURN_IF_ERROR(
      Range("clips.max_upload_chunk_bytes", clips.max_upload_chunk_bytes, 1 << 20, 256 << 20));
  if (clips.max_upload_chunk_bytes % (1 << 20) != 0) {
    return InvalidArgumentError(
        "config option clips.max_upload_chunk_bytes must be a multiple of "
        "1048576 (the clip segment size)");
  }
  CANVASS_RETURN_IF_ERROR(Range("clips.max_future_skew_s", clips.max_future_skew_s, 0, 86400));
  CANVASS_RETURN_IF_ERROR(Range("clips.upload_ttl_s", clips.upload_ttl_s, 60, 30 * 86400));
  CANVASS_RETURN_IF_ERROR(
      Range("audit.checkpoint_interval_ms", audit.checkpoint_interval_ms, 10, 600'000));
  CANVASS_RETURN_IF_ERROR(ValidateRequestRules(requests.rules, "requests"));
  for (const auto& [state, rules] : requests.states) {
    if (!IsStateCode(state)) {
      return InvalidArgumentError("config section [requests.states." + state +
                                  "] must name a two-letter upper-case state code");
    }
    CANVASS_RETURN_IF_ERROR(ValidateRequestRules(rules, "requests.states." + state));
  }
  CANVASS_RETURN_IF_ERROR(Range("plates.retention_days", plates.rules.retention_days, 1, 3650));
  for (const auto& [state, rules] : plates.states) {
    if (!IsStateCode(state)) {
      return InvalidArgumentError("config section [plates.states." + state +
                                  "] must name a two-letter upper-case state code");
    }
    CANVASS_RETURN_IF_ERROR(
        Range("plates.states." + state + ".retention_days", rules.retention_days, 1, 3650));
  }
  CANVASS_RETURN_IF_ERROR(Range("plates.min_reason_chars", plates.min_reason_chars, 1, 1000));
  CANVASS_RETURN_IF_ERROR(Range("plates.max_results", plates.max_results, 100, 1'000'000));
  CANVASS_RETURN_IF_ERROR(
      Range("retention.preservation_days", retention.preservation_days, 1, 3650));
  CANVASS_RETURN_IF_ERROR(Range("retention.renewal_days", retention.renewal_days, 1, 3650));
  CANVASS_RETURN_IF_ERROR(Range("retention.max_renewals", retention.max_renewals, 0, 100));
  CANVASS_RETURN_IF_ERROR(Range("retention.batch", retention.batch, 1, 100'000));
  CANVASS_RETURN_IF_ERROR(Range("retention.check_grace_s", retention.check_grace_s, 0, 30 * 86400));
  static const std::set<std::string> kLevels = {"trace", "debug",    "info", "warn",
                                                "error", "critical", "off"};
  if (!kLevels.count(log.level)) {
    return InvalidArgumentError(
        "config option log.level must be one of trace, debug, info, warn, "
        "error, critical, off, got '" +
        log.level + "'");
  }
  if (log.format != "text" && log.format != "json") {
    return InvalidArgumentError("config option log.format must be text or json, got '" +
                                log.format + "'");
  }
  return OkStatus();
}

const PlateStateRules& PlatesConfig::For(const std::string& state) const {
  auto it = states.find(state);
  return it == states.end() ? rules : it->second;
}

const RequestRules& RequestsConfig::For(const std::string& state) const {
  auto it = states.find(state);
  return it == states.end() ? rules : it->second;
}

}  // namespace canvass
