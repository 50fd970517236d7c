// EvidenceLocker: the bytes of evidence items, each the agency's own copy of a shared clip,
// encrypted at rest like clips (media/clip_cipher.h) under its own key wrapped by the master key
// with the item id as associated data. Files: <data_dir>/evidence/<aa>/<evd id>.
//
// The locker only stores and opens bytes; who may do so, and the custody record of each view,
// download and export, belong to the services that call it (share_service.h,
// evidence_service.h).
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/file_system.h"
#include "common/random.h"
#include "media/clip_cipher.h"
#include "store/store.h"

namespace canvass::requests {

class EvidenceLocker {
 public:
  EvidenceLocker(FileSystem* fs, Random* random, const media::MasterKey& master_key,
                 std::string data_dir);

  Status Init();  // creates the directories

  // Encrypts `plaintext` into a new blob for item `item->id` (which the caller has set) and
  // fills the item's content hash, size, wrapped key and blob name. The file is durable when
  // this returns; if the item is then not committed, call Discard.
  Status Store(std::string_view plaintext, EvidenceItem* item);
  void Discard(const EvidenceItem& item);

  StatusOr<std::unique_ptr<media::ClipReader>> Open(const EvidenceItem& item) const;
  // The whole plaintext, checked against the item's SHA-256 (DataLoss on a mismatch).
  StatusOr<std::string> ReadAll(const EvidenceItem& item) const;

  // Checks every item's bytes against its row, and finds files under evidence/ that belong to
  // no item (orphans, left by a crash between writing a blob and committing its row); with
  // `repair`, removes the orphans (never rows).
  struct CheckReport {
    int64_t items_checked = 0;
    int64_t bytes_checked = 0;
    std::vector<std::string> problems;
    int64_t orphans_removed = 0;
  };
  StatusOr<CheckReport> Check(canvass::Store& store, bool repair) const;

  // A scratch directory for redaction (cleared at Init).
  std::string ScratchDir() const { return data_dir_ + "/tmp"; }
  FileSystem* fs() const { return fs_; }

 private:
  std::string PathOf(const std::string& blob_name) const;

  FileSystem* fs_;
  Random* random_;
  media::MasterKey master_key_;
  std::string data_dir_;
};

}  // namespace canvass::requests
