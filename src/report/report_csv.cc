#include "report/report_csv.h"

namespace canvass::report {

std::string ReportCsv(const Report& r) {
  std::string out = "period,agency,checkpoint_size,figure,value\r\n";
  const std::string prefix =
      r.period.name + "," + r.agency + "," + std::to_string(r.checkpoint.size) + ",";
  for (const auto& f : r.figures) out += prefix + f.name + "," + f.Published() + "\r\n";
  return out;
}

}  // namespace canvass::report
