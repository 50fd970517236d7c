// SqliteStore: the embedded default Store, one SQLite file in WAL mode.
//
// Concurrency: one writer connection (SQLite allows one writer at a time; every write
// transaction is BEGIN IMMEDIATE so that it never has to be retried half-way) and a pool of
// reader connections that run in parallel with it.
//
// Group commit: concurrent writes queue up; one of the waiting threads (the leader) runs every
// queued write in one transaction, each inside its own SAVEPOINT (a failing write is rolled back
// alone), and commits once: one fsync for the whole group instead of one per write. Each caller
// still gets its own Status, and OK only after the commit is durable.
// Thread-safety: safe for concurrent use.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/random.h"
#include "store/store.h"

namespace canvass::sqlite {

class Connection;

class SqliteStore final : public Store {
 public:
  // Opens or creates the database at `path` and applies pending migrations. `random` makes the
  // audit commitments' salts (default: libsodium's).
  static StatusOr<std::unique_ptr<SqliteStore>> Open(const std::string& path, int readers = 4,
                                                     Random* random = nullptr);

  // Off: every write commits alone (the baseline of bench/audit_bench.cc).
  void set_group_commit(bool on) { group_commit_ = on; }
  ~SqliteStore() override;

  StatusOr<int> SchemaVersion() override;
  int ExpectedSchemaVersion() const override;

  Status CreateAccount(const Account& account, const AuditEvent& audit) override;
  StatusOr<Account> GetAccount(const std::string& id) override;
  StatusOr<Account> FindAccountByUsername(const std::string& username) override;
  StatusOr<std::vector<Account>> ListAccounts(const std::string& agency_id) override;
  Status SetAccountDisabled(const std::string& id, bool disabled,
                            const AuditEvent& audit) override;
  Status SetPasswordHash(const std::string& id, const std::string& hash,
                         const AuditEvent& audit) override;
  Status SetE2eePublicKey(const std::string& id, const std::string& key,
                          const AuditEvent& audit) override;

  Status CreateSession(const Session& session, const AuditEvent& audit) override;
  StatusOr<Session> FindSession(const std::string& token_hash) override;
  Status DeleteSession(const std::string& token_hash, const AuditEvent& audit) override;
  Status CreateApiToken(const ApiToken& token, const AuditEvent& audit) override;
  StatusOr<ApiToken> FindApiToken(const std::string& token_hash) override;

  Status CreateAgency(const Agency& agency, const AuditEvent& audit) override;
  StatusOr<Agency> GetAgency(const std::string& id) override;
  StatusOr<std::vector<Agency>> ListAgencies() override;
  Status SetAgencyVerified(const std::string& id, int64_t at_us, const AuditEvent& audit) override;

  Status CreateCamera(const Camera& camera, const AuditEvent& audit) override;
  StatusOr<Camera> GetCamera(const std::string& id) override;
  StatusOr<std::vector<Camera>> ListCamerasByOwner(const std::string& owner_id) override;
  Status ForEachCamera(const std::function<Status(const Camera&)>& fn) override;
  Status UpdateCamera(const Camera& camera, const AuditEvent& audit) override;
  Status SetDeviceTokenHash(const std::string& camera_id, const std::string& hash,
                            const AuditEvent& audit) override;
  StatusOr<Camera> FindCameraByDeviceToken(const std::string& token_hash) override;
  Status TouchCamera(const std::string& camera_id, int64_t at_us) override;
  StatusOr<DeletedCamera> DeleteCamera(const std::string& id, const AuditEvent& audit) override;

  Status CreateUpload(const Upload& upload) override;
  StatusOr<Upload> GetUpload(const std::string& id) override;
  StatusOr<Upload> FindUploadByContent(const std::string& camera_id,
                                       const std::string& content_sha256) override;
  Status DeleteUpload(const std::string& id) override;
  StatusOr<std::vector<Upload>> ListUploads() override;
  Status CompleteUpload(const std::string& upload_id, const Clip& clip,
                        const AuditEvent& audit) override;
  StatusOr<Clip> GetClip(const std::string& id) override;
  StatusOr<Clip> FindClipByContent(const std::string& camera_id,
                                   const std::string& content_sha256) override;
  StatusOr<std::vector<Clip>> ListClips(const std::string& owner_id,
                                        const ClipFilter& filter) override;
  Status DeleteClip(const std::string& id, const AuditEvent& audit) override;
  Status ForEachClip(const std::function<Status(const Clip&)>& fn) override;

