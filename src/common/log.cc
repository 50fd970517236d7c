#include "common/log.h"

#include <cstdlib>

namespace canvass {

Status InitLogging(std::string level, std::string format) {
  if (const char* env = std::getenv("CANVASS_LOG")) level = env;
  if (const char* env = std::getenv("CANVASS_LOG_FORMAT")) format = env;
  auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off") {
    return InvalidArgumentError("unknown log level '" + level + "'");
  }
  spdlog::set_level(lvl);
  if (format == "json") {
    spdlog::set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","msg":"%v"})",
                        spdlog::pattern_time_type::utc);
  } else if (format == "text") {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  } else {
    return InvalidArgumentError("unknown log format '" + format + "' (text or json)");
  }
  return OkStatus();
}

}  // namespace canvass
