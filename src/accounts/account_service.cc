#include "accounts/account_service.h"

#include "audit/leaf.h"
#include "auth/password.h"
#include "common/sha256.h"

namespace canvass {

Status ValidateUsername(std::string_view u) {
  bool ok = u.size() >= 3 && u.size() <= 64 && (std::isalnum(static_cast<unsigned char>(u[0])));
  for (char c : u) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
      ok = false;
    }
  }
  if (!ok) {
    return InvalidArgumentError(
        "username must be 3 to 64 of a-z, 0-9, '.', '_', '-' and start "
        "with a letter or digit");
  }
  return OkStatus();
}

AccountService::AccountService(Store* store, const Clock* clock, Random* random,
                               const AuthConfig& config)
    : store_(store),
      clock_(clock),
      random_(random),
      config_(config),
      throttle_(clock, config.login_max_failures, config.login_window_s, config.login_lockout_s) {
  auto h = auth::HashPassword("canvass-timing-equaliser", config.password_cost);
  if (h.ok()) dummy_hash_ = *h;
}

StatusOr<Account> AccountService::CreateAccount(const Principal& actor, const NewAccount& in) {
  // Who may create this role?
  bool allowed = false;
  if (actor.HasRole(Role::kAdmin)) {
    allowed = true;
  } else if (actor.HasRole(Role::kAgencyAdmin)) {
    allowed = IsAgencyRole(in.role) && in.agency_id == actor.AgencyId();
  } else if (actor.kind == Principal::Kind::kAnonymous) {
    allowed = in.role == Role::kResident && config_.resident_signup;
  }
  if (!allowed) {
    return PermissionDeniedError("you may not create an account with role " +
                                 std::string(RoleName(in.role)) +
                                 (actor.HasRole(Role::kAgencyAdmin) ? " outside your agency" : ""));
  }
  CANVASS_RETURN_IF_ERROR(ValidateUsername(in.username));
  CANVASS_RETURN_IF_ERROR(auth::CheckPasswordPolicy(in.password));
  if (in.display_name.size() > 200) {
    return InvalidArgumentError("display_name must be at most 200 bytes");
  }
  if (IsAgencyRole(in.role) != !in.agency_id.empty()) {
    return InvalidArgumentError(
        IsAgencyRole(in.role) ? "role " + std::string(RoleName(in.role)) + " needs an agency_id"
                              : "only officer, supervisor and agency_admin belong to an "
                                "agency; remove agency_id");
  }
  if (!in.agency_id.empty()) {
    auto agency = store_->GetAgency(in.agency_id);
    if (!agency.ok()) return NotFoundError("agency " + in.agency_id + " not found");
  }
  Account a;
  a.id = random_->NewId("acc");
  a.username = in.username;
  a.display_name = in.display_name.empty() ? in.username : in.display_name;
  a.role = in.role;
  a.agency_id = in.agency_id;
  CANVASS_ASSIGN_OR_RETURN(a.password_hash, auth::HashPassword(in.password, config_.password_cost));
  a.created_at_us = clock_->NowMicros();
  AuditEvent ev = MakeAuditEvent(actor, *clock_, "account.create", "account", a.id);
  ev.reason_code = std::string(RoleName(a.role));
  CANVASS_RETURN_IF_ERROR(store_->CreateAccount(a, ev));
  return a;
}

