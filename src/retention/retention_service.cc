#include "retention/retention_service.h"

namespace canvass::retention {

RetentionService::RetentionService(Store* store, HoldService* holds, ClipService* clips,
                                   plates::PlateService* plates, const Clock* clock,
                                   const RetentionConfig& config)
    : store_(store),
      holds_(holds),
      clips_(clips),
      plates_(plates),
      clock_(clock),
      config_(config) {}

StatusOr<int64_t> RetentionService::PurgeClips() {
  AuditEvent ev = MakeAuditEvent(Principal::System(), *clock_, "retention.purge", "clip", "");
  ev.reason_code = "clip";
  CANVASS_ASSIGN_OR_RETURN(auto purged, store_->PurgeClips(clock_->NowMicros(), config_.batch, ev));
  CANVASS_RETURN_IF_ERROR(clips_->RemovePurged(purged));
  return static_cast<int64_t>(purged.size());
}

StatusOr<RetentionService::Pass> RetentionService::RunOnce() {
  Pass pass;
  Status first = OkStatus();
  auto note = [&](const Status& s) {
    if (!s.ok() && first.ok()) first = s;
  };
  auto ended = holds_->ExpireDue();
  note(ended.status());
  if (ended.ok()) pass.holds_ended = *ended;
  auto clips = PurgeClips();
  note(clips.status());
  if (clips.ok()) pass.clips_purged = *clips;
  auto reads = plates_->PurgeDue(config_.batch);
  note(reads.status());
  if (reads.ok()) pass.reads_purged = *reads;
  // After a failed step too: it may have deleted rows before it failed.
  if (pass.clips_purged > 0 || pass.reads_purged > 0 || scrub_pending_ || !first.ok()) {
    Status s = store_->ScrubDeleted();
    scrub_pending_ = !s.ok();
    note(s);
  }
  if (!first.ok()) return first;
  return pass;
}

}  // namespace canvass::retention
