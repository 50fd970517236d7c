#include "audit/leaf.h"

#include <gtest/gtest.h>

#include "common/sha256.h"

namespace canvass::audit {
namespace {

AuditEvent Event() {
  AuditEvent e;
  e.type = "clip.view";
  e.actor_role = "resident";
  e.object_kind = "clip";
  e.reason_code = "";
  e.count = 1;
  e.at_us = 1'800'000'000'123'456;
  e.actor_id = "acc_x";
  e.object_id = "clp_y";
  e.details_json = R"({"q":"a \"quoted\" thing"})";
  return e;
}

TEST(AuditLeaf, CanonicalEncodingIsExactlyAsSpecified) {
  AuditEvent e = Event();
  std::string priv = PrivateDetails(e);
  EXPECT_EQ(
      priv,
      R"({"actor_id":"acc_x","details":"{\"q\":\"a \\\"quoted\\\" thing\"}","object_id":"clp_y"})");
  std::string salt(32, '\x07');
  std::string c = Commitment(salt, priv);
  EXPECT_EQ(c, Sha256Hex(salt + priv));
  EXPECT_EQ(
      EncodeLeaf(e, c, ""),
      R"({"agency":"","case":"","commitment":")" + c +
          R"(","count":1,"object":"clip","reason":"","role":"resident","time":1800000000,"type":"clip.view","v":1})");
}

TEST(AuditLeaf, SearchScopeIsPublicOnlyAsAPair) {
  AuditEvent e = Event();
  EXPECT_TRUE(ValidatePublicRecord(e).ok());
  e.scope_agencies = 1;
  EXPECT_FALSE(ValidatePublicRecord(e).ok());  // cameras missing
  e.scope_cameras = 12;
  EXPECT_TRUE(ValidatePublicRecord(e).ok());
  EXPECT_NE(EncodeLeaf(e, std::string(64, 'a'), "").find(R"("scope":{"agencies":1,"cameras":12})"),
            std::string::npos);
  e.scope_cameras = -5;
  EXPECT_FALSE(ValidatePublicRecord(e).ok());
}

TEST(AuditLeaf, PublicRecordsHoldOnlyTokens) {
  AuditEvent e = Event();
  EXPECT_TRUE(ValidatePublicRecord(e).ok());
  e.reason_code = "suspect drove a red Honda, plate 7ABC123";
  EXPECT_FALSE(ValidatePublicRecord(e).ok());
  e = Event();
  e.type = "Clip View";
  EXPECT_FALSE(ValidatePublicRecord(e).ok());
  e = Event();
  e.actor_agency_id = "Springfield PD";
  EXPECT_FALSE(ValidatePublicRecord(e).ok());
  e = Event();
  e.count = -1;
  EXPECT_FALSE(ValidatePublicRecord(e).ok());
}

}  // namespace
}  // namespace canvass::audit
