#include "media/libav_util.h"

extern "C" {
#include <libavutil/error.h>
#include <libavutil/log.h>
}

namespace canvass::media {

void QuietLibavLogging() {
  static const bool done = [] {
    av_log_set_level(AV_LOG_QUIET);
    return true;
  }();
  (void)done;
}

std::string AvErrorString(int av_error) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  if (av_strerror(av_error, buf, sizeof(buf)) < 0) {
    return "libav error " + std::to_string(av_error);
  }
  return buf;
}

}  // namespace canvass::media
