// Each rule of the request policy at, below and above its limit, with the defaults of SYSTEM.md
// and with per-state overrides.
#include "policy/request_policy.h"

#include <gtest/gtest.h>

namespace canvass::policy {
namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kHour = 3600 * kSecond;
constexpr int64_t kNow = 1'790'000'000 * kSecond;

// A proposal that passes every rule without approval.
RequestProposal Good() {
  RequestProposal p;
  p.agency_state = "IL";
  p.agency_verified = true;
  p.point_in_jurisdiction = true;
  p.incident_type = "burglary";
  p.description = "Break-in at a house on the 400 block; looking for a person on foot.";
  p.center = {41.88, -87.63};
  p.radius_m = 200;
  p.from_us = kNow - 3 * kHour;
  p.to_us = kNow - 1 * kHour;
  p.now_us = kNow;
  return p;
}

const RuleOutcome& Rule(const PolicyDecision& d, const std::string& name) {
  for (const auto& r : d.rules) {
    if (r.rule == name) return r;
  }
  ADD_FAILURE() << "no rule " << name;
  static RuleOutcome none;
  return none;
}

PolicyDecision Eval(const RequestProposal& p, const RequestsConfig& c = {}) {
  return EvaluateRequest(c, p);
}

TEST(RequestPolicy, GoodRequestIsAllowedWithEveryRuleExplained) {
  PolicyDecision d = Eval(Good());
  EXPECT_EQ(d.verdict, PolicyDecision::Verdict::kAllowed) << d.FailureSummary();
  EXPECT_EQ(d.rules.size(), 15u);
  for (const auto& r : d.rules) {
    EXPECT_TRUE(r.passed) << r.rule;
    EXPECT_FALSE(r.explanation.empty()) << r.rule;
  }
  EXPECT_EQ(d.DecidingRule(), "");
  EXPECT_EQ(d.expiry_h, 72);
}

struct Case {
  const char* rule;
  void (*mutate)(RequestProposal&);
  PolicyDecision::Verdict verdict;
};

// Radius: 25 m minimum, 800 m maximum, 0.5 sq mi area (a 642 m disc), approval above 400 m.
TEST(RequestPolicy, RadiusAtBelowAndAboveEachLimit) {
  using V = PolicyDecision::Verdict;
  struct {
    double radius_m;
    V verdict;
    const char* deciding;
  } cases[] = {
      {24.9, V::kRefused, "radius_min"},
      {25, V::kAllowed, ""},
      {25.1, V::kAllowed, ""},
      {399.9, V::kAllowed, ""},
      {400, V::kAllowed, ""},
      {400.1, V::kNeedsApproval, "approval_radius"},
      {641, V::kNeedsApproval, "approval_radius"},
      {643, V::kRefused, "area_max"},
      {800, V::kRefused, "area_max"},
      {800.1, V::kRefused, "radius_max"},
      {-5, V::kRefused, "radius_min"},
  };
  for (const auto& c : cases) {
    RequestProposal p = Good();
    p.radius_m = c.radius_m;
    PolicyDecision d = Eval(p);
    EXPECT_EQ(d.verdict, c.verdict) << c.radius_m << ": " << d.FailureSummary();
    EXPECT_EQ(d.DecidingRule(), c.deciding) << c.radius_m;
  }
}

TEST(RequestPolicy, AreaLimitMatchesHalfASquareMile) {
  // 0.5 sq mi = 1,294,994 m2: a disc of radius sqrt(A / pi) = 642.04 m.
  EXPECT_NEAR(DiscAreaSquareMeters(642.04), 1'294'994, 200);
  RequestsConfig c;
  c.rules.max_area_m2 = 10'000'000;  // area no longer binding: the radius limit decides
  RequestProposal p = Good();
  p.radius_m = 800;
  EXPECT_EQ(Eval(p, c).verdict, PolicyDecision::Verdict::kNeedsApproval);
  p.radius_m = 801;
  EXPECT_EQ(Eval(p, c).DecidingRule(), "radius_max");
}

TEST(RequestPolicy, WindowAtBelowAndAboveEachLimit) {
  using V = PolicyDecision::Verdict;
  const int64_t min = 60 * kSecond;
  struct {
    int64_t window_us;
    V verdict;
    const char* deciding;
  } cases[] = {
      {15 * min - kSecond, V::kRefused, "window_min"},
      {15 * min, V::kAllowed, ""},
      {6 * kHour, V::kAllowed, ""},
      {6 * kHour + kSecond, V::kNeedsApproval, "approval_window"},
      {12 * kHour, V::kNeedsApproval, "approval_window"},
      {12 * kHour + kSecond, V::kRefused, "window_max"},
      {0, V::kRefused, "window_min"},
      {-kHour, V::kRefused, "window_min"},
  };
  for (const auto& c : cases) {
    RequestProposal p = Good();
    p.to_us = kNow - kHour;
    p.from_us = p.to_us - c.window_us;
    PolicyDecision d = Eval(p);
    EXPECT_EQ(d.verdict, c.verdict) << c.window_us << ": " << d.FailureSummary();
    EXPECT_EQ(d.DecidingRule(), c.deciding) << c.window_us;
  }
}

TEST(RequestPolicy, WindowMustBeInThePastAndWithinRetention) {
  RequestProposal p = Good();
  p.to_us = kNow;  // ends now: allowed
  p.from_us = kNow - kHour;
  EXPECT_EQ(Eval(p).verdict, PolicyDecision::Verdict::kAllowed);
  p.to_us = kNow + kSecond;  // a second into the future
  EXPECT_EQ(Eval(p).DecidingRule(), "window_in_past");

  const int64_t days60 = 60LL * 86400 * kSecond;
  p.from_us = kNow - days60;  // exactly 60 days: allowed
  p.to_us = p.from_us + kHour;
  EXPECT_EQ(Eval(p).verdict, PolicyDecision::Verdict::kAllowed);
  p.from_us -= kSecond;
  p.to_us -= kSecond;
  EXPECT_EQ(Eval(p).DecidingRule(), "window_within_retention");
}

TEST(RequestPolicy, AtMostTwoRequestsPerCase) {
  RequestProposal p = Good();
  p.existing_requests_for_case = 1;
  EXPECT_EQ(Eval(p).verdict, PolicyDecision::Verdict::kAllowed);
  p.existing_requests_for_case = 2;
  EXPECT_EQ(Eval(p).DecidingRule(), "requests_per_case");
  p.existing_requests_for_case = 0;
  EXPECT_EQ(Eval(p).verdict, PolicyDecision::Verdict::kAllowed);
}

TEST(RequestPolicy, AgencyRules) {
  RequestProposal p = Good();
  p.agency_federal = true;
  EXPECT_EQ(Eval(p).DecidingRule(), "agency_not_federal");
  RequestsConfig allow;
  allow.rules.allow_federal = true;
  EXPECT_EQ(Eval(p, allow).verdict, PolicyDecision::Verdict::kAllowed);

  p = Good();
  p.agency_verified = false;
  EXPECT_EQ(Eval(p).DecidingRule(), "agency_verified");
  p = Good();
  p.point_in_jurisdiction = false;
  EXPECT_EQ(Eval(p).DecidingRule(), "point_in_jurisdiction");
  p = Good();
  p.incident_type = "loitering";
  EXPECT_EQ(Eval(p).DecidingRule(), "incident_type_known");
}

TEST(RequestPolicy, ProhibitedPurposesOnWordBoundaries) {
  struct {
    const char* text;
    const char* purpose;
  } cases[] = {
      {"Looking for people at the protest on Main St", "lawful_protest"},
      {"IMMIGRATION status check", "immigration_enforcement"},
      {"suspect drove to an abortion clinic", "reproductive_health_care"},
      {"deport", "immigration_enforcement"},
      {"a marching band's van was broken into", ""},  // "march" only as a whole word
      {"protestant church window smashed", ""},
      {"rallying point of a car theft ring", ""},
  };
  for (const auto& c : cases) {
    RequestProposal p = Good();
    p.description = c.text;
    PolicyDecision d = Eval(p);
    std::string term;
    EXPECT_EQ(FindProhibitedPurpose(RequestRules{}, c.text, &term), c.purpose) << c.text;
    if (*c.purpose) {
      EXPECT_EQ(d.DecidingRule(), "purpose_not_prohibited") << c.text;
      EXPECT_NE(d.FailureSummary().find(c.purpose), std::string::npos) << d.FailureSummary();
    } else {
      EXPECT_EQ(d.verdict, PolicyDecision::Verdict::kAllowed) << c.text;
    }
  }
}

TEST(RequestPolicy, EveryFailureIsReportedAtOnce) {
  RequestProposal p = Good();
  p.radius_m = 5000;
  p.incident_type = "nope";
  p.agency_federal = true;
  PolicyDecision d = Eval(p);
  EXPECT_EQ(d.verdict, PolicyDecision::Verdict::kRefused);
  std::string s = d.FailureSummary();
  for (const char* rule : {"agency_not_federal", "incident_type_known", "radius_max", "area_max"}) {
    EXPECT_NE(s.find(rule), std::string::npos) << s;
    EXPECT_FALSE(Rule(d, rule).passed);
  }
  EXPECT_NE(d.ToJson().find("\"verdict\":\"refused\""), std::string::npos);
}

TEST(RequestPolicy, StateOverridesReplaceOnlyTheirKeys) {
  RequestsConfig c;
  RequestRules ca = c.rules;
  ca.max_radius_m = 300;
  ca.max_requests_per_case = 1;
  c.states["CA"] = ca;
  RequestProposal p = Good();
  p.agency_state = "CA";
  p.radius_m = 301;
  PolicyDecision d = Eval(p, c);
  EXPECT_EQ(d.DecidingRule(), "radius_max");
  EXPECT_EQ(d.state, "CA");
  EXPECT_NE(d.FailureSummary().find("rules of CA"), std::string::npos);
  p.radius_m = 300;
  EXPECT_EQ(Eval(p, c).verdict, PolicyDecision::Verdict::kAllowed);
  p.existing_requests_for_case = 1;
  EXPECT_EQ(Eval(p, c).DecidingRule(), "requests_per_case");
  p.agency_state = "IL";  // other states keep the defaults
  p.radius_m = 301;
  EXPECT_EQ(Eval(p, c).verdict, PolicyDecision::Verdict::kAllowed);
}

TEST(RequestPolicy, ConfigFileSetsRulesAndStateOverrides) {
  auto c = ParseConfig(R"(
[requests]
max_radius_m = 500
approval_window_s = 3600
[requests.prohibited_purposes]
immigration_enforcement = ["immigration"]
[requests.states.CA]
max_radius_m = 300
)",
                       "test.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_TRUE(c->Validate().ok()) << c->Validate().ToString();
  EXPECT_EQ(c->requests.rules.max_radius_m, 500);
  EXPECT_EQ(c->requests.For("CA").max_radius_m, 300);
  EXPECT_EQ(c->requests.For("CA").approval_window_s, 3600);  // inherited from [requests]
  EXPECT_EQ(c->requests.For("CA").prohibited_purposes.size(), 1u);
  EXPECT_EQ(c->requests.For("TX").max_radius_m, 500);

  auto bad = ParseConfig("[requests]\nmax_radius = 5\n", "t.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("requests.max_radius"), std::string::npos);
  auto bad_state = ParseConfig("[requests.states.california]\nmax_radius_m = 5\n", "t.toml");
  ASSERT_TRUE(bad_state.ok());
  EXPECT_FALSE(bad_state->Validate().ok());
  auto inverted = ParseConfig("[requests]\nmin_radius_m = 900\n", "t.toml");
  ASSERT_TRUE(inverted.ok());
  EXPECT_NE(inverted->Validate().message().find("requests.max_radius_m"), std::string::npos);
}

}  // namespace
}  // namespace canvass::policy
