// Store: everything Canvass keeps, as domain operations. Callers never see SQL.
//
// The SQLite implementation (store/sqlite/) is the embedded default; a PostgreSQL
// implementation will implement the same interface separately (no shared SQL) and pass the same
// contract tests (tests/store_contract_test.cc).
//
// Contracts:
//  1. Every mutating operation takes the AuditEvent that describes it and appends it in the same
//     transaction: both are durable when the call returns OK, or neither happened.
//  2. An acknowledged write survives a crash (SQLite: WAL with synchronous=FULL).
//  3. Errors: NotFound for a missing object, AlreadyExists for a unique clash, Unavailable when
//     the database is busy past its timeout, DataLoss for corruption, Internal otherwise.
//
// Thread-safety: all methods are safe to call concurrently.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "audit/event.h"
#include "common/status.h"
#include "store/hold_records.h"
#include "store/legal_records.h"
#include "store/plate_records.h"
#include "store/records.h"
#include "store/request_records.h"

namespace canvass {

class Store {
 public:
  virtual ~Store() = default;

  // --- schema ---
  virtual StatusOr<int> SchemaVersion() = 0;
  // The version this build writes; `canvass check` compares the two.
  virtual int ExpectedSchemaVersion() const = 0;

  // --- accounts ---
  virtual Status CreateAccount(const Account& account, const AuditEvent& audit) = 0;
  virtual StatusOr<Account> GetAccount(const std::string& id) = 0;
  virtual StatusOr<Account> FindAccountByUsername(const std::string& username) = 0;
  // All accounts, or those of one agency when agency_id is set; ordered by username.
  virtual StatusOr<std::vector<Account>> ListAccounts(const std::string& agency_id) = 0;
  virtual Status SetAccountDisabled(const std::string& id, bool disabled,
                                    const AuditEvent& audit) = 0;
  virtual Status SetPasswordHash(const std::string& id, const std::string& hash,
                                 const AuditEvent& audit) = 0;
  virtual Status SetE2eePublicKey(const std::string& id, const std::string& key,
                                  const AuditEvent& audit) = 0;

  // --- sessions and API tokens ---
  virtual Status CreateSession(const Session& session, const AuditEvent& audit) = 0;
  virtual StatusOr<Session> FindSession(const std::string& token_hash) = 0;
  virtual Status DeleteSession(const std::string& token_hash, const AuditEvent& audit) = 0;
  virtual Status CreateApiToken(const ApiToken& token, const AuditEvent& audit) = 0;
  virtual StatusOr<ApiToken> FindApiToken(const std::string& token_hash) = 0;

  // --- agencies ---
  virtual Status CreateAgency(const Agency& agency, const AuditEvent& audit) = 0;
  virtual StatusOr<Agency> GetAgency(const std::string& id) = 0;
  virtual StatusOr<std::vector<Agency>> ListAgencies() = 0;
  virtual Status SetAgencyVerified(const std::string& id, int64_t at_us,
                                   const AuditEvent& audit) = 0;

  // --- cameras ---
  virtual Status CreateCamera(const Camera& camera, const AuditEvent& audit) = 0;
  virtual StatusOr<Camera> GetCamera(const std::string& id) = 0;
  virtual StatusOr<std::vector<Camera>> ListCamerasByOwner(const std::string& owner_id) = 0;
  // Calls fn for every camera (to build in-memory indexes); stops at the first error fn returns.
  virtual Status ForEachCamera(const std::function<Status(const Camera&)>& fn) = 0;
  // Replaces the mutable fields (name, kind, location, bearing, zones, retention, sharing).
  virtual Status UpdateCamera(const Camera& camera, const AuditEvent& audit) = 0;
  virtual Status SetDeviceTokenHash(const std::string& camera_id, const std::string& hash,
                                    const AuditEvent& audit) = 0;
  virtual StatusOr<Camera> FindCameraByDeviceToken(const std::string& token_hash) = 0;
  virtual Status TouchCamera(const std::string& camera_id, int64_t at_us) = 0;
  // Deletes the camera with its clips, uploads and events; returns the deleted clips and
  // uploads so that the caller can remove their files.
  struct DeletedCamera {
    std::vector<Clip> clips;
    std::vector<Upload> uploads;
  };
  virtual StatusOr<DeletedCamera> DeleteCamera(const std::string& id,
                                               const AuditEvent& audit) = 0;

