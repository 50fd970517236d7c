// Services: what handlers may use. Built once by App; handlers never reach the store directly
// except through these services (the store is listed for health checks only).
#pragma once

#include "accounts/account_service.h"
#include "accounts/agency_service.h"
#include "auditlog/audit_log.h"
#include "cameras/camera_service.h"
#include "clips/clip_service.h"
#include "common/clock.h"
#include "common/config.h"
#include "events/event_hub.h"
#include "legal/demand_service.h"
#include "legal/production_service.h"
#include "plates/plate_service.h"
#include "report/publisher.h"
#include "requests/evidence_service.h"
#include "requests/request_service.h"
#include "requests/share_service.h"
#include "retention/hold_service.h"
#include "retention/retention_service.h"

namespace canvass::api {

struct Services {
  const Config* config = nullptr;
  const Clock* clock = nullptr;
  Store* store = nullptr;
  AccountService* accounts = nullptr;
  AgencyService* agencies = nullptr;
  CameraService* cameras = nullptr;
  ClipService* clips = nullptr;
  EventHub* hub = nullptr;
  AuditLog* audit = nullptr;
  requests::RequestService* requests = nullptr;
  requests::ShareService* shares = nullptr;
  requests::EvidenceService* evidence = nullptr;
  plates::PlateService* plates = nullptr;
  legal::DemandService* demands = nullptr;
  legal::ProductionService* productions = nullptr;
  ::canvass::retention::HoldService* holds = nullptr;
  ::canvass::retention::RetentionService* retention = nullptr;
  report::ReportPublisher* reports = nullptr;
};

// Each handlers/*.cc registers its resource's routes.
class Router;
void RegisterHealthRoutes(Router& router);
void RegisterSessionRoutes(Router& router);
void RegisterAccountRoutes(Router& router);
void RegisterAgencyRoutes(Router& router);
void RegisterCameraRoutes(Router& router);
void RegisterUploadRoutes(Router& router);
void RegisterClipRoutes(Router& router);
void RegisterEventRoutes(Router& router);
void RegisterAuditRoutes(Router& router);
void RegisterRequestRoutes(Router& router);
void RegisterInboxRoutes(Router& router);
void RegisterEvidenceRoutes(Router& router);
void RegisterPlateRoutes(Router& router);
void RegisterLegalRoutes(Router& router);
void RegisterHoldRoutes(Router& router);
void RegisterReportRoutes(Router& router);

}  // namespace canvass::api
