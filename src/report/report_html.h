// A report as one self-contained HTML page: per section (requests, demands, emergencies, plates,
// agreements, deletions) a bar chart drawn by the server as inline SVG and a table of the
// published values, then the checkpoint the figures were counted at and how to re-count them.
// No script, no external resources: the page can be saved and read offline.
#pragma once

#include <string>

#include "report/report.h"

namespace canvass::report {

// `agency_label` is shown for a per-agency report (its name, or the id); "" for the deployment.
std::string ReportHtml(const Report& report, const std::string& agency_label);

// &, <, >, " and ' as entities.
std::string EscapeHtml(std::string_view text);

}  // namespace canvass::report
