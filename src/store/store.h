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
#include "store/records.h"

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
