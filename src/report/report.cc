#include "report/report.h"

#include "report/small_count.h"

namespace canvass::report {

std::string Figure::Published() const { return PublishedCount(count, concerns_residents); }

const Figure* Report::Find(std::string_view name) const {
  for (const auto& f : figures) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string Report::Section(std::string_view figure_name) {
  return std::string(figure_name.substr(0, figure_name.find('.')));
}

}  // namespace canvass::report
