#include "common/encoding.h"

#include <gtest/gtest.h>

#include "common/random.h"
#include "common/sha256.h"

namespace canvass {
namespace {

TEST(Encoding, HexRoundTripAndErrors) {
  EXPECT_EQ(HexEncode("\x01\xab"), "01ab");
  EXPECT_EQ(*HexDecode("01AB"), "\x01\xab");
  EXPECT_FALSE(HexDecode("abc").ok());
  EXPECT_FALSE(HexDecode("zz").ok());
  EXPECT_TRUE(IsLowerHex("00ff", 4));
  EXPECT_FALSE(IsLowerHex("00FF", 4));
}

TEST(Encoding, Base64Variants) {
  EXPECT_EQ(Base64Encode("hi?"), "aGk/");
  EXPECT_EQ(Base64UrlEncode("hi?"), "aGk_");
  EXPECT_EQ(*Base64UrlDecode("aGk_"), "hi?");
  EXPECT_FALSE(Base64Decode("a*b=").ok());
}

TEST(Sha256, KnownVectors) {
  // FIPS 180-2 examples.
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 h;
  h.Update("a");
  Sha256 copy = h;
  h.Update("bc");
  EXPECT_EQ(DigestHex(h.Finish()), Sha256Hex("abc"));
  copy.Update("bc");
  EXPECT_EQ(DigestHex(copy.Finish()), Sha256Hex("abc"));
}

TEST(Random, IdsAreWellFormedAndDistinct) {
  InitCrypto();
  std::string a = Random::System()->NewId("cam"), b = Random::System()->NewId("cam");
  EXPECT_NE(a, b);
  EXPECT_TRUE(IsWellFormedId(a, "cam"));
  EXPECT_FALSE(IsWellFormedId(a, "clp"));
  EXPECT_FALSE(IsWellFormedId("cam_../../etc/passwd", "cam"));
  EXPECT_FALSE(IsWellFormedId("cam_AAAAAAAAAAAAAAAAAAAA", "cam"));
  DeterministicRandom r1(7), r2(7);
  EXPECT_EQ(r1.NewId("x"), r2.NewId("x"));
}

}  // namespace
}  // namespace canvass
