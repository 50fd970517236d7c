// ReportPublisher: the server side of transparency reports. It counts a report at the latest
// signed checkpoint, from the public leaves as stored for serving (the very bytes served at
// /audit/tile/entries/...), with the same Count that `canvass report verify` runs.
//
// Leaves never change once integrated, so the publisher keeps the parsed leaves that count
// toward reports (CountsTowardReports) and reads only the leaves integrated since its last call.
//
// Thread-safety: Publish may be called from any thread; calls are serialised.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "report/counter.h"
#include "report/period.h"
#include "report/report.h"
#include "store/store.h"

namespace canvass::report {

class ReportPublisher {
 public:
  // `store` must outlive the publisher.
  explicit ReportPublisher(Store* store) : store_(store) {}

  // The report of `period` for `agency` ("" for the whole deployment), counted over the leaves
  // of the latest checkpoint. Unavailable before the log's first checkpoint.
  StatusOr<Report> Publish(const Period& period, const std::string& agency);

  // The name of the agency `id`, for the page's heading. NotFound for an unknown agency.
  StatusOr<std::string> AgencyName(const std::string& id);

 private:
  Status CatchUpLocked(uint64_t size);

  Store* store_;
  std::mutex mu_;
  std::vector<PublicLeaf> leaves_;  // GUARDED_BY(mu_): the counted ones of [0, loaded_)
  uint64_t loaded_ = 0;             // GUARDED_BY(mu_)
};

}  // namespace canvass::report
