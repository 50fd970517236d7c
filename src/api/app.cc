#include "api/app.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "accounts/agency_service.h"
#include "api/http_status.h"
#include "api/json_io.h"
#include "api/static_files.h"
#include "clips/master_key.h"
#include "common/sha256.h"
#include "store/sqlite/sqlite_store.h"

namespace canvass::api {
namespace {

constexpr char kLandingPage[] = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Canvass</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 2em auto">
<h1>Canvass</h1>
<p>The Canvass server is running. The JSON API is under <a href="/api/v1/health">/api/v1</a>;
see docs/ref/api.md. The web UI will be served here.</p>
</body></html>
)";

int ServerThreads(const Config& c) {
  return c.server.threads > 0 ? c.server.threads
                              : std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
}

bool IsSafeMethod(const std::string& m) { return m == "GET" || m == "HEAD" || m == "OPTIONS"; }

std::string BearerToken(const Request& r) {
  const std::string& h = r.Header("authorization");
  if (h.size() > 7 && (h.starts_with("Bearer ") || h.starts_with("bearer "))) return h.substr(7);
  return "";
}

std::string RolesList(const Access& a) {
  std::string out;
  for (Role r : a.roles) out += (out.empty() ? "" : ", ") + std::string(RoleName(r));
  if (a.device) out += std::string(out.empty() ? "" : ", ") + "camera devices";
  if (a.reader) out += std::string(out.empty() ? "" : ", ") + "plate readers";
  return out;
}

}  // namespace

StatusOr<std::unique_ptr<App>> App::Open(AppOptions o) {
  CANVASS_RETURN_IF_ERROR(o.config.Validate());
  std::unique_ptr<App> app(new App());
  app->config_ = o.config;
  app->clock_ = o.clock ? o.clock : SystemClock::Get();
  app->random_ = o.random ? o.random : Random::System();
  app->fs_ = o.fs ? o.fs : FileSystem::Posix();
  InitCrypto();
  const std::string& dir = app->config_.server.data_dir;
  CANVASS_RETURN_IF_ERROR(app->fs_->CreateDirs(dir));
  CANVASS_ASSIGN_OR_RETURN(app->store_, sqlite::SqliteStore::Open(JoinPath(dir, "canvass.db"),
                                                                  ServerThreads(app->config_)));
  CANVASS_ASSIGN_OR_RETURN(
      media::MasterKey key,
      LoadOrCreateMasterKey(app->fs_, JoinPath(dir, "keys/master.key"), *app->random_));
  app->hub_ = std::make_unique<EventHub>();
  app->accounts_ = std::make_unique<AccountService>(app->store_.get(), app->clock_, app->random_,
                                                    app->config_.auth);
  app->agencies_ = std::make_unique<AgencyService>(app->store_.get(), app->clock_, app->random_);
  app->clips_ =
      std::make_unique<ClipService>(app->store_.get(), app->fs_, app->clock_, app->random_, key,
                                    dir, app->config_.clips, app->hub_.get());
  CANVASS_RETURN_IF_ERROR(app->clips_->Init());
  app->cameras_ = std::make_unique<CameraService>(app->store_.get(), app->clips_.get(), app->clock_,
                                                  app->random_, app->config_.clips);
  CANVASS_ASSIGN_OR_RETURN(audit::Signer signer,
                           LoadOrCreateSigner(app->fs_, JoinPath(dir, "keys/audit-signer.key"),
                                              app->config_.deployment.name, *app->random_));
  // The case-number HMAC key is derived from the master key: one secret to back up.
  std::string case_key = DigestBytes(
      HmacSha256(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()),
                 "canvass case number v1"));
  app->config_.deployment.name = signer.name();  // the origin, as the data directory knows it
  app->audit_ =
      std::make_unique<AuditLog>(app->store_.get(), app->clock_, std::move(signer), case_key);
  CANVASS_RETURN_IF_ERROR(app->audit_->Init());
  CANVASS_RETURN_IF_ERROR(app->OpenRequests(key));
  app->plates_ =
      std::make_unique<plates::PlateService>(app->store_.get(), app->fs_, app->clock_, app->random_,
                                             key, dir, app->config_, app->hub_.get());
  CANVASS_RETURN_IF_ERROR(app->plates_->Init());
  app->holds_ = std::make_unique<retention::HoldService>(app->store_.get(), app->clock_,
                                                         app->random_, app->config_.retention);
  app->retention_ = std::make_unique<retention::RetentionService>(
      app->store_.get(), app->holds_.get(), app->clips_.get(), app->plates_.get(), app->clock_,
      app->config_.retention);
  // Legal demands place holds: built after retention.
  CANVASS_RETURN_IF_ERROR(app->OpenLegal());
  app->reports_ = std::make_unique<report::ReportPublisher>(app->store_.get());
  Services& sv = app->services_;
  sv.config = &app->config_;
  sv.clock = app->clock_;
  sv.store = app->store_.get();
  sv.accounts = app->accounts_.get();
  sv.agencies = app->agencies_.get();
  sv.cameras = app->cameras_.get();
  sv.clips = app->clips_.get();
  sv.hub = app->hub_.get();
  sv.audit = app->audit_.get();
  sv.requests = app->requests_.get();
  sv.shares = app->shares_.get();
  sv.evidence = app->evidence_.get();
  sv.plates = app->plates_.get();
  sv.demands = app->demands_.get();
  sv.productions = app->productions_.get();
  sv.holds = app->holds_.get();
  sv.retention = app->retention_.get();
  sv.reports = app->reports_.get();
  RegisterHealthRoutes(app->router_);
  RegisterSessionRoutes(app->router_);
  RegisterAccountRoutes(app->router_);
  RegisterAgencyRoutes(app->router_);
  RegisterCameraRoutes(app->router_);
  RegisterUploadRoutes(app->router_);
  RegisterClipRoutes(app->router_);
  RegisterEventRoutes(app->router_);
  RegisterAuditRoutes(app->router_);
  RegisterRequestRoutes(app->router_);
  RegisterInboxRoutes(app->router_);
  RegisterEvidenceRoutes(app->router_);
  RegisterPlateRoutes(app->router_);
  RegisterLegalRoutes(app->router_);
  RegisterHoldRoutes(app->router_);
  RegisterReportRoutes(app->router_);
  return app;
}