  // --- uploads and clips ---
  virtual Status CreateUpload(const Upload& upload) = 0;
  virtual StatusOr<Upload> GetUpload(const std::string& id) = 0;
  virtual StatusOr<Upload> FindUploadByContent(const std::string& camera_id,
                                               const std::string& content_sha256) = 0;
  virtual Status DeleteUpload(const std::string& id) = 0;
  virtual StatusOr<std::vector<Upload>> ListUploads() = 0;
  // Inserts the clip and removes its upload, atomically, with the audit event.
  virtual Status CompleteUpload(const std::string& upload_id, const Clip& clip,
                                const AuditEvent& audit) = 0;
  virtual StatusOr<Clip> GetClip(const std::string& id) = 0;
  virtual StatusOr<Clip> FindClipByContent(const std::string& camera_id,
                                           const std::string& content_sha256) = 0;
  virtual StatusOr<std::vector<Clip>> ListClips(const std::string& owner_id,
                                                const ClipFilter& filter) = 0;
  virtual Status DeleteClip(const std::string& id, const AuditEvent& audit) = 0;
  // Calls fn for every clip (for `canvass check`); stops at the first error fn returns.
  virtual Status ForEachClip(const std::function<Status(const Clip&)>& fn) = 0;

  // --- motion events ---
  virtual Status AddMotionEvent(const MotionEvent& event, const AuditEvent& audit) = 0;
  virtual StatusOr<std::vector<MotionEvent>> ListMotionEvents(const std::string& owner_id,
                                                              int limit) = 0;

  // --- community footage requests (store/request_records.h, docs/design/requests.md) ---
  // Stores a new request with the owners it notifies (none while it awaits approval) and its
  // audit events (filed, policy decision, notification batch), in one transaction.
  virtual Status CreateRequest(const FootageRequest& request,
                               const std::vector<RequestNotification>& notifications,
                               const std::vector<AuditEvent>& audit) = 0;
  virtual StatusOr<FootageRequest> GetRequest(const std::string& id) = 0;
  // An agency's requests, newest first.
  virtual StatusOr<std::vector<FootageRequest>> ListRequests(const std::string& agency_id,
                                                             int limit) = 0;
  // Requests on the public feed (those that reached owners), newest first, created before
  // `before_us` (0: no bound).
  virtual StatusOr<std::vector<FootageRequest>> ListPublicRequests(int64_t before_us,
                                                                   int limit) = 0;
  // The agency's requests for a case that count toward the per-case limit (all but rejected).
  virtual StatusOr<int> CountRequestsForCase(const std::string& agency_id,
                                             const std::string& case_number) = 0;
  // Moves a request from status `from` to `updated.status` (writing the decision, cameras
  // notified, opening, expiry and closing fields of `updated`) and adds `notifications`. Leaving the open state
  // expires the notifications still pending. FailedPrecondition if the request's status is no
  // longer `from` (another supervisor or the expiry got there first).
  virtual Status UpdateRequest(const FootageRequest& updated, RequestStatus from,
                               const std::vector<RequestNotification>& notifications,
                               const std::vector<AuditEvent>& audit) = 0;
  // Pending or open requests whose expiry is at or before `now_us`.
  virtual StatusOr<std::vector<FootageRequest>> ListExpiredRequests(int64_t now_us,
                                                                    int limit) = 0;
  virtual StatusOr<RequestCounts> GetRequestCounts(const std::string& request_id) = 0;

