// CompareFigures alone; the whole verification (signature, tree, re-count) runs against a real
// server in tests/api/report_flow_test.cc.
#include "report/verify.h"

#include <gtest/gtest.h>

#include "report/counter.h"

namespace canvass::report {
namespace {

Report Recount() {
  const Period q4 = *ParsePeriod("2026Q4");
  PublicLeaf file{"request.file", "officer", "agy_a", "request", "burglary", 1, q4.from_s};
  PublicLeaf notify{"request.notify", "officer", "agy_a", "request", "", 12, q4.from_s};
  std::vector<PublicLeaf> leaves = {file, file, notify};
  return Count(leaves, q4, "", {});
}

PublishedReport AsPublished(const Report& r) {
  PublishedReport p;
  p.period = r.period.name;
  for (const auto& f : r.figures) p.figures.emplace_back(f.name, f.Published());
  return p;
}

void Set(PublishedReport* p, const std::string& name, const std::string& value) {
  for (auto& [n, v] : p->figures) {
    if (n == name) v = value;
  }
}

TEST(CompareFigures, AGenuineReportHasNoDifferences) {
  Report r = Recount();
  EXPECT_TRUE(CompareFigures(AsPublished(r), r).empty());
}

TEST(CompareFigures, NamesEveryFigureThatDiffers) {
  Report r = Recount();
  PublishedReport p = AsPublished(r);
  Set(&p, "requests.filed", "1");
  Set(&p, "requests.declines", "12");
  auto d = CompareFigures(p, r);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0], "figure requests.filed differs: published 1, counted 2");
  EXPECT_EQ(d[1], "figure requests.declines differs: published 12, counted fewer than 5");
}

TEST(CompareFigures, TheSmallCountRuleIsAppliedToTheRecountBeforeComparing) {
  Report r = Recount();
  PublishedReport p = AsPublished(r);
  Set(&p, "requests.shares", "0");  // the exact value is not what the rule publishes
  auto d = CompareFigures(p, r);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0], "figure requests.shares differs: published 0, counted fewer than 5");
}

TEST(CompareFigures, MissingAndExtraFiguresAreDifferences) {
  Report r = Recount();
  PublishedReport p = AsPublished(r);
  p.figures.erase(p.figures.begin());
  p.figures.emplace_back("plates.searches.jaywalking", "3");
  auto d = CompareFigures(p, r);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0], "figure requests.filed is missing from the published report (counted 2)");
  EXPECT_EQ(d[1],
            "figure plates.searches.jaywalking is published (3) but the public leaves give no "
            "such figure");
}

}  // namespace
}  // namespace canvass::report
