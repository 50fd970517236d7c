// The one counting function of transparency reports. The server publishes with it
// (publisher.h) and `canvass report verify` re-counts with it (verify.h), so the two cannot
// drift: a figure is whatever this function makes of the public leaves.
//
// Pure: no clock, no store, no I/O. It depends only on the public fields of leaves
// (public_leaf.h); docs/design/reports.md lists every figure with the leaves it counts.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "report/period.h"
#include "report/public_leaf.h"
#include "report/report.h"

namespace canvass::report {

// True for the leaf types some figure counts. Callers that hold many leaves may keep only
// these: Count gives the same figures with or without the others.
bool CountsTowardReports(std::string_view type);

// The figures of `period` for `agency` ("" for the whole deployment) from `leaves`, the leaves
// [0, n) of the log in order (or those of them that CountsTowardReports). A leaf is in the
// period when its time is; `agreements.active_at_end` counts every leaf before the period's end.
// Per agency, a leaf counts when its `agency` field is that agency: the agency the event
// concerns (the actor's own, or for a resident's answer or legal staff's act, the requesting
// agency).
std::vector<Figure> CountFigures(std::span<const PublicLeaf> leaves, const Period& period,
                                 std::string_view agency);

// The whole report: CountFigures over `leaves`, which must be exactly leaves [0, checkpoint.size).
Report Count(std::span<const PublicLeaf> leaves, const Period& period, std::string_view agency,
             CountedAt checkpoint);

}  // namespace canvass::report
