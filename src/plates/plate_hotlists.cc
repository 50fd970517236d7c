// PlateService: hot lists (manual entries, CSV import as a whole-list swap) and their hits.
#include <map>

#include "common/time_format.h"
#include "plates/plate_service.h"
#include "plates/plate_text.h"

namespace canvass::plates {
namespace {

constexpr size_t kMaxCsvRows = 2'000'000;

// One CSV record (RFC 4180: commas, double-quoted fields with "" for a quote). Returns false at
// the end of input; a malformed record sets *error.
bool NextRecord(std::string_view text, size_t* pos, std::vector<std::string>* fields,
                std::string* error) {
  fields->clear();
  if (*pos >= text.size()) return false;
  std::string field;
  bool quoted = false, after_quote = false;
  size_t i = *pos;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
          after_quote = true;
        }
      } else {
        field += c;
      }
    } else if (c == '"' && field.empty() && !after_quote) {
      quoted = true;
    } else if (c == ',') {
      fields->push_back(std::move(field));
      field.clear();
      after_quote = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++i;
      break;
    } else if (after_quote) {
      *error = "text after a closing quote";
      return true;
    } else {
      field += c;
    }
  }
  if (quoted) *error = "a quoted field is not closed";
  fields->push_back(std::move(field));
  *pos = i;
  return true;
}

HotListEntry ToMatcher(const canvass::HotListEntry& e) {
  return {e.id, e.plate, e.region, e.reason, e.expires_at_us};
}

}  // namespace

Status PlateService::LoadHotLists() {
  CANVASS_ASSIGN_OR_RETURN(auto lists, store_->ListHotLists(""));
  std::vector<HotList> loaded;
  for (const auto& l : lists) {
    CANVASS_ASSIGN_OR_RETURN(auto entries, store_->ListHotListEntries(l.id));
    HotList h{l.id, l.agency_id, {}};
    for (const auto& e : entries) h.entries.push_back(ToMatcher(e));
    loaded.push_back(std::move(h));
  }
  return matcher_.ReplaceLists(std::move(loaded));
}

StatusOr<canvass::HotList> PlateService::CreateHotList(const Principal& member,
                                                       const std::string& name) {
  CANVASS_ASSIGN_OR_RETURN(canvass::Agency agency, MemberAgency(member));
  if (name.empty() || name.size() > 100)
    return InvalidArgumentError("name must be 1 to 100 characters");
  canvass::HotList l;
  l.id = random_->NewId("hot");
  l.agency_id = agency.id;
  l.name = name;
  l.source = "manual";
  l.created_at_us = l.updated_at_us = clock_->NowMicros();
  AuditEvent ev = MakeAuditEvent(member, *clock_, "hotlist.create", "hot_list", l.id);
  CANVASS_RETURN_IF_ERROR(store_->CreateHotList(l, ev));
  CANVASS_RETURN_IF_ERROR(matcher_.ReplaceList(l.id, l.agency_id, {}));
  return l;
}

StatusOr<std::vector<canvass::HotList>> PlateService::ListHotLists(const Principal& member) {
  CANVASS_ASSIGN_OR_RETURN(canvass::Agency agency, MemberAgency(member));
  return store_->ListHotLists(agency.id);
}

namespace {
// The list, if it belongs to the member's agency.
StatusOr<canvass::HotList> OwnList(Store* store, const canvass::Agency& agency,
                                   const std::string& id) {
  auto l = store->GetHotList(id);
  if (!l.ok() || l->agency_id != agency.id) return NotFoundError("hot list " + id + " not found");
  return l;
}

Status ValidateEntry(canvass::HotListEntry* e) {
  CANVASS_ASSIGN_OR_RETURN(e->plate, NormalizePlate(e->plate));
  if (!e->region.empty()) CANVASS_RETURN_IF_ERROR(ValidateRegion(e->region));
  if (e->reason.empty() || e->reason.size() > 100) {
    return InvalidArgumentError("reason must be 1 to 100 characters");
  }
  if (e->source.size() > 100 || e->notes.size() > 500) {
    return InvalidArgumentError("source is at most 100 characters, notes at most 500");
  }
  return OkStatus();
}
}  // namespace

StatusOr<std::vector<canvass::HotListEntry>> PlateService::ListEntries(const Principal& member,
                                                                       const std::string& id) {
  CANVASS_ASSIGN_OR_RETURN(canvass::Agency agency, MemberAgency(member));
  CANVASS_RETURN_IF_ERROR(OwnList(store_, agency, id).status());
  return store_->ListHotListEntries(id);
}

StatusOr<canvass::HotListEntry> PlateService::AddEntry(const Principal& member,
                                                       const std::string& list_id,
                                                       canvass::HotListEntry e) {
  CANVASS_ASSIGN_OR_RETURN(canvass::Agency agency, MemberAgency(member));
  CANVASS_ASSIGN_OR_RETURN(canvass::HotList list, OwnList(store_, agency, list_id));
  CANVASS_RETURN_IF_ERROR(ValidateEntry(&e));
  if (e.expires_at_us != 0 && e.expires_at_us <= clock_->NowMicros()) {
    return InvalidArgumentError("expires_at is in the past");
  }
  e.id = random_->NewId("hle");
  e.list_id = list.id;
  if (e.source.empty()) e.source = "manual";
  e.created_at_us = clock_->NowMicros();
  AuditEvent ev = MakeAuditEvent(member, *clock_, "hotlist.entry_add", "hot_list", list.id);
  ev.details_json = "{\"entry_id\":\"" + e.id + "\",\"plate\":\"" + e.plate + "\"}";
  CANVASS_RETURN_IF_ERROR(store_->AddHotListEntry(e, ev));
  CANVASS_RETURN_IF_ERROR(matcher_.AddEntry(list.id, ToMatcher(e)));
  return e;
}