Status App::OpenRequests(const media::MasterKey& key) {
  const std::string& dir = config_.server.data_dir;
  requests_ = std::make_unique<requests::RequestService>(store_.get(), clock_, random_,
                                                         config_.requests, hub_.get());
  CANVASS_RETURN_IF_ERROR(requests_->LoadIndex());
  cameras_->SetListener(requests_.get());
  clips_->SetListener(requests_.get());
  auto faces = media::OpenCvFaceDetector();
  if (faces.ok()) {
    faces_ = std::move(faces).value();
  } else {
    spdlog::warn("face blurring unavailable: {}", faces.status().ToString());
  }
  locker_ = std::make_unique<requests::EvidenceLocker>(fs_, random_, key, dir);
  CANVASS_RETURN_IF_ERROR(locker_->Init());
  shares_ = std::make_unique<requests::ShareService>(store_.get(), clock_, random_, clips_.get(),
                                                     locker_.get(), faces_.get());
  CANVASS_ASSIGN_OR_RETURN(
      evidence::SigningKey signing,
      evidence::LoadOrCreateSigningKey(fs_, JoinPath(dir, "keys/evidence.key"), *random_));
  evidence_ = std::make_unique<requests::EvidenceService>(
      store_.get(), clock_, locker_.get(), std::move(signing), config_.deployment.name);
  return OkStatus();
}

Status App::OpenLegal() {
  const std::string& dir = config_.server.data_dir;
  demands_ = std::make_unique<legal::DemandService>(store_.get(), fs_, clock_, random_,
                                                    config_.legal, holds_.get(), hub_.get(), dir);
  CANVASS_RETURN_IF_ERROR(demands_->Init());
  // Productions are signed with the same deployment key as evidence packages.
  CANVASS_ASSIGN_OR_RETURN(
      evidence::SigningKey signing,
      evidence::LoadOrCreateSigningKey(fs_, JoinPath(dir, "keys/evidence.key"), *random_));
  productions_ = std::make_unique<legal::ProductionService>(
      store_.get(), fs_, clock_, config_.legal, clips_.get(), plates_.get(), holds_.get(),
      std::move(signing), config_.deployment.name, dir);
  return productions_->Init();
}

App::~App() { Shutdown(); }

