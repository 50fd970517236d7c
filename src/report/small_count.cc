#include "report/small_count.h"

namespace canvass::report {

std::string PublishedCount(int64_t count, bool concerns_residents) {
  if (concerns_residents && count < kSmallCount) return kFewerThanFive;
  return std::to_string(count);
}

}  // namespace canvass::report
