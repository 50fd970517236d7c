#include "recognize/decode.h"

#include <gtest/gtest.h>

#include <map>

namespace canvass::recognize {
namespace {

// Reader output built by hand: each column is a map from character ('-' for blank) to
// probability; whatever is left is spread over the other classes.
std::vector<float> Columns(const std::vector<std::map<char, float>>& cols) {
  std::vector<float> probs;
  for (const auto& col : cols) {
    std::vector<float> row(kClasses, 0);
    float used = 0;
    for (const auto& [ch, p] : col) {
      int c = ch == '-' ? 0 : static_cast<int>(kAlphabet.find(ch)) + 1;
      row[c] = p;
      used += p;
    }
    int others = kClasses - static_cast<int>(col.size());
    for (float& v : row) {
      if (v == 0) v = (1 - used) / others;
    }
    probs.insert(probs.end(), row.begin(), row.end());
  }
  return probs;
}

std::vector<CharSlot> Slots(const std::vector<std::map<char, float>>& cols) {
  std::vector<float> p = Columns(cols);
  return BestPathSlots(p.data(), static_cast<int>(cols.size()));
}

std::vector<std::map<char, float>> Clear(std::string_view text) {
  std::vector<std::map<char, float>> cols;
  for (char c : text) {
    cols.push_back({{c, 0.97f}});
    cols.push_back({{'-', 0.97f}});
  }
  return cols;
}

TEST(BestPathSlots, MergesRepeatsAndDropsBlanks) {
  auto slots = Slots(
      {{{'A', 0.9f}}, {{'A', 0.95f}}, {{'-', 0.9f}}, {{'A', 0.9f}}, {{'7', 0.8f}}, {{'-', 0.99f}}});
  ASSERT_EQ(slots.size(), 3u);
  EXPECT_GT(slots[0].probs[kAlphabet.find('A')], 0.9f);
  EXPECT_GT(slots[2].probs[kAlphabet.find('7')], 0.7f);
}

TEST(BestPathSlots, EmptyWhenAllBlank) {
  EXPECT_TRUE(Slots({{{'-', 0.9f}}, {{'-', 0.9f}}}).empty());
}

TEST(RankReadings, ClearPlateReadsAsItIs) {
  auto r = RankReadings(Slots(Clear("7KQD418")), Region::kUs, 5);
  ASSERT_FALSE(r.empty());
  EXPECT_EQ(r[0].text, "7KQD418");
  EXPECT_GT(r[0].confidence, 0.5);
}

TEST(RankReadings, VanityPlateSurvivesFormatRules) {
  auto r = RankReadings(Slots(Clear("NTGUILTY")), Region::kUs, 5);
  ASSERT_FALSE(r.empty());
  EXPECT_EQ(r[0].text, "NTGUILTY");
}

TEST(RankReadings, FixesConfusableDigitWhereTheFormatWantsALetter) {
  // Slovak LLDDDLL: the reader leans to 8 in the sixth place, where a letter belongs.
  auto cols = Clear("BA123");
  cols.push_back({{'8', 0.55f}, {'B', 0.40f}});
  cols.push_back({{'-', 0.97f}});
  auto tail = Clear("X");
  cols.insert(cols.end(), tail.begin(), tail.end());
  auto r = RankReadings(Slots(cols), Region::kEu, 5);
  ASSERT_FALSE(r.empty());
  EXPECT_EQ(r[0].text, "BA123BX");
  bool has_raw = false;
  for (const auto& c : r) has_raw = has_raw || c.text == "BA1238X";
  EXPECT_TRUE(has_raw) << "the raw reading stays among the candidates";
}

TEST(RankReadings, FixesConfusableLetterWhereTheFormatWantsADigit) {
  // US LLLDDDD: O read in a digit place becomes 0.
  auto cols = Clear("ABC");
  cols.push_back({{'O', 0.6f}, {'0', 0.35f}});
  cols.push_back({{'-', 0.97f}});
  auto tail = Clear("123");
  cols.insert(cols.end(), tail.begin(), tail.end());
  auto r = RankReadings(Slots(cols), Region::kUs, 5);
  ASSERT_FALSE(r.empty());
  EXPECT_EQ(r[0].text, "ABC0123");
}

TEST(RankReadings, CandidatesAreDistinctRankedAndBounded) {
  auto cols = Clear("AB");
  cols.push_back({{'1', 0.5f}, {'I', 0.3f}, {'7', 0.1f}});
  cols.push_back({{'-', 0.97f}});
  auto r = RankReadings(Slots(cols), Region::kUs, 3);
  ASSERT_EQ(r.size(), 3u);
  for (size_t i = 1; i < r.size(); ++i) {
    EXPECT_GE(r[i - 1].confidence, r[i].confidence);
    EXPECT_NE(r[i - 1].text, r[i].text);
  }
}

TEST(PoolReadings, TakesEachTextsBestCutAndRanksByIt) {
  // The tight cut lost the last characters; the wider cut read them. Averaging would rank the
  // tight cut's reading first (0.45 against 0.4); the best cut's confidence ranks the full one.
  std::vector<std::vector<TextCandidate>> cuts = {
      {{"RK619", 0.6}, {"RK619AS", 0.1}},
      {{"RK619AS", 0.7}, {"RK619", 0.3}, {"RK6I9AS", 0.05}},
  };
  auto r = PoolReadings(cuts, 10);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].text, "RK619AS");
  EXPECT_DOUBLE_EQ(r[0].confidence, 0.7);
  EXPECT_EQ(r[1].text, "RK619");
  EXPECT_DOUBLE_EQ(r[1].confidence, 0.6);
  EXPECT_EQ(r[2].text, "RK6I9AS");
  EXPECT_EQ(PoolReadings(cuts, 1).size(), 1u);
  EXPECT_TRUE(PoolReadings({}, 5).empty());
}