Status App::Start() {
  HttpServer::Options o;
  uint16_t port;
  CANVASS_RETURN_IF_ERROR(ParseListenAddress(config_.server.listen, &o.host, &port));
  o.port = port;
  o.threads = ServerThreads(config_);
  o.max_header_bytes = config_.server.max_header_bytes;
  o.request_timeout_ms = config_.server.request_timeout_ms;
  http_ = std::make_unique<HttpServer>(
      o, [this](Request& r) { return Handle(r); },
      [this](const std::string& m, const std::string& t) { return BodyLimit(m, t); });
  CANVASS_RETURN_IF_ERROR(http_->Start());
  maintenance_ = std::thread([this] {
    RunEvery(std::chrono::minutes(1), "expiring uploads and requests", [this] {
      // Every job runs each time: one failing must not hold the others back.
      std::vector<Status> results;
      results.push_back(clips_->ExpireUploads().status());
      results.push_back(requests_->ExpireDue().status());
      results.push_back(demands_->SendDueNotices().status());
      results.push_back(demands_->FlagOverdueEmergencies().status());
      // Holds past expiry end, then one batch of clips and one of plate reads per agency
      // (small batches: ingest never waits long), then the database files are scrubbed.
      results.push_back(retention_->RunOnce().status());
      for (const Status& s : results) {
        if (!s.ok()) return s;
      }
      return OkStatus();
    });
  });
  integrator_ = std::thread([this] {
    RunEvery(std::chrono::milliseconds(config_.audit.checkpoint_interval_ms), "audit checkpoint",
             [this] { return audit_->Integrate().status(); });
  });
  return OkStatus();
}

uint16_t App::port() const { return http_ ? http_->port() : 0; }

std::string App::BaseUrl() const {
  std::string host;
  uint16_t port;
  if (!ParseListenAddress(config_.server.listen, &host, &port).ok()) return "";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(this->port());
}

