#include "plates/plate_service.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <set>
#include <unordered_map>

#include "common/clock.h"
#include "common/sha256.h"
#include "common/time_format.h"
#include "geo/geo.h"
#include "plates/plate_text.h"
#include "plates/sharing.h"
#include "policy/plate_search_policy.h"

namespace canvass::plates {
namespace json = boost::json;

namespace {

constexpr size_t kMaxBatch = 1000;
constexpr size_t kMaxCropBytes = 512 * 1024;

bool ValidUid(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' ||
          c == '-')) {
      return false;
    }
  }
  return true;
}

bool ValidWord(std::string_view s) {  // colour, type: short lower-case words
  if (s.size() > 32) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
  }
  return true;
}

std::string_view ModeName(PlateSearchMode m) {
  switch (m) {
    case PlateSearchMode::kExact:
      return "exact";
    case PlateSearchMode::kWildcard:
      return "wildcard";
    case PlateSearchMode::kFuzzyClass:
      return "fuzzy";
    case PlateSearchMode::kFuzzyEdit:
      return "fuzzy_edit";
  }
  return "exact";
}

}  // namespace

PlateService::PlateService(Store* store, FileSystem* fs, const Clock* clock, Random* random,
                           const media::MasterKey& master_key, std::string data_dir,
                           const Config& config, EventHub* hub)
    : store_(store),
      fs_(fs),
      clock_(clock),
      random_(random),
      master_key_(master_key),
      data_dir_(std::move(data_dir)),
      requests_config_(config.requests),
      config_(config.plates),
      hub_(hub) {}

Status PlateService::Init() {
  CANVASS_RETURN_IF_ERROR(fs_->CreateDirs(CropDir()));
  CANVASS_ASSIGN_OR_RETURN(auto readers, store_->ListPlateReaders(""));
  for (const auto& r : readers) ReaderIndex(r.id);
  std::vector<plates::PlateRead> batch;
  std::vector<std::string> plates;  // keeps the views of `batch` alive
  auto flush = [&]() -> Status {
    for (size_t i = 0; i < batch.size(); ++i) batch[i].plate = plates[i];
    Status s = index_.AddBatch(batch);
    batch.clear();
    plates.clear();
    return s;
  };
  CANVASS_RETURN_IF_ERROR(store_->ForEachPlateRead([&](const canvass::PlateRead& r) -> Status {
    plates.push_back(r.plate);
    batch.push_back({static_cast<uint64_t>(r.seq), {}, ReaderIndex(r.reader_id), r.read_at_us});
    return batch.size() >= 10'000 ? flush() : OkStatus();
  }));
  CANVASS_RETURN_IF_ERROR(flush());
  index_.ShrinkToFit();
  return LoadHotLists();
}

uint32_t PlateService::ReaderIndex(const std::string& reader_id) {
  std::lock_guard lock(readers_mu_);
  auto [it, fresh] = reader_index_.emplace(reader_id, static_cast<uint32_t>(reader_ids_.size()));
  if (fresh) reader_ids_.push_back(reader_id);
  return it->second;
}

StatusOr<canvass::Agency> PlateService::MemberAgency(const Principal& member) {
  if (!member.agency) return PermissionDeniedError("plate reads belong to agencies");
  return *member.agency;
}

StatusOr<std::vector<std::string>> PlateService::Scope(const canvass::Agency& searcher) {
  CANVASS_ASSIGN_OR_RETURN(auto agencies, store_->ListAgencies());
  CANVASS_ASSIGN_OR_RETURN(auto agreements, store_->ListSharingAgreements());
  return SearchableAgencies(searcher, agencies, agreements, config_);
}

StatusOr<AgencySet> PlateService::EntitledToReadsOf(const std::string& owner_agency_id) {
  CANVASS_ASSIGN_OR_RETURN(auto agencies, store_->ListAgencies());
  CANVASS_ASSIGN_OR_RETURN(auto agreements, store_->ListSharingAgreements());
  const canvass::Agency* owner = nullptr;
  for (const auto& a : agencies) {
    if (a.id == owner_agency_id) owner = &a;
  }
  std::vector<std::string> entitled;
  if (owner) {
    for (const auto& a : agencies) {
      if (MaySearch(a, *owner, agreements, config_)) entitled.push_back(a.id);
    }
  }
  return matcher_.Entitlement(entitled);
}

