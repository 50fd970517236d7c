// CheckRetention: the retention half of `canvass check` (docs/design/retention.md,
// "Checking"). It proves that nothing is kept past its retention, re-deriving the rules
// independently of the purges:
//  - no clip whose end is older than its camera's retention that no hold in force keeps;
//  - no plate read older than its agency's state retention, neither held for a case nor kept
//    by a hold;
//  - no hold past its expiry that has not ended;
//  - no crop pack without a read (an orphan), and no bytes in a pack outside the crops of its
//    remaining reads that are not zero (a purged crop whose bytes survived).
// Clip files without a row are CheckClips' (clips/clip_check.h). A row or hold is reported only
// once it is more than [retention] check_grace_s past due (the purge runs every minute in
// batches). With repair, orphan packs are removed and surviving crop bytes zeroed; rows are
// never touched.
#pragma once

#include <string>
#include <vector>

#include "common/config.h"
#include "common/file_system.h"
#include "plates/plate_service.h"
#include "store/store.h"

namespace canvass::retention {

struct RetentionCheckReport {
  int64_t clips_checked = 0;
  int64_t reads_checked = 0;
  int64_t packs_checked = 0;
  std::vector<std::string> problems;
  int64_t repaired = 0;  // orphan packs removed plus byte ranges zeroed
};

StatusOr<RetentionCheckReport> CheckRetention(Store& store, plates::PlateService& plates,
                                              FileSystem& fs, const Config& config, int64_t now_us,
                                              bool repair);

}  // namespace canvass::retention
