#include "media/clip_cipher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <utility>

#include "common/sha256.h"

namespace canvass::media {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kSeg = kSegmentPlainBytes;

// A WritableFile that appends to a string; can be told to fail after some appends.
class StringFile final : public WritableFile {
 public:
  explicit StringFile(std::string* data) : data_(data) {}
  Status Append(std::string_view data) override {
    ++appends_;
    if (fail_after_ >= 0 && appends_ > fail_after_) return InternalError("disk on fire");
    data_->append(data);
    return OkStatus();
  }
  Status Sync() override {
    ++syncs_;
    return OkStatus();
  }
  Status Close() override { return OkStatus(); }
  int appends() const { return appends_; }
  int syncs() const { return syncs_; }
  void FailAfter(int appends) { fail_after_ = appends; }

 private:
  std::string* data_;
  int appends_ = 0;
  int syncs_ = 0;
  int fail_after_ = -1;
};

class StringRandomAccessFile final : public RandomAccessFile {
 public:
  explicit StringRandomAccessFile(std::string data) : data_(std::move(data)) {}
  StatusOr<std::string> ReadAt(int64_t offset, size_t n) const override {
    if (offset < 0) return InvalidArgumentError("negative offset");
    if (offset >= static_cast<int64_t>(data_.size())) return std::string();
    return data_.substr(static_cast<size_t>(offset), n);
  }
  StatusOr<int64_t> Size() const override { return static_cast<int64_t>(data_.size()); }

 private:
  std::string data_;
};

std::string Plaintext(int64_t size, uint64_t seed = 7) {
  DeterministicRandom random(seed);
  return random.Bytes(static_cast<size_t>(size));
}

ClipKey TestKey(uint64_t seed = 42) {
  DeterministicRandom random(seed);
  return NewClipKey(random);
}

std::string EncryptWhole(const ClipKey& key, std::string_view plain) {
  std::string out;
  StringFile file(&out);
  SegmentWriter writer(key, static_cast<int64_t>(plain.size()), 0, &file);
  EXPECT_TRUE(writer.Append(plain).ok());
  EXPECT_TRUE(writer.done());
  return out;
}

StatusOr<std::unique_ptr<ClipReader>> OpenReader(std::string cipher, const ClipKey& key,
                                                 int64_t plain_bytes) {
  return ClipReader::Open(std::make_unique<StringRandomAccessFile>(std::move(cipher)), key,
                          plain_bytes);
}

// Reads the whole clip; the status of the first failure otherwise.
StatusOr<std::string> DecryptAll(std::string cipher, const ClipKey& key, int64_t plain_bytes) {
  CANVASS_ASSIGN_OR_RETURN(auto reader, OpenReader(std::move(cipher), key, plain_bytes));
  return reader->ReadAt(0, static_cast<size_t>(plain_bytes));
}

TEST(ClipCipherTest, SizesAndCounts) {
  EXPECT_EQ(SegmentCount(0), 0);
  EXPECT_EQ(SegmentCount(1), 1);
  EXPECT_EQ(SegmentCount(kSeg), 1);
  EXPECT_EQ(SegmentCount(kSeg + 1), 2);
  EXPECT_EQ(CiphertextSizeFor(0), 0);
  EXPECT_EQ(CiphertextSizeFor(1), 1 + 41);
  EXPECT_EQ(CiphertextSizeFor(3 * kSeg + 5), 3 * kSeg + 5 + 4 * 41);
}

TEST(ClipCipherTest, SegmentRoundTrip) {
  const ClipKey key = TestKey();
  const std::string plain = Plaintext(1000);
  const std::string cipher = EncryptSegment(key, 3, true, plain);
  EXPECT_EQ(cipher.size(), plain.size() + kSegmentOverheadBytes);
  StatusOr<std::string> back = DecryptSegment(key, 3, true, cipher);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, plain);
  // Two encryptions of the same segment differ (random header).
  EXPECT_NE(EncryptSegment(key, 3, true, plain), cipher);
}

