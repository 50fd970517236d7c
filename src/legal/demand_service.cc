#include "legal/demand_service.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>

#include "common/clock.h"
#include "common/sha256.h"
#include "common/time_format.h"
#include "legal/demand_rules.h"

namespace canvass::legal {
namespace json = boost::json;

namespace {


Status Text(const std::string& v, std::string_view field, size_t lo, size_t hi) {
  if (v.size() < lo || v.size() > hi) {
    return InvalidArgumentError(std::string(field) + " must be " + std::to_string(lo) + " to " +
                                std::to_string(hi) + " characters");
  }
  return OkStatus();
}

std::string Outcome(Decision::Outcome o) {
  switch (o) {
    case Decision::Outcome::kAccept:
      return "accepted";
    case Decision::Outcome::kNarrow:
      return "narrowed";
    case Decision::Outcome::kReject:
      return "rejected";
  }
  return "unknown";
}

// A file name for display only: the bytes are stored under the document's id.
std::string SafeFilename(const std::string& name) {
  std::string out;
  for (char ch : name) {
    if (std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == '_') {
      out += ch;
    }
    if (out.size() >= 100) break;
  }
  return out.empty() ? "document.pdf" : out;
}

}  // namespace

DemandService::DemandService(Store* store, FileSystem* fs, const Clock* clock, Random* random,
                             const LegalConfig& config, retention::HoldService* holds,
                             EventHub* hub, std::string data_dir)
    : store_(store),
      fs_(fs),
      clock_(clock),
      random_(random),
      config_(config),
      holds_(holds),
      hub_(hub),
      data_dir_(std::move(data_dir)) {}

Status DemandService::Init() { return fs_->CreateDirs(data_dir_ + "/legal/documents"); }

Status DemandService::RequireLegal(const Principal& p) const {
  if (!p.HasRole(Role::kLegal)) return PermissionDeniedError("only legal staff handle demands");
  return OkStatus();
}

AuditEvent DemandService::Event(const Principal& actor, const Demand& d, std::string type) const {
  AuditEvent ev = MakeAuditEvent(actor, *clock_, std::move(type), "demand", d.id);
  // The public agency of a legal leaf is the requesting agency (docs/design/legal.md).
  ev.actor_agency_id = d.agency_id;
  ev.case_number = d.case_number;
  return ev;
}

Status DemandService::CheckTargetsExist(const DemandScope& s, const std::string& what) {
  for (const auto& id : s.account_ids) {
    auto a = store_->GetAccount(id);
    if (!a.ok()) return InvalidArgumentError(what + ".account_ids: no account " + id);
    if (a->role != Role::kResident) {
      return InvalidArgumentError(what + ".account_ids: " + id + " is not a resident's account");
    }
  }
  for (const auto& id : s.camera_ids) {
    bool found = id.rfind("lpr_", 0) == 0 ? store_->GetPlateReader(id).ok()
                                          : store_->GetCamera(id).ok();
    if (!found) return InvalidArgumentError(what + ".camera_ids: no camera or reader " + id);
  }
  return OkStatus();
}

StatusOr<std::vector<std::string>> DemandService::AffectedAccounts(const DemandScope& s) {
  std::set<std::string> out(s.account_ids.begin(), s.account_ids.end());
  for (const auto& id : s.camera_ids) {
    if (id.rfind("cam_", 0) != 0) continue;  // plate readers belong to agencies, not residents
    auto cam = store_->GetCamera(id);
    if (cam.ok()) out.insert(cam->owner_id);
  }
  return std::vector<std::string>(out.begin(), out.end());
}

// ---- recording -------------------------------------------------------------------------------

StatusOr<Demand> DemandService::Record(const Principal& legal, DemandInput in) {
  CANVASS_RETURN_IF_ERROR(RequireLegal(legal));
  if (in.type == DemandType::kEmergency) {
    return InvalidArgumentError(
        "emergency requests are filed by an officer with a signed attestation "
        "(POST /api/v1/emergency-requests), not recorded by legal staff");
  }
  auto agency = store_->GetAgency(in.agency_id);
  if (!agency.ok()) return InvalidArgumentError("agency_id: no agency " + in.agency_id);
  CANVASS_RETURN_IF_ERROR(Text(in.issuing_authority, "issuing_authority", 2, 200));
  CANVASS_RETURN_IF_ERROR(Text(in.docket_number, "docket_number", 1, 100));
  CANVASS_RETURN_IF_ERROR(Text(in.case_number, "case_number", 0, 64));
  const int64_t now = clock_->NowMicros();
  if (in.issued_at_us > now) return InvalidArgumentError("issued_at is in the future");
  if (in.nondisclosure_until_us != 0) {
    if (in.nondisclosure_until_us <= now) {
      return InvalidArgumentError("nondisclosure_until has already passed");
    }
    if (in.nondisclosure_until_us > now + config_.max_nondisclosure_days * kDayUs) {
      return InvalidArgumentError("nondisclosure_until is more than " +
                                  std::to_string(config_.max_nondisclosure_days) +
                                  " days away: a non-disclosure order needs a nearer end date");
    }
  }
  CANVASS_RETURN_IF_ERROR(ValidateScope(in.type, &in.scope, "scope"));
  CANVASS_RETURN_IF_ERROR(ValidateScope(in.type, &in.authorized, "authorized"));
  CANVASS_RETURN_IF_ERROR(CheckTargetsExist(in.scope, "scope"));
  if (!in.follows_demand_id.empty()) {
    auto e = store_->GetDemand(in.follows_demand_id);
    if (!e.ok() || e->type != DemandType::kEmergency) {
      return InvalidArgumentError("follows_demand_id: " + in.follows_demand_id +
                                  " is not an emergency request");
    }
    if (e->agency_id != in.agency_id) {
      return InvalidArgumentError("follows_demand_id: that emergency request is another agency's");
    }
    if (in.type == DemandType::kPreservation) {
      return InvalidArgumentError("a preservation request is not legal process for a disclosure");
    }
  }

  Demand d;
  d.id = random_->NewId("dem");
  d.type = in.type;
  d.agency_id = in.agency_id;
  d.issuing_authority = in.issuing_authority;
  d.docket_number = in.docket_number;
  d.case_number = in.case_number;
  d.scope = std::move(in.scope);
  d.authorized = std::move(in.authorized);
  d.issued_at_us = in.issued_at_us;
  d.nondisclosure_until_us = in.nondisclosure_until_us;
  d.follows_demand_id = in.follows_demand_id;
  d.recorded_by = legal.id();
  d.created_at_us = now;
  AuditEvent ev = Event(legal, d, "legal.demand_record");
  ev.reason_code = std::string(DemandTypeName(d.type));
  ev.details_json = json::serialize(json::object{{"scope", json::parse(ScopeToJson(d.scope))},
                                                 {"authorized", json::parse(ScopeToJson(d.authorized))},
                                                 {"docket_number", d.docket_number},
                                                 {"issuing_authority", d.issuing_authority}});
  CANVASS_RETURN_IF_ERROR(store_->CreateDemand(d, ev));
  if (!d.follows_demand_id.empty()) {
    CANVASS_RETURN_IF_ERROR(LinkFollowup(legal, d.follows_demand_id, d.id).status());
  }
  return store_->GetDemand(d.id);
}

StatusOr<DemandDocument> DemandService::AttachDocument(const Principal& legal,
                                                       const std::string& demand_id,
                                                       const std::string& filename,
                                                       const std::string& pdf) {
  CANVASS_RETURN_IF_ERROR(RequireLegal(legal));
  CANVASS_ASSIGN_OR_RETURN(Demand d, store_->GetDemand(demand_id));
  if (pdf.size() < 5 || pdf.compare(0, 5, "%PDF-") != 0) {
    return InvalidArgumentError("the document is not a PDF (it must start with %PDF-)");
  }
  if (static_cast<int64_t>(pdf.size()) > config_.max_document_bytes) {
    return ResourceExhaustedError("the document is larger than " +
                                  std::to_string(config_.max_document_bytes) + " bytes");
  }
  DemandDocument doc;
  doc.id = random_->NewId("doc");
  doc.demand_id = d.id;
  doc.filename = SafeFilename(filename);
  doc.sha256 = Sha256Hex(pdf);
  doc.size_bytes = static_cast<int64_t>(pdf.size());
  doc.uploaded_by = legal.id();
  doc.uploaded_at_us = clock_->NowMicros();
  // The bytes first, durable; then the row that points at them.
  CANVASS_RETURN_IF_ERROR(
      fs_->WriteFileAtomic(data_dir_ + "/legal/documents/" + doc.id + ".pdf", pdf));
  AuditEvent ev = Event(legal, d, "legal.document_attach");
  ev.object_kind = "demand_document";
  ev.object_id = doc.id;
  ev.details_json = json::serialize(json::object{{"demand_id", d.id}, {"sha256", doc.sha256}});
  Status s = store_->AddDemandDocument(doc, ev);
  if (!s.ok()) {
    fs_->RemoveFile(data_dir_ + "/legal/documents/" + doc.id + ".pdf").IgnoreError();
    return s;
  }
  return doc;
}

StatusOr<std::string> DemandService::ReadDocument(const Principal& legal,
                                                  const std::string& demand_id,
                                                  const std::string& document_id,
                                                  DemandDocument* out) {
  CANVASS_RETURN_IF_ERROR(RequireLegal(legal));
  CANVASS_ASSIGN_OR_RETURN(auto docs, store_->ListDemandDocuments(demand_id));
  for (const auto& doc : docs) {
    if (doc.id != document_id) continue;
    CANVASS_ASSIGN_OR_RETURN(std::string bytes,
                             fs_->ReadFile(data_dir_ + "/legal/documents/" + doc.id + ".pdf"));
    if (Sha256Hex(bytes) != doc.sha256) {
      return DataLossError("document " + doc.id + " does not match its recorded SHA-256");
    }
    *out = doc;
    return bytes;
  }
  return NotFoundError("document " + document_id + " not found on demand " + demand_id);
}

// ---- deciding --------------------------------------------------------------------------------

StatusOr<Demand> DemandService::Decide(const Principal& legal, const std::string& id,
                                       Decision decision) {
  CANVASS_RETURN_IF_ERROR(RequireLegal(legal));
  CANVASS_ASSIGN_OR_RETURN(Demand d, store_->GetDemand(id));
  if (d.status != DemandStatus::kRecorded) {
    return FailedPreconditionError("demand " + id + " is already " +
                                   std::string(DemandStatusName(d.status)));
  }
  if (static_cast<int>(decision.reason.size()) < config_.min_reason_chars ||
      decision.reason.size() > 4000) {
    return InvalidArgumentError("every decision needs a reason of " +
                                std::to_string(config_.min_reason_chars) +
                                " to 4000 characters");
  }
  const int64_t now = clock_->NowMicros();
  Demand updated = d;
  updated.decision_reason = decision.reason;
  updated.decided_by = legal.id();
  updated.decided_at_us = now;
  if (decision.outcome == Decision::Outcome::kReject) {
    if (decision.scope) return InvalidArgumentError("a rejection takes no scope");
    updated.status = DemandStatus::kRejected;
  } else {
    DemandScope decided = d.scope;
    if (decision.outcome == Decision::Outcome::kNarrow) {
      if (!decision.scope) return InvalidArgumentError("narrowing needs the narrowed scope");
      decided = *decision.scope;
      CANVASS_RETURN_IF_ERROR(ValidateScope(d.type, &decided, "narrowed scope"));
      CANVASS_RETURN_IF_ERROR(CheckWithin(decided, "the narrowed scope", d.scope, "the scope asked"));
      updated.narrowed = true;
    } else if (decision.scope) {
      return InvalidArgumentError("accepting takes no scope; narrow to change it");
    }
    CANVASS_RETURN_IF_ERROR(CheckTypeAllows(d.type, decided));
    if (d.type != DemandType::kEmergency) {
      // An emergency has no documents: the attestation and this review are its authority.
      CANVASS_RETURN_IF_ERROR(
          CheckWithin(decided, updated.narrowed ? "the narrowed scope" : "the scope asked",
                      d.authorized, "what the documents allow"));
    }
    CANVASS_RETURN_IF_ERROR(CheckTargetsExist(decided, "scope"));
    updated.decided = decided;
    updated.status = DemandStatus::kAccepted;
  }

  std::vector<DemandNotice> notices;
  std::vector<AuditEvent> audit;
  if (updated.status == DemandStatus::kAccepted) {
    CANVASS_ASSIGN_OR_RETURN(auto accounts, AffectedAccounts(updated.decided));
    updated.users_affected = static_cast<int64_t>(accounts.size());
    const bool deferred = updated.nondisclosure_until_us > now;
    for (const auto& acc : accounts) {
      DemandNotice n;
      n.demand_id = d.id;
      n.account_id = acc;
      if (deferred) {
        n.status = NoticeStatus::kDeferred;
        n.due_at_us = updated.nondisclosure_until_us;
      } else {
        n.status = NoticeStatus::kSent;
        n.sent_at_us = now;
      }
      notices.push_back(n);
    }
    // Preserve before anything else can happen: the hold is placed first (idempotent per
    // demand, so a retried decision places no second one).
    if (d.type == DemandType::kPreservation || updated.decided.content) {
      retention::HoldScope hs;
      hs.account_ids = updated.decided.account_ids;
      hs.camera_ids = updated.decided.camera_ids;
      hs.plates = updated.decided.plates;
      hs.from_us = updated.decided.from_us;
      hs.to_us = updated.decided.to_us;
      CANVASS_RETURN_IF_ERROR(holds_
                                  ->Place(legal, d.id, d.agency_id,
                                          d.type == DemandType::kPreservation ? "preservation"
                                                                              : "demand",
                                          hs)
                                  .status());
    }
  }
  AuditEvent ev = Event(legal, updated, "legal.demand_decide");
  ev.reason_code = std::string(DemandTypeName(d.type)) + "." + Outcome(decision.outcome);
  ev.count = updated.users_affected;
  ev.details_json = json::serialize(
      json::object{{"reason", decision.reason},
                   {"decided", json::parse(ScopeToJson(updated.decided))}});
  audit.push_back(ev);
  for (const auto& n : notices) {
    if (n.status != NoticeStatus::kSent) continue;
    AuditEvent ne = Event(legal, updated, "legal.notice");
    ne.reason_code = "immediate";
    ne.count = 1;
    ne.details_json = json::serialize(json::object{{"account_id", n.account_id}});
    audit.push_back(ne);
  }
  CANVASS_RETURN_IF_ERROR(store_->UpdateDemand(updated, notices, audit));
  for (const auto& n : notices) {
    if (n.status == NoticeStatus::kSent) PushNotice(n, updated);
  }
  return store_->GetDemand(id);
}

void DemandService::PushNotice(const DemandNotice& n, const Demand& d) {
  if (!hub_) return;
  hub_->Publish(n.account_id, {"demand", json::serialize(json::object{
                                             {"demand_id", d.id},
                                             {"type", DemandTypeName(d.type)},
                                             {"status", DemandStatusName(d.status)}})});
}

StatusOr<Demand> DemandService::LinkFollowup(const Principal& legal,
                                             const std::string& emergency_id,
                                             const std::string& followup_id) {
  CANVASS_RETURN_IF_ERROR(RequireLegal(legal));
  CANVASS_ASSIGN_OR_RETURN(Demand e, store_->GetDemand(emergency_id));
  CANVASS_ASSIGN_OR_RETURN(Demand f, store_->GetDemand(followup_id));
  if (e.type != DemandType::kEmergency) {
    return InvalidArgumentError(emergency_id + " is not an emergency request");
  }
  if (f.type == DemandType::kEmergency || f.type == DemandType::kPreservation) {
    return InvalidArgumentError("a " + std::string(DemandTypeName(f.type)) +
                                " is not legal process that can follow an emergency disclosure");
  }
  if (f.agency_id != e.agency_id) {
    return InvalidArgumentError("the follow-up process is from another agency");
  }
  if (e.followup_demand_id == f.id) return e;  // already linked: a retry
  if (!e.followup_demand_id.empty()) {
    return FailedPreconditionError("emergency request " + e.id + " is already followed by " +
                                   e.followup_demand_id);
  }
  Demand updated = e;
  updated.followup_demand_id = f.id;
  AuditEvent ev = Event(legal, e, "legal.emergency_followup");
  ev.reason_code = std::string(DemandTypeName(f.type));
  ev.details_json = json::serialize(json::object{{"followup_demand_id", f.id}});
  CANVASS_RETURN_IF_ERROR(store_->UpdateDemand(updated, {}, {ev}));
  return store_->GetDemand(e.id);
}

// ---- reading ---------------------------------------------------------------------------------

StatusOr<DemandView> DemandService::Get(const Principal& p, const std::string& id) {
  CANVASS_ASSIGN_OR_RETURN(Demand d, store_->GetDemand(id));
  DemandView v;
  if (p.HasRole(Role::kLegal)) {
    CANVASS_ASSIGN_OR_RETURN(v.documents, store_->ListDemandDocuments(id));
    CANVASS_ASSIGN_OR_RETURN(v.notices, store_->ListDemandNotices(id));
  } else if (p.AgencyId().empty() || p.AgencyId() != d.agency_id) {
    return NotFoundError("demand " + id + " not found");  // others' demands do not exist for you
  }
  v.demand = std::move(d);
  return v;
}

StatusOr<std::vector<Demand>> DemandService::List(const Principal& p, const std::string& agency_id,
                                                  const std::string& type, int limit) {
  if (!type.empty()) CANVASS_RETURN_IF_ERROR(ParseDemandType(type).status());
  if (p.HasRole(Role::kLegal)) return store_->ListDemands(agency_id, type, "", limit);
  if (p.AgencyId().empty()) return PermissionDeniedError("only legal staff and agencies list demands");
  return store_->ListDemands(p.AgencyId(), type, "", limit);
}

// ---- emergencies -----------------------------------------------------------------------------

StatusOr<Demand> DemandService::FileEmergency(const Principal& officer, EmergencyInput in) {
  if (officer.AgencyId().empty()) return PermissionDeniedError("only agency officers file emergencies");
  if (!in.imminent_danger) {
    return InvalidArgumentError(
        "an emergency request needs the attestation of imminent danger of death or serious "
        "physical injury (imminent_danger: true)");
  }
  if (static_cast<int>(in.attestation.size()) < config_.min_attestation_chars ||
      in.attestation.size() > 8000) {
    return InvalidArgumentError("attestation must be " +
                                std::to_string(config_.min_attestation_chars) +
                                " to 8000 characters: say who is in danger of what, and why now");
  }
  CANVASS_RETURN_IF_ERROR(Text(in.signature, "signature", 3, 200));
  CANVASS_RETURN_IF_ERROR(Text(in.case_number, "case_number", 0, 64));
  CANVASS_RETURN_IF_ERROR(ValidateScope(DemandType::kEmergency, &in.scope, "scope"));
  CANVASS_RETURN_IF_ERROR(CheckTargetsExist(in.scope, "scope"));
  const int64_t now = clock_->NowMicros();
  Demand d;
  d.id = random_->NewId("dem");
  d.type = DemandType::kEmergency;
  d.agency_id = officer.AgencyId();
  d.issuing_authority = officer.agency ? officer.agency->name : d.agency_id;
  d.docket_number = "emergency";
  d.case_number = in.case_number;
  d.scope = in.scope;
  d.authorized = in.scope;  // the attestation is its only authority; legal review decides
  d.attestation = in.attestation;
  d.attestation_signature = in.signature;
  d.attested_by = officer.id();
  d.attested_at_us = now;
  d.recorded_by = officer.id();
  d.created_at_us = now;
  AuditEvent ev = Event(officer, d, "legal.demand_record");
  ev.reason_code = "emergency";
  // The attestation is committed to in the log, word for word, with its signer and time.
  ev.details_json = json::serialize(json::object{{"attestation", d.attestation},
                                                 {"signature", d.attestation_signature},
                                                 {"scope", json::parse(ScopeToJson(d.scope))}});
  CANVASS_RETURN_IF_ERROR(store_->CreateDemand(d, ev));
  return store_->GetDemand(d.id);
}

StatusOr<std::vector<Demand>> DemandService::PublicEmergencies(int limit) {
  // Filtered in the store, so that newer undisclosed ones never crowd disclosures out.
  return store_->ListDemands("", "emergency", std::string(DemandStatusName(DemandStatus::kProduced)),
                             limit);
}

StatusOr<int> DemandService::FlagOverdueEmergencies() {
  const Principal system = Principal::System();
  CANVASS_ASSIGN_OR_RETURN(auto due, store_->ListOverdueEmergencies(clock_->NowMicros(), 100));
  int flagged = 0;
  for (Demand d : due) {
    AuditEvent ev = Event(system, d, "legal.emergency_flag");
    ev.reason_code = "no_process";
    d.flagged_at_us = clock_->NowMicros();
    Status s = store_->UpdateDemand(d, {}, {ev});
    if (s.ok()) ++flagged;
    else if (s.code() != Code::kFailedPrecondition) return s;  // changed meanwhile: next pass
  }
  return flagged;
}

// ---- notices ---------------------------------------------------------------------------------

StatusOr<int> DemandService::SendDueNotices() {
  const Principal system = Principal::System();
  const int64_t now = clock_->NowMicros();
  CANVASS_ASSIGN_OR_RETURN(auto due, store_->ListDueNotices(now, 500));
  int sent = 0;
  // Grouped by demand: one transaction per demand, its version guarding against a race.
  std::map<std::string, std::vector<DemandNotice>> by_demand;
  for (auto& n : due) by_demand[n.demand_id].push_back(n);
  for (auto& [id, notices] : by_demand) {
    CANVASS_ASSIGN_OR_RETURN(Demand d, store_->GetDemand(id));
    std::vector<AuditEvent> audit;
    for (auto& n : notices) {
      n.status = NoticeStatus::kSent;
      n.sent_at_us = now;
      AuditEvent ev = Event(system, d, "legal.notice");
      ev.reason_code = "ndo_ended";
      ev.count = 1;
      ev.details_json = json::serialize(json::object{{"account_id", n.account_id}});
      audit.push_back(ev);
    }
    Status s = store_->UpdateDemand(d, notices, audit);
    if (!s.ok()) {
      if (s.code() == Code::kFailedPrecondition) continue;  // next pass
      return s;
    }
    for (const auto& n : notices) PushNotice(n, d);
    sent += static_cast<int>(notices.size());
  }
  return sent;
}

StatusOr<std::vector<ResidentDemandView>> DemandService::ForResident(const Principal& resident,
                                                                    int limit) {
  if (!resident.HasRole(Role::kResident)) return PermissionDeniedError("residents only");
  CANVASS_ASSIGN_OR_RETURN(auto notices, store_->ListNoticesForAccount(resident.id(), limit));
  CANVASS_ASSIGN_OR_RETURN(auto cameras, store_->ListCamerasByOwner(resident.id()));
  std::set<std::string> mine;
  for (const auto& c : cameras) mine.insert(c.id);
  std::vector<ResidentDemandView> out;
  for (const auto& n : notices) {
    ResidentDemandView v;
    CANVASS_ASSIGN_OR_RETURN(v.demand, store_->GetDemand(n.demand_id));
    auto agency = store_->GetAgency(v.demand.agency_id);
    v.agency_name = agency.ok() ? agency->name : v.demand.agency_id;
    v.notice = n;
    for (const auto& a : v.demand.decided.account_ids) {
      if (a == resident.id()) v.my_account_ids.push_back(a);
    }
    for (const auto& c : v.demand.decided.camera_ids) {
      if (mine.count(c)) v.my_camera_ids.push_back(c);
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace canvass::legal
