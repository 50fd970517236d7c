// PlateService: licence-plate reads from reader to retention (docs/design/plates.md).
//
//  - Readers belong to agencies; an agency admin registers each one and gets its token once.
//  - Ingest: a reader sends a batch of reads; each is normalised and validated (a bad read
//    refuses the batch, naming it), its crop stored encrypted, and the batch committed with the
//    hot-list hits it raised and one audit event (group commit: durable when acknowledged).
//    Batches are idempotent by (reader, read id).
//  - Hot lists (plate_hotlists.cc): manual entries, CSV import, whole-list swaps; every read is
//    matched against the lists of every agency entitled to it (sharing.h), exactly and through
//    OCR confusion classes; each hit is a live alert a person confirms or marks a misread.
//  - Search: exact, wildcard and fuzzy, over exactly the readers the agency may search, only for
//    an offense type, a specific reason and a case number (policy/plate_search_policy.h); every
//    search, allowed or refused, writes its audit event.
//  - Retention: reads and crops older than the owner state's window are purged in small batches,
//    unless held for a case; each purge batch is logged in aggregate.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/file_system.h"
#include "common/random.h"
#include "events/event_hub.h"
#include "media/clip_cipher.h"
#include "plates/hotlist_matcher.h"
#include "plates/plate_index.h"
#include "policy/request_policy.h"
#include "store/store.h"

namespace canvass::plates {

struct ReaderInput {
  std::string name;
  LatLng location;
  std::optional<int> bearing_deg;
};

struct CreatedReader {
  canvass::PlateReader reader;
  std::string token;  // "cvl_...": shown once
};

struct ReadInput {
  std::string read_uid;  // the reader's id for this read: 1 to 64 of [A-Za-z0-9._:-]
  std::string plate;     // as read; normalised here
  std::string region;
  double confidence = 0;
  int64_t read_at_us = 0;
  std::string direction;
  std::string vehicle_color;
  std::string vehicle_type;
  std::string crop_jpeg;  // optional
};

struct IngestResult {
  int64_t received = 0;
  int64_t stored = 0;      // new reads
  int64_t duplicates = 0;  // already stored (a retried batch)
  int64_t hits = 0;
};

struct SearchInput {
  PlateSearchMode mode = PlateSearchMode::kExact;
  std::string text;
  int64_t from_us = 0;
  int64_t to_us = 0;
  std::vector<std::string> reader_ids;  // empty: every reader in scope
  std::optional<LatLng> center;         // with radius_m: only readers in that circle
  double radius_m = 0;
  std::string offense_type;
  std::string reason;
  std::string case_number;
  int limit = 100;
};

struct SearchResult {
  policy::PolicyDecision decision;
  std::vector<canvass::PlateRead> reads;  // empty when refused
  int64_t total = 0;                      // reads returned
  bool truncated = false;                 // more matched than the limit
  int64_t readers_searched = 0;
  int64_t agencies_searched = 0;
};

// A hit with what a person needs to check it.
struct HitView {
  canvass::PlateHit hit;
  std::optional<canvass::PlateRead> read;  // gone if purged
  canvass::HotListEntry entry;
};

struct CsvImportResult {
  int64_t entries = 0;
  std::vector<std::string> skipped;  // "line N: why", for expired rows
};

// Public transparency figures of one agency.
struct AgencyTransparency {
  canvass::Agency agency;
  int64_t readers = 0;
  int64_t reads_last_30_days = 0;
  int64_t hits_last_30_days = 0;
  std::map<std::string, int64_t> searches_by_offense;  // all time, from the audit log
  std::vector<canvass::SharingAgreement> agreements;
  int retention_days = 0;
};

class PlateService {
 public:
  PlateService(Store* store, FileSystem* fs, const Clock* clock, Random* random,
               const media::MasterKey& master_key, std::string data_dir, const Config& config,
               EventHub* hub);

  // Creates directories and loads the index and the hot lists from the store.
  Status Init();

  // --- readers ---
  StatusOr<CreatedReader> RegisterReader(const Principal& admin, const ReaderInput& in);
  StatusOr<std::vector<canvass::PlateReader>> ListReaders(const Principal& member);

  // --- ingest (reader devices) ---
  StatusOr<IngestResult> Ingest(const Principal& reader, const std::vector<ReadInput>& reads);