StatusOr<LoginResult> AccountService::Login(const std::string& username,
                                            const std::string& password,
                                            const std::string& client_address) {
  const std::string user_key = "user:" + username;
  const std::string addr_key = "addr:" + client_address;
  int64_t wait =
      std::max(throttle_.RetryAfterSeconds(user_key), throttle_.RetryAfterSeconds(addr_key));
  // Failed logins are security events: public as a count, the username and address private.
  auto record_failure = [&](const char* reason) {
    AuditEvent ev =
        MakeAuditEvent(Principal::Anonymous(), *clock_, "account.login_failed", "account", "");
    ev.actor_role = "anonymous";
    ev.reason_code = reason;
    std::string details = "{\"username\":";
    audit::AppendJsonString(&details, username);
    details += ",\"address\":";
    audit::AppendJsonString(&details, client_address);
    details += "}";
    ev.details_json = details;
    store_->RecordAccess(ev).IgnoreError();  // best effort: never turns a 401 into a 500
  };
  if (wait > 0) {
    record_failure("throttled");
    return ResourceExhaustedError("too many failed logins; try again in " + std::to_string(wait) +
                                  " s");
  }
  auto account = store_->FindAccountByUsername(username);
  bool ok = false;
  if (account.ok()) {
    ok = auth::VerifyPassword(account->password_hash, password) && !account->disabled;
  } else if (account.status().code() == Code::kNotFound) {
    auth::VerifyPassword(dummy_hash_, password);
  } else {
    return account.status();
  }
  if (!ok) {
    record_failure("bad_credentials");
    throttle_.RecordFailure(user_key);
    throttle_.RecordFailure(addr_key);
    return UnauthenticatedError("wrong username or password");
  }
  throttle_.RecordSuccess(user_key);

  LoginResult r;
  r.account = *account;
  r.session_token = random_->NewToken("cvc");
  r.csrf_token = random_->NewToken("csrf");
  int64_t now = clock_->NowMicros();
  r.expires_at_us = now + config_.session_ttl_s * 1'000'000;
  Session s{Sha256Hex(r.session_token), account->id, r.csrf_token, now, r.expires_at_us};
  Principal actor;
  actor.kind = Principal::Kind::kAccount;
  actor.account = *account;
  CANVASS_RETURN_IF_ERROR(
      store_->CreateSession(s, MakeAuditEvent(actor, *clock_, "account.login", "session", "")));
  return r;
}

Status AccountService::Logout(const Principal& actor) {
  if (actor.via != Principal::Via::kCookie) {
    return FailedPreconditionError("logout ends a browser session; bearer tokens have none");
  }
  return store_->DeleteSession(actor.session_token_hash,
                               MakeAuditEvent(actor, *clock_, "account.logout", "session", ""));
}

StatusOr<std::string> AccountService::CreateApiToken(const Principal& actor,
                                                     const std::string& label) {
  if (!actor.is_account()) return PermissionDeniedError("only accounts have API tokens");
  if (label.empty() || label.size() > 100) {
    return InvalidArgumentError("label must be 1 to 100 bytes");
  }
  std::string token = random_->NewToken("cvs");
  ApiToken t{random_->NewId("tok"), actor.id(), Sha256Hex(token), label, clock_->NowMicros()};
  CANVASS_RETURN_IF_ERROR(
      store_->CreateApiToken(t, MakeAuditEvent(actor, *clock_, "token.create", "token", t.id)));
  return token;
}

StatusOr<Account> AccountService::GetAccount(const Principal& actor, const std::string& id) {
  auto a = store_->GetAccount(id);
  if (!a.ok()) return a.status();
  bool visible = actor.HasRole(Role::kAdmin) || actor.id() == id ||
                 (actor.HasRole(Role::kAgencyAdmin) && a->agency_id == actor.AgencyId());
  // Not "permission denied": an account the caller may not see is one it cannot know exists.
  if (!visible) return NotFoundError("account " + id + " not found");
  return a;
}

StatusOr<std::vector<Account>> AccountService::ListAccounts(const Principal& actor) {
  if (actor.HasRole(Role::kAdmin)) return store_->ListAccounts("");
  if (actor.HasRole(Role::kAgencyAdmin)) return store_->ListAccounts(actor.AgencyId());
  return PermissionDeniedError("only admins and agency admins list accounts");
}