TEST(ClipCipherTest, SegmentRejectsWrongIndexKeyOrTag) {
  const ClipKey key = TestKey();
  const std::string plain = Plaintext(kSeg);
  const std::string cipher = EncryptSegment(key, 1, false, plain);
  ASSERT_TRUE(DecryptSegment(key, 1, false, cipher).ok());

  StatusOr<std::string> wrong_index = DecryptSegment(key, 2, false, cipher);
  EXPECT_EQ(wrong_index.status().code(), Code::kDataLoss);
  EXPECT_EQ(wrong_index.status().message(), "segment 2 of clip failed authentication");
  EXPECT_EQ(DecryptSegment(TestKey(43), 1, false, cipher).status().code(), Code::kDataLoss);
  // Tagged MESSAGE, but the caller expects the clip's FINAL segment (a truncated clip).
  EXPECT_EQ(DecryptSegment(key, 1, true, cipher).status().code(), Code::kDataLoss);
  const std::string final_cipher = EncryptSegment(key, 1, true, plain);
  EXPECT_EQ(DecryptSegment(key, 1, false, final_cipher).status().code(), Code::kDataLoss);
  // Too short to be a segment.
  EXPECT_EQ(DecryptSegment(key, 1, false, cipher.substr(0, 30)).status().code(), Code::kDataLoss);
}

TEST(ClipCipherTest, RoundTripSizes) {
  const ClipKey key = TestKey();
  for (int64_t size : {int64_t{0}, int64_t{1}, kSeg - 1, kSeg, kSeg + 1, 3 * kSeg + 5}) {
    SCOPED_TRACE(size);
    const std::string plain = Plaintext(size);
    const std::string cipher = EncryptWhole(key, plain);
    EXPECT_EQ(static_cast<int64_t>(cipher.size()), CiphertextSizeFor(size));
    auto reader = OpenReader(cipher, key, size);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ((*reader)->size(), size);
    StatusOr<std::string> back = (*reader)->ReadAt(0, static_cast<size_t>(size) + 100);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_TRUE(*back == plain);
    StatusOr<std::string> hash = PlaintextSha256Hex(**reader);
    ASSERT_TRUE(hash.ok()) << hash.status().ToString();
    EXPECT_EQ(*hash, Sha256Hex(plain));
  }
}

TEST(ClipReaderTest, RandomAccessAcrossSegmentBoundaries) {
  const ClipKey key = TestKey();
  const int64_t size = 3 * kSeg + 5;
  const std::string plain = Plaintext(size);
  auto reader = OpenReader(EncryptWhole(key, plain), key, size);
  ASSERT_TRUE(reader.ok());
  struct Case {
    int64_t offset;
    size_t n;
  };
  const Case cases[] = {
      {0, 10},
      {kSeg - 3, 7},
      {kSeg, 1},
      {2 * kSeg - 1, 2},
      {kSeg - 1, static_cast<size_t>(kSeg) + 2},  // spans three segments
      {3 * kSeg, 5},
      {3 * kSeg + 2, 100},
      {size, 10},
      {5, 0},
      {2 * kSeg + 17, 4096},
      {17, 4096},  // going back to an earlier segment
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << "offset " << c.offset << " n " << c.n);
    StatusOr<std::string> got = (*reader)->ReadAt(c.offset, c.n);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_TRUE(*got == plain.substr(static_cast<size_t>(c.offset), c.n));
  }
  EXPECT_EQ((*reader)->ReadAt(size + 1, 1).status().code(), Code::kInvalidArgument);
  EXPECT_EQ((*reader)->ReadAt(-1, 1).status().code(), Code::kInvalidArgument);
}

