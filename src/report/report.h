// Report: one transparency report, the figures counted from the public log for one period and
// one agency (or the whole deployment), and the signed checkpoint they were counted at.
//
// Figures have stable dotted names ("requests.declines", "demands.subpoena.accepted"), used
// alike in the JSON, the CSV, the HTML page and the verifier's messages; docs/design/reports.md
// lists each with the leaves it counts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "report/period.h"

namespace canvass::report {

struct Figure {
  std::string name;
  int64_t count = 0;
  bool concerns_residents = false;  // the "fewer than 5" rule applies (small_count.h)

  // The published value: digits, or "fewer than 5".
  std::string Published() const;
};

// The checkpoint a report was counted at: the report counts exactly leaves [0, size).
struct CountedAt {
  uint64_t size = 0;
  std::string root_base64;  // the checkpoint's root hash, as on its second line
  std::string note;         // the whole signed note, as served at /audit/checkpoint
};

struct Report {
  Period period;
  std::string agency;  // "" for the whole deployment
  CountedAt checkpoint;
  std::vector<Figure> figures;  // in publishing order

  // The figure of that name, or nullptr.
  const Figure* Find(std::string_view name) const;
  // The part of a figure's name before its first dot ("requests").
  static std::string Section(std::string_view figure_name);
};

}  // namespace canvass::report
