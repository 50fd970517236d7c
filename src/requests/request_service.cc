#include "requests/request_service.h"

#include <boost/json.hpp>
#include <cmath>
#include <map>

#include "common/clock.h"
#include "common/time_format.h"
#include "geo/geo.h"

namespace canvass::requests {
namespace json = boost::json;

namespace {


bool Printable(std::string_view s, bool allow_newlines) {
  for (unsigned char c : s) {
    if (c == '\n' && allow_newlines) continue;
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

Status ValidateInput(const RequestInput& in) {
  if (in.case_number.empty() || in.case_number.size() > 64 || !Printable(in.case_number, false)) {
    return InvalidArgumentError("case_number must be 1 to 64 printable characters");
  }
  if (in.description.size() < 10 || in.description.size() > 2000 ||
      !Printable(in.description, true)) {
    return InvalidArgumentError(
        "description must be 10 to 2000 characters of text (it is shown to owners and the "
        "public)");
  }
  CANVASS_RETURN_IF_ERROR(geo::ValidateLatLng(in.center, "center"));
  if (!std::isfinite(in.radius_m) || in.radius_m <= 0) {
    return InvalidArgumentError("radius_m must be a positive number of metres");
  }
  if (in.from_us <= 0 || in.to_us <= 0) {
    return InvalidArgumentError("from and to must both be set");
  }
  return OkStatus();
}

std::string Details(const json::object& o) { return json::serialize(o); }

}  // namespace

FootageRequest RedactForOutsiders(FootageRequest r) {
  r.case_number.clear();
  r.officer_id.clear();
  r.decision_json.clear();
  r.decided_by.clear();
  r.decision_note.clear();
  return r;
}

RequestService::RequestService(Store* store, const Clock* clock, Random* random,
                               const RequestsConfig& config, EventHub* hub)
    : store_(store), clock_(clock), random_(random), config_(config), hub_(hub) {}

Status RequestService::LoadIndex() {
  CANVASS_RETURN_IF_ERROR(store_->ForEachCamera([&](const Camera& c) {
    CameraChanged(c);
    return OkStatus();
  }));
  // Clips are loaded camera by camera (one lock and one sort each), then spare capacity freed.
  std::map<std::string, std::vector<std::pair<std::string, std::pair<int64_t, int64_t>>>> by_camera;
  CANVASS_RETURN_IF_ERROR(store_->ForEachClip([&](const Clip& c) {
    by_camera[c.camera_id].push_back({c.id, {c.started_at_us, c.ended_at_us}});
    return OkStatus();
  }));
  std::vector<ClipInterval> intervals;
  for (const auto& [camera, clips] : by_camera) {
    intervals.clear();
    for (const auto& [id, span] : clips) intervals.push_back({id, span.first, span.second});
    index_.AddClips(camera, intervals);
  }
  index_.ShrinkToFit();
  return OkStatus();
}

void RequestService::CameraChanged(const Camera& c) {
  index_.UpsertCamera(c.id, c.location, c.sharing == SharingPreference::kAsk);
}
void RequestService::CameraDeleted(const Camera& c) { index_.RemoveCamera(c.id); }
void RequestService::ClipAdded(const Clip& c) {
  index_.AddClip(c.camera_id, c.id, c.started_at_us, c.ended_at_us);
}
void RequestService::ClipDeleted(const Clip& c) { index_.RemoveClip(c.camera_id, c.id); }

std::string RequestService::AgencyName(const std::string& agency_id) {
  auto a = store_->GetAgency(agency_id);
  return a.ok() ? a->name : "";
}

// ---- police ----------------------------------------------------------------------------------

StatusOr<FiledRequest> RequestService::File(const Principal& officer, const RequestInput& in) {
  if (!officer.agency) return PermissionDeniedError("only agency members file requests");
  CANVASS_RETURN_IF_ERROR(ValidateInput(in));
  const Agency& agency = *officer.agency;
  const int64_t now = clock_->NowMicros();
  CANVASS_ASSIGN_OR_RETURN(int existing, store_->CountRequestsForCase(agency.id, in.case_number));

  policy::RequestProposal p;
  p.agency_state = agency.state;
  p.agency_federal = agency.federal;
  p.agency_verified = agency.verified;
  p.point_in_jurisdiction = geo::PolygonContains(agency.boundary, in.center);
  p.incident_type = in.incident_type;
  p.description = in.description;
  p.center = in.center;
  p.radius_m = in.radius_m;
  p.from_us = in.from_us;
  p.to_us = in.to_us;
  p.existing_requests_for_case = existing;
  p.now_us = now;
  FiledRequest out;
  out.decision = policy::EvaluateRequest(config_, p);
  const json::value decision = json::parse(out.decision.ToJson());
  const std::string verdict(policy::VerdictName(out.decision.verdict));
  const json::object input{{"incident_type", in.incident_type},
                           {"description", in.description},
                           {"lat_deg", in.center.lat_deg},
                           {"lng_deg", in.center.lng_deg},
                           {"radius_m", in.radius_m},
                           {"from_us", in.from_us},
                           {"to_us", in.to_us}};

  if (in.expiry_h < 0 || in.expiry_h > out.decision.expiry_h) {
    return InvalidArgumentError("expires_in_h must be 1 to " +
                                std::to_string(out.decision.expiry_h) +
                                " (the policy's longest answering time)");
  }
  if (out.decision.verdict == policy::PolicyDecision::Verdict::kRefused) {
    AuditEvent ev = MakeAuditEvent(officer, *clock_, "request.refuse", "request", "");
    ev.reason_code = out.decision.DecidingRule();
    ev.case_number = in.case_number;
    ev.details_json = Details({{"input", input}, {"decision", decision}});
    CANVASS_RETURN_IF_ERROR(store_->RecordAccess(ev));
    return out;
  }

  FootageRequest r;
  r.id = random_->NewId("req");
  r.agency_id = agency.id;
  r.officer_id = officer.id();
  r.case_number = in.case_number;
  r.incident_type = in.incident_type;
  r.description = in.description;
  r.center = in.center;
  r.radius_m = in.radius_m;
  r.from_us = in.from_us;
  r.to_us = in.to_us;
  r.decision_json = out.decision.ToJson();
  r.created_at_us = now;
  r.expires_at_us = now + (in.expiry_h ? in.expiry_h : out.decision.expiry_h) * kHourUs;
  const bool allowed = out.decision.verdict == policy::PolicyDecision::Verdict::kAllowed;
  r.status = allowed ? RequestStatus::kOpen : RequestStatus::kPendingApproval;

  std::vector<AuditEvent> audit;
  AuditEvent filed = MakeAuditEvent(officer, *clock_, "request.file", "request", r.id);
  filed.reason_code = r.incident_type;
  filed.case_number = r.case_number;
  filed.details_json = Details({{"input", input}});
  audit.push_back(filed);
  AuditEvent decided = MakeAuditEvent(officer, *clock_, "request.policy", "request", r.id);
  decided.reason_code = allowed ? verdict : out.decision.DecidingRule();
  decided.case_number = r.case_number;
  decided.details_json = Details({{"decision", decision}});
  audit.push_back(decided);

  std::vector<RequestNotification> notifications;
  if (allowed) {
    r.opened_at_us = now;
    CANVASS_ASSIGN_OR_RETURN(notifications, Notifications(r, &r.cameras_notified));
    audit.push_back(NotifyEvent(officer, r, notifications, r.cameras_notified));
  }
  CANVASS_RETURN_IF_ERROR(store_->CreateRequest(r, notifications, audit));
  PublishToOwners(r, notifications);
  out.request = std::move(r);
  return out;
}

StatusOr<std::vector<RequestNotification>> RequestService::Notifications(const FootageRequest& r,
                                                                         int64_t* cameras) {
  std::vector<std::string> ids = index_.Match({r.center, r.radius_m, r.from_us, r.to_us});
  std::map<std::string, std::vector<std::string>> by_owner;
  int64_t n = 0;
  for (const auto& id : ids) {
    auto cam = store_->GetCamera(id);
    if (!cam.ok()) continue;  // deleted since: the index catches up
    if (cam->sharing != SharingPreference::kAsk) continue;
    by_owner[cam->owner_id].push_back(id);
    ++n;
  }
  std::vector<RequestNotification> out;
  const int64_t now = clock_->NowMicros();
  for (auto& [owner, cams] : by_owner) {
    out.push_back({r.id, owner, std::move(cams), NotificationStatus::kPending, now, 0});
  }
  *cameras = n;
  return out;
}

AuditEvent RequestService::NotifyEvent(const Principal& actor, const FootageRequest& r,
                                       const std::vector<RequestNotification>& ns,
                                       int64_t cameras) {
  AuditEvent ev = MakeAuditEvent(actor, *clock_, "request.notify", "request", r.id);
  ev.actor_agency_id = r.agency_id;  // the requesting agency, whoever sends the notices
  ev.count = cameras;
  ev.case_number = r.case_number;
  json::array owners;
  for (const auto& n : ns) {
    json::array cams;
    for (const auto& c : n.camera_ids) cams.push_back(json::string(c));
    owners.push_back({{"owner_id", n.owner_id}, {"camera_ids", cams}});
  }
  ev.details_json = Details({{"owners", owners}});
  return ev;
}

void RequestService::PublishToOwners(const FootageRequest& r,
                                     const std::vector<RequestNotification>& ns) {
  if (!hub_ || ns.empty()) return;
  const std::string agency = AgencyName(r.agency_id);
  for (const auto& n : ns) {
    json::object o{{"request_id", r.id},
                   {"agency", agency},
                   {"incident_type", r.incident_type},
                   {"cameras", n.camera_ids.size()},
                   {"expires_at", FormatRfc3339(r.expires_at_us)}};
    hub_->Publish(n.owner_id, {"request", json::serialize(o)});
  }
}

StatusOr<FootageRequest> RequestService::AgencyRequest(const Principal& member,
                                                       const std::string& id) {
  auto r = store_->GetRequest(id);
  if (!r.ok()) return r.status();
  if (member.AgencyId().empty() || r->agency_id != member.AgencyId()) {
    return NotFoundError("request " + id + " not found");
  }
  return r;
}

StatusOr<AgencyView> RequestService::ViewOf(FootageRequest r) {
  CANVASS_ASSIGN_OR_RETURN(RequestCounts counts, store_->GetRequestCounts(r.id));
  return AgencyView{std::move(r), counts};
}

StatusOr<AgencyView> RequestService::Get(const Principal& member, const std::string& id) {
  CANVASS_ASSIGN_OR_RETURN(FootageRequest r, AgencyRequest(member, id));
  return ViewOf(std::move(r));
}

StatusOr<std::vector<AgencyView>> RequestService::List(const Principal& member, int limit) {
  if (member.AgencyId().empty()) return PermissionDeniedError("only agency members list requests");
  CANVASS_ASSIGN_OR_RETURN(auto rs, store_->ListRequests(member.AgencyId(), limit));
  std::vector<AgencyView> out;
  for (auto& r : rs) {
    CANVASS_ASSIGN_OR_RETURN(AgencyView v, ViewOf(std::move(r)));
    out.push_back(std::move(v));
  }
  return out;
}

StatusOr<AgencyView> RequestService::Approve(const Principal& supervisor, const std::string& id,
                                             const std::string& note) {
  return Decide(supervisor, id, note, true);
}

StatusOr<AgencyView> RequestService::Reject(const Principal& supervisor, const std::string& id,
                                            const std::string& note) {
  return Decide(supervisor, id, note, false);
}

StatusOr<AgencyView> RequestService::Decide(const Principal& supervisor, const std::string& id,
                                            const std::string& note, bool approve) {
  CANVASS_ASSIGN_OR_RETURN(FootageRequest r, AgencyRequest(supervisor, id));
  if (note.size() > 2000 || !Printable(note, true)) {
    return InvalidArgumentError("note must be at most 2000 characters of text");
  }
  if (r.status != RequestStatus::kPendingApproval) {
    return FailedPreconditionError("request " + id + " is " +
                                   std::string(RequestStatusName(r.status)) +
                                   ", not awaiting approval");
  }
  if (r.officer_id == supervisor.id()) {
    return PermissionDeniedError("a supervisor cannot approve or reject their own request");
  }
  const int64_t now = clock_->NowMicros();
  if (approve && r.to_us > now) return FailedPreconditionError("the window is not over yet");
  r.status = approve ? RequestStatus::kOpen : RequestStatus::kRejected;
  r.decided_by = supervisor.id();
  r.decided_at_us = now;
  r.decision_note = note;
  std::vector<AuditEvent> audit;
  AuditEvent ev = MakeAuditEvent(supervisor, *clock_,
                                 approve ? "request.approve" : "request.reject", "request", r.id);
  ev.case_number = r.case_number;
  ev.details_json = Details({{"note", note}});
  audit.push_back(ev);
  std::vector<RequestNotification> notifications;
  if (approve) {
    // Owners get the whole answering time from the moment they are asked.
    r.opened_at_us = now;
    // The answering time the officer asked for (or the policy's), counted from now.
    r.expires_at_us = now + (r.expires_at_us - r.created_at_us);
    CANVASS_ASSIGN_OR_RETURN(notifications, Notifications(r, &r.cameras_notified));
    audit.push_back(NotifyEvent(supervisor, r, notifications, r.cameras_notified));
  } else {
    r.closed_at_us = now;
  }
  CANVASS_RETURN_IF_ERROR(
      store_->UpdateRequest(r, RequestStatus::kPendingApproval, notifications, audit));
  PublishToOwners(r, notifications);
  return ViewOf(std::move(r));
}

StatusOr<AgencyView> RequestService::Close(const Principal& member, const std::string& id) {
  CANVASS_ASSIGN_OR_RETURN(FootageRequest r, AgencyRequest(member, id));
  if (r.status != RequestStatus::kOpen && r.status != RequestStatus::kPendingApproval) {
    return FailedPreconditionError("request " + id + " is already " +
                                   std::string(RequestStatusName(r.status)));
  }
  const RequestStatus from = r.status;
  r.status = RequestStatus::kClosed;
  r.closed_at_us = clock_->NowMicros();
  AuditEvent ev = MakeAuditEvent(member, *clock_, "request.close", "request", r.id);
  ev.case_number = r.case_number;
  CANVASS_RETURN_IF_ERROR(store_->UpdateRequest(r, from, {}, {ev}));
  return ViewOf(std::move(r));
}

// ---- public ----------------------------------------------------------------------------------

StatusOr<std::vector<PublicView>> RequestService::PublicFeed(int64_t before_us, int limit) {
  CANVASS_ASSIGN_OR_RETURN(auto rs, store_->ListPublicRequests(before_us, limit));
  std::vector<PublicView> out;
  std::map<std::string, std::string> names;
  for (auto& r : rs) {
    CANVASS_ASSIGN_OR_RETURN(RequestCounts counts, store_->GetRequestCounts(r.id));
    if (!names.count(r.agency_id)) names[r.agency_id] = AgencyName(r.agency_id);
    FootageRequest pub = RedactForOutsiders(std::move(r));
    // About 100 m: three decimals of a degree (111 m of latitude), the radius up to 100 m.
    pub.center.lat_deg = std::round(pub.center.lat_deg * 1000) / 1000;
    pub.center.lng_deg = std::round(pub.center.lng_deg * 1000) / 1000;
    pub.radius_m = std::ceil(pub.radius_m / 100) * 100;
    std::string agency = names[pub.agency_id];
    out.push_back({std::move(pub), std::move(agency), counts});
  }
  return out;
}

// ---- owners ----------------------------------------------------------------------------------

StatusOr<std::vector<InboxEntry>> RequestService::Inbox(const Principal& owner, int limit) {
  if (!owner.HasRole(Role::kResident)) return PermissionDeniedError("only residents have an inbox");
  CANVASS_ASSIGN_OR_RETURN(auto ns, store_->ListNotifications(owner.id(), limit));
  std::vector<InboxEntry> out;
  for (auto& n : ns) {
    CANVASS_ASSIGN_OR_RETURN(FootageRequest r, store_->GetRequest(n.request_id));
    std::string agency = AgencyName(r.agency_id);
    out.push_back({RedactForOutsiders(std::move(r)), std::move(agency), std::move(n)});
  }
  return out;
}

StatusOr<InboxDetail> RequestService::InboxItem(const Principal& owner,
                                                const std::string& request_id) {
  if (!owner.HasRole(Role::kResident)) return PermissionDeniedError("only residents have an inbox");
  CANVASS_ASSIGN_OR_RETURN(RequestNotification n, store_->GetNotification(request_id, owner.id()));
  CANVASS_ASSIGN_OR_RETURN(FootageRequest r, store_->GetRequest(request_id));
  InboxDetail d;
  for (const auto& cam : n.camera_ids) {
    ClipFilter f;
    f.camera_id = cam;
    f.from_us = r.from_us;
    f.to_us = r.to_us;
    f.limit = 1000;
    CANVASS_ASSIGN_OR_RETURN(auto clips, store_->ListClips(owner.id(), f));
    for (auto& c : clips) d.clips.push_back(std::move(c));
  }
  std::string agency = AgencyName(r.agency_id);
  d.entry = {RedactForOutsiders(std::move(r)), std::move(agency), std::move(n)};
  return d;
}

Status RequestService::Decline(const Principal& owner, const std::string& request_id) {
  if (!owner.HasRole(Role::kResident)) return PermissionDeniedError("only residents answer");
  CANVASS_ASSIGN_OR_RETURN(RequestNotification n, store_->GetNotification(request_id, owner.id()));
  CANVASS_ASSIGN_OR_RETURN(FootageRequest r, store_->GetRequest(request_id));
  n.status = NotificationStatus::kDeclined;
  n.responded_at_us = clock_->NowMicros();
  AuditEvent ev = MakeAuditEvent(owner, *clock_, "request.decline", "request", request_id);
  ev.actor_agency_id = r.agency_id;  // the requesting agency: reports count declines per agency
  return store_->RecordAnswer(n, {}, {}, {}, ev);
}

// ---- maintenance -----------------------------------------------------------------------------

StatusOr<int> RequestService::ExpireDue() {
  const Principal system = Principal::System();
  int expired = 0;
  for (;;) {
    CANVASS_ASSIGN_OR_RETURN(auto due, store_->ListExpiredRequests(clock_->NowMicros(), 100));
    if (due.empty()) return expired;
    for (auto& r : due) {
      const RequestStatus from = r.status;
      r.status = RequestStatus::kExpired;
      r.closed_at_us = clock_->NowMicros();
      AuditEvent ev = MakeAuditEvent(system, *clock_, "request.expire", "request", r.id);
      ev.reason_code = from == RequestStatus::kOpen ? "open" : "pending_approval";
      ev.case_number = r.case_number;
      Status s = store_->UpdateRequest(r, from, {}, {ev});
      if (!s.ok() && s.code() != Code::kFailedPrecondition) return s;  // closed meanwhile: fine
      if (s.ok()) ++expired;
    }
  }
}

}  // namespace canvass::requests