Status AccountService::SetDisabled(const Principal& actor, const std::string& id, bool disabled) {
  CANVASS_ASSIGN_OR_RETURN(Account target, GetAccount(actor, id));
  if (!actor.HasRole(Role::kAdmin) &&
      !(actor.HasRole(Role::kAgencyAdmin) && IsAgencyRole(target.role))) {
    return PermissionDeniedError("you may not disable this account");
  }
  if (target.id == actor.id()) return FailedPreconditionError("you cannot disable yourself");
  return store_->SetAccountDisabled(
      id, disabled,
      MakeAuditEvent(actor, *clock_, disabled ? "account.disable" : "account.enable", "account",
                     id));
}

Status AccountService::SetE2eePublicKey(const Principal& actor, const std::string& raw_key) {
  if (!actor.HasRole(Role::kResident)) {
    return PermissionDeniedError("only residents own cameras and their keys");
  }
  if (!raw_key.empty() && raw_key.size() != 32) {
    return InvalidArgumentError("e2ee public key must be 32 bytes (X25519), got " +
                                std::to_string(raw_key.size()));
  }
  return store_->SetE2eePublicKey(
      actor.id(), raw_key,
      MakeAuditEvent(actor, *clock_, "account.e2ee_key", "account", actor.id()));
}

StatusOr<Principal> AccountService::PrincipalForAccount(Account account, Principal::Via via) {
  if (account.disabled) return UnauthenticatedError("account is disabled");
  Principal p;
  p.kind = Principal::Kind::kAccount;
  p.via = via;
  if (!account.agency_id.empty()) {
    CANVASS_ASSIGN_OR_RETURN(Agency agency, store_->GetAgency(account.agency_id));
    p.agency = std::move(agency);
  }
  p.account = std::move(account);
  return p;
}

StatusOr<Principal> AccountService::Authenticate(const std::string& cookie_token,
                                                 const std::string& bearer) {
  if (!bearer.empty()) {
    std::string hash = Sha256Hex(bearer);
    if (bearer.starts_with("cvd_")) {
      auto cam = store_->FindCameraByDeviceToken(hash);
      if (!cam.ok()) {
        if (cam.status().code() == Code::kNotFound) {
          return UnauthenticatedError("unknown device token");
        }
        return cam.status();
      }
      Principal p;
      p.kind = Principal::Kind::kDevice;
      p.via = Principal::Via::kBearer;
      p.camera = std::move(cam).value();
      return p;
    }
    if (bearer.starts_with("cvl_")) {
      auto reader = store_->FindPlateReaderByToken(hash);
      if (!reader.ok()) {
        if (reader.status().code() == Code::kNotFound) {
          return UnauthenticatedError("unknown plate reader token");
        }
        return reader.status();
      }
      Principal p;
      p.kind = Principal::Kind::kReader;
      p.via = Principal::Via::kBearer;
      p.reader = std::move(reader).value();
      return p;
    }
    auto token = store_->FindApiToken(hash);
    if (!token.ok()) {
      if (token.status().code() == Code::kNotFound)
        return UnauthenticatedError("unknown API token");
      return token.status();
    }
    CANVASS_ASSIGN_OR_RETURN(Account a, store_->GetAccount(token->account_id));
    return PrincipalForAccount(std::move(a), Principal::Via::kBearer);
  }
  if (!cookie_token.empty()) {
    std::string hash = Sha256Hex(cookie_token);
    auto s = store_->FindSession(hash);
    if (!s.ok()) {
      if (s.status().code() == Code::kNotFound) {
        return UnauthenticatedError("session expired or unknown; log in again");
      }
      return s.status();
    }
    if (s->expires_at_us <= clock_->NowMicros()) {
      return UnauthenticatedError("session expired; log in again");
    }
    CANVASS_ASSIGN_OR_RETURN(Account a, store_->GetAccount(s->account_id));
    CANVASS_ASSIGN_OR_RETURN(Principal p,
                             PrincipalForAccount(std::move(a), Principal::Via::kCookie));
    p.session_token_hash = hash;
    p.csrf_token = s->csrf_token;
    return p;
  }
  return Principal::Anonymous();
}

}  // namespace canvass