  // An owner's inbox, newest first.
  virtual StatusOr<std::vector<RequestNotification>> ListNotifications(
      const std::string& owner_id, int limit) = 0;
  virtual StatusOr<RequestNotification> GetNotification(const std::string& request_id,
                                                        const std::string& owner_id) = 0;
  // An owner's answer: `answered.status` is kShared (with the new evidence items, the owner's
  // share records and their "received" custody events) or kDeclined (nothing else). The
  // notification must be pending (or already shared, to share more) and the request open;
  // FailedPrecondition otherwise.
  virtual Status RecordAnswer(const RequestNotification& answered,
                              const std::vector<EvidenceItem>& items,
                              const std::vector<Share>& shares,
                              const std::vector<CustodyEvent>& custody,
                              const AuditEvent& audit) = 0;
  // Every share an owner made, newest first.
  virtual StatusOr<std::vector<Share>> ListShares(const std::string& owner_id, int limit) = 0;

  // The evidence locker.
  virtual StatusOr<EvidenceItem> GetEvidence(const std::string& id) = 0;
  // An agency's items, oldest first; case_number and request_id filter when set.
  virtual StatusOr<std::vector<EvidenceItem>> ListEvidence(const std::string& agency_id,
                                                           const std::string& case_number,
                                                           const std::string& request_id,
                                                           int limit) = 0;
  // Calls fn for every evidence item (for `canvass check`); stops at the first error fn returns.
  virtual Status ForEachEvidence(const std::function<Status(const EvidenceItem&)>& fn) = 0;
  virtual Status AddCustodyEvents(const std::vector<CustodyEvent>& events,
                                  const AuditEvent& audit) = 0;
  virtual StatusOr<std::vector<CustodyEvent>> ListCustodyEvents(
      const std::string& evidence_id) = 0;

  // --- licence-plate reads (store/plate_records.h, docs/design/plates.md) ---
  virtual Status CreatePlateReader(const PlateReader& reader, const AuditEvent& audit) = 0;
  virtual StatusOr<PlateReader> GetPlateReader(const std::string& id) = 0;
  // An agency's readers ("" : every reader), ordered by id.
  virtual StatusOr<std::vector<PlateReader>> ListPlateReaders(const std::string& agency_id) = 0;
  virtual StatusOr<PlateReader> FindPlateReaderByToken(const std::string& token_hash) = 0;
  // Stores a batch of reads of one reader, and the hot-list hits found for them, with one audit
  // event. A read whose (reader, read_uid) is stored already is skipped with its hits (the batch
  // is idempotent). `hit_audit` holds one event per hit (the same length as `hits`): the event
  // of each hit stored is appended after `audit`, and that of a skipped hit is not. Returns each
  // read's seq, new or existing, in batch order, and sets `(*is_new)[i]` for the reads stored now.
  virtual StatusOr<std::vector<int64_t>> AppendPlateReads(const std::vector<PlateRead>& reads,
                                                          const std::vector<PlateHit>& hits,
                                                          const AuditEvent& audit,
                                                          const std::vector<AuditEvent>& hit_audit,
                                                          std::vector<bool>* is_new) = 0;
  // Reads by seq, in the order asked; missing ones (purged) are left out.
  virtual StatusOr<std::vector<PlateRead>> GetPlateReads(const std::vector<int64_t>& seqs) = 0;
  virtual Status ForEachPlateRead(const std::function<Status(const PlateRead&)>& fn) = 0;
  // Deletes up to `limit` reads of the agency's readers taken before `cutoff_us`, neither held
  // for a case nor kept by an unended legal hold (CreateHold), with their hits, and records
  // `audit` (count set by the store to the number deleted). Returns the deleted reads;
  // `freed_packs` receives the crop packs no read refers to any more (their files are the
  // caller's to remove; the purged crops' bytes in packs still in use are too).
  virtual StatusOr<std::vector<PlateRead>> PurgePlateReads(const std::string& agency_id,
                                                           int64_t cutoff_us, int limit,
                                                           AuditEvent audit,
                                                           std::vector<std::string>* freed_packs) = 0;
  // Reads of the agency's readers in [from_us, to_us).
  virtual StatusOr<int64_t> CountPlateReads(const std::string& agency_id, int64_t from_us,
                                            int64_t to_us) = 0;

