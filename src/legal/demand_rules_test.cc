#include "legal/demand_rules.h"

#include <gtest/gtest.h>

namespace canvass::legal {
namespace {

const std::string kAcc = "acc_aaaaaaaaaaaaaaaaaaaa";
const std::string kAcc2 = "acc_bbbbbbbbbbbbbbbbbbbb";
const std::string kCam = "cam_aaaaaaaaaaaaaaaaaaaa";
constexpr int64_t kHour = 3'600'000'000LL;

DemandScope Content() {
  DemandScope s;
  s.content = true;
  s.camera_ids = {kCam};
  s.from_us = 100 * kHour;
  s.to_us = 102 * kHour;
  return s;
}

DemandScope Subscriber() {
  DemandScope s;
  s.subscriber = true;
  s.account_ids = {kAcc};
  return s;
}

TEST(DemandRules, ContentNeedsAWarrantOrAnEmergency) {
  EXPECT_TRUE(CheckTypeAllows(DemandType::kSearchWarrant, Content()).ok());
  EXPECT_TRUE(CheckTypeAllows(DemandType::kEmergency, Content()).ok());
  for (DemandType t : {DemandType::kSubpoena, DemandType::kCourtOrder}) {
    Status s = CheckTypeAllows(t, Content());
    EXPECT_EQ(s.code(), Code::kPermissionDenied) << DemandTypeName(t);
    EXPECT_NE(s.message().find("search warrant"), std::string::npos) << s.message();
  }
}

TEST(DemandRules, SubscriberDataNeedsASubpoenaOrMore) {
  for (DemandType t : {DemandType::kSubpoena, DemandType::kCourtOrder, DemandType::kSearchWarrant,
                       DemandType::kEmergency}) {
    EXPECT_TRUE(CheckTypeAllows(t, Subscriber()).ok()) << DemandTypeName(t);
  }
  EXPECT_FALSE(CheckTypeAllows(DemandType::kPreservation, Subscriber()).ok());
}

TEST(DemandRules, PreservationDisclosesNothingAndNeedsATimeRange) {
  DemandScope s = Content();
  s.content = false;
  EXPECT_TRUE(ValidateScope(DemandType::kPreservation, &s, "scope").ok());
  DemandScope asks = Content();
  EXPECT_FALSE(ValidateScope(DemandType::kPreservation, &asks, "scope").ok());
  s.from_us = s.to_us = 0;
  EXPECT_FALSE(ValidateScope(DemandType::kPreservation, &s, "scope").ok());
}

TEST(DemandRules, ScopeShape) {
  DemandScope none;
  none.subscriber = true;
  EXPECT_FALSE(ValidateScope(DemandType::kSubpoena, &none, "scope").ok());  // no target
  DemandScope nothing = Subscriber();
  nothing.subscriber = false;
  EXPECT_FALSE(ValidateScope(DemandType::kSubpoena, &nothing, "scope").ok());  // asks nothing
  DemandScope bad_id = Subscriber();
  bad_id.account_ids = {"acc_../../etc"};
  Status s = ValidateScope(DemandType::kSubpoena, &bad_id, "scope");
  EXPECT_NE(s.message().find("scope.account_ids"), std::string::npos) << s.message();
  DemandScope no_range = Content();
  no_range.to_us = no_range.from_us;
  EXPECT_FALSE(ValidateScope(DemandType::kSearchWarrant, &no_range, "scope").ok());
  DemandScope plates = Content();
  plates.plates = {"7ab-c 123", "7ABC123"};
  ASSERT_TRUE(ValidateScope(DemandType::kSearchWarrant, &plates, "scope").ok());
  EXPECT_EQ(plates.plates, std::vector<std::string>{"7ABC123"});  // normalised, deduplicated
  DemandScope too_many = Subscriber();
  too_many.account_ids.assign(kMaxScopeIds + 1, kAcc);
  EXPECT_FALSE(ValidateScope(DemandType::kSubpoena, &too_many, "scope").ok());
}

TEST(DemandRules, WithinChecksEveryElementAtItsBoundary) {
  DemandScope outer = Content();
  outer.subscriber = true;
  outer.account_ids = {kAcc};
  DemandScope inner = Content();
  EXPECT_TRUE(CheckWithin(inner, "asked", outer, "allowed").ok());
  inner.from_us = outer.from_us;  // the same range is within
  inner.to_us = outer.to_us;
  EXPECT_TRUE(CheckWithin(inner, "asked", outer, "allowed").ok());
  inner.to_us = outer.to_us + 1;  // one microsecond past
  Status s = CheckWithin(inner, "asked", outer, "allowed");
  EXPECT_EQ(s.code(), Code::kPermissionDenied);
  EXPECT_NE(s.message().find("time range"), std::string::npos) << s.message();
  inner = Content();
  inner.from_us = outer.from_us - 1;
  EXPECT_FALSE(CheckWithin(inner, "asked", outer, "allowed").ok());
  inner = Content();
  inner.account_ids = {kAcc2};
  s = CheckWithin(inner, "asked", outer, "allowed");
  EXPECT_NE(s.message().find(kAcc2), std::string::npos) << s.message();
  inner = Content();
  inner.camera_ids = {"cam_bbbbbbbbbbbbbbbbbbbb"};
  EXPECT_FALSE(CheckWithin(inner, "asked", outer, "allowed").ok());
  inner = Content();
  inner.plates = {"ABC123"};
  EXPECT_FALSE(CheckWithin(inner, "asked", outer, "allowed").ok());
  DemandScope sub_only = Subscriber();
  sub_only.subscriber = true;
  DemandScope content_asked = Subscriber();
  content_asked.content = true;
  s = CheckWithin(content_asked, "asked", sub_only, "allowed");
  EXPECT_NE(s.message().find("content is not allowed"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace canvass::legal
