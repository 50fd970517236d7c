// RetentionService: deletes, rows and bytes, what is past its retention and kept by nothing
// (docs/design/retention.md).
//
// One maintenance pass (RunOnce, every minute from the server's maintenance thread):
//  1. ends holds past their expiry (HoldService::ExpireDue), so that what they kept is free;
//  2. purges one batch ([retention] batch) of clips whose end is older than their camera's
//     retention_days and that no hold in force keeps: rows first (one transaction, one
//     aggregate audit event retention.purge), then their encrypted files;
//  3. purges one batch per agency of plate reads past their state's retention, except reads
//     held for a case or kept by a hold (PlateService::PurgeDue: plate.purge events, crops
//     destroyed with their reads);
//  4. scrubs the database files when anything was deleted (Store::ScrubDeleted), so deleted rows
//     are not left in the WAL.
// Evidence shares are the agency's own copies (requests/evidence_locker.h), so deleting an
// original clip never loses shared evidence; shares do not keep originals.
//
// Small batches keep each write transaction short: ingest and uploads wait at most one batch.
//
// Thread-safety: safe for concurrent use (the store serialises the purges; a clip or read is
// deleted by one caller only).
#pragma once

#include <atomic>

#include "clips/clip_service.h"
#include "common/clock.h"
#include "common/config.h"
#include "plates/plate_service.h"
#include "retention/hold_service.h"
#include "store/store.h"

namespace canvass::retention {

class RetentionService {
 public:
  RetentionService(Store* store, HoldService* holds, ClipService* clips,
                   plates::PlateService* plates, const Clock* clock, const RetentionConfig& config);

  struct Pass {
    int holds_ended = 0;
    int64_t clips_purged = 0;
    int64_t reads_purged = 0;
  };
  // One maintenance pass. Every step runs even if an earlier one failed; the first error is
  // returned.
  StatusOr<Pass> RunOnce();
  // One batch of clips past retention; returns how many were deleted.
  StatusOr<int64_t> PurgeClips();

 private:
  Store* store_;
  HoldService* holds_;
  ClipService* clips_;
  plates::PlateService* plates_;
  const Clock* clock_;
  RetentionConfig config_;
  std::atomic<bool> scrub_pending_{false};  // a scrub failed (readers in the way): retry
};

}  // namespace canvass::retention
