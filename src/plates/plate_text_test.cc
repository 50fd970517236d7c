#include "plates/plate_text.h"

#include <gtest/gtest.h>

namespace canvass::plates {
namespace {

TEST(PlateText, NormalizesCaseSpacesAndDashes) {
  EXPECT_EQ(*NormalizePlate("7ab-123"), "7AB123");
  EXPECT_EQ(*NormalizePlate(" abc 1.23 "), "ABC123");
  EXPECT_EQ(*NormalizePlate("AB"), "AB");
  EXPECT_EQ(*NormalizePlate("ABCD1234"), "ABCD1234");
}

TEST(PlateText, RefusesBadLengthAndAlphabetWithTheReason) {
  auto one = NormalizePlate("A");
  ASSERT_FALSE(one.ok());
  EXPECT_NE(one.status().message().find("1 characters"), std::string::npos);
  EXPECT_FALSE(NormalizePlate("ABCDE12345").ok());
  auto bad = NormalizePlate("AB$12");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'$'"), std::string::npos);
  EXPECT_FALSE(NormalizePlate("ÄB12").ok());
  EXPECT_FALSE(NormalizePlate("").ok());
}

TEST(PlateText, Regions) {
  EXPECT_TRUE(ValidateRegion("IL").ok());
  EXPECT_FALSE(ValidateRegion("il").ok());
  EXPECT_FALSE(ValidateRegion("ILL").ok());
}

TEST(PlateText, ConfusionKeysJoinConfusableGlyphs) {
  const auto& c = ConfusionClasses::Default();
  EXPECT_EQ(c.Key("8OL5"), c.Key("B0I5"));
  EXPECT_EQ(c.Key("Q2G"), c.Key("OZ6"));
  EXPECT_NE(c.Key("ABC"), c.Key("ABE"));
  EXPECT_TRUE(c.Confusable('S', '5'));
  EXPECT_FALSE(c.Confusable('S', '3'));
  for (char a : std::string("0DOQ")) {
    for (char b : std::string("0DOQ")) EXPECT_TRUE(c.Confusable(a, b));
  }
}

TEST(PlateText, CustomClassesAreChecked) {
  auto c = ConfusionClasses::FromGroups({"0O", "1I"});
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->Confusable('O', '0'));
  EXPECT_FALSE(c->Confusable('D', '0'));
  EXPECT_FALSE(ConfusionClasses::FromGroups({"0O", "O1"}).ok());
  EXPECT_FALSE(ConfusionClasses::FromGroups({"0o"}).ok());
}

}  // namespace
}  // namespace canvass::plates
