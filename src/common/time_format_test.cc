#include "common/time_format.h"

#include <gtest/gtest.h>

namespace canvass {
namespace {

TEST(TimeFormat, RoundTrip) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
  int64_t t = *ParseRfc3339("2026-11-29T08:02:20Z");
  EXPECT_EQ(t, 1795939340LL * 1'000'000);
  EXPECT_EQ(FormatRfc3339(t), "2026-11-29T08:02:20Z");
  EXPECT_EQ(FormatRfc3339(t + 1500), "2026-11-29T08:02:20.001500Z");
  EXPECT_EQ(*ParseRfc3339("2026-11-29T08:02:20.0015Z"), t + 1500);
}

TEST(TimeFormat, Offsets) {
  EXPECT_EQ(*ParseRfc3339("2026-11-29T09:02:20+01:00"), *ParseRfc3339("2026-11-29T08:02:20Z"));
  EXPECT_EQ(*ParseRfc3339("2026-11-29T03:02:20-05:00"), *ParseRfc3339("2026-11-29T08:02:20Z"));
}

TEST(TimeFormat, RejectsMalformed) {
  for (const char* bad : {"", "2026-11-29", "2026-11-29 08:02:20Z", "2026-13-01T00:00:00Z",
                          "2026-02-30T00:00:00Z", "2026-11-29T24:00:00Z", "2026-11-29T08:02:20",
                          "2026-11-29T08:02:20Zjunk", "1969-12-31T23:59:59Z"}) {
    auto r = ParseRfc3339(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    }
  }
  EXPECT_TRUE(ParseRfc3339("2024-02-29T00:00:00Z").ok());
  EXPECT_FALSE(ParseRfc3339("2023-02-29T00:00:00Z").ok());
}

}  // namespace
}  // namespace canvass