// ---- readers ---------------------------------------------------------------------------------

StatusOr<CreatedReader> PlateService::RegisterReader(const Principal& admin,
                                                     const ReaderInput& in) {
  CANVASS_ASSIGN_OR_RETURN(canvass::Agency agency, MemberAgency(admin));
  if (in.name.empty() || in.name.size() > 100) {
    return InvalidArgumentError("name must be 1 to 100 characters");
  }
  CANVASS_RETURN_IF_ERROR(geo::ValidateLatLng(in.location, "location"));
  if (in.bearing_deg && (*in.bearing_deg < 0 || *in.bearing_deg > 359)) {
    return InvalidArgumentError("bearing_deg must be between 0 and 359");
  }
  if (!geo::PolygonContains(agency.boundary, in.location)) {
    return FailedPreconditionError("a reader must stand inside the agency's jurisdiction");
  }
  CreatedReader out;
  out.token = random_->NewToken("cvl");
  canvass::PlateReader& r = out.reader;
  r.id = random_->NewId("lpr");
  r.agency_id = agency.id;
  r.name = in.name;
  r.location = in.location;
  r.bearing_deg = in.bearing_deg;
  r.device_token_hash = Sha256Hex(out.token);
  r.created_at_us = clock_->NowMicros();
  AuditEvent ev = MakeAuditEvent(admin, *clock_, "plate_reader.create", "plate_reader", r.id);
  CANVASS_RETURN_IF_ERROR(store_->CreatePlateReader(r, ev));
  ReaderIndex(r.id);
  return out;
}

StatusOr<std::vector<canvass::PlateReader>> PlateService::ListReaders(const Principal& member) {
  CANVASS_ASSIGN_OR_RETURN(canvass::Agency agency, MemberAgency(member));
  return store_->ListPlateReaders(agency.id);
}

// ---- ingest ----------------------------------------------------------------------------------

std::string PlateService::PackPath(const std::string& pack) const {
  return CropDir() + "/" + pack;
}

media::ClipKey PlateService::CropKey(const std::string& reader_id,
                                     const std::string& read_uid) const {
  // Derived, not stored: HMAC(master key, "crop:" reader ":" read). Losing the master key loses
  // the crops, as it loses the clips.
  Sha256Digest d = HmacSha256(
      std::string_view(reinterpret_cast<const char*>(master_key_.data()), master_key_.size()),
      "crop:" + reader_id + ":" + read_uid);
  media::ClipKey key;
  std::copy(d.begin(), d.end(), key.begin());
  return key;
}

