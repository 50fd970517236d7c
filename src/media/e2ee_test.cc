#include "media/e2ee.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "media/clip_cipher.h"

namespace canvass::media {
namespace {

using ::testing::HasSubstr;

std::string Plaintext(size_t size) {
  DeterministicRandom random(11);
  return random.Bytes(size);
}

TEST(E2eeTest, KeyPairsAreRawAndDistinct) {
  const E2eeKeyPair a = NewE2eeKeyPair();
  const E2eeKeyPair b = NewE2eeKeyPair();
  EXPECT_EQ(a.public_key.size(), 32u);
  EXPECT_EQ(a.secret_key.size(), 32u);
  EXPECT_NE(a.public_key, b.public_key);
  EXPECT_NE(a.secret_key, b.secret_key);
}

TEST(E2eeTest, RoundTrip) {
  const E2eeKeyPair owner = NewE2eeKeyPair();
  DeterministicRandom random(3);
  for (size_t size :
       {size_t{0}, size_t{1}, size_t{5000}, static_cast<size_t>(2 * kSegmentPlainBytes + 3)}) {
    SCOPED_TRACE(size);
    const std::string plain = Plaintext(size);
    StatusOr<std::string> sealed = SealForOwner(owner.public_key, plain, random);
    ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
    EXPECT_TRUE(LooksSealed(*sealed));
    EXPECT_EQ(
        static_cast<int64_t>(sealed->size()),
        static_cast<int64_t>(kSealedHeaderBytes) + CiphertextSizeFor(static_cast<int64_t>(size)));
    EXPECT_EQ(sealed->substr(0, 5), std::string("CVE2\x01", 5));
    StatusOr<std::string> opened = OpenSealed(owner.public_key, owner.secret_key, *sealed);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_TRUE(*opened == plain);
  }
}

TEST(E2eeTest, SizeFieldIsLittleEndian) {
  const E2eeKeyPair owner = NewE2eeKeyPair();
  DeterministicRandom random(3);
  StatusOr<std::string> sealed = SealForOwner(owner.public_key, Plaintext(0x0102), random);
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->substr(85, 8), std::string("\x02\x01\0\0\0\0\0\0", 8));
}

TEST(E2eeTest, WrongSecretKeyFails) {
  const E2eeKeyPair owner = NewE2eeKeyPair();
  const E2eeKeyPair stranger = NewE2eeKeyPair();
  DeterministicRandom random(3);
  StatusOr<std::string> sealed = SealForOwner(owner.public_key, Plaintext(100), random);
  ASSERT_TRUE(sealed.ok());
  StatusOr<std::string> other = OpenSealed(stranger.public_key, stranger.secret_key, *sealed);
  EXPECT_EQ(other.status().code(), Code::kDataLoss);
  EXPECT_THAT(other.status().message(), HasSubstr("sealed for another key"));
  // A secret key that does not match the public key passed along.
  StatusOr<std::string> mismatched = OpenSealed(owner.public_key, stranger.secret_key, *sealed);
  EXPECT_EQ(mismatched.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(mismatched.status().message(), HasSubstr("does not belong"));
}

TEST(E2eeTest, TamperingFails) {
  const E2eeKeyPair owner = NewE2eeKeyPair();
  DeterministicRandom random(3);
  const std::string plain = Plaintext(static_cast<size_t>(kSegmentPlainBytes + 10));
  StatusOr<std::string> sealed = SealForOwner(owner.public_key, plain, random);
  ASSERT_TRUE(sealed.ok());
  // In the sealed key, the size field, the first segment, the last byte.
  for (size_t pos : {size_t{10}, size_t{84}, size_t{85}, size_t{92}, size_t{93}, size_t{2000},
                     sealed->size() - 1}) {
    SCOPED_TRACE(pos);
    std::string bad = *sealed;
    bad[pos] ^= 0x04;
    EXPECT_EQ(OpenSealed(owner.public_key, owner.secret_key, bad).status().code(), Code::kDataLoss);
  }
  // Truncated: one byte, or the whole last segment with the size field lowered to match.
  EXPECT_EQ(OpenSealed(owner.public_key, owner.secret_key, sealed->substr(0, sealed->size() - 1))
                .status()
                .code(),
            Code::kDataLoss);
  std::string cut = sealed->substr(
      0, kSealedHeaderBytes + static_cast<size_t>(kSegmentPlainBytes + kSegmentOverheadBytes));
  cut.replace(85, 8, std::string("\0\0\x10\0\0\0\0\0", 8));  // 1 MiB
  StatusOr<std::string> shortened = OpenSealed(owner.public_key, owner.secret_key, cut);
  EXPECT_EQ(shortened.status().code(), Code::kDataLoss);
  EXPECT_THAT(shortened.status().message(), HasSubstr("segment 0"));
  EXPECT_EQ(OpenSealed(owner.public_key, owner.secret_key, sealed->substr(0, 50)).status().code(),
            Code::kDataLoss);
  // A version this build does not know.
  std::string future = *sealed;
  future[4] = 2;
  EXPECT_EQ(OpenSealed(owner.public_key, owner.secret_key, future).status().code(),
            Code::kInvalidArgument);
}

TEST(E2eeTest, BadKeySizesAreInvalidArgument) {
  const E2eeKeyPair owner = NewE2eeKeyPair();
  DeterministicRandom random(3);
  StatusOr<std::string> sealed = SealForOwner(owner.public_key.substr(0, 31), "abc", random);
  EXPECT_EQ(sealed.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(sealed.status().message(), HasSubstr("must be 32 bytes, got 31"));
  EXPECT_EQ(OpenSealed(owner.public_key.substr(0, 31), owner.secret_key, "CVE2").status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(OpenSealed(owner.public_key, owner.secret_key + "x", "CVE2").status().code(),
            Code::kInvalidArgument);
}

TEST(E2eeTest, LooksSealedChecksMagic) {
  EXPECT_TRUE(LooksSealed("CVE2\x01rest"));
  EXPECT_FALSE(LooksSealed("CVE"));
  EXPECT_FALSE(LooksSealed(""));
  EXPECT_FALSE(
      LooksSealed(std::string_view("\0\0\0\x18"
                                   "ftypisom",
                                   12)));
  const E2eeKeyPair owner = NewE2eeKeyPair();
  StatusOr<std::string> opened = OpenSealed(owner.public_key, owner.secret_key, "not sealed");
  EXPECT_EQ(opened.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(opened.status().message(), HasSubstr("not a sealed clip"));
}

}  // namespace
}  // namespace canvass::media
