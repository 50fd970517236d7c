// The sharing matrix: who reaches whose reads under every scope and state rule.
#include "plates/sharing.h"

#include <gtest/gtest.h>

namespace canvass::plates {
namespace {

Agency Make(const std::string& id, const std::string& state, bool federal, double lat, double lng) {
  Agency a;
  a.id = id;
  a.state = state;
  a.federal = federal;
  a.boundary = {{lat - 0.05, lng - 0.05},
                {lat - 0.05, lng + 0.05},
                {lat + 0.05, lng + 0.05},
                {lat + 0.05, lng - 0.05}};
  return a;
}

SharingAgreement Agreement(const std::string& from, const std::string& scope,
                           const std::string& to = "", std::vector<std::string> states = {},
                           int64_t distance_m = 0) {
  SharingAgreement g;
  g.id = "agr_" + from + scope + to;
  g.from_agency_id = from;
  g.scope = scope;
  g.to_agency_id = to;
  g.states = std::move(states);
  g.distance_m = distance_m;
  return g;
}

class SharingMatrix : public ::testing::Test {
 protected:
  // Springfield IL and its neighbour 30 km away, Chicago IL (300 km), St Louis MO (130 km),
  // a California city, and a federal agency.
  Agency spi = Make("spi", "IL", false, 39.80, -89.65);
  Agency near = Make("near", "IL", false, 39.80, -89.30);
  Agency chi = Make("chi", "IL", false, 41.88, -87.63);
  Agency stl = Make("stl", "MO", false, 38.63, -90.20);
  Agency sac = Make("sac", "CA", false, 38.58, -121.49);
  Agency fed = Make("fed", "IL", true, 39.80, -89.65);
  std::vector<Agency> all = {spi, near, chi, stl, sac, fed};
  PlatesConfig config;

  // Who may search spi's reads under `agreements`, as a sorted list of ids.
  std::vector<std::string> Readers(const Agency& owner, const std::vector<SharingAgreement>& g) {
    std::vector<std::string> out;
    for (const auto& a : all) {
      if (MaySearch(a, owner, g, config)) out.push_back(a.id);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  using V = std::vector<std::string>;
};

TEST_F(SharingMatrix, NoAgreementMeansOwnReadsOnly) {
  EXPECT_EQ(Readers(spi, {}), V{"spi"});
  EXPECT_EQ(Readers(sac, {}), V{"sac"});
  EXPECT_EQ(SearchableAgencies(spi, all, {}, config), V{"spi"});
}

TEST_F(SharingMatrix, EachScopeReachesExactlyItsAgencies) {
  EXPECT_EQ(Readers(spi, {Agreement("spi", "agency", "near")}), (V{"near", "spi"}));
  EXPECT_EQ(Readers(spi, {Agreement("spi", "in_state")}), (V{"chi", "near", "spi"}));
  EXPECT_EQ(Readers(spi, {Agreement("spi", "states", "", {"MO"})}), (V{"spi", "stl"}));
  EXPECT_EQ(Readers(spi, {Agreement("spi", "distance", "", {}, 50'000)}), (V{"near", "spi"}));
  EXPECT_EQ(Readers(spi, {Agreement("spi", "distance", "", {}, 200'000)}),
            (V{"near", "spi", "stl"}));
  // An agreement shares the maker's reads only, never the receiver's.
  EXPECT_EQ(Readers(near, {Agreement("spi", "agency", "near")}), V{"near"});
  // Revoked agreements share nothing.
  auto revoked = Agreement("spi", "in_state");
  revoked.revoked_at_us = 5;
  EXPECT_EQ(Readers(spi, {revoked}), V{"spi"});
}

TEST_F(SharingMatrix, FederalAgenciesOnlyOneToOne) {
  EXPECT_EQ(Readers(spi, {Agreement("spi", "in_state")}), (V{"chi", "near", "spi"}));  // no fed
  EXPECT_EQ(Readers(spi, {Agreement("spi", "distance", "", {}, 1'000'000)}),
            (V{"chi", "near", "spi", "stl"}));
  EXPECT_EQ(Readers(spi, {Agreement("spi", "agency", "fed")}), (V{"fed", "spi"}));
  EXPECT_EQ(Readers(fed, {Agreement("fed", "in_state")}), V{"fed"});
  EXPECT_EQ(Readers(fed, {Agreement("fed", "agency", "spi")}), (V{"fed", "spi"}));
  EXPECT_FALSE(ValidateAgreement(Agreement("fed", "in_state"), fed, nullptr, config).ok());
  EXPECT_TRUE(ValidateAgreement(Agreement("spi", "agency", "fed"), spi, &fed, config).ok());
}

TEST_F(SharingMatrix, CaliforniaLawForbidsOutOfStateAndFederal) {
  Agency sd = Make("sd", "CA", false, 32.72, -117.16);
  all.push_back(sd);
  // Even an agreement that names them does not reach them...
  EXPECT_EQ(Readers(sac, {Agreement("sac", "states", "", {"IL", "CA"})}), (V{"sac", "sd"}));
  EXPECT_EQ(Readers(sac, {Agreement("sac", "agency", "fed")}), V{"sac"});
  EXPECT_EQ(Readers(sac, {Agreement("sac", "distance", "", {}, 5'000'000)}), (V{"sac", "sd"}));
  // ...and making one is refused with the reason.
  auto refused = ValidateAgreement(Agreement("sac", "agency", "spi"), sac, &spi, config);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("outside the state"), std::string::npos);
  EXPECT_FALSE(ValidateAgreement(Agreement("sac", "agency", "fed"), sac, &fed, config).ok());
  EXPECT_FALSE(
      ValidateAgreement(Agreement("sac", "states", "", {"NV"}), sac, nullptr, config).ok());
  EXPECT_TRUE(ValidateAgreement(Agreement("sac", "agency", "sd"), sac, &sd, config).ok());
  // Illinois agencies can still share with California ones: the law is the owner's.
  EXPECT_EQ(Readers(spi, {Agreement("spi", "states", "", {"CA"})}), (V{"sac", "sd", "spi"}));
}

TEST_F(SharingMatrix, AgreementShapesAreChecked) {
  EXPECT_FALSE(ValidateAgreement(Agreement("spi", "agency"), spi, nullptr, config).ok());
  EXPECT_FALSE(ValidateAgreement(Agreement("spi", "agency", "spi"), spi, &spi, config).ok());
  EXPECT_FALSE(ValidateAgreement(Agreement("spi", "states"), spi, nullptr, config).ok());
  EXPECT_FALSE(
      ValidateAgreement(Agreement("spi", "states", "", {"il"}), spi, nullptr, config).ok());
  EXPECT_FALSE(ValidateAgreement(Agreement("spi", "distance"), spi, nullptr, config).ok());
  EXPECT_FALSE(ValidateAgreement(Agreement("spi", "everyone"), spi, nullptr, config).ok());
}

}  // namespace
}  // namespace canvass::plates