  virtual Status CreateHotList(const HotList& list, const AuditEvent& audit) = 0;
  virtual StatusOr<HotList> GetHotList(const std::string& id) = 0;
  virtual StatusOr<std::vector<HotList>> ListHotLists(const std::string& agency_id) = 0;
  // Replaces every entry of the list, bumping its version, in one transaction.
  virtual Status ReplaceHotListEntries(const std::string& list_id,
                                       const std::vector<HotListEntry>& entries,
                                       const std::string& source, int64_t at_us,
                                       const AuditEvent& audit) = 0;
  virtual Status AddHotListEntry(const HotListEntry& entry, const AuditEvent& audit) = 0;
  virtual Status RemoveHotListEntry(const std::string& list_id, const std::string& entry_id,
                                    const AuditEvent& audit) = 0;
  virtual StatusOr<std::vector<HotListEntry>> ListHotListEntries(const std::string& list_id) = 0;

  virtual StatusOr<PlateHit> GetPlateHit(const std::string& id) = 0;
  // An agency's hits, newest first.
  virtual StatusOr<std::vector<PlateHit>> ListPlateHits(const std::string& agency_id,
                                                        int limit) = 0;
  // Confirms or marks a misread a hit still "new" (FailedPrecondition otherwise); a misread
  // counts against the reader's misread rate.
  virtual Status DecidePlateHit(const std::string& id, const std::string& status,
                                const std::string& by, int64_t at_us,
                                const AuditEvent& audit) = 0;

  virtual Status CreateSharingAgreement(const SharingAgreement& a, const AuditEvent& audit) = 0;
  virtual Status RevokeSharingAgreement(const std::string& id, int64_t at_us,
                                        const AuditEvent& audit) = 0;
  // Every agreement not revoked.
  virtual StatusOr<std::vector<SharingAgreement>> ListSharingAgreements() = 0;

  // --- legal demands, notices, productions (store/legal_records.h; docs/design/legal.md) ---
  virtual Status CreateDemand(const Demand& demand, const AuditEvent& audit) = 0;
  virtual StatusOr<Demand> GetDemand(const std::string& id) = 0;
  // Newest first; each filter "" for all: agency, type, status.
  virtual StatusOr<std::vector<Demand>> ListDemands(const std::string& agency_id,
                                                    const std::string& type_filter,
                                                    const std::string& status_filter,
                                                    int limit) = 0;
  // Replaces the demand's mutable fields if its version is still `updated.version` (then
  // increments it; FailedPrecondition otherwise: someone else changed it), upserts `notices`,
  // and appends every event, in one transaction.
  virtual Status UpdateDemand(const Demand& updated, const std::vector<DemandNotice>& notices,
                              const std::vector<AuditEvent>& audit) = 0;
  // Emergency disclosures whose follow-up is due by `now_us` and neither followed nor flagged.
  virtual StatusOr<std::vector<Demand>> ListOverdueEmergencies(int64_t now_us, int limit) = 0;
  virtual Status AddDemandDocument(const DemandDocument& doc, const AuditEvent& audit) = 0;
  virtual StatusOr<std::vector<DemandDocument>> ListDemandDocuments(
      const std::string& demand_id) = 0;
  virtual StatusOr<std::vector<DemandNotice>> ListDemandNotices(const std::string& demand_id) = 0;
  // Sent notices of one account, newest first.
  virtual StatusOr<std::vector<DemandNotice>> ListNoticesForAccount(const std::string& account_id,
                                                                    int limit) = 0;
  // Deferred notices whose non-disclosure order has ended by `now_us`.
  virtual StatusOr<std::vector<DemandNotice>> ListDueNotices(int64_t now_us, int limit) = 0;

  // --- end legal ---