  // --- search ---
  StatusOr<SearchResult> Search(const Principal& member, const SearchInput& in);
  // A read's crop, if the member's agency may search its reader; logged.
  StatusOr<std::string> Crop(const Principal& member, int64_t seq);
  // A read's crop JPEG without access checks or audit: for legal productions, whose caller
  // checks and logs. NotFound when the read has no crop.
  StatusOr<std::string> CropBytes(const canvass::PlateRead& read);

  // --- sharing agreements ---
  StatusOr<canvass::SharingAgreement> CreateAgreement(const Principal& admin,
                                                      canvass::SharingAgreement in);
  Status RevokeAgreement(const Principal& admin, const std::string& id);
  // Agreements the member's agency made or benefits from.
  StatusOr<std::vector<canvass::SharingAgreement>> ListAgreements(const Principal& member);

  // --- hot lists (plate_hotlists.cc) ---
  StatusOr<canvass::HotList> CreateHotList(const Principal& member, const std::string& name);
  StatusOr<std::vector<canvass::HotList>> ListHotLists(const Principal& member);
  StatusOr<std::vector<canvass::HotListEntry>> ListEntries(const Principal& member,
                                                           const std::string& id);
  StatusOr<canvass::HotListEntry> AddEntry(const Principal& member, const std::string& list_id,
                                           canvass::HotListEntry entry);
  Status RemoveEntry(const Principal& member, const std::string& list_id,
                     const std::string& entry_id);
  // Replaces the whole list with a CSV (header: plate,state,reason,source,expires,notes).
  StatusOr<CsvImportResult> ImportCsv(const Principal& member, const std::string& list_id,
                                      const std::string& csv);
  StatusOr<std::vector<HitView>> ListHits(const Principal& member, int limit);
  // status: "confirmed" (plate and state checked against the crop) or "misread".
  Status DecideHit(const Principal& member, const std::string& hit_id, const std::string& status);

  // --- retention (docs/design/retention.md) ---
  // Purges one batch per agency of reads past retention, except reads held for a case or kept
  // by a legal hold; returns how many were deleted. Crop packs no read uses are removed; in a
  // pack that survives, the purged crops' bytes are destroyed (FileSystem::ZeroRange).
  StatusOr<int64_t> PurgeDue(int batch = 1000);
  // Marks a read evidence of a case: purges skip it from then on. For an officer or supervisor
  // of an agency that may search the read; the case number is published only as an HMAC.
  // Attaching a read to the case it is attached to already is a no-op (no second event).
  StatusOr<canvass::PlateRead> AttachToCase(const Principal& member, int64_t seq,
                                            const std::string& case_number);
  // Where crop packs live: <data_dir>/crops/<pack>, pack = PlateRead::crop_pack.
  std::string CropDir() const;

  // --- transparency ---
  StatusOr<std::vector<AgencyTransparency>> Transparency();

  const PlateIndex& index() const { return index_; }

 private:
  StatusOr<canvass::Agency> MemberAgency(const Principal& member);
  // Agencies whose reads `searcher` may search (itself first).
  StatusOr<std::vector<std::string>> Scope(const canvass::Agency& searcher);
  // Agencies entitled to match their lists against reads of `owner_agency_id`.
  StatusOr<AgencySet> EntitledToReadsOf(const std::string& owner_agency_id);
  uint32_t ReaderIndex(const std::string& reader_id);
  std::string PackPath(const std::string& pack) const;
  media::ClipKey CropKey(const std::string& reader_id, const std::string& read_uid) const;
  void PublishHit(const canvass::PlateHit& hit, const canvass::PlateRead& read,
                  const HotListHit& h);
  Status LoadHotLists();

  Store* store_;
  FileSystem* fs_;
  const Clock* clock_;
  Random* random_;
  media::MasterKey master_key_;
  std::string data_dir_;
  RequestsConfig requests_config_;
  PlatesConfig config_;
  EventHub* hub_;

  PlateIndex index_;
  HotListMatcher matcher_;

  std::mutex readers_mu_;
  std::map<std::string, uint32_t> reader_index_;  // GUARDED_BY(readers_mu_)
  std::vector<std::string> reader_ids_;           // GUARDED_BY(readers_mu_)
};

}  // namespace canvass::plates