StatusOr<IngestResult> PlateService::Ingest(const Principal& device,
                                            const std::vector<ReadInput>& in) {
  if (!device.is_reader()) return PermissionDeniedError("only plate readers send reads");
  const canvass::PlateReader& reader = *device.reader;
  if (in.empty()) return InvalidArgumentError("a batch needs at least one read");
  if (in.size() > kMaxBatch) {
    return InvalidArgumentError("at most " + std::to_string(kMaxBatch) + " reads per batch");
  }
  const int64_t now = clock_->NowMicros();
  std::vector<canvass::PlateRead> reads;
  reads.reserve(in.size());
  std::unordered_map<std::string_view, size_t> first_with_uid;
  for (size_t i = 0; i < in.size(); ++i) {
    const ReadInput& x = in[i];
    auto bad = [&](const std::string& why) {
      return InvalidArgumentError("read " + std::to_string(i) + ": " + why);
    };
    if (!ValidUid(x.read_uid)) return bad("id must be 1 to 64 of A-Z a-z 0-9 . _ : -");
    auto plate = NormalizePlate(x.plate);
    if (!plate.ok()) return bad(plate.status().message());
    Status region = ValidateRegion(x.region);
    if (!region.ok()) return bad(region.message());
    if (!(x.confidence >= 0 && x.confidence <= 1)) return bad("confidence must be 0 to 1");
    if (x.read_at_us <= 0) return bad("read_at is required");
    if (x.read_at_us > now + 300LL * 1'000'000) return bad("read_at is in the future");
    if (x.direction != "" && x.direction != "toward" && x.direction != "away") {
      return bad("direction must be toward or away");
    }
    if (!ValidWord(x.vehicle_color) || !ValidWord(x.vehicle_type)) {
      return bad("vehicle_color and vehicle_type are short lower-case words");
    }
    if (x.crop_jpeg.size() > kMaxCropBytes) return bad("crop larger than 512 KiB");
    if (!x.crop_jpeg.empty() &&
        (x.crop_jpeg.size() < 4 || static_cast<uint8_t>(x.crop_jpeg[0]) != 0xFF ||
         static_cast<uint8_t>(x.crop_jpeg[1]) != 0xD8)) {
      return bad("crop is not a JPEG");
    }
    if (auto [at, fresh] = first_with_uid.emplace(x.read_uid, i); !fresh) {
      return bad("id repeats read " + std::to_string(at->second));
    }
    canvass::PlateRead r;
    r.reader_id = reader.id;
    r.read_uid = x.read_uid;
    r.agency_id = reader.agency_id;
    r.plate = *plate;
    r.region = x.region;
    r.confidence = x.confidence;
    r.read_at_us = x.read_at_us;
    r.direction = x.direction;
    r.vehicle_color = x.vehicle_color;
    r.vehicle_type = x.vehicle_type;
    r.crop_bytes = static_cast<int64_t>(x.crop_jpeg.size());
    reads.push_back(std::move(r));
  }

  // Crops first, durable before the rows that point at them: the batch's crops, each sealed
  // on its own (one clip-format segment under a key derived for the read), go into one pack
  // file written and fsynced once, so a batch costs one file and one fsync, not one per crop.
  std::string pack_name, pack;
  for (size_t i = 0; i < reads.size(); ++i) {
    if (in[i].crop_jpeg.empty()) continue;
    if (pack_name.empty()) pack_name = reader.id + "/" + random_->NewId("pk");
    reads[i].crop_pack = pack_name;
    reads[i].crop_offset = static_cast<int64_t>(pack.size());
    pack += media::EncryptSegment(CropKey(reader.id, reads[i].read_uid), 0, true, in[i].crop_jpeg);
  }
  if (!pack_name.empty()) {
    CANVASS_RETURN_IF_ERROR(fs_->CreateDirs(PackPath(reader.id)));  // the reader's pack folder
    CANVASS_RETURN_IF_ERROR(fs_->WriteFileAtomic(PackPath(pack_name), pack));
  }

  // Hot lists: every agency entitled to this reader's reads.
  CANVASS_ASSIGN_OR_RETURN(AgencySet entitled, EntitledToReadsOf(reader.agency_id));
  auto view = matcher_.view();
  std::vector<canvass::PlateHit> hits;
  std::vector<AuditEvent> hit_events;  // one public `plate.hit` leaf per hit stored
  std::vector<std::pair<size_t, HotListHit>> found;
  for (size_t i = 0; i < reads.size(); ++i) {
    for (auto& h : view.Match(reads[i].plate, reads[i].region, reads[i].read_at_us, entitled)) {
      canvass::PlateHit hit;
      hit.id = random_->NewId("hit");
      hit.read_seq = static_cast<int64_t>(i);  // the batch index until the store assigns seqs
      hit.agency_id = h.agency_id;
      hit.list_id = h.list_id;
      hit.entry_id = h.entry.entry_id;
      hit.kind = std::string(HitKindName(h.kind));
      hit.status = "new";
      hit.created_at_us = now;
      // Counted by the transparency report as the hot list's agency's hit.
      AuditEvent hit_ev = MakeAuditEvent(device, *clock_, "plate.hit", "plate_hit", hit.id);
      hit_ev.actor_agency_id = hit.agency_id;
      hit_ev.reason_code = hit.kind;
      hit_ev.details_json = json::serialize(json::object{
          {"list_id", hit.list_id}, {"entry_id", hit.entry_id}, {"read_uid", reads[i].read_uid}});
      hit_events.push_back(std::move(hit_ev));
      hits.push_back(hit);
      found.emplace_back(i, std::move(h));
    }
  }

  AuditEvent ev = MakeAuditEvent(device, *clock_, "plate.ingest", "plate_read", reader.id);
  ev.actor_agency_id = reader.agency_id;
  std::vector<bool> is_new;
  CANVASS_ASSIGN_OR_RETURN(std::vector<int64_t> seqs,
                           store_->AppendPlateReads(reads, hits, ev, hit_events, &is_new));
  IngestResult result;
  result.received = static_cast<int64_t>(reads.size());
  result.stored = std::count(is_new.begin(), is_new.end(), true);
  result.duplicates = result.received - result.stored;
  if (!pack_name.empty()) {
    bool used = false;
    for (size_t i = 0; i < reads.size() && !used; ++i) used = is_new[i] && reads[i].crop_bytes > 0;
    if (!used) fs_->RemoveFile(PackPath(pack_name)).IgnoreError();  // a retry: crops stored before
  }

  // The index, then the alerts. A duplicate (retried) read is in the index already.
  const uint32_t camera = ReaderIndex(reader.id);
  for (size_t i = 0; i < reads.size(); ++i) {
    reads[i].seq = seqs[i];
    Status added =
        index_.Add({static_cast<uint64_t>(seqs[i]), reads[i].plate, camera, reads[i].read_at_us});
    if (!added.ok() && added.code() != Code::kAlreadyExists) return added;
  }
  // Only a new read's hits were stored; a retried read raised its alerts the first time.
  for (size_t k = 0; k < hits.size(); ++k) {
    const size_t i = found[k].first;
    if (!is_new[i]) continue;
    hits[k].read_seq = seqs[i];
    PublishHit(hits[k], reads[i], found[k].second);
    ++result.hits;
  }
  return result;
}

