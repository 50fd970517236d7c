// A report as JSON, the form `canvass report verify` reads back:
//
//   {"period":"2026Q4","from":"2026-10-01T00:00:00Z","to":"2027-01-01T00:00:00Z",
//    "agency":null | "agy_...",
//    "checkpoint":{"size":N,"root":"<base64>","note":"<the signed checkpoint note>"},
//    "small_count_rule":"...",
//    "figures":{"requests.filed":12,"requests.declines":"fewer than 5",...}}
//
// A figure's value is an integer, or the string "fewer than 5" (small_count.h). Figures appear
// in publishing order.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "report/report.h"

namespace canvass::report {

std::string ReportJson(const Report& report);

// What a published report claims, as read back from its JSON, values as published (decimal
// digits or "fewer than 5"); nothing here is trusted until verified.
struct PublishedReport {
  std::string period;
  std::string agency;  // "" for the whole deployment
  CountedAt checkpoint;
  std::vector<std::pair<std::string, std::string>> figures;  // name, published value
};

// InvalidArgument naming the field that is missing or of the wrong type.
StatusOr<PublishedReport> ParseReportJson(const std::string& text);

}  // namespace canvass::report
