// A report as CSV (RFC 4180, CRLF line ends), one row per figure, every row self-contained so
// that reports of several agencies or periods can be concatenated and loaded as one table:
//
//   period,agency,checkpoint_size,figure,value
//   2026Q4,agy_...,1234,requests.filed,12
//   2026Q4,agy_...,1234,requests.declines,fewer than 5
//
// `agency` is empty for the whole deployment. No field needs quoting: periods, agency ids and
// figure names are tokens, values are digits or "fewer than 5".
#pragma once

#include <string>

#include "report/report.h"

namespace canvass::report {

std::string ReportCsv(const Report& report);

}  // namespace canvass::report