void PlateService::PublishHit(const canvass::PlateHit& hit, const canvass::PlateRead& read,
                              const HotListHit& h) {
  if (!hub_) return;
  auto accounts = store_->ListAccounts(hit.agency_id);
  if (!accounts.ok()) return;
  json::object o{{"hit_id", hit.id},
                 {"kind", hit.kind},
                 {"plate", read.plate},
                 {"state", read.region},
                 {"confidence", read.confidence},
                 {"read_at", FormatRfc3339(read.read_at_us)},
                 {"reader_id", read.reader_id},
                 {"list_id", hit.list_id},
                 {"listed_plate", h.entry.plate},
                 {"listed_state", h.entry.state},
                 {"reason", h.entry.reason},
                 {"crop", read.crop_bytes > 0 ? json::value("/api/v1/plates/reads/" +
                                                            std::to_string(read.seq) + "/crop")
                                              : json::value(nullptr)}};
  const std::string data = json::serialize(o);
  for (const auto& a : *accounts) {
    if (a.role == Role::kOfficer || a.role == Role::kSupervisor) {
      hub_->Publish(a.id, {"plate_hit", data});
    }
  }
}

// ---- search ----------------------------------------------------------------------------------

StatusOr<SearchResult> PlateService::Search(const Principal& member, const SearchInput& in) {
  CANVASS_ASSIGN_OR_RETURN(canvass::Agency agency, MemberAgency(member));
  if (in.limit < 1 || in.limit > config_.max_results) {
    return InvalidArgumentError("limit must be 1 to " + std::to_string(config_.max_results));
  }
  if (in.from_us <= 0 || in.to_us <= in.from_us) {
    return InvalidArgumentError("from and to must be set, from before to");
  }
  if (in.center) {
    CANVASS_RETURN_IF_ERROR(geo::ValidateLatLng(*in.center, "center"));
    if (!(in.radius_m > 0 && in.radius_m <= 500'000)) {
      return InvalidArgumentError("radius_m must be between 0 and 500000");
    }
  }
  SearchResult out;
  out.decision = policy::EvaluateSearch(requests_config_, config_,
                                        {agency.state, in.offense_type, in.reason, in.case_number});
  json::object query{{"mode", ModeName(in.mode)}, {"text", in.text},
                     {"from_us", in.from_us},     {"to_us", in.to_us},
                     {"reason", in.reason},       {"offense_type", in.offense_type}};
  if (out.decision.verdict != policy::PolicyDecision::Verdict::kAllowed) {
    AuditEvent ev = MakeAuditEvent(member, *clock_, "plate.search_refuse", "plate_search", "");
    ev.reason_code = out.decision.DecidingRule();
    ev.case_number = in.case_number;
    ev.count = 0;
    ev.details_json = json::serialize(
        json::object{{"query", query}, {"decision", json::parse(out.decision.ToJson())}});
    CANVASS_RETURN_IF_ERROR(store_->RecordAccess(ev));
    return out;
  }

  // Scope: the readers of every agency the searcher may search, narrowed by the filters.
  CANVASS_ASSIGN_OR_RETURN(std::vector<std::string> agencies, Scope(agency));
  std::vector<uint32_t> cameras;
  std::set<std::string> agencies_used, in_scope;
  for (const auto& id : agencies) {
    CANVASS_ASSIGN_OR_RETURN(auto readers, store_->ListPlateReaders(id));
    for (const auto& r : readers) {
      in_scope.insert(r.id);
      if (!in.reader_ids.empty() &&
          std::find(in.reader_ids.begin(), in.reader_ids.end(), r.id) == in.reader_ids.end()) {
        continue;
      }
      if (in.center && geo::DistanceMeters(*in.center, r.location) > in.radius_m) continue;
      cameras.push_back(ReaderIndex(r.id));
      agencies_used.insert(id);
    }
  }
  for (const auto& wanted : in.reader_ids) {
    if (!in_scope.count(wanted)) {
      return NotFoundError("reader " + wanted + " is not one this agency may search");
    }
  }
  std::sort(cameras.begin(), cameras.end());
  out.readers_searched = static_cast<int64_t>(cameras.size());
  out.agencies_searched = static_cast<int64_t>(agencies_used.size());

  PlateQuery q;
  q.mode = in.mode;
  q.text = in.text;
  q.from_us = in.from_us;
  q.to_us = in.to_us;
  q.cameras = &cameras;
  q.limit = static_cast<size_t>(in.limit);
  CANVASS_ASSIGN_OR_RETURN(PlateSearchResult found, index_.Search(q));
  std::vector<int64_t> seqs;
  for (const auto& ref : found.reads) seqs.push_back(static_cast<int64_t>(ref.read_index));
  CANVASS_ASSIGN_OR_RETURN(out.reads, store_->GetPlateReads(seqs));
  out.total = static_cast<int64_t>(out.reads.size());
  out.truncated = found.truncated;

  AuditEvent ev = MakeAuditEvent(member, *clock_, "plate.search", "plate_search", "");
  ev.reason_code = in.offense_type;
  ev.case_number = in.case_number;
  ev.count = out.total;
  ev.scope_agencies = out.agencies_searched;
  ev.scope_cameras = out.readers_searched;
  json::array ids;
  for (int64_t s : seqs) ids.push_back(s);
  ev.details_json = json::serialize(json::object{{"query", query},
                                                 {"readers_searched", out.readers_searched},
                                                 {"agencies_searched", out.agencies_searched},
                                                 {"agencies", json::value_from(agencies)},
                                                 {"result_seqs", ids}});
  CANVASS_RETURN_IF_ERROR(store_->RecordAccess(ev));
  return out;
}

StatusOr<std::string> PlateService::CropBytes(const canvass::PlateRead& r) {
  if (r.crop_bytes == 0) return NotFoundError("read " + std::to_string(r.seq) + " has no crop");
  CANVASS_ASSIGN_OR_RETURN(auto file, fs_->OpenRandomAccess(PackPath(r.crop_pack)));
  CANVASS_ASSIGN_OR_RETURN(
      std::string sealed,
      file->ReadAt(r.crop_offset,
                   static_cast<size_t>(r.crop_bytes + media::kSegmentOverheadBytes)));
  return media::DecryptSegment(CropKey(r.reader_id, r.read_uid), 0, true, sealed);
}

StatusOr<std::string> PlateService::Crop(const Principal& member, int64_t seq) {
  CANVASS_ASSIGN_OR_RETURN(canvass::Agency agency, MemberAgency(member));
  CANVASS_ASSIGN_OR_RETURN(auto reads, store_->GetPlateReads({seq}));
  if (reads.empty()) return NotFoundError("read " + std::to_string(seq) + " not found");
  const canvass::PlateRead& r = reads.front();
  CANVASS_ASSIGN_OR_RETURN(auto scope, Scope(agency));
  if (std::find(scope.begin(), scope.end(), r.agency_id) == scope.end()) {
    return NotFoundError("read " + std::to_string(seq) + " not found");
  }
  CANVASS_ASSIGN_OR_RETURN(std::string jpeg, CropBytes(r));
  AuditEvent ev =
      MakeAuditEvent(member, *clock_, "plate.crop_view", "plate_read", std::to_string(seq));
  CANVASS_RETURN_IF_ERROR(store_->RecordAccess(ev));
  return jpeg;
}

// ---- agreements ------------------------------------------------------------------------------

StatusOr<canvass::SharingAgreement> PlateService::CreateAgreement(const Principal& admin,
                                                                  canvass::SharingAgreement a) {
  CANVASS_ASSIGN_OR_RETURN(canvass::Agency from, MemberAgency(admin));
  std::optional<canvass::Agency> to;
  if (!a.to_agency_id.empty()) {
    auto got = store_->GetAgency(a.to_agency_id);
    if (!got.ok()) return InvalidArgumentError("to_agency_id " + a.to_agency_id + " is unknown");
    to = *got;
  }
  a.from_agency_id = from.id;
  CANVASS_RETURN_IF_ERROR(ValidateAgreement(a, from, to ? &*to : nullptr, config_));
  a.id = random_->NewId("agr");
  a.created_by = admin.id();
  a.created_at_us = clock_->NowMicros();
  AuditEvent ev = MakeAuditEvent(admin, *clock_, "plate.agreement_create", "agreement", a.id);
  ev.reason_code = a.scope;
  CANVASS_RETURN_IF_ERROR(store_->CreateSharingAgreement(a, ev));
  return a;
}

Status PlateService::RevokeAgreement(const Principal& admin, const std::string& id) {
  CANVASS_ASSIGN_OR_RETURN(canvass::Agency from, MemberAgency(admin));
  CANVASS_ASSIGN_OR_RETURN(auto all, store_->ListSharingAgreements());
  for (const auto& a : all) {
    if (a.id == id && a.from_agency_id == from.id) {
      AuditEvent ev = MakeAuditEvent(admin, *clock_, "plate.agreement_revoke", "agreement", id);
      return store_->RevokeSharingAgreement(id, clock_->NowMicros(), ev);
    }
  }
  return NotFoundError("agreement " + id + " not found");
}

StatusOr<std::vector<canvass::SharingAgreement>> PlateService::ListAgreements(
    const Principal& member) {
  CANVASS_ASSIGN_OR_RETURN(canvass::Agency agency, MemberAgency(member));
  CANVASS_ASSIGN_OR_RETURN(auto all, store_->ListSharingAgreements());
  CANVASS_ASSIGN_OR_RETURN(auto agencies, store_->ListAgencies());
  std::vector<canvass::SharingAgreement> out;
  for (const auto& a : all) {
    bool mine = a.from_agency_id == agency.id;
    bool benefits = false;
    for (const auto& owner : agencies) {
      if (owner.id == a.from_agency_id) benefits = MaySearch(agency, owner, {a}, config_);
    }
    if (mine || benefits) out.push_back(a);
  }
  return out;
}

// ---- retention -------------------------------------------------------------------------------

StatusOr<int64_t> PlateService::PurgeDue(int batch) {
  CANVASS_ASSIGN_OR_RETURN(auto agencies, store_->ListAgencies());
  const int64_t now = clock_->NowMicros();
  int64_t total = 0;
  Status first_error = OkStatus();
  for (const auto& a : agencies) {
    const int days = config_.For(a.state).retention_days;
    const int64_t cutoff = now - days * kDayUs;
    AuditEvent ev = MakeAuditEvent(Principal::System(), *clock_, "plate.purge", "plate_read", "");
    ev.actor_agency_id = a.id;
    ev.reason_code = "retention_" + std::to_string(days) + "d";
    std::vector<std::string> freed;
    CANVASS_ASSIGN_OR_RETURN(auto deleted,
                             store_->PurgePlateReads(a.id, cutoff, batch, ev, &freed));
    for (const auto& r : deleted) index_.Remove(r.plate, static_cast<uint64_t>(r.seq));
    for (const auto& pack : freed) fs_->RemoveFile(PackPath(pack)).IgnoreError();
    // A pack another read still uses stays; the purged crops in it are destroyed in place.
    // Rows go first (as with clips): a failure here leaves bytes that `canvass check` reports
    // and `--repair` destroys.
    const std::set<std::string> gone(freed.begin(), freed.end());
    for (const auto& r : deleted) {
      if (r.crop_bytes == 0 || gone.count(r.crop_pack)) continue;
      Status s = fs_->ZeroRange(PackPath(r.crop_pack), r.crop_offset,
                                r.crop_bytes + media::kSegmentOverheadBytes);
      if (!s.ok() && first_error.ok()) first_error = s;
    }
    total += static_cast<int64_t>(deleted.size());
  }
  if (!first_error.ok()) return first_error;
  return total;
}

StatusOr<canvass::PlateRead> PlateService::AttachToCase(const Principal& member, int64_t seq,
                                                        const std::string& case_number) {
  CANVASS_ASSIGN_OR_RETURN(canvass::Agency agency, MemberAgency(member));
  if (case_number.empty() || case_number.size() > 64 ||
      std::any_of(case_number.begin(), case_number.end(),
                  [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    return InvalidArgumentError("case_number must be 1 to 64 printable characters");
  }
  CANVASS_ASSIGN_OR_RETURN(auto reads, store_->GetPlateReads({seq}));
  const std::string missing = "read " + std::to_string(seq) + " not found";
  if (reads.empty()) return NotFoundError(missing);
  canvass::PlateRead r = reads.front();
  CANVASS_ASSIGN_OR_RETURN(auto scope, Scope(agency));
  if (std::find(scope.begin(), scope.end(), r.agency_id) == scope.end()) {
    return NotFoundError(missing);
  }
  if (r.hold_case == case_number) return r;
  AuditEvent ev =
      MakeAuditEvent(member, *clock_, "plate.hold_case", "plate_read", std::to_string(seq));
  ev.case_number = case_number;
  CANVASS_RETURN_IF_ERROR(store_->SetPlateReadCase(seq, case_number, ev));
  r.hold_case = case_number;
  return r;
}

std::string PlateService::CropDir() const { return data_dir_ + "/crops"; }

// ---- transparency ----------------------------------------------------------------------------

StatusOr<std::vector<AgencyTransparency>> PlateService::Transparency() {
  CANVASS_ASSIGN_OR_RETURN(auto agencies, store_->ListAgencies());
  CANVASS_ASSIGN_OR_RETURN(auto agreements, store_->ListSharingAgreements());
  const int64_t now = clock_->NowMicros();
  std::map<std::string, AgencyTransparency> by_id;
  for (const auto& a : agencies) {
    if (!a.verified) continue;  // not yet an agency that can act
    AgencyTransparency t;
    t.agency = a;
    t.agency.boundary.clear();
    CANVASS_ASSIGN_OR_RETURN(auto readers, store_->ListPlateReaders(a.id));
    t.readers = static_cast<int64_t>(readers.size());
    CANVASS_ASSIGN_OR_RETURN(t.reads_last_30_days,
                             store_->CountPlateReads(a.id, now - 30 * kDayUs, now + 1));
    CANVASS_ASSIGN_OR_RETURN(auto hits, store_->ListPlateHits(a.id, 1'000'000));
    for (const auto& h : hits) t.hits_last_30_days += h.created_at_us >= now - 30 * kDayUs;
    for (const auto& g : agreements) {
      if (g.from_agency_id == a.id) t.agreements.push_back(g);
    }
    t.retention_days = config_.For(a.state).retention_days;
    by_id[a.id] = std::move(t);
  }
  // Searches by offense type, from the audit events (the public records of the log).
  const int kPage = 10'000;
  for (int64_t first = 0;; first += kPage) {
    CANVASS_ASSIGN_OR_RETURN(auto rows, store_->ReadAuditRows(first, kPage));
    for (const auto& row : rows) {
      if (row.event.type != "plate.search") continue;
      auto it = by_id.find(row.event.actor_agency_id);
      if (it != by_id.end()) ++it->second.searches_by_offense[row.event.reason_code];
    }
    if (static_cast<int>(rows.size()) < kPage) break;
  }
  std::vector<AgencyTransparency> out;
  for (auto& [id, t] : by_id) out.push_back(std::move(t));
  return out;
}

}  // namespace canvass::plates