TEST(ClipReaderTest, FlippedByteAnywhereIsDataLoss) {
  const ClipKey key = TestKey();
  const int64_t size = 2 * kSeg + 100;
  const std::string plain = Plaintext(size);
  const std::string cipher = EncryptWhole(key, plain);
  const int64_t seg_bytes = kSeg + kSegmentOverheadBytes;
  for (int64_t pos : {int64_t{0}, int64_t{23}, int64_t{24}, int64_t{5000}, seg_bytes - 1, seg_bytes,
                      seg_bytes + 30, 2 * seg_bytes + 3, static_cast<int64_t>(cipher.size()) - 1}) {
    SCOPED_TRACE(pos);
    std::string bad = cipher;
    bad[static_cast<size_t>(pos)] ^= 0x01;
    StatusOr<std::string> got = DecryptAll(bad, key, size);
    EXPECT_EQ(got.status().code(), Code::kDataLoss);
    EXPECT_THAT(got.status().message(), HasSubstr("failed authentication"));
    auto reader = OpenReader(bad, key, size);
    ASSERT_TRUE(reader.ok());
    EXPECT_EQ(PlaintextSha256Hex(**reader).status().code(), Code::kDataLoss);
  }
}

TEST(ClipReaderTest, SwappedSegmentsAreDataLoss) {
  const ClipKey key = TestKey();
  const int64_t size = 3 * kSeg;
  const std::string cipher = EncryptWhole(key, Plaintext(size));
  const size_t seg_bytes = static_cast<size_t>(kSeg + kSegmentOverheadBytes);
  std::string swapped = cipher.substr(seg_bytes, seg_bytes) + cipher.substr(0, seg_bytes) +
                        cipher.substr(2 * seg_bytes);
  ASSERT_EQ(swapped.size(), cipher.size());
  StatusOr<std::string> got = DecryptAll(swapped, key, size);
  EXPECT_EQ(got.status().code(), Code::kDataLoss);
  EXPECT_EQ(got.status().message(), "segment 0 of clip failed authentication");
  // The same segment twice is no better.
  std::string duplicated =
      cipher.substr(0, seg_bytes) + cipher.substr(0, seg_bytes) + cipher.substr(2 * seg_bytes);
  EXPECT_EQ(DecryptAll(duplicated, key, size).status().code(), Code::kDataLoss);
}

TEST(ClipReaderTest, TruncatedOrExtendedFileIsDataLossAtOpen) {
  const ClipKey key = TestKey();
  const int64_t size = 2 * kSeg + 100;
  const std::string cipher = EncryptWhole(key, Plaintext(size));
  auto truncated = OpenReader(cipher.substr(0, cipher.size() - 1), key, size);
  EXPECT_EQ(truncated.status().code(), Code::kDataLoss);
  EXPECT_THAT(truncated.status().message(), HasSubstr("truncated"));
  // The whole last segment cut off.
  const size_t two_segments = static_cast<size_t>(2 * (kSeg + kSegmentOverheadBytes));
  EXPECT_EQ(OpenReader(cipher.substr(0, two_segments), key, size).status().code(), Code::kDataLoss);
  auto extended = OpenReader(cipher + "x", key, size);
  EXPECT_EQ(extended.status().code(), Code::kDataLoss);
  EXPECT_THAT(extended.status().message(), HasSubstr("extended"));
}

TEST(ClipReaderTest, TruncationPassedOffAsShorterClipFailsOnFinalTag) {
  // Someone cuts the last segment off and also lowers the recorded size to match: the file size
  // check passes, but the new last segment was sealed as TAG_MESSAGE, not TAG_FINAL.
  const ClipKey key = TestKey();
  const std::string cipher = EncryptWhole(key, Plaintext(2 * kSeg + 100));
  const size_t two_segments = static_cast<size_t>(2 * (kSeg + kSegmentOverheadBytes));
  auto reader = OpenReader(cipher.substr(0, two_segments), key, 2 * kSeg);
  ASSERT_TRUE(reader.ok());
  EXPECT_TRUE((*reader)->ReadAt(0, 10).ok());  // Segment 0 is fine.
  StatusOr<std::string> last = (*reader)->ReadAt(kSeg, 10);
  EXPECT_EQ(last.status().code(), Code::kDataLoss);
  EXPECT_EQ(last.status().message(), "segment 1 of clip failed authentication");
}

TEST(ClipReaderTest, WrongKeyIsDataLoss) {
  const int64_t size = kSeg + 7;
  const std::string cipher = EncryptWhole(TestKey(1), Plaintext(size));
  EXPECT_EQ(DecryptAll(cipher, TestKey(2), size).status().code(), Code::kDataLoss);
}

