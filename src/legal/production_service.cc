#include "legal/production_service.h"

#include <boost/json.hpp>
#include <set>

#include "common/clock.h"
#include "common/sha256.h"
#include "common/time_format.h"
#include "evidence/package.h"
#include "media/probe.h"

namespace canvass::legal {
namespace json = boost::json;

namespace {

constexpr int kMaxClipsPerCamera = 10'000;  // in one production; more is refused, not cut short

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

bool Overlaps(int64_t a_from, int64_t a_to, int64_t from, int64_t to) {
  return a_to > from && a_from < to;
}

}  // namespace

ProductionService::ProductionService(Store* store, FileSystem* fs, const Clock* clock,
                                     const LegalConfig& config, ClipService* clips,
                                     plates::PlateService* plates, retention::HoldService* holds,
                                     evidence::SigningKey key, std::string deployment_name,
                                     std::string data_dir)
    : store_(store),
      fs_(fs),
      clock_(clock),
      config_(config),
      clips_(clips),
      plates_(plates),
      holds_(holds),
      key_(std::move(key)),
      deployment_name_(std::move(deployment_name)),
      data_dir_(std::move(data_dir)) {}

Status ProductionService::Init() { return fs_->CreateDirs(data_dir_ + "/legal/productions"); }

std::string ProductionService::PackagePath(const std::string& name) const {
  return data_dir_ + "/legal/productions/" + name + ".tar";
}

StatusOr<Demand> ProductionService::Produce(const Principal& legal, const std::string& id) {
  if (!legal.HasRole(Role::kLegal)) return PermissionDeniedError("only legal staff produce data");
  CANVASS_ASSIGN_OR_RETURN(Demand d, store_->GetDemand(id));
  if (d.type == DemandType::kPreservation) {
    return FailedPreconditionError("a preservation request discloses nothing; it holds data");
  }
  if (d.status == DemandStatus::kProduced) {
    return FailedPreconditionError("demand " + id + " was already produced");
  }
  if (d.status != DemandStatus::kAccepted) {
    return FailedPreconditionError("demand " + id + " is " +
                                   std::string(DemandStatusName(d.status)) +
                                   "; only an accepted demand is produced");
  }
  const int64_t now = clock_->NowMicros();
  CANVASS_ASSIGN_OR_RETURN(auto notices, store_->ListDemandNotices(id));
  int64_t notices_sent = 0, notices_deferred = 0;
  for (const auto& n : notices) {
    if (n.status == NoticeStatus::kSent) {
      ++notices_sent;
    } else if (n.status == NoticeStatus::kDeferred && d.nondisclosure_until_us > now) {
      ++notices_deferred;
    } else {
      return FailedPreconditionError("owner " + n.account_id +
                                     " has not been told of this demand yet; nothing is "
                                     "disclosed before notice");
    }
  }

  const DemandScope& s = d.decided;
  std::vector<evidence::PackageFile> files;
  json::array items, withheld;
  int64_t total_bytes = 0;
  std::vector<AuditEvent> audit;
  int64_t produced_items = 0;  // one per legal.produce_item leaf
  auto item_event = [&](const std::string& kind, const std::string& object_id,
                        const std::string& sha) {
    AuditEvent ev = MakeAuditEvent(legal, *clock_, "legal.produce_item", kind, object_id);
    ev.actor_agency_id = d.agency_id;
    ev.reason_code = kind;
    ev.count = 1;
    ev.case_number = d.case_number;
    ev.details_json = json::serialize(json::object{{"demand_id", d.id}, {"sha256", sha}});
    audit.push_back(ev);
    ++produced_items;
  };
  auto add_file = [&](std::string path, std::string bytes, json::object meta,
                      const std::string& kind, const std::string& object_id) -> Status {
    total_bytes += static_cast<int64_t>(bytes.size());
    if (total_bytes > kMaxProductionBytes) {
      return ResourceExhaustedError("the production would exceed " +
                                    std::to_string(kMaxProductionBytes >> 30) +
                                    " GiB; narrow the scope");
    }
    const std::string sha = Sha256Hex(bytes);
    meta["file"] = path;
    meta["sha256"] = sha;
    meta["size_bytes"] = static_cast<int64_t>(bytes.size());
    meta["kind"] = kind;
    items.push_back(std::move(meta));
    item_event(kind, object_id, sha);
    files.push_back({std::move(path), std::move(bytes)});
    return OkStatus();
  };

  // The cameras in scope: named ones and every camera of named accounts.
  std::set<std::string> camera_ids;
  std::set<std::string> reader_ids;
  for (const auto& c : s.camera_ids) (c.rfind("lpr_", 0) == 0 ? reader_ids : camera_ids).insert(c);
  std::vector<Camera> cameras;
  std::set<std::string> owners(s.account_ids.begin(), s.account_ids.end());
  for (const auto& acc : s.account_ids) {
    CANVASS_ASSIGN_OR_RETURN(auto cams, store_->ListCamerasByOwner(acc));
    for (auto& c : cams) camera_ids.insert(c.id);
  }
  for (const auto& cid : camera_ids) {
    auto c = store_->GetCamera(cid);
    if (!c.ok()) continue;  // deleted since: nothing left to produce
    owners.insert(c->owner_id);
    cameras.push_back(*c);
  }

  if (s.subscriber) {
    json::array accounts, cams;
    for (const auto& acc : owners) {
      auto a = store_->GetAccount(acc);
      if (!a.ok()) continue;
      json::object o{{"id", a->id},
                     {"username", a->username},
                     {"display_name", a->display_name},
                     {"created_at", FormatRfc3339(a->created_at_us)}};
      accounts.push_back(o);
    }
    for (const auto& c : cameras) {
      cams.push_back({{"id", c.id},
                      {"owner_id", c.owner_id},
                      {"name", c.name},
                      {"lat", c.location.lat_deg},
                      {"lng", c.location.lng_deg},
                      {"created_at", FormatRfc3339(c.created_at_us)}});
    }
    CANVASS_RETURN_IF_ERROR(add_file("subscriber/accounts.json", json::serialize(accounts),
                                     json::object{{"records", accounts.size()}}, "subscriber",
                                     "accounts"));
    CANVASS_RETURN_IF_ERROR(add_file("subscriber/cameras.json", json::serialize(cams),
                                     json::object{{"records", cams.size()}}, "subscriber",
                                     "cameras"));
  }

  if (s.content) {
    for (const auto& cam : cameras) {
      ClipFilter f;
      f.camera_id = cam.id;
      f.from_us = s.from_us;
      f.to_us = s.to_us;
      f.limit = kMaxClipsPerCamera + 1;
      CANVASS_ASSIGN_OR_RETURN(auto clips, store_->ListClips(cam.owner_id, f));
      if (static_cast<int>(clips.size()) > kMaxClipsPerCamera) {
        return ResourceExhaustedError("camera " + cam.id + " holds more than " +
                                      std::to_string(kMaxClipsPerCamera) +
                                      " clips in the time range; narrow the scope");
      }
      for (const auto& clip : clips) {
        if (!Overlaps(clip.started_at_us, clip.ended_at_us, s.from_us, s.to_us)) continue;
        if (clip.e2ee) {
          withheld.push_back(
              {{"kind", "clip"},
               {"id", clip.id},
               {"camera_id", clip.camera_id},
               {"recorded_from", FormatRfc3339(clip.started_at_us)},
               {"recorded_to", FormatRfc3339(clip.ended_at_us)},
               {"reason",
                "end-to-end encrypted by its owner: the server holds only ciphertext it cannot "
                "open, so it cannot be produced"}});
          continue;
        }
        CANVASS_ASSIGN_OR_RETURN(auto reader, clips_->OpenBlob(clip));
        CANVASS_ASSIGN_OR_RETURN(std::string bytes,
                                 reader->ReadAt(0, static_cast<size_t>(reader->size())));
        if (Sha256Hex(bytes) != clip.content_sha256) {
          return DataLossError("clip " + clip.id + " does not match its recorded SHA-256");
        }
        CANVASS_RETURN_IF_ERROR(add_file(
            "clips/" + clip.id + media::ContainerFileExtension(clip.container), std::move(bytes),
            json::object{{"id", clip.id},
                         {"camera_id", clip.camera_id},
                         {"recorded_from", FormatRfc3339(clip.started_at_us)},
                         {"recorded_to", FormatRfc3339(clip.ended_at_us)},
                         {"uploaded_sha256", clip.content_sha256}},
            "clip", clip.id));
      }
    }
    // Plate reads: by the readers named, or of the plates named, within the time range.
    if (!reader_ids.empty() || !s.plates.empty()) {
      const std::set<std::string> plates(s.plates.begin(), s.plates.end());
      std::vector<PlateRead> reads;
      CANVASS_RETURN_IF_ERROR(store_->ForEachPlateRead([&](const PlateRead& r) {
        if (r.read_at_us < s.from_us || r.read_at_us >= s.to_us) return OkStatus();
        if (!reader_ids.count(r.reader_id) && !plates.count(r.plate)) return OkStatus();
        reads.push_back(r);
        return OkStatus();
      }));
      std::string csv = "seq,reader_id,agency_id,plate,region,confidence,read_at,direction,"
                        "vehicle_color,vehicle_type,crop_file\n";
      for (const auto& r : reads) {
        std::string crop_file;
        if (r.crop_bytes > 0) {
          CANVASS_ASSIGN_OR_RETURN(std::string jpeg, plates_->CropBytes(r));
          crop_file = "crops/" + std::to_string(r.seq) + ".jpg";
          CANVASS_RETURN_IF_ERROR(add_file(crop_file, std::move(jpeg),
                                           json::object{{"read_seq", r.seq}}, "crop",
                                           std::to_string(r.seq)));
        }
        csv += std::to_string(r.seq) + "," + r.reader_id + "," + r.agency_id + "," +
               CsvField(r.plate) + "," + r.region + "," + std::to_string(r.confidence) + "," +
               FormatRfc3339(r.read_at_us) + "," + r.direction + "," + CsvField(r.vehicle_color) +
               "," + CsvField(r.vehicle_type) + "," + crop_file + "\n";
        item_event("plate_read", std::to_string(r.seq), "");
      }
      const std::string sha = Sha256Hex(csv);
      total_bytes += static_cast<int64_t>(csv.size());
      items.push_back({{"file", "plates/reads.csv"},
                       {"sha256", sha},
                       {"size_bytes", static_cast<int64_t>(csv.size())},
                       {"kind", "plate_reads"},
                       {"records", reads.size()}});
      files.push_back({"plates/reads.csv", std::move(csv)});
    }
  }

  const std::string name = "production-" + d.id;
  json::object manifest{
      {"production", name},
      {"deployment", deployment_name_},
      {"produced_at", FormatRfc3339(now)},
      {"demand",
       {{"id", d.id},
        {"type", DemandTypeName(d.type)},
        {"agency_id", d.agency_id},
        {"issuing_authority", d.issuing_authority},
        {"docket_number", d.docket_number},
        {"narrowed", d.narrowed},
        {"decided_at", FormatRfc3339(d.decided_at_us)},
        {"scope", json::parse(ScopeToJson(d.decided))}}},
      {"notices", {{"sent", notices_sent}, {"deferred_by_nondisclosure_order", notices_deferred}}},
      {"items", items},
      {"withheld", withheld}};
  files.push_back({"manifest.json", json::serialize(manifest)});
  const std::string comment = "canvass production " + name + " of demand " + d.id + " at " +
                              FormatRfc3339(now) + " by " + deployment_name_;
  CANVASS_ASSIGN_OR_RETURN(std::string tar,
                           evidence::BuildPackage(name, std::move(files), key_, comment));
  // The package is durable before the demand says it exists.
  CANVASS_RETURN_IF_ERROR(fs_->WriteFileAtomic(PackagePath(name), tar));

  Demand updated = d;
  updated.status = DemandStatus::kProduced;
  updated.produced_at_us = now;
  updated.production_name = name;
  updated.production_sha256 = Sha256Hex(tar);
  updated.production_items = produced_items;
  updated.production_withheld = static_cast<int64_t>(withheld.size());
  if (d.type == DemandType::kEmergency) {
    updated.followup_due_us = now + config_.emergency_followup_h * kHourUs;
  }
  AuditEvent ev = MakeAuditEvent(legal, *clock_, "legal.produce", "demand", d.id);
  ev.actor_agency_id = d.agency_id;
  ev.reason_code = std::string(DemandTypeName(d.type));
  ev.count = produced_items;
  ev.case_number = d.case_number;
  ev.details_json = json::serialize(json::object{{"package_sha256", updated.production_sha256},
                                                 {"withheld", updated.production_withheld}});
  audit.insert(audit.begin(), ev);
  Status s2 = store_->UpdateDemand(updated, {}, audit);
  if (!s2.ok()) {
    fs_->RemoveFile(PackagePath(name)).IgnoreError();
    return s2;
  }
  // What the demand held for its production is released; a preservation hold is separate.
  CANVASS_ASSIGN_OR_RETURN(auto holds, holds_->List(/*active_only=*/true));
  for (const auto& h : holds) {
    if (h.demand_id == d.id && h.reason == "demand") {
      Status released = holds_->Release(legal, h.id);
      // Already ended (expired meanwhile): nothing left to release.
      if (!released.ok() && released.code() != Code::kFailedPrecondition) return released;
    }
  }
  return store_->GetDemand(id);
}

StatusOr<std::string> ProductionService::Download(const Principal& legal, const std::string& id,
                                                  Demand* demand) {
  if (!legal.HasRole(Role::kLegal)) return PermissionDeniedError("only legal staff download productions");
  CANVASS_ASSIGN_OR_RETURN(Demand d, store_->GetDemand(id));
  if (d.production_name.empty()) return NotFoundError("demand " + id + " has no production");
  CANVASS_ASSIGN_OR_RETURN(std::string tar, fs_->ReadFile(PackagePath(d.production_name)));
  if (Sha256Hex(tar) != d.production_sha256) {
    return DataLossError("production of " + id + " does not match its recorded SHA-256");
  }
  AuditEvent ev = MakeAuditEvent(legal, *clock_, "legal.production_download", "demand", id);
  ev.actor_agency_id = d.agency_id;
  CANVASS_RETURN_IF_ERROR(store_->RecordAccess(ev));
  *demand = std::move(d);
  return tar;
}

}  // namespace canvass::legal
