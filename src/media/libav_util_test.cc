#include "media/libav_util.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

extern "C" {
#include <libavutil/log.h>
}

namespace canvass::media {
namespace {

TEST(ProbeLibavUtilTest, AvErrorStringIsReadable) {
  EXPECT_EQ(AvErrorString(AVERROR_INVALIDDATA), "Invalid data found when processing input");
  EXPECT_THAT(AvErrorString(AVERROR(ENOENT)), ::testing::HasSubstr("No such file"));
}

TEST(ProbeLibavUtilTest, QuietLoggingIsIdempotent) {
  QuietLibavLogging();
  QuietLibavLogging();
  EXPECT_EQ(av_log_get_level(), AV_LOG_QUIET);
}

}  // namespace
}  // namespace canvass::media
