// VerifyReport: what `canvass report verify` does, over any source of the published report and
// of the log's files (HTTP, or in-process in tests). It trusts nothing the server says about the
// figures:
//
//   1. reads the published report (report_json.h);
//   2. opens the checkpoint the report states it was counted at with the log's verifier key
//      (signature and origin), and checks the size and root the report states are the note's;
//   3. verifies the log up to exactly that checkpoint (VerifyLog: every entry against its tile,
//      every entry's shape, the root against the signed one), keeping the public leaves;
//   4. checks that the log's current checkpoint extends that one (a consistency proof computed
//      from the served tiles), so the report was not counted on a fork;
//   5. re-counts every figure from leaves [0, size) with the same Count the server runs,
//      applies the "fewer than 5" rule, and compares figure by figure.
#pragma once

#include <string>
#include <vector>

#include "audit/note.h"
#include "audit/tiles.h"
#include "common/status.h"
#include "report/report.h"
#include "report/report_json.h"

namespace canvass::report {

struct ReportCheck {
  PublishedReport published;
  Report recount;
  uint64_t entries_checked = 0;
  uint64_t current_size = 0;  // the log's checkpoint at the time of the check
  // One line per figure that does not match, in publishing order:
  //   "figure requests.declines differs: published 12, counted 11"
  //   "figure plates.hits is missing from the published report (counted 3)"
  //   "figure plates.extra is published (7) but counts no leaves of that name"
  // Empty when every figure matches.
  std::vector<std::string> differences;
};

// `log` fetches paths relative to the log's root ("checkpoint", "tile/0/000", ...). Errors:
// InvalidArgument for a malformed report; Unauthenticated for a checkpoint the key did not sign;
// DataLoss for a log that does not verify or a report whose checkpoint is not the log's.
// Differing figures are not an error: see ReportCheck::differences.
StatusOr<ReportCheck> VerifyReport(const std::string& report_json, const audit::TileFetcher& log,
                                   const audit::Verifier& key);

// Step 5 alone: the differences between a published report and a re-count.
std::vector<std::string> CompareFigures(const PublishedReport& published, const Report& recount);

}  // namespace canvass::report
