// Deny by default: every route, every kind of caller. The expected table is written here by
// hand, apart from the router; a route added without a row here fails the test.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "testing/test_app.h"

namespace canvass {
namespace {

using testing::TestApp;

const std::set<std::string> kAccounts = {"resident", "officer", "supervisor", "agency_admin",
                                         "legal",    "auditor", "admin"};

// "METHOD pattern" -> who passes the access gate.
std::map<std::string, std::set<std::string>> Expected() {
  std::set<std::string> everyone = kAccounts;
  everyone.insert("anonymous");
  everyone.insert("device");
  everyone.insert("reader");
  const std::set<std::string> resident = {"resident"};
  const std::set<std::string> device = {"device"};
  const std::set<std::string> staff = {"admin", "officer", "supervisor", "agency_admin"};
  return {
      {"GET /api/v1/health", everyone},
      {"POST /api/v1/sessions", everyone},
      {"DELETE /api/v1/sessions/current", kAccounts},
      {"GET /api/v1/me", kAccounts},
      {"POST /api/v1/accounts", everyone},
      {"GET /api/v1/accounts", {"admin", "agency_admin"}},
      {"GET /api/v1/accounts/{id:acc}", kAccounts},
      {"POST /api/v1/accounts/{id:acc}/disable", {"admin", "agency_admin"}},
      {"POST /api/v1/accounts/{id:acc}/enable", {"admin", "agency_admin"}},
      {"POST /api/v1/tokens", kAccounts},
      {"PUT /api/v1/me/e2ee-key", resident},
      {"POST /api/v1/agencies", {"admin"}},
      {"GET /api/v1/agencies", staff},
      {"GET /api/v1/agencies/{id:agy}", staff},
      {"POST /api/v1/agencies/{id:agy}/verify", {"admin"}},
      {"POST /api/v1/cameras", resident},
      {"GET /api/v1/cameras", resident},
      {"GET /api/v1/cameras/{id:cam}", resident},
      {"PATCH /api/v1/cameras/{id:cam}", resident},
      {"DELETE /api/v1/cameras/{id:cam}", resident},
      {"POST /api/v1/cameras/{id:cam}/device-token", resident},
      {"POST /api/v1/uploads", device},
      {"GET /api/v1/uploads/{id:upl}", device},
      {"PATCH /api/v1/uploads/{id:upl}", device},
      {"GET /api/v1/device", device},
      {"POST /api/v1/device/heartbeat", device},
      {"GET /api/v1/clips", resident},
      {"GET /api/v1/clips/{id:clp}", resident},
      {"GET /api/v1/clips/{id:clp}/content", resident},
      {"DELETE /api/v1/clips/{id:clp}", resident},
      {"POST /api/v1/motion", device},
      {"GET /api/v1/motion", resident},
      {"GET /api/v1/events", kAccounts},
      {"GET /audit/checkpoint", everyone},
      {"GET /audit/key", everyone},
      {"GET /audit/tile/{path*}", everyone},
      {"GET /api/v1/audit/proofs/inclusion", everyone},
      {"GET /api/v1/audit/proofs/consistency", everyone},
      {"GET /api/v1/audit/leaves/{index}", {"auditor", "legal"}},
      {"POST /api/v1/requests", {"officer", "supervisor"}},
      {"GET /api/v1/requests", {"officer", "supervisor", "agency_admin"}},
      {"GET /api/v1/requests/{id:req}", {"officer", "supervisor", "agency_admin"}},
      {"POST /api/v1/requests/{id:req}/approve", {"supervisor"}},
      {"POST /api/v1/requests/{id:req}/reject", {"supervisor"}},
      {"POST /api/v1/requests/{id:req}/close", {"officer", "supervisor"}},
      {"GET /api/v1/public/requests", everyone},
      {"GET /api/v1/inbox", resident},
      {"GET /api/v1/inbox/{id:req}", resident},
      {"POST /api/v1/inbox/{id:req}/share", resident},
      {"POST /api/v1/inbox/{id:req}/decline", resident},
      {"PUT /api/v1/inbox/{id:req}/clips/{clip:clp}/plaintext", resident},
      {"GET /api/v1/shares", resident},
      {"GET /api/v1/evidence", {"officer", "supervisor", "agency_admin"}},
      {"GET /api/v1/evidence/{id:evd}", {"officer", "supervisor", "agency_admin"}},
      {"GET /api/v1/evidence/{id:evd}/content", {"officer", "supervisor", "agency_admin"}},
      {"POST /api/v1/evidence/export", {"officer", "supervisor", "agency_admin"}},
      {"GET /api/v1/public/evidence-key", everyone},
      {"POST /api/v1/plates/readers", {"agency_admin"}},
      {"GET /api/v1/plates/readers", {"officer", "supervisor", "agency_admin"}},
      {"POST /api/v1/plates/reads", {"reader"}},
      {"POST /api/v1/plates/searches", {"officer", "supervisor"}},
      {"GET /api/v1/plates/reads/{seq}/crop", {"officer", "supervisor", "agency_admin"}},
      {"POST /api/v1/plates/agreements", {"agency_admin"}},
      {"DELETE /api/v1/plates/agreements/{id:agr}", {"agency_admin"}},
      {"GET /api/v1/plates/agreements", {"officer", "supervisor", "agency_admin"}},
      {"POST /api/v1/plates/hotlists", {"officer", "supervisor", "agency_admin"}},
      {"GET /api/v1/plates/hotlists", {"officer", "supervisor", "agency_admin"}},
      {"GET /api/v1/plates/hotlists/{id:hot}/entries", {"officer", "supervisor", "agency_admin"}},
      {"POST /api/v1/plates/hotlists/{id:hot}/entries", {"officer", "supervisor", "agency_admin"}},
      {"DELETE /api/v1/plates/hotlists/{id:hot}/entries/{entry:hle}",
       {"officer", "supervisor", "agency_admin"}},
      {"PUT /api/v1/plates/hotlists/{id:hot}/csv", {"officer", "supervisor", "agency_admin"}},
      {"GET /api/v1/plates/hits", {"officer", "supervisor", "agency_admin"}},
      {"POST /api/v1/plates/hits/{id:hit}/decide", {"officer", "supervisor"}},
      {"GET /api/v1/public/plates/transparency", everyone},
      {"POST /api/v1/legal/demands", {"legal"}},
      {"GET /api/v1/legal/demands", {"legal", "officer", "supervisor", "agency_admin"}},
      {"GET /api/v1/legal/demands/{id:dem}", {"legal", "officer", "supervisor", "agency_admin"}},
      {"POST /api/v1/legal/demands/{id:dem}/decision", {"legal"}},
      {"POST /api/v1/legal/demands/{id:dem}/documents", {"legal"}},
      {"GET /api/v1/legal/demands/{id:dem}/documents/{doc:doc}", {"legal"}},
      {"POST /api/v1/legal/demands/{id:dem}/production", {"legal"}},
      {"GET /api/v1/legal/demands/{id:dem}/production", {"legal"}},
      {"POST /api/v1/legal/demands/{id:dem}/followup", {"legal"}},
      {"POST /api/v1/emergency-requests", {"officer", "supervisor"}},
      {"GET /api/v1/me/demands", resident},
      {"GET /api/v1/public/emergencies", everyone},
      {"GET /api/v1/holds", {"legal"}},
      {"GET /api/v1/holds/{id:hold}", {"legal"}},
      {"POST /api/v1/holds/{id:hold}/renew", {"legal"}},
      {"POST /api/v1/holds/{id:hold}/release", {"legal"}},
      {"POST /api/v1/plates/reads/{seq}/case", {"officer", "supervisor"}},
      {"GET /api/v1/public/reports", everyone},
  };
}

// Replaces "{name:prefix}" with a well-formed id of that prefix.
std::string Concrete(const std::string& pattern) {
  std::string out;
  DeterministicRandom random(3);
  for (size_t i = 0; i < pattern.size();) {
    if (pattern[i] == '{') {
      size_t colon = pattern.find(':', i), end = pattern.find('}', i);
      if (colon == std::string::npos || colon > end) {
        out += pattern[end - 1] == '*' ? "0/000" : "0";  // untyped: a tile path or an index
      } else {
        out += random.NewId(pattern.substr(colon + 1, end - colon - 1));
      }
      i = end + 1;
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

TEST(AccessMatrix, EveryRouteIsListedAndEveryCallerIsAllowedOrDeniedAsListed) {
  TestApp t(/*start=*/false);
  std::map<std::string, std::string> tokens;  // caller -> bearer token ("" = anonymous)
  tokens["anonymous"] = "";
  for (Role r : kAllRoles) {
    tokens[std::string(RoleName(r))] = t.Make(r, "u-" + std::string(RoleName(r))).token;
  }
  tokens["device"] = t.MakeCamera(t.Make(Role::kResident, "camera-owner"));
  tokens["reader"] = t.MakeReader();

  auto expected = Expected();
  std::set<std::string> seen;
  for (const auto& route : t.app().router().routes()) {
    std::string key = route.method + " " + route.pattern;
    seen.insert(key);
    ASSERT_TRUE(expected.count(key)) << "route " << key << " has no row in the access matrix";
    for (const auto& [caller, token] : tokens) {
      api::Request req;
      req.method = route.method;
      req.path = Concrete(route.pattern);
      req.target = req.path;
      req.body = "{}";
      if (!token.empty()) req.headers["authorization"] = "Bearer " + token;
      api::Response res = t.app().Handle(req);
      bool allowed = expected[key].count(caller) > 0;
      if (allowed) {
        EXPECT_NE(res.status, 401) << caller << " " << key << ": " << res.body;
        EXPECT_NE(res.status, 403) << caller << " " << key << ": " << res.body;
      } else {
        EXPECT_EQ(res.status, caller == "anonymous" ? 401 : 403)
            << caller << " " << key << ": " << res.body;
      }
      if (res.events) res.events->Close();
    }
  }
  for (const auto& [key, who] : expected) {
    EXPECT_TRUE(seen.count(key)) << "the matrix lists " << key << " but no such route exists";
  }
}

TEST(AccessMatrix, ForgedBearerTokensAreRefusedEvenOnPublicRoutes) {
  TestApp t(/*start=*/false);
  api::Request req;
  req.method = "GET";
  req.path = req.target = "/api/v1/health";
  req.headers["authorization"] = "Bearer cvs_forged";
  EXPECT_EQ(t.app().Handle(req).status, 401);
  req.headers["authorization"] = "Bearer cvd_forged";
  EXPECT_EQ(t.app().Handle(req).status, 401);
}

TEST(AccessMatrix, StaleCookiesAreAnonymousOnPublicRoutesAndRefusedElsewhere) {
  TestApp t(/*start=*/false);
  api::Request req;
  req.method = "GET";
  req.path = req.target = "/api/v1/health";
  req.headers["cookie"] = "canvass_session=cvc_forged";
  EXPECT_EQ(t.app().Handle(req).status, 200);
  req.path = req.target = "/api/v1/me";
  EXPECT_EQ(t.app().Handle(req).status, 401);
}

}  // namespace
}  // namespace canvass
