// App: one Canvass server process, composed. Opens the store and keys under the data
// directory, builds the services and the router, and serves HTTP. `canvass serve`, `canvass
// demo` and the integration tests all run exactly this.
//
// Data directory layout:
//   canvass.db (+ -wal, -shm)   SQLite store
//   keys/master.key             wraps per-clip keys (back it up apart from the data)
//   blobs/aa/bb/<name>          encrypted clips
//   uploads/<upload id>         encrypted partial uploads
//
// Thread-safety: Handle may be called concurrently; Start/Shutdown from one thread.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "api/http_server.h"
#include "api/router.h"
#include "api/services.h"
#include "common/config.h"
#include "common/file_system.h"
#include "common/random.h"

namespace canvass::api {

struct AppOptions {
  Config config;
  const Clock* clock = nullptr;  // default: SystemClock
  Random* random = nullptr;      // default: libsodium
  FileSystem* fs = nullptr;      // default: POSIX
};

class App {
 public:
  static StatusOr<std::unique_ptr<App>> Open(AppOptions options);
  ~App();

  // Starts listening (config.server.listen; port 0 picks one) and the maintenance thread.
  Status Start();
  uint16_t port() const;
  std::string BaseUrl() const;
  // Finishes in-flight requests (server.shutdown_grace_ms), closes live streams, stops.
  void Shutdown();

  // The whole request pipeline without sockets: authenticate, route, check access and CSRF,
  // run the handler, map errors.
  Response Handle(Request& request);

  Services& services() { return services_; }
  requests::EvidenceLocker& evidence_locker() { return *locker_; }
  const Router& router() const { return router_; }
  const Config& config() const { return config_; }

 private:
  // The community-request services: matching index, sharing, the evidence locker.
  Status OpenRequests(const media::MasterKey& key);
  App() = default;
  int64_t BodyLimit(const std::string& method, const std::string& target) const;
  Response Dispatch(Request& request);
  // Runs `job` every `interval` until Shutdown; errors are logged.
  void RunEvery(std::chrono::milliseconds interval, const char* what,
                const std::function<Status()>& job);

  Config config_;
  const Clock* clock_ = nullptr;
  Random* random_ = nullptr;
  FileSystem* fs_ = nullptr;
  std::unique_ptr<Store> store_;
  std::unique_ptr<EventHub> hub_;
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<AgencyService> agencies_;
  std::unique_ptr<ClipService> clips_;
  std::unique_ptr<CameraService> cameras_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<media::FaceDetector> faces_;
  std::unique_ptr<requests::EvidenceLocker> locker_;
  std::unique_ptr<requests::RequestService> requests_;
  std::unique_ptr<requests::ShareService> shares_;
  std::unique_ptr<requests::EvidenceService> evidence_;
  std::unique_ptr<plates::PlateService> plates_;
  Status OpenLegal();
  std::unique_ptr<legal::DemandService> demands_;
  std::unique_ptr<legal::ProductionService> productions_;
  std::unique_ptr<retention::HoldService> holds_;
  std::unique_ptr<retention::RetentionService> retention_;
  std::unique_ptr<report::ReportPublisher> reports_;
  Services services_;
  Router router_;
  std::unique_ptr<HttpServer> http_;

  std::mutex maintenance_mu_;
  std::condition_variable maintenance_cv_;
  bool stopping_ = false;  // GUARDED_BY(maintenance_mu_)
  std::thread maintenance_;
  std::thread integrator_;
};

}  // namespace canvass::api
