#include "report/period.h"

#include <gtest/gtest.h>

namespace canvass::report {
namespace {

TEST(Period, QuarterYearAndMonthAreHalfOpenUtcRanges) {
  auto q = ParsePeriod("2026Q4");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->name, "2026Q4");
  EXPECT_EQ(q->from_s, 1790812800);  // 2026-10-01T00:00:00Z
  EXPECT_EQ(q->to_s, 1798761600);    // 2027-01-01T00:00:00Z

  auto y = ParsePeriod("2026");
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->from_s, 1767225600);  // 2026-01-01
  EXPECT_EQ(y->to_s, 1798761600);

  auto m = ParsePeriod("2026-11");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->from_s, 1793491200);  // 2026-11-01
  EXPECT_EQ(m->to_s, 1796083200);    // 2026-12-01

  auto feb = ParsePeriod("2028-02");  // a leap year
  ASSERT_TRUE(feb.ok());
  EXPECT_EQ(feb->to_s - feb->from_s, 29 * 86400);
}

TEST(Period, BoundariesBelongToTheLaterPeriod) {
  auto q3 = *ParsePeriod("2026Q3");
  auto q4 = *ParsePeriod("2026Q4");
  EXPECT_EQ(q3.to_s, q4.from_s);
  EXPECT_FALSE(q3.Contains(q4.from_s));
  EXPECT_TRUE(q4.Contains(q4.from_s));
  EXPECT_TRUE(q3.Contains(q4.from_s - 1));
  EXPECT_FALSE(q4.Contains(q4.to_s));
}

TEST(Period, MalformedSpellingsAreRefused) {
  for (const char* bad : {"", "26", "2026Q0", "2026Q5", "2026q4", "2026-13", "2026-00", "2026-1",
                          "2026-011", "1969", "2026Q4 ", "Q4"}) {
    EXPECT_EQ(ParsePeriod(bad).status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(Period, TheDefaultIsTheQuarterThatHoldsNow) {
  // 2026-11-29T13:00:00Z
  Period p = QuarterContaining(1795957200LL * 1'000'000);
  EXPECT_EQ(p, *ParsePeriod("2026Q4"));
  EXPECT_EQ(QuarterContaining(1790812800LL * 1'000'000), *ParsePeriod("2026Q4"));
  EXPECT_EQ(QuarterContaining(1790812799LL * 1'000'000), *ParsePeriod("2026Q3"));
}

}  // namespace
}  // namespace canvass::report
