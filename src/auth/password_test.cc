#include "auth/password.h"

#include <gtest/gtest.h>

namespace canvass::auth {
namespace {

TEST(Password, Argon2idHashVerifiesOnlyTheRightPassword) {
  auto h = HashPassword("correct horse battery", "minimum");
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->starts_with("$argon2id$"));
  EXPECT_TRUE(VerifyPassword(*h, "correct horse battery"));
  EXPECT_FALSE(VerifyPassword(*h, "correct horse batterY"));
  EXPECT_FALSE(VerifyPassword("not a hash", "x"));
  EXPECT_NE(*h, *HashPassword("correct horse battery", "minimum")) << "must be salted";
}

TEST(Password, PolicyLimits) {
  EXPECT_FALSE(CheckPasswordPolicy("short").ok());
  EXPECT_TRUE(CheckPasswordPolicy("0123456789").ok());
  EXPECT_FALSE(CheckPasswordPolicy(std::string(1025, 'x')).ok());
  EXPECT_FALSE(HashPassword("x", "bogus").ok());
}

}  // namespace
}  // namespace canvass::auth