void App::Shutdown() {
  {
    std::lock_guard lock(maintenance_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  maintenance_cv_.notify_all();
  if (maintenance_.joinable()) maintenance_.join();
  if (integrator_.joinable()) integrator_.join();
  if (hub_) hub_->CloseAll();
  if (http_) http_->Shutdown(std::chrono::milliseconds(config_.server.shutdown_grace_ms));
  // Every event of the requests just finished goes into a signed checkpoint before we exit.
  if (audit_) {
    auto size = audit_->Integrate();
    if (!size.ok()) spdlog::error("final audit checkpoint: {}", size.status().ToString());
  }
}

void App::RunEvery(std::chrono::milliseconds interval, const char* what,
                   const std::function<Status()>& job) {
  std::unique_lock lock(maintenance_mu_);
  while (!stopping_) {
    maintenance_cv_.wait_for(lock, interval);
    if (stopping_) break;
    lock.unlock();
    Status s = job();
    if (!s.ok()) spdlog::error("{}: {}", what, s.ToString());
    lock.lock();
  }
}

int64_t App::BodyLimit(const std::string& method, const std::string& target) const {
  std::string path = target.substr(0, target.find('?'));
  auto m = router_.Find(method, path);
  if (m.route && m.route->max_body_bytes == kChunkSizedBody) {
    return config_.clips.max_upload_chunk_bytes;
  }
  if (m.route && m.route->max_body_bytes == kClipSizedBody) return config_.clips.max_clip_bytes;
  if (m.route && m.route->max_body_bytes == kDocumentSizedBody) {
    return config_.legal.max_document_bytes;
  }
  if (m.route && m.route->max_body_bytes > 0) return m.route->max_body_bytes;
  return config_.server.max_body_bytes;
}

Response App::Handle(Request& request) {
  auto start = std::chrono::steady_clock::now();
  Response r = Dispatch(request);
  if (request.path.starts_with("/api/")) r.AddHeader("Cache-Control", "no-store");
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  spdlog::debug("{} {} -> {} ({} us)", request.method, request.path, r.status, us);
  return r;
}

Response App::Dispatch(Request& request) {
  if (!request.path.starts_with("/api/") && !request.path.starts_with("/audit/")) {
    // The built web UI when there is one (server.web_dir), else the built-in page.
    if (HasWebUi(config_.server.web_dir)) return ServeStaticFile(config_.server.web_dir, request);
    if (request.method == "GET" && (request.path == "/" || request.path == "/index.html")) {
      Response r;
      r.content_type = "text/html; charset=utf-8";
      r.body = kLandingPage;
      return r;
    }
    return ErrorResponse(NotFoundError("no page at " + request.path));
  }
  std::string raw_path = request.target.substr(0, request.target.find('?'));
  for (const char* bad : {"%2f", "%2F", "%5c", "%5C", "%00"}) {
    if (raw_path.find(bad) != std::string::npos) {
      return ErrorResponse(
          InvalidArgumentError("encoded '/', '\\' or NUL in the path is not allowed"));
    }
  }
  if (request.path.find("/../") != std::string::npos ||
      request.path.find("/./") != std::string::npos || request.path.ends_with("/..") ||
      request.path.ends_with("/.")) {
    return ErrorResponse(InvalidArgumentError("path segments '.' and '..' are not allowed"));
  }
  Router::Match m = router_.Find(request.method, request.path);
  if (!m.route) {
    if (!m.bad_param.empty()) return ErrorResponse(InvalidArgumentError(m.bad_param));
    if (!m.allow.empty()) {
      std::string allow;
      for (const auto& a : m.allow) allow += (allow.empty() ? "" : ", ") + a;
      Response r = ErrorResponse(
          InvalidArgumentError("method " + request.method + " not allowed here; use " + allow));
      r.status = 405;
      r.AddHeader("Allow", allow);
      return r;
    }
    return ErrorResponse(NotFoundError("no endpoint " + request.method + " " + request.path +
                                       " (see docs/ref/api.md)"));
  }
  request.path_params = std::move(m.params);
  const Route& route = *m.route;

  const std::string cookie = request.Cookie("canvass_session");
  const std::string bearer = BearerToken(request);
  auto principal = accounts_->Authenticate(cookie, bearer);
  if (!principal.ok()) {
    // A bad bearer token is always an error the client must hear about. A stale session cookie
    // is what browsers carry after a logout elsewhere or an expiry: on public routes (login,
    // sign-up) it is ignored rather than locking the browser out.
    if (!route.access.anonymous || !bearer.empty() ||
        principal.status().code() != Code::kUnauthenticated) {
      Response r = ErrorResponse(principal.status());
      if (r.status == 401) r.AddHeader("WWW-Authenticate", "Bearer realm=\"canvass\"");
      return r;
    }
    principal = Principal::Anonymous();
  }
  // CSRF: a browser session must prove it read our page before it changes anything. On public
  // routes a session without its token is treated as anonymous (so logging in again works).
  if (principal->via == Principal::Via::kCookie && !IsSafeMethod(request.method) &&
      request.Header("x-csrf-token") != principal->csrf_token) {
    if (!route.access.anonymous) {
      return ErrorResponse(PermissionDeniedError(
          "missing or wrong X-CSRF-Token header (it comes with the login response and GET "
          "/api/v1/me)"));
    }
    principal = Principal::Anonymous();
  }
  const Principal& p = *principal;

  // Deny by default.
  const Access& a = route.access;
  bool allowed = a.anonymous || (p.is_device() && a.device) || (p.is_reader() && a.reader);
  if (p.is_account()) {
    for (Role r : a.roles) allowed = allowed || p.account->role == r;
  }
  if (!allowed) {
    if (p.kind == Principal::Kind::kAnonymous) {
      Response r = ErrorResponse(UnauthenticatedError(
          "sign in first: send the session cookie or an Authorization: Bearer token"));
      r.AddHeader("WWW-Authenticate", "Bearer realm=\"canvass\"");
      return r;
    }
    return ErrorResponse(PermissionDeniedError("this endpoint is for " + RolesList(a)));
  }
  if (a.verified_agency && p.is_account() && IsAgencyRole(p.account->role)) {
    Status s = RequireVerifiedAgency(p);
    if (!s.ok()) return ErrorResponse(s);
  }
  Context ctx{request, p, services_};
  StatusOr<Response> res = route.handler(ctx);
  if (!res.ok()) {
    Status s = res.status();
    if (s.code() == Code::kInternal || s.code() == Code::kDataLoss) {
      spdlog::error("{} {}: {}", request.method, request.path, s.ToString());
    }
    return ErrorResponse(s);
  }
  return std::move(res).value();
}

}  // namespace canvass::api