  Status AddMotionEvent(const MotionEvent& event, const AuditEvent& audit) override;
  StatusOr<std::vector<MotionEvent>> ListMotionEvents(const std::string& owner_id,
                                                      int limit) override;

  Status CreateRequest(const FootageRequest& request, const std::vector<RequestNotification>& notifications, const std::vector<AuditEvent>& audit) override;
  StatusOr<FootageRequest> GetRequest(const std::string& id) override;
  StatusOr<std::vector<FootageRequest>> ListRequests(const std::string& agency_id, int limit) override;
  StatusOr<std::vector<FootageRequest>> ListPublicRequests(int64_t before_us, int limit) override;
  StatusOr<int> CountRequestsForCase(const std::string& agency_id, const std::string& case_number) override;
  Status UpdateRequest(const FootageRequest& updated, RequestStatus from, const std::vector<RequestNotification>& notifications, const std::vector<AuditEvent>& audit) override;
  StatusOr<std::vector<FootageRequest>> ListExpiredRequests(int64_t now_us, int limit) override;
  StatusOr<RequestCounts> GetRequestCounts(const std::string& request_id) override;
  StatusOr<std::vector<RequestNotification>> ListNotifications( const std::string& owner_id, int limit) override;
  StatusOr<RequestNotification> GetNotification(const std::string& request_id, const std::string& owner_id) override;
  Status RecordAnswer(const RequestNotification& answered, const std::vector<EvidenceItem>& items, const std::vector<Share>& shares, const std::vector<CustodyEvent>& custody, const AuditEvent& audit) override;
  StatusOr<std::vector<Share>> ListShares(const std::string& owner_id, int limit) override;
  StatusOr<EvidenceItem> GetEvidence(const std::string& id) override;
  StatusOr<std::vector<EvidenceItem>> ListEvidence(const std::string& agency_id, const std::string& case_number, const std::string& request_id, int limit) override;
  Status ForEachEvidence(const std::function<Status(const EvidenceItem&)>& fn) override;
  Status AddCustodyEvents(const std::vector<CustodyEvent>& events, const AuditEvent& audit) override;
  StatusOr<std::vector<CustodyEvent>> ListCustodyEvents( const std::string& evidence_id) override;

  Status CreatePlateReader(const PlateReader& reader, const AuditEvent& audit) override;
  StatusOr<PlateReader> GetPlateReader(const std::string& id) override;
  StatusOr<std::vector<PlateReader>> ListPlateReaders(const std::string& agency_id) override;
  StatusOr<PlateReader> FindPlateReaderByToken(const std::string& token_hash) override;
  StatusOr<std::vector<int64_t>> AppendPlateReads(const std::vector<PlateRead>& reads, const std::vector<PlateHit>& hits, const AuditEvent& audit, const std::vector<AuditEvent>& hit_audit, std::vector<bool>* is_new) override;
  StatusOr<std::vector<PlateRead>> GetPlateReads(const std::vector<int64_t>& seqs) override;
  Status ForEachPlateRead(const std::function<Status(const PlateRead&)>& fn) override;
  StatusOr<std::vector<PlateRead>> PurgePlateReads(const std::string& agency_id, int64_t cutoff_us, int limit, AuditEvent audit, std::vector<std::string>* freed_packs) override;
  StatusOr<int64_t> CountPlateReads(const std::string& agency_id, int64_t from_us, int64_t to_us) override;
  Status CreateHotList(const HotList& list, const AuditEvent& audit) override;
  StatusOr<HotList> GetHotList(const std::string& id) override;
  StatusOr<std::vector<HotList>> ListHotLists(const std::string& agency_id) override;
  Status ReplaceHotListEntries(const std::string& list_id, const std::vector<HotListEntry>& entries, const std::string& source, int64_t at_us, const AuditEvent& audit) override;
  Status AddHotListEntry(const HotListEntry& entry, const AuditEvent& audit) override;
  Status RemoveHotListEntry(const std::string& list_id, const std::string& entry_id, const AuditEvent& audit) override;
  StatusOr<std::vector<HotListEntry>> ListHotListEntries(const std::string& list_id) override;
  StatusOr<PlateHit> GetPlateHit(const std::string& id) override;
  StatusOr<std::vector<PlateHit>> ListPlateHits(const std::string& agency_id, int limit) override;
  Status DecidePlateHit(const std::string& id, const std::string& status, const std::string& by, int64_t at_us, const AuditEvent& audit) override;
  Status CreateSharingAgreement(const SharingAgreement& a, const AuditEvent& audit) override;
  Status RevokeSharingAgreement(const std::string& id, int64_t at_us, const AuditEvent& audit) override;
  StatusOr<std::vector<SharingAgreement>> ListSharingAgreements() override;

