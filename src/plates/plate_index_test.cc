#include "plates/plate_index.h"

#include "common/clock.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace canvass::plates {
namespace {

constexpr int64_t kT0 = 1'800'000'000'000'000;  // 2027-01-15, in microseconds.

using Mode = PlateSearchMode;

struct Read {
  uint64_t index;
  std::string plate;
  uint32_t camera;
  int64_t time_us;
};

// Glob matching written as plainly as possible (recursive), to check the index's matcher.
bool NaiveGlob(std::string_view p, std::string_view s) {
  if (p.empty()) return s.empty();
  if (p[0] == '*') return NaiveGlob(p.substr(1), s) || (!s.empty() && NaiveGlob(p, s.substr(1)));
  if (s.empty()) return false;
  return (p[0] == '?' || p[0] == s[0]) && NaiveGlob(p.substr(1), s.substr(1));
}

size_t Levenshtein(const std::string& a, const std::string& b) {
  if (a.size() > b.size() + 1 || b.size() > a.size() + 1) return 2;  // At least 2: enough here.
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// Every read in a vector; a search looks at all of them.
class BruteForce {
 public:
  void Add(const Read& r) {
    reads_.push_back(r);
    keys_.push_back(ConfusionClasses::Default().Key(r.plate));
  }
  bool Remove(const std::string& plate, uint64_t index) {
    for (size_t i = 0; i < reads_.size(); ++i) {
      if (reads_[i].plate == plate && reads_[i].index == index) {
        reads_.erase(reads_.begin() + static_cast<ptrdiff_t>(i));
        keys_.erase(keys_.begin() + static_cast<ptrdiff_t>(i));
        return true;
      }
    }
    return false;
  }
  size_t RemoveBefore(int64_t cutoff) {
    size_t before = reads_.size(), kept = 0;
    for (size_t i = 0; i < reads_.size(); ++i) {
      if (reads_[i].time_us < cutoff) continue;
      reads_[kept] = reads_[i];
      keys_[kept++] = keys_[i];
    }
    reads_.resize(kept);
    keys_.resize(kept);
    return before - kept;
  }
  size_t size() const { return reads_.size(); }
  const std::vector<Read>& reads() const { return reads_; }

  // Expects a valid query (the index checks validation).
  std::vector<ReadRef> Search(const PlateQuery& q) const {
    const ConfusionClasses& c = ConfusionClasses::Default();
    std::string text;
    for (char ch : q.text) {
      if (ch == ' ' || ch == '-' || ch == '.') continue;
      text += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    }
    std::vector<ReadRef> out;
    std::string key = c.Key(text);
    for (size_t i = 0; i < reads_.size(); ++i) {
      const Read& r = reads_[i];
      bool match = false;
      switch (q.mode) {
        case Mode::kExact:
          match = r.plate == text;
          break;
        case Mode::kWildcard:
          match = NaiveGlob(text, r.plate);
          break;
        case Mode::kFuzzyClass:
          match = keys_[i] == key;
          break;
        case Mode::kFuzzyEdit:
          match = Levenshtein(keys_[i], key) <= 1;
          break;
      }
      if (!match || r.time_us < q.from_us || r.time_us >= q.to_us) continue;
      if (q.cameras && !std::binary_search(q.cameras->begin(), q.cameras->end(), r.camera)) {
        continue;
      }
      out.push_back({r.index, r.time_us, r.camera});
    }
    std::sort(out.begin(), out.end(), [](const ReadRef& a, const ReadRef& b) {
      return a.time_us != b.time_us ? a.time_us > b.time_us : a.read_index < b.read_index;
    });
    return out;  // The caller applies the limit.
  }

 private:
  std::vector<Read> reads_;
  std::vector<std::string> keys_;  // Confusion keys of reads_.
};

// Plates shaped like real ones, with near neighbours (one edit, confusable glyphs) on purpose.
class PlateMaker {
 public:
  explicit PlateMaker(uint64_t seed) : rng_(seed) {}

  std::string Letter() { return std::string(1, static_cast<char>('A' + rng_() % 26)); }
  std::string Digit() { return std::string(1, static_cast<char>('0' + rng_() % 10)); }
  char Any() {
    static const char kAll[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    return kAll[rng_() % 36];
  }

  std::string Fresh() {
    std::string p;
    switch (rng_() % 6) {
      case 0:  // IL "AB 12345"
        p = Letter() + Letter();
        for (int i = 0; i < 5; ++i) p += Digit();
        break;
      case 1:  // CA "7ABC123"
        p = Digit() + Letter() + Letter() + Letter() + Digit() + Digit() + Digit();
        break;
      case 2:  // TX, NY "ABC1234"
        p = Letter() + Letter() + Letter() + Digit() + Digit() + Digit() + Digit();
        break;
      case 3:  // FL "ABC D12"
        p = Letter() + Letter() + Letter() + Letter() + Digit() + Digit();
        break;
      default: {  // Vanity, 2 to 8 characters.
        size_t n = 2 + rng_() % 7;
        for (size_t i = 0; i < n; ++i) p += Any();
      }
    }
    return p;
  }

  // A plate one random edit (or a few confusable swaps) away from `p`, still 2-8 characters.
  std::string Near(std::string p) {
    static const std::string kConfusable[] = {"0DOQ", "1IL", "2Z", "5S", "6G", "8B"};
    switch (rng_() % 4) {
      case 0:
        p[rng_() % p.size()] = Any();
        break;
      case 1:
        if (p.size() < kMaxPlateChars) p.insert(p.begin() + rng_() % (p.size() + 1), Any());
        break;
      case 2:
        if (p.size() > kMinPlateChars) p.erase(p.begin() + rng_() % p.size());
        break;
      default:
        for (char& ch : p) {
          for (const std::string& cls : kConfusable) {
            if (cls.find(ch) != std::string::npos && rng_() % 2) ch = cls[rng_() % cls.size()];
          }
        }
    }
    return p;
  }

  // A pattern that some plate like `p` matches: characters turned into '?', runs into '*'.
  std::string PatternFrom(const std::string& p) {
    for (;;) {
      std::string out;
      for (size_t i = 0; i < p.size(); ++i) {
        uint64_t r = rng_() % 10;
        if (r < 2) {
          out += '?';
        } else if (r < 4) {
          out += '*';
          i += rng_() % 3;  // Swallows 0 to 3 characters.
        } else {
          out += p[i];
        }
      }
      if (rng_() % 3 == 0) out = "*" + out;
      if (rng_() % 3 == 0) out += "*";
      if (std::count_if(out.begin(), out.end(), [](char c) { return c != '*' && c != '?'; }) >= 2) {
        return out;
      }
    }
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

void ExpectSame(const PlateIndex& index, const BruteForce& brute, const PlateQuery& q) {
  StatusOr<PlateSearchResult> got = index.Search(q);
  ASSERT_TRUE(got.ok()) << got.status().ToString() << " for '" << q.text << "'";
  std::vector<ReadRef> want = brute.Search(q);
  bool truncated = want.size() > q.limit;
  if (truncated) want.resize(q.limit);
  EXPECT_EQ(got->truncated, truncated);
  ASSERT_EQ(got->reads, want) << "mode " << static_cast<int>(q.mode) << " text '" << q.text
                              << "' from " << q.from_us << " to " << q.to_us << " limit " << q.limit
                              << " cameras "
                              << (q.cameras ? std::to_string(q.cameras->size()) : "all");
}

// Many queries of every mode, with and without filters, against the brute force.
void CheckAllModes(const PlateIndex& index, const BruteForce& brute, PlateMaker& maker,
                   int queries) {
  auto& rng = maker.rng();
  const auto& reads = brute.reads();
  ASSERT_FALSE(reads.empty());
  std::vector<uint32_t> some_cameras, no_cameras, far_cameras;
  for (uint32_t c = 0; c < 50; ++c) {
    if (rng() % 3 == 0) some_cameras.push_back(c);
    if (rng() % 3 == 0) far_cameras.push_back(c);
  }
  far_cameras.push_back(4'000'000'000u);  // Too sparse for a bitmap: binary search.
  for (int i = 0; i < queries; ++i) {
    const std::string& plate = reads[rng() % reads.size()].plate;
    std::string text;
    PlateQuery q;
    switch (i % 4) {
      case 0:
        q.mode = Mode::kExact;
        text = rng() % 4 ? plate : maker.Fresh();
        break;
      case 1:
        q.mode = Mode::kWildcard;
        text = maker.PatternFrom(plate);
        if (std::count_if(text.begin(), text.end(), [](char c) { return c != '*'; }) > 8) {
          text = "*" + plate.substr(plate.size() - 2);
        }
        break;
      case 2:
        q.mode = Mode::kFuzzyClass;
        text = rng() % 2 ? maker.Near(plate) : plate;
        break;
      default:
        q.mode = Mode::kFuzzyEdit;
        text = rng() % 4 ? maker.Near(plate) : maker.Near(maker.Near(plate));
    }
    q.text = text;
    switch (rng() % 4) {
      case 0:
        break;
      case 1:
        q.from_us = kT0 + static_cast<int64_t>(rng() % 10) * kDayUs;
        q.to_us = q.from_us + static_cast<int64_t>(1 + rng() % 5) * kDayUs;
        break;
      case 2:
        q.cameras = rng() % 2 ? &some_cameras : &far_cameras;
        break;
      default:
        q.from_us = kT0 + static_cast<int64_t>(rng() % 10) * kDayUs;
        q.cameras = rng() % 8 ? &some_cameras : &no_cameras;
    }
    q.limit = rng() % 3 == 0 ? 1 + rng() % 5 : 1000;
    ExpectSame(index, brute, q);
    if (testing::Test::HasFatalFailure()) return;
  }
}

TEST(PlateIndex, MatchesBruteForceInEveryModeBeforeAndAfterRemovals) {
  PlateMaker maker(42);
  auto& rng = maker.rng();
  std::vector<std::string> plates;
  for (int i = 0; i < 1500; ++i) {
    plates.push_back(!plates.empty() && rng() % 3 == 0 ? maker.Near(plates[rng() % plates.size()])
                                                       : maker.Fresh());
  }
  plates.push_back("AB");
  plates.push_back("ABCD1234");
  PlateIndex index;
  BruteForce brute;
  uint64_t next_index = 1;
  auto add_reads = [&](int64_t from_us, int64_t span_us, size_t count) {
    for (size_t i = 0; i < count; ++i) {
      Read r{next_index++, plates[rng() % plates.size()], static_cast<uint32_t>(rng() % 50),
             from_us + static_cast<int64_t>(rng() % static_cast<uint64_t>(span_us))};
      if (rng() % 20 == 0) r.time_us = from_us;  // Equal times: ties broken by read index.
      ASSERT_TRUE(index.Add({r.index, r.plate, r.camera, r.time_us}).ok());
      brute.Add(r);
    }
  };
  add_reads(kT0, 10 * kDayUs, 8000);
  EXPECT_EQ(index.read_count(), brute.size());
  CheckAllModes(index, brute, maker, 800);
  ASSERT_FALSE(HasFatalFailure());

  // Single removals (some of unknown reads), then retention in small steps.
  for (int i = 0; i < 1500; ++i) {
    const Read r = brute.reads()[rng() % brute.size()];
    ASSERT_TRUE(index.Remove(r.plate, r.index));
    ASSERT_TRUE(brute.Remove(r.plate, r.index));
  }
  EXPECT_FALSE(index.Remove("ZZZZZZZ9", 1));
  EXPECT_FALSE(index.Remove(brute.reads()[0].plate, 999'999'999));
  for (int64_t cutoff = kT0; cutoff < kT0 + 3 * kDayUs; cutoff += 37 * kMinuteUs) {
    EXPECT_EQ(index.RemoveReadsBefore(cutoff), brute.RemoveBefore(cutoff));
  }
  EXPECT_EQ(index.read_count(), brute.size());
  CheckAllModes(index, brute, maker, 800);
  ASSERT_FALSE(HasFatalFailure());

  // New reads reuse the freed plate ids.
  add_reads(kT0 + 3 * kDayUs, 7 * kDayUs, 3000);
  index.ShrinkToFit();
  EXPECT_EQ(index.read_count(), brute.size());
  CheckAllModes(index, brute, maker, 800);
  ASSERT_FALSE(HasFatalFailure());

  // Retention past everything empties the index.
  EXPECT_EQ(index.RemoveReadsBefore(kT0 + 20 * kDayUs), brute.RemoveBefore(kT0 + 20 * kDayUs));
  EXPECT_EQ(index.read_count(), 0u);
  EXPECT_EQ(index.plate_count(), 0u);
}

class PlateIndexTest : public testing::Test {
 protected:
  void Add(const std::string& plate, uint64_t index, int64_t time_us = kT0, uint32_t camera = 1) {
    ASSERT_TRUE(index_.Add({index, plate, camera, time_us}).ok()) << plate;
  }
  // The read indexes a search returns.
  std::vector<uint64_t> Find(Mode mode, std::string_view text, size_t limit = 1000) {
    StatusOr<PlateSearchResult> r = index_.Search({.mode = mode, .text = text, .limit = limit});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<uint64_t> out;
    if (r.ok()) {
      for (const ReadRef& ref : r->reads) out.push_back(ref.read_index);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  Status Error(Mode mode, std::string_view text) {
    StatusOr<PlateSearchResult> r = index_.Search({.mode = mode, .text = text});
    return r.status();
  }

  PlateIndex index_;
};

using V = std::vector<uint64_t>;

TEST_F(PlateIndexTest, PatternsOfOnlyWildcardsAreRefused) {
  Add("AB1", 1);
  for (std::string_view p : {"*", "**", "?", "??", "*?*", "*A*", "A", "?A?*", "*A?"}) {
    Status s = Error(Mode::kWildcard, p);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << p;
    EXPECT_NE(s.message().find("at least 2"), std::string::npos) << s.message();
  }
  Status nine = Error(Mode::kWildcard, "AB???????");
  EXPECT_EQ(nine.code(), Code::kInvalidArgument);
  EXPECT_NE(nine.message().find("at most 8"), std::string::npos) << nine.message();
  EXPECT_EQ(Error(Mode::kWildcard, "AB%").code(), Code::kInvalidArgument);
  EXPECT_EQ(Error(Mode::kExact, "A").code(), Code::kInvalidArgument);
  EXPECT_EQ(Error(Mode::kFuzzyEdit, "ABCDEFGHI").code(), Code::kInvalidArgument);
  EXPECT_EQ(Find(Mode::kWildcard, "ab-1"), V{1});  // Normalised like a plate; no wildcard.
}

TEST_F(PlateIndexTest, QuestionMarkIsOneCharacterStarIsAnyRun) {
  Add("AB", 1);
  Add("AB1", 2);
  Add("AB12", 3);
  Add("XAB1", 4);
  EXPECT_EQ(Find(Mode::kWildcard, "AB?"), (V{2}));
  EXPECT_EQ(Find(Mode::kWildcard, "AB*"), (V{1, 2, 3}));
  EXPECT_EQ(Find(Mode::kWildcard, "AB?*"), (V{2, 3}));
  EXPECT_EQ(Find(Mode::kWildcard, "AB??"), (V{3}));
  EXPECT_EQ(Find(Mode::kWildcard, "*AB1"), (V{2, 4}));
  EXPECT_EQ(Find(Mode::kWildcard, "?AB1"), (V{4}));
  EXPECT_EQ(Find(Mode::kWildcard, "*AB*"), (V{1, 2, 3, 4}));  // No trigram: the scan path.
  EXPECT_EQ(Find(Mode::kWildcard, "A*1"), (V{2}));
  EXPECT_EQ(Find(Mode::kWildcard, "*B*2"), (V{3}));
  EXPECT_EQ(Find(Mode::kWildcard, "*AB1*"), (V{2, 3, 4}));  // The trigram path.
  Add("XABY", 5);
  Add("ZABW", 6);
  Add("ZABWX", 7);
  EXPECT_EQ(Find(Mode::kWildcard, "?AB?"), (V{4, 5, 6}));  // The plates of 4 characters.
  EXPECT_TRUE(index_.Remove("XAB1", 4));
  EXPECT_TRUE(index_.Remove("XABY", 5));
  EXPECT_EQ(Find(Mode::kWildcard, "?AB?"), (V{6}));
  Add("QABQ", 8);
  EXPECT_EQ(Find(Mode::kWildcard, "?AB?"), (V{6, 8}));
}

TEST_F(PlateIndexTest, PlatesOfTwoAndEightCharacters) {
  Add("AB", 1);
  Add("ABCDEFGH", 2);
  Add("ABCDEFG", 3);
  EXPECT_EQ(Find(Mode::kExact, "AB"), (V{1}));
  EXPECT_EQ(Find(Mode::kExact, "ABCDEFGH"), (V{2}));
  EXPECT_EQ(Find(Mode::kWildcard, "*AB"), (V{1}));
  EXPECT_EQ(Find(Mode::kWildcard, "*GH"), (V{2}));
  EXPECT_EQ(Find(Mode::kWildcard, "????EFGH"), (V{2}));
  EXPECT_EQ(Find(Mode::kWildcard, "AB??????"), (V{2}));
  EXPECT_EQ(Find(Mode::kFuzzyEdit, "ABX"), (V{1}));  // "AB" + an insertion.
  EXPECT_EQ(Find(Mode::kFuzzyEdit, "XB"), (V{1}));   // Substitution in a 2-character plate.
  EXPECT_EQ(Find(Mode::kFuzzyEdit, "ABCDEFGX"), (V{2, 3}));
  EXPECT_EQ(Find(Mode::kFuzzyEdit, "BCDEFGH"), (V{2}));  // First character deleted.
  EXPECT_EQ(Find(Mode::kFuzzyEdit, "ABCDEF"), (V{3}));   // "ABCDEFG" with the last deleted.
}

TEST_F(PlateIndexTest, OneEditAtEitherEnd) {
  Add("7ABC123", 1);
  for (std::string_view q : {"7ABC123", "ABC123", "7ABC12", "X7ABC123", "7ABC123X", "XABC123",
                             "7ABC12X", "7ABXC123", "7AB123"}) {
    EXPECT_EQ(Find(Mode::kFuzzyEdit, q), (V{1})) << q;
  }
  for (std::string_view q : {"XABC12", "7ABC1", "BC123", "XX7ABC12", "7AC13"}) {
    EXPECT_EQ(Find(Mode::kFuzzyEdit, q), V{}) << q;
  }
}

TEST_F(PlateIndexTest, ConfusionClassesAndOneEditCombine) {
  Add("8OL5AB", 1);
  Add("B0I5AB", 2);
  Add("8OL5AC", 3);
  EXPECT_EQ(Find(Mode::kFuzzyClass, "BDL5A8"), (V{1, 2}));  // 8/B, O/D, 1/I/L.
  EXPECT_EQ(Find(Mode::kExact, "8OL5AB"), (V{1}));
  EXPECT_EQ(Find(Mode::kFuzzyEdit, "B0I5B"), (V{1, 2}));  // Confusables + a deletion.
  EXPECT_EQ(Find(Mode::kFuzzyEdit, "B0I5A"), (V{1, 2, 3}));
  EXPECT_EQ(Find(Mode::kFuzzyEdit, "BQ1SAX"), (V{1, 2, 3}));  // Confusables + a substitution.
  EXPECT_EQ(Find(Mode::kFuzzyEdit, "B0I5AB7"), (V{1, 2}));    // Confusables + an insertion.
  EXPECT_EQ(Find(Mode::kFuzzyEdit, "B0I5AXY"), V{});          // Two edits.
  EXPECT_EQ(Find(Mode::kFuzzyClass, "8OL5AX"), V{});
}

TEST_F(PlateIndexTest, FiltersOrderAndLimit) {
  Add("7ABC123", 10, kT0 + 5, 1);
  Add("7ABC123", 11, kT0 + 5, 2);
  Add("7ABC123", 9, kT0 + 5, 3);
  Add("7ABC123", 12, kT0 + 1, 1);
  Add("7ABC123", 13, kT0 + 9, 7);
  auto search = [&](PlateQuery q) {
    q.mode = Mode::kExact;
    q.text = "7ABC123";
    StatusOr<PlateSearchResult> r = index_.Search(q);
    EXPECT_TRUE(r.ok());
    std::vector<uint64_t> out;
    for (const ReadRef& ref : r->reads) out.push_back(ref.read_index);
    return out;
  };
  EXPECT_EQ(search({}), (V{13, 9, 10, 11, 12}));  // Time descending, then read index.
  EXPECT_EQ(search({.limit = 2}), (V{13, 9}));
  EXPECT_EQ(search({.from_us = kT0 + 1, .to_us = kT0 + 9}), (V{9, 10, 11, 12}));
  EXPECT_EQ(search({.from_us = kT0 + 2, .to_us = kT0 + 5}), V{});
  EXPECT_EQ(search({.from_us = kT0 + 9, .to_us = kT0 + 1}), V{});
  std::vector<uint32_t> cams{1, 7};
  EXPECT_EQ(search({.cameras = &cams}), (V{13, 10, 12}));
  std::vector<uint32_t> none;
  EXPECT_EQ(search({.cameras = &none}), V{});
  std::vector<uint32_t> sparse{2, 3'000'000'000u};
  EXPECT_EQ(search({.cameras = &sparse}), (V{11}));
  std::vector<uint32_t> unsorted{7, 1};
  EXPECT_EQ(index_.Search({.text = "7ABC123", .cameras = &unsorted}).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(index_.Search({.text = "7ABC123", .limit = 0}).status().code(), Code::kInvalidArgument);
  StatusOr<PlateSearchResult> r = index_.Search({.text = "7abc-123", .limit = 2});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->truncated);
  EXPECT_EQ(r->plates, 1u);
  r = index_.Search({.text = "7ABC123", .limit = 5});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->truncated);
}

TEST_F(PlateIndexTest, AddChecksItsInput) {
  EXPECT_EQ(index_.Add({1, "7abc123", 1, kT0}).code(), Code::kInvalidArgument);
  EXPECT_EQ(index_.Add({1, "7ABC-123", 1, kT0}).code(), Code::kInvalidArgument);
  EXPECT_EQ(index_.Add({1, "A", 1, kT0}).code(), Code::kInvalidArgument);
  ASSERT_TRUE(index_.Add({1, "7ABC123", 1, kT0}).ok());
  EXPECT_EQ(index_.Add({1, "7ABC123", 1, kT0}).code(), Code::kAlreadyExists);
  EXPECT_EQ(index_.read_count(), 1u);
}

TEST_F(PlateIndexTest, RetentionAndMemory) {
  size_t empty = index_.MemoryBytes();
  for (uint64_t i = 0; i < 2000; ++i) {
    Add("P" + std::to_string(i % 400), i, kT0 + static_cast<int64_t>(i) * kMinuteUs);
  }
  EXPECT_EQ(index_.plate_count(), 400u);
  size_t full = index_.MemoryBytes();
  EXPECT_GT(full, empty);
  // Small steps, as retention runs; a step inside a bucket keeps the rest of the bucket.
  EXPECT_EQ(index_.RemoveReadsBefore(kT0 + 3 * kMinuteUs), 3u);
  EXPECT_EQ(index_.RemoveReadsBefore(kT0 + 3 * kMinuteUs), 0u);
  EXPECT_EQ(index_.RemoveReadsBefore(kT0 + 1000 * kMinuteUs), 997u);
  EXPECT_EQ(index_.read_count(), 1000u);
  EXPECT_EQ(index_.plate_count(), 400u);
  EXPECT_EQ(index_.RemoveReadsBefore(kT0 + 2000 * kMinuteUs), 1000u);
  EXPECT_EQ(index_.plate_count(), 0u);
  EXPECT_LT(index_.MemoryBytes(), full);
  EXPECT_EQ(Find(Mode::kWildcard, "P1*"), V{});
  // Times at the ends of the range land in buckets too.
  Add("AB12", 1, std::numeric_limits<int64_t>::min());
  Add("AB12", 2, std::numeric_limits<int64_t>::max() - 1);
  EXPECT_EQ(index_.RemoveReadsBefore(0), 1u);
  EXPECT_EQ(index_.RemoveReadsBefore(std::numeric_limits<int64_t>::max()), 1u);
}

TEST(PlateIndex, ConcurrentAddAndSearch) {
  PlateIndex index;
  PlateMaker maker(7);
  std::vector<std::string> plates;
  for (int i = 0; i < 500; ++i) plates.push_back(maker.Fresh());
  std::atomic<bool> done{false};
  std::atomic<uint64_t> searches{0};
  std::thread writer([&] {
    std::mt19937_64 rng(1);
    for (int64_t i = 0; i < 20000; ++i) {
      EXPECT_TRUE(index
                      .Add({static_cast<uint64_t>(i), plates[rng() % plates.size()],
                            static_cast<uint32_t>(rng() % 50), kT0 + i * kMinuteUs})
                      .ok());
      if (i % 2000 == 1999) index.RemoveReadsBefore(kT0 + (i - 5000) * kMinuteUs);
    }
    done = true;
  });
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&, t] {
      std::mt19937_64 rng(100 + t);
      const Mode modes[] = {Mode::kExact, Mode::kWildcard, Mode::kFuzzyClass, Mode::kFuzzyEdit};
      while (!done) {
        const std::string& p = plates[rng() % plates.size()];
        Mode mode = modes[rng() % 4];
        std::string text = mode == Mode::kWildcard ? "*" + p.substr(0, 2) + "*" : p;
        StatusOr<PlateSearchResult> r = index.Search({.mode = mode, .text = text, .limit = 50});
        EXPECT_TRUE(r.ok()) << r.status().ToString();
        if (r.ok()) {
          EXPECT_LE(r->reads.size(), 50u);
        }
        ++searches;
      }
    });
  }
  writer.join();
  for (auto& t : readers) t.join();
  EXPECT_GT(searches.load(), 0u);
  EXPECT_LE(index.read_count(), 20000u);
}

}  // namespace
}  // namespace canvass::plates
