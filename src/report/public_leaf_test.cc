#include "report/public_leaf.h"

#include <gtest/gtest.h>

#include "audit/leaf.h"

namespace canvass::report {
namespace {

AuditEvent Event() {
  AuditEvent e;
  e.type = "plate.search";
  e.actor_role = "officer";
  e.actor_agency_id = "agy_abc";
  e.object_kind = "plate_search";
  e.reason_code = "burglary";
  e.count = 17;
  e.at_us = 1795957200LL * 1'000'000 + 999'999;
  return e;
}

TEST(PublicLeaf, ReadsBackEveryPublicFieldOfAnEncodedLeaf) {
  const std::string commitment(64, 'a');
  auto leaf = ParsePublicLeaf(audit::EncodeLeaf(Event(), commitment, "0f1e"));
  ASSERT_TRUE(leaf.ok()) << leaf.status().ToString();
  EXPECT_EQ(leaf->type, "plate.search");
  EXPECT_EQ(leaf->role, "officer");
  EXPECT_EQ(leaf->agency, "agy_abc");
  EXPECT_EQ(leaf->object, "plate_search");
  EXPECT_EQ(leaf->reason, "burglary");
  EXPECT_EQ(leaf->count, 17);
  EXPECT_EQ(leaf->time_s, 1795957200);
}

TEST(PublicLeaf, ReadsLeavesWithASearchScope) {
  AuditEvent e = Event();
  e.scope_agencies = 2;
  e.scope_cameras = 14;
  auto leaf = ParsePublicLeaf(audit::EncodeLeaf(e, std::string(64, 'b'), ""));
  ASSERT_TRUE(leaf.ok()) << leaf.status().ToString();
  EXPECT_EQ(leaf->count, 17);
  EXPECT_EQ(leaf->type, "plate.search");
}

TEST(PublicLeaf, RefusesWhatIsNotACanonicalLeaf) {
  const std::string good = audit::EncodeLeaf(Event(), std::string(64, 'a'), "");
  for (const std::string& bad :
       {std::string(""), std::string("{}"), good.substr(0, good.size() - 1), good + " ",
        std::string(good).replace(good.find("\"v\":1"), 5, "\"v\":2"),
        std::string(good).replace(good.find("\"count\":17"), 10, "\"count\":-1")}) {
    EXPECT_FALSE(ParsePublicLeaf(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace canvass::report
