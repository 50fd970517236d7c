// Logging through spdlog: level and format (text or json) set by config, flags or the
// CANVASS_LOG / CANVASS_LOG_FORMAT environment variables.
#pragma once

#include <spdlog/spdlog.h>

#include <string>

#include "common/status.h"

namespace canvass {

// Sets the default logger's level and pattern. Environment variables win over arguments.
Status InitLogging(std::string level, std::string format);

}  // namespace canvass