  // --- holds and retention (store/hold_records.h; docs/design/retention.md) ---
  // A hold keeps what its scope names from retention while it is not ended (ended_at_us = 0);
  // the purges below skip what an unended hold keeps.
  // Stores a new hold; AlreadyExists when hold.demand_id is set and that demand has a hold.
  virtual Status CreateHold(const Hold& hold, const AuditEvent& audit) = 0;
  virtual StatusOr<Hold> GetHold(const std::string& id) = 0;
  // The hold a demand placed; NotFound if none.
  virtual StatusOr<Hold> FindHoldByDemand(const std::string& demand_id) = 0;
  // Every hold, or only those not ended, oldest first.
  virtual StatusOr<std::vector<Hold>> ListHolds(bool active_only) = 0;
  // Sets the hold's expiry and renewal count to `renewals_before + 1`; FailedPrecondition
  // unless it is not ended and has exactly `renewals_before` renewals (a concurrent renewal or
  // end got there first).
  virtual Status RenewHold(const std::string& id, int renewals_before, int64_t expires_at_us,
                           const AuditEvent& audit) = 0;
  // Ends a hold ("expired" or "released"); FailedPrecondition if it has ended already.
  virtual Status EndHold(const std::string& id, int64_t at_us, const std::string& end_reason,
                         const AuditEvent& audit) = 0;
  // Deletes up to `limit` clips whose end is more than their camera's retention_days before
  // `now_us` and that no unended hold keeps, with `audit` (count set by the store to the
  // number deleted; nothing is written when none is due). Returns the deleted clips: their
  // files are the caller's to remove.
  virtual StatusOr<std::vector<Clip>> PurgeClips(int64_t now_us, int limit, AuditEvent audit) = 0;
  // Marks a plate read evidence of a case (plate_reads.hold_case): PurgePlateReads skips it.
  // NotFound if the read is gone; FailedPrecondition if it is evidence of another case.
  virtual Status SetPlateReadCase(int64_t seq, const std::string& case_number,
                                  const AuditEvent& audit) = 0;
  // Makes deleted rows unrecoverable from the store's own files. SQLite zeroes deleted content
  // in its pages (PRAGMA secure_delete); this also checkpoints the WAL into the database and
  // truncates it, so that no old WAL frame still holds a deleted row. Unavailable if readers
  // kept the WAL from being emptied (try again later).
  virtual Status ScrubDeleted() = 0;
  // --- end holds ---

  // --- audit log (docs/design/audit.md) ---
  // Records a read of protected data (no state change besides the event itself).
  virtual Status RecordAccess(const AuditEvent& audit) = 0;

  struct AuditRow {
    int64_t index = 0;  // leaf index
    AuditEvent event;
    std::string salt;   // of the commitment
    std::string leaf;   // empty until integrated
  };
  virtual StatusOr<int64_t> AuditEventCount() = 0;
  // Rows in leaf order from `first`, at most `limit`.
  virtual StatusOr<std::vector<AuditRow>> ReadAuditRows(int64_t first, int limit) = 0;
  // A tile's bytes (a partial tile is shorter); NotFound if the tree has none there yet.
  virtual StatusOr<std::string> ReadAuditTile(int level, int64_t index) = 0;
  struct AuditCheckpoint {
    int64_t size = 0;
    std::string root;  // 32 bytes
    std::string note;  // signed
    int64_t created_at_us = 0;
  };
  // NotFound before the first checkpoint.
  virtual StatusOr<AuditCheckpoint> LatestAuditCheckpoint() = 0;
  struct AuditIntegration {
    int64_t first = 0;                // leaf index of leaves[0]
    std::vector<std::string> leaves;  // encoded leaves of rows first..first+n-1
    struct Tile {
      int level;
      int64_t index;
      std::string data;
    };
    std::vector<Tile> tiles;          // tiles written or grown
    AuditCheckpoint checkpoint;
  };
  // Stores leaves, tiles and the new checkpoint in one transaction. FailedPrecondition if the
  // checkpoint does not extend the latest one (two integrators, or a stale one).
  virtual Status CommitAuditIntegration(const AuditIntegration& in) = 0;
};

}  // namespace canvass
