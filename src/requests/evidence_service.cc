#include "requests/evidence_service.h"

#include <boost/json.hpp>
#include <cctype>
#include <map>

#include "common/time_format.h"
#include "evidence/package.h"
#include "media/probe.h"

namespace canvass::requests {
namespace json = boost::json;

namespace {

// A case number as one safe path component of the package name.
std::string SafeName(std::string_view s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return out.substr(0, 60);
}

}  // namespace

EvidenceService::EvidenceService(Store* store, const Clock* clock, EvidenceLocker* locker,
                                 evidence::SigningKey key, std::string deployment_name)
    : store_(store),
      clock_(clock),
      locker_(locker),
      key_(std::move(key)),
      deployment_name_(std::move(deployment_name)) {}

StatusOr<EvidenceItem> EvidenceService::AgencyItem(const Principal& member, const std::string& id) {
  auto item = store_->GetEvidence(id);
  if (!item.ok()) return item.status();
  if (member.AgencyId().empty() || item->agency_id != member.AgencyId()) {
    return NotFoundError("evidence item " + id + " not found");
  }
  return item;
}

CustodyEvent EvidenceService::Custody(const Principal& member, const std::string& id,
                                      const char* action) const {
  return {id, clock_->NowMicros(), action, member.RoleName(), member.id(), member.AgencyId()};
}

StatusOr<std::vector<EvidenceItem>> EvidenceService::List(const Principal& member,
                                                          const std::string& case_number,
                                                          const std::string& request_id,
                                                          int limit) {
  if (member.AgencyId().empty()) return PermissionDeniedError("only agency members hold evidence");
  return store_->ListEvidence(member.AgencyId(), case_number, request_id, limit);
}

StatusOr<EvidenceView> EvidenceService::Get(const Principal& member, const std::string& id) {
  CANVASS_ASSIGN_OR_RETURN(EvidenceItem item, AgencyItem(member, id));
  CANVASS_ASSIGN_OR_RETURN(auto custody, store_->ListCustodyEvents(id));
  return EvidenceView{std::move(item), std::move(custody)};
}

StatusOr<EvidenceContent> EvidenceService::Open(const Principal& member, const std::string& id,
                                                bool download) {
  CANVASS_ASSIGN_OR_RETURN(EvidenceItem item, AgencyItem(member, id));
  CANVASS_ASSIGN_OR_RETURN(auto reader, locker_->Open(item));
  const char* action = download ? "downloaded" : "viewed";
  AuditEvent ev = MakeAuditEvent(member, *clock_, download ? "evidence.download" : "evidence.view",
                                 "evidence", id);
  ev.case_number = item.case_number;
  CANVASS_RETURN_IF_ERROR(store_->AddCustodyEvents({Custody(member, id, action)}, ev));
  return EvidenceContent{std::move(item), std::move(reader)};
}

StatusOr<CasePackage> EvidenceService::ExportCase(const Principal& member,
                                                  const std::string& case_number) {
  if (member.AgencyId().empty()) return PermissionDeniedError("only agency members hold evidence");
  if (case_number.empty() || case_number.size() > 64) {
    return InvalidArgumentError("case_number must be 1 to 64 characters");
  }
  constexpr int kMaxItems = 10'000;
  CANVASS_ASSIGN_OR_RETURN(auto items,
                           store_->ListEvidence(member.AgencyId(), case_number, "", kMaxItems + 1));
  if (items.empty()) return NotFoundError("no evidence for case " + case_number);
  if (items.size() > kMaxItems) {
    return FailedPreconditionError("case " + case_number + " has more than " +
                                   std::to_string(kMaxItems) +
                                   " evidence items; export it by request instead");
  }
  const int64_t now = clock_->NowMicros();
  CasePackage pkg;
  pkg.name = "case-" + SafeName(case_number) + "-" + FormatRfc3339(now).substr(0, 10);
  pkg.items = static_cast<int>(items.size());

  // The export's own custody events go in the manifest; they are recorded once the package is
  // built, so a failed export records nothing.
  std::map<std::string, CustodyEvent> exported;
  for (const auto& i : items) exported[i.id] = Custody(member, i.id, "exported");

  std::vector<evidence::PackageFile> files;
  json::array manifest_items;
  std::map<std::string, FootageRequest> requests;
  for (const auto& item : items) {
    CANVASS_ASSIGN_OR_RETURN(std::string bytes, locker_->ReadAll(item));
    const std::string file = "clips/" + item.id + media::ContainerFileExtension(item.container);
    CANVASS_ASSIGN_OR_RETURN(auto custody, store_->ListCustodyEvents(item.id));
    custody.push_back(exported[item.id]);
    json::array cs;
    for (const auto& c : custody) {
      cs.push_back(
          {{"at", FormatRfc3339(c.at_us)},
           {"action", c.action},
           {"actor_role", c.actor_role},
           {"actor_id", c.actor_id.empty() ? json::value(nullptr) : json::value(c.actor_id)}});
    }
    if (!requests.count(item.request_id)) {
      CANVASS_ASSIGN_OR_RETURN(requests[item.request_id], store_->GetRequest(item.request_id));
    }
    const FootageRequest& r = requests[item.request_id];
    json::object o{{"id", item.id},
                   {"file", file},
                   {"sha256", item.content_sha256},
                   {"size_bytes", item.size_bytes},
                   {"recorded_from", FormatRfc3339(item.started_at_us)},
                   {"recorded_to", FormatRfc3339(item.ended_at_us)},
                   {"shared_at", FormatRfc3339(item.created_at_us)},
                   {"shared_by", "camera owner (identity withheld; recorded in the audit log)"},
                   {"faces_blurred", item.blur_faces},
                   {"audio_muted", item.mute_audio},
                   {"request",
                    {{"id", r.id},
                     {"incident_type", r.incident_type},
                     {"description", r.description},
                     {"filed_at", FormatRfc3339(r.created_at_us)},
                     {"filed_by", r.officer_id}}},
                   {"custody", cs}};
    if (!item.contact_json.empty()) o["owner_contact"] = json::parse(item.contact_json);
    manifest_items.push_back(std::move(o));
    files.push_back({file, std::move(bytes)});
  }
  json::object manifest{{"format", "canvass-evidence-package/1"},
                        {"deployment", deployment_name_},
                        {"agency_id", member.AgencyId()},
                        {"case_number", case_number},
                        {"exported_at", FormatRfc3339(now)},
                        {"exported_by", member.id()},
                        {"items", manifest_items}};
  files.push_back({"manifest.json", json::serialize(manifest) + "\n"});
  const std::string comment = "canvass evidence package " + pkg.name + " exported " +
                              FormatRfc3339(now) + " by " + deployment_name_;
  CANVASS_ASSIGN_OR_RETURN(pkg.tar,
                           evidence::BuildPackage(pkg.name, std::move(files), key_, comment));
  // Built: now the export enters each item's chain of custody, with its audit event, before a
  // byte of it is served.
  std::vector<CustodyEvent> events;
  for (const auto& [id, e] : exported) events.push_back(e);
  AuditEvent ev = MakeAuditEvent(member, *clock_, "evidence.export", "case", "");
  ev.count = static_cast<int64_t>(events.size());
  ev.case_number = case_number;
  ev.details_json = json::serialize(json::object{{"package", pkg.name}});
  CANVASS_RETURN_IF_ERROR(store_->AddCustodyEvents(events, ev));
  return pkg;
}

}  // namespace canvass::requests
