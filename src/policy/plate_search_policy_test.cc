#include "policy/plate_search_policy.h"

#include <gtest/gtest.h>

namespace canvass::policy {
namespace {

SearchProposal Good() {
  return {"IL", "motor_vehicle_theft",
          "Grey Honda Civic stolen from 400 W Elm overnight 11/27, plate reported by owner",
          "SPD-2026-1"};
}

std::string Refusal(const SearchProposal& p, const PlatesConfig& plates = {}) {
  PolicyDecision d = EvaluateSearch(RequestsConfig{}, plates, p);
  return d.verdict == PolicyDecision::Verdict::kAllowed ? "" : d.DecidingRule();
}

TEST(PlateSearchPolicy, SpecificReasonWithCaseIsAllowed) {
  PolicyDecision d = EvaluateSearch(RequestsConfig{}, PlatesConfig{}, Good());
  EXPECT_EQ(d.verdict, PolicyDecision::Verdict::kAllowed) << d.FailureSummary();
  EXPECT_EQ(d.rules.size(), 5u);
}

TEST(PlateSearchPolicy, VagueReasonsAreRefused) {
  for (const char* r :
       {"investigation", "ICE", "inv", "  Investigation  ", "law enforcement purpose",
        "investigation investigation investigation", "n/a"}) {
    SearchProposal p = Good();
    p.reason = r;
    EXPECT_EQ(Refusal(p), "reason_specific") << r;
  }
  SearchProposal p = Good();
  p.reason = std::string(14, 'x');  // one short of the default 15
  EXPECT_EQ(Refusal(p), "reason_specific");
  p.reason = "hit and run, blue pickup";
  EXPECT_EQ(Refusal(p), "");
}

TEST(PlateSearchPolicy, ProhibitedPurposesByOffenseTypeAndByWords) {
  SearchProposal p = Good();
  p.offense_type = "immigration_violation";
  EXPECT_EQ(Refusal(p), "offense_not_prohibited");
  p = Good();
  p.reason = "Find vehicles of people attending the protest downtown";
  EXPECT_EQ(Refusal(p), "purpose_not_prohibited");
  p = Good();
  p.reason = "Locate woman who travelled out of state for an abortion";
  EXPECT_EQ(Refusal(p), "purpose_not_prohibited");
  p = Good();
  p.offense_type = "investigation";
  EXPECT_EQ(Refusal(p), "offense_type_known");
}

TEST(PlateSearchPolicy, CaseNumberRequiredUnlessPolicySaysOtherwise) {
  SearchProposal p = Good();
  p.case_number = "  ";
  EXPECT_EQ(Refusal(p), "case_number_given");
  PlatesConfig lenient;
  lenient.require_case_number = false;
  EXPECT_EQ(Refusal(p, lenient), "");
}

TEST(PlateSearchPolicy, ConfigDefaultsAndStateOverrides) {
  PlatesConfig c;
  EXPECT_EQ(c.For("IL").retention_days, 30);
  EXPECT_EQ(c.For("VA").retention_days, 21);
  EXPECT_FALSE(c.For("CA").out_of_state_sharing);
  EXPECT_FALSE(c.For("CA").federal_sharing);
  auto parsed = ParseConfig(
      "[plates]\nretention_days = 45\n[plates.states.VA]\nfederal_sharing = false\n", "t");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->plates.For("TX").retention_days, 45);
  EXPECT_EQ(parsed->plates.For("VA").retention_days, 21);  // built-in override kept
  EXPECT_FALSE(parsed->plates.For("VA").federal_sharing);
  EXPECT_FALSE(ParseConfig("[plates]\nretention = 1\n", "t").ok());
}

}  // namespace
}  // namespace canvass::policy
