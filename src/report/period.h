// Report periods: a quarter ("2026Q4"), a year ("2026") or a month ("2026-11"), in UTC.
//
// A period is the half-open range of Unix seconds [from_s, to_s): a leaf belongs to it when its
// public `time` (seconds) is at or after the first instant and before the first instant of the
// next period. The name is the canonical spelling (what ParsePeriod accepts), so a report's
// period can be parsed back from the report itself.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace canvass::report {

struct Period {
  std::string name;  // "2026Q4", "2026", "2026-11"
  int64_t from_s = 0;
  int64_t to_s = 0;  // exclusive

  bool Contains(int64_t t_s) const { return t_s >= from_s && t_s < to_s; }
  bool operator==(const Period&) const = default;
};

// Parses "YYYY", "YYYYQn" (n 1..4) or "YYYY-MM" (MM 01..12), years 1970..9999. InvalidArgument
// naming the accepted forms otherwise.
StatusOr<Period> ParsePeriod(std::string_view text);

// The quarter that contains `now_us` (the default period).
Period QuarterContaining(int64_t now_us);

// Unix seconds at 00:00:00 UTC on the first day of `month` (1..12) of `year`.
int64_t MonthStartSeconds(int year, int month);

}  // namespace canvass::report
