// EvidenceService: an agency's evidence locker as its officers use it (docs/design/evidence.md).
//
// Officers, supervisors and agency admins of the agency list and open its items; every view and
// download adds a custody event and an audit event in one transaction, before any byte is
// served. A case exports as a signed package (src/evidence/package.h): the clips, a manifest
// with their hashes and custody events, SHA256SUMS and its minisign signature under the
// deployment's evidence key, verifiable with `canvass evidence verify` or with `sha256sum -c`
// and `minisign -V` alone.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "common/clock.h"
#include "evidence/minisign.h"
#include "requests/evidence_locker.h"
#include "store/store.h"

namespace canvass::requests {

struct EvidenceView {
  EvidenceItem item;
  std::vector<CustodyEvent> custody;
};

struct EvidenceContent {
  EvidenceItem item;
  std::unique_ptr<media::ClipReader> reader;
};

struct CasePackage {
  std::string name;  // the package's top folder, also the file name without ".tar"
  std::string tar;
  int items = 0;
};


class EvidenceService {
 public:
  EvidenceService(Store* store, const Clock* clock, EvidenceLocker* locker,
                  evidence::SigningKey key, std::string deployment_name);

  StatusOr<std::vector<EvidenceItem>> List(const Principal& member, const std::string& case_number,
                                           const std::string& request_id, int limit);
  StatusOr<EvidenceView> Get(const Principal& member, const std::string& id);
  // Opens the bytes; records a "viewed" (or "downloaded") custody event first.
  StatusOr<EvidenceContent> Open(const Principal& member, const std::string& id, bool download);
  // Every item of the case, as a signed package; records an "exported" custody event per item.
  StatusOr<CasePackage> ExportCase(const Principal& member, const std::string& case_number);

  // The deployment's evidence key as a minisign public key file (published by the server).
  std::string PublicKeyFile() const { return evidence::PublicKeyFile(key_); }

 private:
  StatusOr<EvidenceItem> AgencyItem(const Principal& member, const std::string& id);
  CustodyEvent Custody(const Principal& member, const std::string& id, const char* action) const;

  Store* store_;
  const Clock* clock_;
  EvidenceLocker* locker_;
  evidence::SigningKey key_;
  std::string deployment_name_;
};

}  // namespace canvass::requests