  // legal (sqlite_legal.cc)
  Status CreateDemand(const Demand& demand, const AuditEvent& audit) override;
  StatusOr<Demand> GetDemand(const std::string& id) override;
  StatusOr<std::vector<Demand>> ListDemands(const std::string& agency_id, const std::string& type_filter, const std::string& status_filter, int limit) override;
  Status UpdateDemand(const Demand& updated, const std::vector<DemandNotice>& notices, const std::vector<AuditEvent>& audit) override;
  StatusOr<std::vector<Demand>> ListOverdueEmergencies(int64_t now_us, int limit) override;
  Status AddDemandDocument(const DemandDocument& doc, const AuditEvent& audit) override;
  StatusOr<std::vector<DemandDocument>> ListDemandDocuments(const std::string& demand_id) override;
  StatusOr<std::vector<DemandNotice>> ListDemandNotices(const std::string& demand_id) override;
  StatusOr<std::vector<DemandNotice>> ListNoticesForAccount(const std::string& account_id, int limit) override;
  StatusOr<std::vector<DemandNotice>> ListDueNotices(int64_t now_us, int limit) override;
  // end legal

  // holds and retention (sqlite_holds.cc)
  Status CreateHold(const Hold& hold, const AuditEvent& audit) override;
  StatusOr<Hold> GetHold(const std::string& id) override;
  StatusOr<Hold> FindHoldByDemand(const std::string& demand_id) override;
  StatusOr<std::vector<Hold>> ListHolds(bool active_only) override;
  Status RenewHold(const std::string& id, int renewals_before, int64_t expires_at_us, const AuditEvent& audit) override;
  Status EndHold(const std::string& id, int64_t at_us, const std::string& end_reason, const AuditEvent& audit) override;
  StatusOr<std::vector<Clip>> PurgeClips(int64_t now_us, int limit, AuditEvent audit) override;
  Status SetPlateReadCase(int64_t seq, const std::string& case_number, const AuditEvent& audit) override;
  Status ScrubDeleted() override;
  // end holds

  Status RecordAccess(const AuditEvent& audit) override;
  StatusOr<int64_t> AuditEventCount() override;
  StatusOr<std::vector<AuditRow>> ReadAuditRows(int64_t first, int limit) override;
  StatusOr<std::string> ReadAuditTile(int level, int64_t index) override;
  StatusOr<AuditCheckpoint> LatestAuditCheckpoint() override;
  Status CommitAuditIntegration(const AuditIntegration& in) override;

 private:
  class ReaderLease;
  struct PendingWrite;
  void CommitGroup(const std::vector<PendingWrite*>& group);
  SqliteStore(std::string path, std::unique_ptr<Connection> writer);

  // Runs fn inside BEGIN IMMEDIATE ... COMMIT on the writer, appending `audit` (if its type is
  // set) before committing. Rolls back on any error.
  Status WriteTx(const AuditEvent* audit, const std::function<Status(Connection&)>& fn);
  ReaderLease Reader();

  Status AppendAudit(Connection& c, const AuditEvent& e);
  Status InsertCustody(Connection& c, const std::vector<CustodyEvent>& events);

  std::string path_;
  Random* random_ = nullptr;
  std::mutex write_mu_;
  std::unique_ptr<Connection> writer_;  // GUARDED_BY(write_mu_)
  std::atomic<bool> group_commit_{true};
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::vector<PendingWrite*> queue_;    // GUARDED_BY(queue_mu_)
  bool leader_active_ = false;          // GUARDED_BY(queue_mu_)
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Connection>> readers_;  // GUARDED_BY(pool_mu_)
};

}  // namespace canvass::sqlite