Status PlateService::RemoveEntry(const Principal& member, const std::string& list_id,
                                 const std::string& entry_id) {
  CANVASS_ASSIGN_OR_RETURN(canvass::Agency agency, MemberAgency(member));
  CANVASS_RETURN_IF_ERROR(OwnList(store_, agency, list_id).status());
  AuditEvent ev = MakeAuditEvent(member, *clock_, "hotlist.entry_remove", "hot_list", list_id);
  CANVASS_RETURN_IF_ERROR(store_->RemoveHotListEntry(list_id, entry_id, ev));
  return matcher_.RemoveEntry(list_id, entry_id);
}

StatusOr<CsvImportResult> PlateService::ImportCsv(const Principal& member,
                                                  const std::string& list_id,
                                                  const std::string& csv) {
  CANVASS_ASSIGN_OR_RETURN(canvass::Agency agency, MemberAgency(member));
  CANVASS_ASSIGN_OR_RETURN(canvass::HotList list, OwnList(store_, agency, list_id));
  const int64_t now = clock_->NowMicros();
  size_t pos = 0;
  std::vector<std::string> f;
  std::string error;
  if (!NextRecord(csv, &pos, &f, &error) || !error.empty()) {
    return InvalidArgumentError("the CSV is empty or its header is malformed");
  }
  const std::vector<std::string> kHeader = {"plate",  "state",   "reason",
                                            "source", "expires", "notes"};
  if (f != kHeader) {
    return InvalidArgumentError(
        "the CSV header must be exactly: plate,state,reason,source,expires,notes");
  }
  CsvImportResult result;
  std::vector<canvass::HotListEntry> entries;
  for (int line = 2; NextRecord(csv, &pos, &f, &error); ++line) {
    const std::string where = "line " + std::to_string(line) + ": ";
    if (!error.empty()) return InvalidArgumentError(where + error);
    if (f.size() == 1 && f[0].empty()) continue;  // blank line
    if (f.size() != kHeader.size()) {
      return InvalidArgumentError(where + "expected 6 fields, found " + std::to_string(f.size()));
    }
    if (entries.size() >= kMaxCsvRows) return InvalidArgumentError("more than 2,000,000 rows");
    canvass::HotListEntry e;
    e.plate = f[0];
    e.region = f[1];
    e.reason = f[2];
    e.source = f[3].empty() ? "csv" : f[3];
    e.notes = f[5];
    if (!f[4].empty()) {
      auto t = ParseRfc3339(f[4]);
      if (!t.ok()) return InvalidArgumentError(where + "expires: " + t.status().message());
      e.expires_at_us = *t;
    }
    Status valid = ValidateEntry(&e);
    if (!valid.ok()) return InvalidArgumentError(where + valid.message());
    if (e.expires_at_us != 0 && e.expires_at_us <= now) {
      result.skipped.push_back(where + "expired " + f[4]);
      continue;
    }
    e.id = random_->NewId("hle");
    e.list_id = list.id;
    e.created_at_us = now;
    entries.push_back(std::move(e));
  }
  result.entries = static_cast<int64_t>(entries.size());
  AuditEvent ev = MakeAuditEvent(member, *clock_, "hotlist.import", "hot_list", list.id);
  ev.count = result.entries;
  CANVASS_RETURN_IF_ERROR(store_->ReplaceHotListEntries(list.id, entries, "csv", now, ev));
  // The matcher builds the new list aside and swaps it in: matching never waits for it.
  std::vector<HotListEntry> matcher_entries;
  matcher_entries.reserve(entries.size());
  for (const auto& e : entries) matcher_entries.push_back(ToMatcher(e));
  CANVASS_RETURN_IF_ERROR(
      matcher_.ReplaceList(list.id, list.agency_id, std::move(matcher_entries)));
  return result;
}

StatusOr<std::vector<HitView>> PlateService::ListHits(const Principal& member, int limit) {
  CANVASS_ASSIGN_OR_RETURN(canvass::Agency agency, MemberAgency(member));
  CANVASS_ASSIGN_OR_RETURN(auto hits, store_->ListPlateHits(agency.id, limit));
  std::map<std::string, std::map<std::string, canvass::HotListEntry>> entries;
  std::vector<HitView> out;
  for (const auto& h : hits) {
    if (!entries.count(h.list_id)) {
      auto& m = entries[h.list_id];
      auto list = store_->ListHotListEntries(h.list_id);
      if (list.ok()) {
        for (auto& e : *list) m[e.id] = std::move(e);
      }
    }
    HitView v;
    v.hit = h;
    auto e = entries[h.list_id].find(h.entry_id);
    if (e != entries[h.list_id].end()) v.entry = e->second;
    CANVASS_ASSIGN_OR_RETURN(auto reads, store_->GetPlateReads({h.read_seq}));
    if (!reads.empty()) v.read = reads.front();
    out.push_back(std::move(v));
  }
  return out;
}

Status PlateService::DecideHit(const Principal& member, const std::string& hit_id,
                               const std::string& status) {
  CANVASS_ASSIGN_OR_RETURN(canvass::Agency agency, MemberAgency(member));
  if (status != "confirmed" && status != "misread") {
    return InvalidArgumentError("status must be confirmed or misread");
  }
  auto hit = store_->GetPlateHit(hit_id);
  if (!hit.ok() || hit->agency_id != agency.id)
    return NotFoundError("hit " + hit_id + " not found");
  AuditEvent ev = MakeAuditEvent(member, *clock_, "plate.hit_" + status, "plate_hit", hit_id);
  ev.reason_code = hit->kind;
  return store_->DecidePlateHit(hit_id, status, member.id(), clock_->NowMicros(), ev);
}

}  // namespace canvass::plates