TEST(ClipReaderTest, RejectsNegativeSize) {
  EXPECT_EQ(OpenReader("", TestKey(), -1).status().code(), Code::kInvalidArgument);
}

TEST(SegmentWriterTest, WritesEachSegmentWhenCompleteAndNeverSyncs) {
  const ClipKey key = TestKey();
  const int64_t size = 2 * kSeg + 10;
  const std::string plain = Plaintext(size);
  std::string out;
  StringFile file(&out);
  SegmentWriter writer(key, size, 0, &file);
  EXPECT_FALSE(writer.done());

  ASSERT_TRUE(writer.Append(std::string_view(plain).substr(0, kSeg - 1)).ok());
  EXPECT_EQ(writer.plain_offset(), kSeg - 1);
  EXPECT_EQ(writer.buffered_bytes(), kSeg - 1);
  EXPECT_TRUE(out.empty());

  ASSERT_TRUE(writer.Append(std::string_view(plain).substr(kSeg - 1, 2)).ok());
  EXPECT_EQ(writer.plain_offset(), kSeg + 1);
  EXPECT_EQ(writer.buffered_bytes(), 1);
  EXPECT_EQ(static_cast<int64_t>(out.size()), CiphertextSizeFor(kSeg));

  ASSERT_TRUE(writer.Append(std::string_view(plain).substr(kSeg + 1)).ok());
  EXPECT_EQ(writer.plain_offset(), size);
  EXPECT_EQ(writer.buffered_bytes(), 0);
  EXPECT_TRUE(writer.done());
  EXPECT_EQ(file.syncs(), 0);

  StatusOr<std::string> back = DecryptAll(out, key, size);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == plain);
}

TEST(SegmentWriterTest, SmallPiecesGiveSameClip) {
  const ClipKey key = TestKey();
  const int64_t size = kSeg + 4321;
  const std::string plain = Plaintext(size);
  std::string out;
  StringFile file(&out);
  SegmentWriter writer(key, size, 0, &file);
  for (size_t at = 0; at < plain.size(); at += 65537) {
    ASSERT_TRUE(writer.Append(std::string_view(plain).substr(at, 65537)).ok());
  }
  ASSERT_TRUE(writer.done());
  StatusOr<std::string> back = DecryptAll(out, key, size);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == plain);
}

TEST(SegmentWriterTest, AppendingPastTotalIsInvalidArgumentAndConsumesNothing) {
  std::string out;
  StringFile file(&out);
  SegmentWriter writer(TestKey(), 10, 0, &file);
  ASSERT_TRUE(writer.Append("12345").ok());
  Status s = writer.Append("678901");
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("exceed"));
  EXPECT_EQ(writer.plain_offset(), 5);
  ASSERT_TRUE(writer.Append("67890").ok());
  EXPECT_TRUE(writer.done());
  EXPECT_EQ(writer.Append("x").code(), Code::kInvalidArgument);
  EXPECT_TRUE(writer.Append("").ok());
}

TEST(SegmentWriterTest, EmptyClipIsDoneAtOnce) {
  std::string out;
  StringFile file(&out);
  SegmentWriter writer(TestKey(), 0, 0, &file);
  EXPECT_TRUE(writer.done());
  EXPECT_TRUE(writer.Append("").ok());
  EXPECT_TRUE(out.empty());
}

TEST(SegmentWriterTest, ResumeAtSegmentBoundaryGivesSamePlaintext) {
  const ClipKey key = TestKey();
  const int64_t size = 3 * kSeg + 5;
  const std::string plain = Plaintext(size);

  // First attempt: dies after 1.5 segments; only the complete segment counts.
  std::string out;
  {
    StringFile file(&out);
    SegmentWriter writer(key, size, 0, &file);
    ASSERT_TRUE(writer.Append(std::string_view(plain).substr(0, kSeg + kSeg / 2)).ok());
    EXPECT_EQ(writer.buffered_bytes(), kSeg / 2);
  }
  ASSERT_EQ(static_cast<int64_t>(out.size()), CiphertextSizeFor(kSeg));

  // Resume at the boundary.
  {
    StringFile file(&out);
    SegmentWriter writer(key, size, kSeg, &file);
    EXPECT_EQ(writer.plain_offset(), kSeg);
    ASSERT_TRUE(writer.Append(std::string_view(plain).substr(kSeg)).ok());
    EXPECT_TRUE(writer.done());
  }
  StatusOr<std::string> back = DecryptAll(out, key, size);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == plain);
}

