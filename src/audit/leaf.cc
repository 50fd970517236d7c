#include "audit/leaf.h"

#include "common/sha256.h"

namespace canvass::audit {
namespace {

bool IsToken(std::string_view s, bool allow_empty) {
  if (s.empty()) return allow_empty;
  if (s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) {
      return false;
    }
  }
  return true;
}

}  // namespace

void AppendJsonString(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (u < 0x20) {
      out->append("\\u00");
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 15]);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

Status ValidatePublicRecord(const AuditEvent& e) {
  if (!IsToken(e.type, false)) return InvalidArgumentError("audit type must be a short token");
  if (!IsToken(e.actor_role, false)) return InvalidArgumentError("audit role must be a token");
  if (!IsToken(e.object_kind, false)) {
    return InvalidArgumentError("audit object kind must be a token");
  }
  if (!IsToken(e.reason_code, true)) {
    return InvalidArgumentError("audit reason code must be a short token, not free text");
  }
  if (!IsToken(e.actor_agency_id, true)) {
    return InvalidArgumentError("audit agency must be an agency id");
  }
  if (e.count < 0) return InvalidArgumentError("audit count must not be negative");
  if ((e.scope_agencies < 0) != (e.scope_cameras < 0) || e.scope_agencies < -1 ||
      e.scope_cameras < -1) {
    return InvalidArgumentError("audit scope: both counts or neither");
  }
  return OkStatus();
}

std::string PrivateDetails(const AuditEvent& e) {
  std::string out = "{\"actor_id\":";
  AppendJsonString(&out, e.actor_id);
  out += ",\"details\":";
  AppendJsonString(&out, e.details_json.empty() ? "{}" : e.details_json);
  out += ",\"object_id\":";
  AppendJsonString(&out, e.object_id);
  out += "}";
  return out;
}

std::string Commitment(std::string_view salt, std::string_view private_details) {
  Sha256 h;
  h.Update(salt);
  h.Update(private_details);
  return DigestHex(h.Finish());
}

std::string EncodeLeaf(const AuditEvent& e, const std::string& commitment_hex,
                       const std::string& case_hmac_hex) {
  std::string out = "{\"agency\":";
  AppendJsonString(&out, e.actor_agency_id);
  out += ",\"case\":";
  AppendJsonString(&out, case_hmac_hex);
  out += ",\"commitment\":";
  AppendJsonString(&out, commitment_hex);
  out += ",\"count\":" + std::to_string(e.count);
  out += ",\"object\":";
  AppendJsonString(&out, e.object_kind);
  out += ",\"reason\":";
  AppendJsonString(&out, e.reason_code);
  out += ",\"role\":";
  AppendJsonString(&out, e.actor_role);
  if (e.scope_agencies >= 0) {
    out += ",\"scope\":{\"agencies\":" + std::to_string(e.scope_agencies) +
           ",\"cameras\":" + std::to_string(e.scope_cameras) + "}";
  }
  out += ",\"time\":" + std::to_string(e.at_us / 1'000'000);
  out += ",\"type\":";
  AppendJsonString(&out, e.type);
  out += ",\"v\":1}";
  return out;
}

}  // namespace canvass::audit
