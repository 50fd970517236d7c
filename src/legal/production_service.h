// ProductionService: what an accepted demand discloses, as a signed package
// (docs/design/legal.md, "Productions").
//
// A production holds, within the demand's decided scope: subscriber records (accounts and
// cameras) where the scope asks for subscriber data; clips, plate reads and their crops where it
// asks for content. End-to-end encrypted clips cannot be produced: the server holds only
// ciphertext it cannot open; the manifest lists them as withheld and says why. The package is the
// evidence package format (src/evidence/package.h), signed with the deployment's evidence key,
// so `canvass evidence verify` checks it. Each item produced gets its own audit leaf.
//
// Refused while any notice owed is unsent and not deferred by a non-disclosure order, and for a
// preservation demand (it discloses nothing).
//
// Thread-safety: safe for concurrent use; two productions of one demand race on the demand's
// version and one fails.
#pragma once

#include <string>

#include "auth/principal.h"
#include "clips/clip_service.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/file_system.h"
#include "evidence/minisign.h"
#include "plates/plate_service.h"
#include "retention/hold_service.h"
#include "store/store.h"

namespace canvass::legal {

// Beyond this the production is refused: narrow the scope or produce in parts.
inline constexpr int64_t kMaxProductionBytes = int64_t{2} << 30;

class ProductionService {
 public:
  ProductionService(Store* store, FileSystem* fs, const Clock* clock, const LegalConfig& config,
                    ClipService* clips, plates::PlateService* plates,
                    retention::HoldService* holds, evidence::SigningKey key,
                    std::string deployment_name, std::string data_dir);
  Status Init();

  // Builds, stores and logs the production; returns the updated demand.
  StatusOr<Demand> Produce(const Principal& legal, const std::string& demand_id);
  // The package bytes (a tar); logs the download.
  StatusOr<std::string> Download(const Principal& legal, const std::string& demand_id,
                                 Demand* demand);

  std::string PublicKeyFile() const { return evidence::PublicKeyFile(key_); }

 private:
  std::string PackagePath(const std::string& name) const;

  Store* store_;
  FileSystem* fs_;
  const Clock* clock_;
  LegalConfig config_;
  ClipService* clips_;
  plates::PlateService* plates_;
  retention::HoldService* holds_;
  evidence::SigningKey key_;
  std::string deployment_name_;
  std::string data_dir_;
};

}  // namespace canvass::legal