TEST(PoolReadings, TiesGoByText) {
  auto r = PoolReadings({{{"B2", 0.5}}, {{"A1", 0.5}}}, 10);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].text, "A1");
}

TEST(PoolReadings, GivesTheTextWithOneMoreCharacterAtTheRightEndTheLead) {
  // One cut read the last A, the other dropped it at a slightly higher confidence.
  auto r = PoolReadings({{{"Z822A", 0.50}, {"Z922A", 0.03}}, {{"Z822AA", 0.45}}}, 10);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].text, "Z822AA");
  EXPECT_DOUBLE_EQ(r[0].confidence, 0.50);
  EXPECT_EQ(r[1].text, "Z822A");
  EXPECT_DOUBLE_EQ(r[1].confidence, 0.45);
  // Of several one-character extensions, the most confident takes the lead.
  r = PoolReadings({{{"TENKAR", 0.5}, {"TENKARX", 0.36}}, {{"TENKARA", 0.4}}}, 10);
  EXPECT_EQ(r[0].text, "TENKARA");
}

TEST(PoolReadings, KeepsAClearlyBetterShorterTextAndTheLeftEndAlone) {
  // Far less confident (under kRightEndRatio of the shorter): no change.
  auto r = PoolReadings({{{"6DZG261", 0.9}}, {{"6DZG2618", 0.5}}}, 10);
  EXPECT_EQ(r[0].text, "6DZG261");
  // One more character at the left end: both errors are common there; no change.
  r = PoolReadings({{{"DZG261", 0.5}}, {{"6DZG261", 0.45}}}, 10);
  EXPECT_EQ(r[0].text, "DZG261");
  // Two more characters: no change.
  r = PoolReadings({{{"DZG261", 0.5}}, {{"DZG26188", 0.45}}}, 10);
  EXPECT_EQ(r[0].text, "DZG261");
}

TEST(FitsRegionFormat, KnowsSlovakAndUsSerials) {
  EXPECT_TRUE(FitsRegionFormat("BA123AB", Region::kEu));
  EXPECT_FALSE(FitsRegionFormat("BA1238B", Region::kEu));
  EXPECT_TRUE(FitsRegionFormat("ABC1234", Region::kUs));
  EXPECT_FALSE(FitsRegionFormat("NTGUILTY", Region::kUs));
}

TEST(ParseRegion, AcceptsUsAndEuOnly) {
  EXPECT_EQ(*ParseRegion("us"), Region::kUs);
  EXPECT_EQ(*ParseRegion("eu"), Region::kEu);
  EXPECT_EQ(ParseRegion("mars").status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace canvass::recognize
