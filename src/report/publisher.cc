#include "report/publisher.h"

#include "common/encoding.h"

namespace canvass::report {
namespace {

constexpr int kRowsPerRead = 4096;

}  // namespace

Status ReportPublisher::CatchUpLocked(uint64_t size) {
  while (loaded_ < size) {
    const int limit = static_cast<int>(std::min<uint64_t>(kRowsPerRead, size - loaded_));
    CANVASS_ASSIGN_OR_RETURN(auto rows,
                             store_->ReadAuditRows(static_cast<int64_t>(loaded_), limit));
    if (rows.empty()) {
      return DataLossError("the checkpoint covers leaf " + std::to_string(loaded_) +
                           " but the store has no such row");
    }
    for (const auto& row : rows) {
      if (static_cast<uint64_t>(row.index) != loaded_ || row.leaf.empty()) {
        return DataLossError("leaf " + std::to_string(loaded_) +
                             " is under the checkpoint but not integrated in the store");
      }
      CANVASS_ASSIGN_OR_RETURN(PublicLeaf leaf, ParsePublicLeaf(row.leaf));
      if (CountsTowardReports(leaf.type)) leaves_.push_back(std::move(leaf));
      if (++loaded_ == size) break;
    }
  }
  return OkStatus();
}

StatusOr<std::string> ReportPublisher::AgencyName(const std::string& id) {
  auto agency = store_->GetAgency(id);
  if (!agency.ok() && agency.status().code() == Code::kNotFound) {
    return NotFoundError("agency " + id + " not found");
  }
  if (!agency.ok()) return agency.status();
  return agency->name;
}

StatusOr<Report> ReportPublisher::Publish(const Period& period, const std::string& agency) {
  auto cp = store_->LatestAuditCheckpoint();
  if (!cp.ok() && cp.status().code() == Code::kNotFound) {
    return UnavailableError("the audit log has no checkpoint yet; try again in a second");
  }
  if (!cp.ok()) return cp.status();
  std::lock_guard lock(mu_);
  const uint64_t size = static_cast<uint64_t>(cp->size);
  if (size < loaded_) {
    return InternalError("the latest checkpoint is older than one already counted");
  }
  CANVASS_RETURN_IF_ERROR(CatchUpLocked(size));
  return Count(leaves_, period, agency, CountedAt{size, Base64Encode(cp->root), cp->note});
}

}  // namespace canvass::report