TEST(SegmentWriterTest, ResumeAtEndIsDone) {
  std::string out;
  StringFile file(&out);
  SegmentWriter writer(TestKey(), 2 * kSeg, 2 * kSeg, &file);
  EXPECT_TRUE(writer.done());
  EXPECT_EQ(writer.plain_offset(), 2 * kSeg);
}

TEST(SegmentWriterTest, BadResumeOffsetIsInvalidArgument) {
  std::string out;
  StringFile file(&out);
  for (int64_t offset : {int64_t{-kSeg}, int64_t{1}, kSeg + 1, 3 * kSeg}) {
    SCOPED_TRACE(offset);
    SegmentWriter writer(TestKey(), 2 * kSeg + 1, offset, &file);
    Status s = writer.Append("x");
    EXPECT_EQ(s.code(), Code::kInvalidArgument);
    EXPECT_THAT(s.message(), HasSubstr("resume offset"));
    EXPECT_FALSE(writer.done());
  }
  EXPECT_TRUE(out.empty());
}

TEST(SegmentWriterTest, OutputFailureSticks) {
  std::string out;
  StringFile file(&out);
  file.FailAfter(1);
  SegmentWriter writer(TestKey(), 3 * kSeg, 0, &file);
  const std::string plain = Plaintext(3 * kSeg);
  Status s = writer.Append(plain);
  EXPECT_EQ(s.code(), Code::kInternal);
  EXPECT_EQ(static_cast<int64_t>(out.size()), CiphertextSizeFor(kSeg));
  EXPECT_EQ(writer.Append("").code(), Code::kInternal);
  EXPECT_FALSE(writer.done());
}

TEST(ClipCipherTest, WrapUnwrapRoundTrip) {
  DeterministicRandom random(5);
  MasterKey master;
  random.Fill(master);
  const ClipKey key = NewClipKey(random);
  const std::string wrapped = WrapKey(master, key, "clip_abc", random);
  EXPECT_EQ(wrapped.size(), kWrappedKeyBytes);
  StatusOr<ClipKey> back = UnwrapKey(master, wrapped, "clip_abc");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, key);
  // A fresh nonce each time.
  EXPECT_NE(WrapKey(master, key, "clip_abc", random), wrapped);
}

TEST(ClipCipherTest, UnwrapRejectsWrongAdKeyOrTampering) {
  DeterministicRandom random(6);
  MasterKey master;
  random.Fill(master);
  const ClipKey key = NewClipKey(random);
  const std::string wrapped = WrapKey(master, key, "clip_abc", random);

  StatusOr<ClipKey> wrong_ad = UnwrapKey(master, wrapped, "clip_abd");
  EXPECT_EQ(wrong_ad.status().code(), Code::kDataLoss);
  EXPECT_THAT(wrong_ad.status().message(), HasSubstr("failed authentication"));

  MasterKey other = master;
  other[0] ^= 1;
  EXPECT_EQ(UnwrapKey(other, wrapped, "clip_abc").status().code(), Code::kDataLoss);

  for (size_t i : {size_t{0}, size_t{24}, kWrappedKeyBytes - 1}) {
    std::string bad = wrapped;
    bad[i] ^= 0x80;
    EXPECT_EQ(UnwrapKey(master, bad, "clip_abc").status().code(), Code::kDataLoss);
  }
  EXPECT_EQ(UnwrapKey(master, wrapped.substr(1), "clip_abc").status().code(), Code::kDataLoss);
}

}  // namespace
}  // namespace canvass::media
