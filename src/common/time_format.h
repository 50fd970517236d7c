// RFC 3339 timestamps on the wire; microseconds since the epoch inside.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace canvass {

// "2026-11-29T08:02:20Z", or with fractional seconds "2026-11-29T08:02:20.123456Z" when the
// value is not a whole second.
std::string FormatRfc3339(int64_t t_us);

// Accepts "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)". Years 1970..9999.
StatusOr<int64_t> ParseRfc3339(std::string_view text);

}  // namespace canvass
