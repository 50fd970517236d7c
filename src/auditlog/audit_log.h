// AuditLog: the public, append-only Merkle log of every audit event (docs/design/audit.md).
//
// Events are appended by the store in the same transaction as the change they describe (one row
// in audit_events, dense leaf index = seq). The log *integrates* them in batches: it encodes each
// row as its public leaf (audit/leaf.h), extends the tree, writes the tiles that changed and a
// newly signed checkpoint, all in one store transaction. So:
//   - a checkpoint only ever covers leaves that are durable, and its tiles are stored with it;
//   - after a crash (at any moment), Init resumes from the latest stored checkpoint and
//     integrates the rows after it: leaves are immutable rows in a fixed order, so the next
//     checkpoint is consistent with every one published before (the tree never forks).
//
// Thread-safety: all methods are safe to call concurrently; Integrate is serialised.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "audit/merkle.h"
#include "audit/note.h"
#include "audit/tiles.h"
#include "auth/principal.h"
#include "common/clock.h"
#include "common/file_system.h"
#include "common/random.h"
#include "store/store.h"

namespace canvass {

class AuditLog {
 public:
  // `signer`'s key name must equal `origin` (the deployment's name). `case_key` is the HMAC key
  // that turns case numbers into their public form.
  AuditLog(Store* store, const Clock* clock, audit::Signer signer, std::string case_key);

  // Loads the latest checkpoint and checks that the stored tiles reproduce its root (DataLoss
  // otherwise); on a fresh store, publishes the checkpoint of the empty tree.
  Status Init();

  // Integrates every event appended since the latest checkpoint and signs a new checkpoint.
  // Returns the tree size; a no-op when nothing is new.
  StatusOr<int64_t> Integrate();

  const std::string& origin() const { return origin_; }
  std::string VerifierKey() const { return signer_.verifier().ToString(); }
  StatusOr<Store::AuditCheckpoint> Latest();

  // The bytes served at /audit/<path> for a tile or entry bundle path ("tile/0/x001/002.p/7").
  // NotFound for tiles beyond the latest checkpoint.
  StatusOr<std::string> ReadTile(const audit::ParsedTilePath& path);
  // The log's own files as a verifier fetches them ("checkpoint", "tile/..."), read from the
  // store: `canvass check` runs VerifyLog over it.
  audit::TileFetcher LocalFetcher();

  StatusOr<std::vector<audit::Hash>> InclusionProof(uint64_t index, uint64_t size);
  StatusOr<std::vector<audit::Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size);

  // The private side of a leaf, for the auditor and legal roles; audited itself.
  StatusOr<Store::AuditRow> OpenLeaf(const Principal& actor, int64_t index);

  // The public leaf of a stored row (deterministic: the same row always gives the same leaf).
  std::string LeafFor(const Store::AuditRow& row) const;

 private:
  StatusOr<std::string> FetchStored(const std::string& path);
  StatusOr<int64_t> IntegrateLocked();
  StatusOr<std::vector<audit::Hash>> WithReader(
      uint64_t size,
      const std::function<StatusOr<std::vector<audit::Hash>>(const audit::NodeReader&)>& fn);

  Store* store_;
  const Clock* clock_;
  audit::Signer signer_;
  std::string origin_;
  std::string case_key_;

  std::mutex mu_;
  audit::CompactRange range_;     // GUARDED_BY(mu_): the tree of the latest checkpoint
  bool have_checkpoint_ = false;  // GUARDED_BY(mu_)
  std::mutex reader_mu_;
  std::optional<audit::TileNodeReader> reader_;  // GUARDED_BY(reader_mu_)
};

// Loads the signing key from `path` ("PRIVATE+KEY+..."), creating it for `origin` if missing.
// FailedPrecondition if the key was made for another origin. An empty `origin` accepts the
// key's own name, or makes a key for "canvass.local".
StatusOr<audit::Signer> LoadOrCreateSigner(FileSystem* fs, const std::string& path,
                                           const std::string& origin, Random& random);

}  // namespace canvass
