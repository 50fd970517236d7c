#include "plates/hotlist_matcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace canvass::plates {
namespace {

HotListEntry Entry(std::string id, std::string plate, std::string state = "",
                   std::string reason = "STOLEN VEHICLE", int64_t expires_at_us = 0) {
  return {std::move(id), std::move(plate), std::move(state), std::move(reason), expires_at_us};
}

// (list, entry id, kind) of each hit, in the order Match returned them.
std::vector<std::tuple<std::string, std::string, HitKind>> Summary(
    const std::vector<HotListHit>& hits) {
  std::vector<std::tuple<std::string, std::string, HitKind>> out;
  for (const HotListHit& h : hits) out.emplace_back(h.list_id, h.entry.entry_id, h.kind);
  return out;
}

const AgencySet kAll = AgencySet::All();

TEST(HotListMatcher, EmptyMatcherMatchesNothing) {
  HotListMatcher m;
  EXPECT_TRUE(m.Match("ABC123", "IL", 0, kAll).empty());
  EXPECT_TRUE(m.Match("", "", 0, kAll).empty());
  EXPECT_EQ(m.entry_count(), 0u);
  EXPECT_EQ(m.list_count(), 0u);
}

TEST(HotListMatcher, ExactHitCarriesTheEntryListAndAgency) {
  HotListMatcher m;
  ASSERT_TRUE(
      m.ReplaceList("ncic", "agy_cpd", {Entry("n1", "ABC123", "IL", "AMBER ALERT", 99)}).ok());
  std::vector<HotListHit> hits = m.Match("ABC123", "IL", 5, kAll);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].list_id, "ncic");
  EXPECT_EQ(hits[0].agency_id, "agy_cpd");
  EXPECT_EQ(hits[0].entry, Entry("n1", "ABC123", "IL", "AMBER ALERT", 99));
  EXPECT_EQ(hits[0].kind, HitKind::kExact);
  EXPECT_EQ(HitKindName(hits[0].kind), "exact");
  EXPECT_TRUE(m.Match("ABC124", "IL", 5, kAll).empty());
  EXPECT_TRUE(m.Match("ABC12", "IL", 5, kAll).empty());    // A prefix is not a match.
  EXPECT_TRUE(m.Match("ABC1234", "IL", 5, kAll).empty());  // Nor a longer plate.
  EXPECT_TRUE(m.Match("abc123", "IL", 5, kAll).empty());   // Not normalised: no match.
  EXPECT_TRUE(m.Match("ABCDEFGHI", "IL", 5, kAll).empty());
}

// Every pair of members of every class, as the entry's and as the read's character.
TEST(HotListMatcher, EveryConfusionClassInBothDirections) {
  for (std::string group : {"0DOQ", "1IL", "2Z", "5S", "6G", "8B"}) {
    for (char in_list : group) {
      HotListMatcher m;
      ASSERT_TRUE(m.ReplaceList("l", "a", {Entry("e", std::string("X") + in_list + "7")}).ok());
      for (char read : group) {
        std::vector<HotListHit> hits = m.Match(std::string("X") + read + "7", "", 0, kAll);
        ASSERT_EQ(hits.size(), 1u) << in_list << " read as " << read;
        EXPECT_EQ(hits[0].kind, read == in_list ? HitKind::kExact : HitKind::kConfusable)
            << in_list << " read as " << read;
      }
      // A character of no class, or of another class, does not match.
      EXPECT_TRUE(m.Match("XE7", "", 0, kAll).empty());
      EXPECT_TRUE(m.Match("X37", "", 0, kAll).empty());
      char other = group == "0DOQ" ? '1' : '0';
      EXPECT_TRUE(m.Match(std::string("X") + other + "7", "", 0, kAll).empty());
    }
  }
}

TEST(HotListMatcher, SeveralConfusionsInOnePlate) {
  HotListMatcher m;
  ASSERT_TRUE(m.ReplaceList("l", "a", {Entry("e", "B0I5")}).ok());
  auto hits = m.Match("8OL5", "", 0, kAll);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].kind, HitKind::kConfusable);
  EXPECT_EQ(hits[0].entry.plate, "B0I5");
}

TEST(HotListMatcher, CustomConfusionClasses) {
  auto classes = ConfusionClasses::FromGroups({"3E"});
  ASSERT_TRUE(classes.ok());
  HotListMatcher::Options options;
  options.classes = &*classes;
  HotListMatcher m(options);
  ASSERT_TRUE(m.ReplaceList("l", "a", {Entry("e", "AB3")}).ok());
  EXPECT_EQ(m.Match("ABE", "", 0, kAll).size(), 1u);
  EXPECT_TRUE(m.Match("A83", "", 0, kAll).empty());  // B/8 is not a class here.
}

TEST(HotListMatcher, StatesMatchWhenEqualOrEitherIsEmpty) {
  HotListMatcher m;
  ASSERT_TRUE(
      m.ReplaceList("l", "a", {Entry("il", "AB12345", "IL"), Entry("any", "7ABC123", "")}).ok());
  EXPECT_EQ(m.Match("AB12345", "IL", 0, kAll).size(), 1u);
  EXPECT_TRUE(m.Match("AB12345", "IN", 0, kAll).empty());
  EXPECT_EQ(m.Match("AB12345", "", 0, kAll).size(), 1u);  // State unread.
  // A malformed state counts as unread: better a hit a person rejects than a missed one.
  EXPECT_EQ(m.Match("AB12345", "ILL", 0, kAll).size(), 1u);
  EXPECT_EQ(m.Match("7ABC123", "CA", 0, kAll).size(), 1u);
  EXPECT_EQ(m.Match("7ABC123", "", 0, kAll).size(), 1u);
}

TEST(HotListMatcher, ExpiredEntriesDoNotMatchAndRemoveExpiredFreesThem) {
  HotListMatcher m;
  ASSERT_TRUE(m.ReplaceList("l", "a",
                            {Entry("soon", "ABC123", "", "R", 1000), Entry("never", "ABC123"),
                             Entry("later", "XYZ987", "", "R", 5000)})
                  .ok());
  EXPECT_EQ(m.Match("ABC123", "", 999, kAll).size(), 2u);
  auto at_expiry = m.Match("ABC123", "", 1000, kAll);  // Expiry is exclusive.
  ASSERT_EQ(at_expiry.size(), 1u);
  EXPECT_EQ(at_expiry[0].entry.entry_id, "never");
  EXPECT_EQ(m.entry_count(), 3u);
  EXPECT_EQ(m.RemoveExpired(999), 0u);
  EXPECT_EQ(m.RemoveExpired(1000), 1u);
  EXPECT_EQ(m.entry_count(), 2u);
  EXPECT_EQ(m.Match("ABC123", "", 0, kAll).size(), 1u);  // Gone even for an earlier read.
  EXPECT_EQ(m.Match("XYZ987", "", 4999, kAll).size(), 1u);
  EXPECT_EQ(m.RemoveExpired(1'000'000), 1u);
  EXPECT_EQ(m.entry_count(), 1u);
}

TEST(HotListMatcher, ReplaceListReplacesEveryEntryOfThatListOnly) {
  HotListMatcher m;
  ASSERT_TRUE(m.ReplaceList("ncic", "fbi", {Entry("n1", "AAA111"), Entry("n2", "BBB222")}).ok());
  ASSERT_TRUE(m.ReplaceList("local", "cpd", {Entry("c1", "AAA111"), Entry("c2", "CCC333")}).ok());
  EXPECT_EQ(Summary(m.Match("AAA111", "", 0, kAll)),
            (std::vector<std::tuple<std::string, std::string, HitKind>>{
                {"local", "c1", HitKind::kExact}, {"ncic", "n1", HitKind::kExact}}));
  ASSERT_TRUE(m.ReplaceList("ncic", "fbi", {Entry("n3", "DDD444")}).ok());
  EXPECT_EQ(Summary(m.Match("AAA111", "", 0, kAll)),
            (std::vector<std::tuple<std::string, std::string, HitKind>>{
                {"local", "c1", HitKind::kExact}}));
  EXPECT_TRUE(m.Match("BBB222", "", 0, kAll).empty());
  EXPECT_EQ(m.Match("DDD444", "", 0, kAll).size(), 1u);
  EXPECT_EQ(m.Match("CCC333", "", 0, kAll).size(), 1u);
  EXPECT_EQ(m.entry_count(), 3u);
  EXPECT_EQ(m.list_count(), 2u);
  EXPECT_EQ(m.list_entry_count("ncic"), 1u);
  EXPECT_EQ(m.list_entry_count("local"), 2u);
  // An empty import empties the list but keeps it.
  ASSERT_TRUE(m.ReplaceList("ncic", "fbi", {}).ok());
  EXPECT_TRUE(m.Match("DDD444", "", 0, kAll).empty());
  EXPECT_EQ(m.list_count(), 2u);
  ASSERT_TRUE(m.RemoveList("local").ok());
  EXPECT_TRUE(m.Match("AAA111", "", 0, kAll).empty());
  EXPECT_EQ(m.list_count(), 1u);
  EXPECT_EQ(m.RemoveList("local").code(), Code::kNotFound);
}

TEST(HotListMatcher, ReplaceListEditsOnTopAreDiscarded) {
  HotListMatcher m;
  ASSERT_TRUE(m.ReplaceList("l", "a", {Entry("e1", "AAA111")}).ok());
  ASSERT_TRUE(m.AddEntry("l", Entry("e2", "BBB222")).ok());
  ASSERT_TRUE(m.RemoveEntry("l", "e1").ok());
  ASSERT_TRUE(m.ReplaceList("l", "a", {Entry("e1", "AAA111")}).ok());
  EXPECT_EQ(m.Match("AAA111", "", 0, kAll).size(), 1u);
  EXPECT_TRUE(m.Match("BBB222", "", 0, kAll).empty());
  EXPECT_EQ(m.entry_count(), 1u);
}

TEST(HotListMatcher, ReplaceListsChangesSeveralListsAtOnce) {
  HotListMatcher m;
  ASSERT_TRUE(m.ReplaceList("keep", "a", {Entry("k", "KEEP11")}).ok());
  ASSERT_TRUE(m.ReplaceList("old", "a", {Entry("o", "OLD111")}).ok());
  std::vector<HotList> batch = {{"old", "a", {Entry("o2", "NEW111")}},
                                {"fresh", "b", {Entry("f", "FRESH1"), Entry("g", "FRESH2")}}};
  ASSERT_TRUE(m.ReplaceLists(batch).ok());
  EXPECT_EQ(m.list_count(), 3u);
  EXPECT_EQ(m.entry_count(), 4u);
  EXPECT_TRUE(m.Match("OLD111", "", 0, kAll).empty());
  EXPECT_EQ(m.Match("NEW111", "", 0, kAll).size(), 1u);
  EXPECT_EQ(m.Match("FRESH2", "", 0, kAll).size(), 1u);
  EXPECT_EQ(m.Match("KEEP11", "", 0, kAll).size(), 1u);
  // A bad list anywhere in the batch: nothing changes.
  std::vector<HotList> bad = {{"keep", "a", {}}, {"x", "a", {Entry("e", "B@D")}}};
  EXPECT_EQ(m.ReplaceLists(bad).code(), Code::kInvalidArgument);
  std::vector<HotList> twice = {{"keep", "a", {}}, {"keep", "a", {}}};
  Status s = m.ReplaceLists(twice);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("twice"), std::string::npos);
  EXPECT_EQ(m.Match("KEEP11", "", 0, kAll).size(), 1u);
  EXPECT_EQ(m.entry_count(), 4u);
}

TEST(HotListMatcher, AgencyEntitlementFiltersLists) {
  HotListMatcher m;
  ASSERT_TRUE(m.ReplaceList("cpd-list", "agy_cpd", {Entry("c", "ABC123")}).ok());
  ASSERT_TRUE(m.ReplaceList("isp-list", "agy_isp", {Entry("i", "ABC123")}).ok());
  AgencySet cpd = m.Entitlement({"agy_cpd"});
  auto hits = m.Match("ABC123", "", 0, cpd);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].agency_id, "agy_cpd");
  EXPECT_TRUE(m.Match("ABC123", "", 0, AgencySet()).empty());
  EXPECT_EQ(m.Match("ABC123", "", 0, m.Entitlement({"agy_cpd", "agy_isp"})).size(), 2u);
  EXPECT_EQ(m.Match("ABC123", "", 0, kAll).size(), 2u);
  EXPECT_EQ(m.Match("ABC123", "", 0, std::vector<std::string>{"agy_isp"}).size(), 1u);
  EXPECT_TRUE(m.Match("ABC123", "", 0, std::vector<std::string>{"agy_nobody"}).empty());
  // An entitlement computed before an agency has any list covers its later lists.
  AgencySet early = m.Entitlement({"agy_later"});
  ASSERT_TRUE(m.ReplaceList("later-list", "agy_later", {Entry("l", "ABC123")}).ok());
  hits = m.Match("ABC123", "", 0, early);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].list_id, "later-list");
  EXPECT_EQ(m.AgencyIndex("agy_cpd"), m.AgencyIndex("agy_cpd"));
  EXPECT_NE(m.AgencyIndex("agy_cpd"), m.AgencyIndex("agy_isp"));
  // A list handed to another agency follows its new owner.
  ASSERT_TRUE(m.ReplaceList("cpd-list", "agy_isp", {Entry("c", "ABC123")}).ok());
  EXPECT_TRUE(m.Match("ABC123", "", 0, cpd).empty());
}

TEST(AgencySet, BitsBeyondTheFirstWord) {
  AgencySet s;
  s.Add(3);
  s.Add(200);
  EXPECT_TRUE(s.Contains(3));
  EXPECT_TRUE(s.Contains(200));
  EXPECT_FALSE(s.Contains(4));
  EXPECT_FALSE(s.Contains(199));
  EXPECT_FALSE(s.Contains(100000));
  EXPECT_TRUE(AgencySet::All().Contains(100000));
}

TEST(HotListMatcher, ImportValidatesAndNormalisesEntries) {
  HotListMatcher m;
  ASSERT_TRUE(m.ReplaceList("l", "a", {Entry("e1", "ab-123", "IL")}).ok());
  auto hits = m.Match("AB123", "IL", 0, kAll);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].entry.plate, "AB123");

  struct Case {
    HotListEntry entry;
    std::string message_part;
  };
  std::vector<Case> bad = {
      {Entry("", "ABC123"), "empty entry id"},
      {Entry("e", "AB$123"), "'$'"},
      {Entry("e", "A"), "1 characters"},
      {Entry("e", "ABC123", "Illinois"), "two-letter"},
      {Entry("e", "ABC123", "il"), "two-letter"},
      {Entry("e", "ABC123", "", "R", -5), "expires_at_us"},
  };
  for (const Case& c : bad) {
    Status s = m.ReplaceList("l", "a", {Entry("ok", "ZZZ999"), c.entry});
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << c.message_part;
    EXPECT_NE(s.message().find(c.message_part), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("hot list 'l' entry 1"), std::string::npos) << s.message();
    EXPECT_EQ(m.AddEntry("l", c.entry).code(), Code::kInvalidArgument) << c.message_part;
  }
  Status dup = m.ReplaceList("l", "a", {Entry("x", "AAA111"), Entry("x", "BBB222")});
  EXPECT_EQ(dup.code(), Code::kInvalidArgument);
  EXPECT_NE(dup.message().find("'x' twice"), std::string::npos) << dup.message();
  EXPECT_EQ(m.ReplaceList("", "a", {}).code(), Code::kInvalidArgument);
  EXPECT_EQ(m.ReplaceList("l", "", {}).code(), Code::kInvalidArgument);
  // Nothing changed.
  EXPECT_EQ(m.entry_count(), 1u);
  EXPECT_EQ(m.Match("AB123", "IL", 0, kAll).size(), 1u);
}

TEST(HotListMatcher, AddReplaceAndRemoveSingleEntries) {
  HotListMatcher m;
  EXPECT_EQ(m.AddEntry("nope", Entry("e", "ABC123")).code(), Code::kNotFound);
  ASSERT_TRUE(m.ReplaceList("l", "a", {Entry("base", "AAA111")}).ok());
  ASSERT_TRUE(m.AddEntry("l", Entry("new", "BBB222", "", "WANTED")).ok());
  EXPECT_EQ(m.Match("BBB222", "", 0, kAll).size(), 1u);
  EXPECT_EQ(m.entry_count(), 2u);
  // Same id again: replaced, not duplicated (for an added entry and for an imported one).
  ASSERT_TRUE(m.AddEntry("l", Entry("new", "CCC333")).ok());
  EXPECT_TRUE(m.Match("BBB222", "", 0, kAll).empty());
  EXPECT_EQ(m.Match("CCC333", "", 0, kAll).size(), 1u);
  ASSERT_TRUE(m.AddEntry("l", Entry("base", "AAA111", "", "UPDATED")).ok());
  auto hits = m.Match("AAA111", "", 0, kAll);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].entry.reason, "UPDATED");
  EXPECT_EQ(m.entry_count(), 2u);
  EXPECT_EQ(m.list_entry_count("l"), 2u);

  ASSERT_TRUE(m.RemoveEntry("l", "base").ok());
  EXPECT_TRUE(m.Match("AAA111", "", 0, kAll).empty());
  EXPECT_EQ(m.RemoveEntry("l", "base").code(), Code::kNotFound);
  EXPECT_EQ(m.RemoveEntry("l", "missing").code(), Code::kNotFound);
  EXPECT_EQ(m.RemoveEntry("nope", "new").code(), Code::kNotFound);
  ASSERT_TRUE(m.RemoveEntry("l", "new").ok());
  EXPECT_EQ(m.entry_count(), 0u);
}

TEST(HotListMatcher, HitsAreSortedByListThenEntry) {
  HotListMatcher m;
  ASSERT_TRUE(m.ReplaceList("b", "a", {Entry("z", "ABC123"), Entry("y", "A8C123")}).ok());
  ASSERT_TRUE(m.ReplaceList("a", "a", {Entry("x", "ABC123")}).ok());
  ASSERT_TRUE(m.AddEntry("a", Entry("w", "ABCI23")).ok());
  EXPECT_EQ(
      Summary(m.Match("ABC123", "", 0, kAll)),
      (std::vector<std::tuple<std::string, std::string, HitKind>>{{"a", "w", HitKind::kConfusable},
                                                                  {"a", "x", HitKind::kExact},
                                                                  {"b", "y", HitKind::kConfusable},
                                                                  {"b", "z", HitKind::kExact}}));
}

TEST(HotListMatcher, MemoryAndCountsFollowTheEntries) {
  HotListMatcher m;
  size_t empty = m.MemoryBytes();
  std::vector<HotListEntry> entries;
  for (int i = 0; i < 10'000; ++i) {
    entries.push_back(Entry("id" + std::to_string(i), "P" + std::to_string(i), "TX"));
  }
  ASSERT_TRUE(m.ReplaceList("l", "a", entries).ok());
  size_t full = m.MemoryBytes();
  EXPECT_GT(full, empty + 10'000 * (sizeof(HotListEntry) + 32));
  EXPECT_LT(full, empty + 10'000 * 400);
  EXPECT_EQ(m.view().entry_count(), 10'000u);
  EXPECT_EQ(m.view().list_count(), 1u);
  ASSERT_TRUE(m.RemoveList("l").ok());
  EXPECT_LT(m.MemoryBytes(), full / 10);
}

// Tables of 4,096 keys or more sit behind a Bloom filter: no entry may be filtered out.
TEST(HotListMatcher, LargeListsFindEveryEntryAndNothingElse) {
  std::mt19937_64 rng(7);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  auto plate = [&] {
    std::string p;
    for (int i = 0; i < 5; ++i) p += alphabet[rng() % alphabet.size()];
    return p;
  };
  const ConfusionClasses& c = ConfusionClasses::Default();
  std::vector<HotListEntry> entries;
  std::set<std::string> keys;
  for (int i = 0; i < 30'000; ++i) {
    entries.push_back(Entry("e" + std::to_string(i), plate()));
    keys.insert(c.Key(entries.back().plate));
  }
  HotListMatcher m;
  ASSERT_TRUE(m.ReplaceList("big", "a", entries).ok());
  ASSERT_TRUE(m.AddEntry("big", Entry("added", "ADDED1")).ok());
  keys.insert(c.Key("ADDED1"));
  for (const HotListEntry& e : entries) {
    std::vector<HotListHit> hits = m.Match(e.plate, "", 0, kAll);
    bool found = false;
    for (const HotListHit& h : hits) found |= h.entry.entry_id == e.entry_id;
    ASSERT_TRUE(found) << e.plate;
  }
  EXPECT_EQ(m.Match("ADDED1", "", 0, kAll).size(), 1u);
  EXPECT_EQ(m.Match("ADDEDI", "", 0, kAll).size(), 1u);
  size_t hits = 0;
  for (int i = 0; i < 30'000; ++i) {
    std::string p = plate();
    bool want = keys.contains(c.Key(p));
    ASSERT_EQ(!m.Match(p, "", 0, kAll).empty(), want) << p;
    hits += want ? 1 : 0;
  }
  EXPECT_GT(hits, 0u);
}

// ---- Against a naive matcher ----------------------------------------------------------------

class NaiveMatcher {
 public:
  void ReplaceList(const std::string& list_id, const std::string& agency,
                   const std::vector<HotListEntry>& entries) {
    List& l = lists_[list_id];
    l.agency = agency;
    l.entries.clear();
    for (const HotListEntry& e : entries) l.entries[e.entry_id] = e;
  }
  bool AddEntry(const std::string& list_id, const HotListEntry& e) {
    auto it = lists_.find(list_id);
    if (it == lists_.end()) return false;
    it->second.entries[e.entry_id] = e;
    return true;
  }
  bool RemoveEntry(const std::string& list_id, const std::string& entry_id) {
    auto it = lists_.find(list_id);
    return it != lists_.end() && it->second.entries.erase(entry_id) == 1;
  }
  bool RemoveList(const std::string& list_id) { return lists_.erase(list_id) == 1; }
  size_t RemoveExpired(int64_t now_us) {
    size_t n = 0;
    for (auto& [id, l] : lists_) {
      n += std::erase_if(l.entries, [&](const auto& kv) {
        return kv.second.expires_at_us != 0 && kv.second.expires_at_us <= now_us;
      });
    }
    return n;
  }
  size_t entry_count() const {
    size_t n = 0;
    for (const auto& [id, l] : lists_) n += l.entries.size();
    return n;
  }

  std::vector<HotListHit> Match(const std::string& plate, const std::string& state, int64_t at_us,
                                const std::set<std::string>& agencies) const {
    const ConfusionClasses& c = ConfusionClasses::Default();
    std::vector<HotListHit> hits;
    for (const auto& [list_id, l] : lists_) {
      if (!agencies.contains(l.agency)) continue;
      for (const auto& [id, e] : l.entries) {
        if (c.Key(e.plate) != c.Key(plate)) continue;
        if (!e.state.empty() && !state.empty() && e.state != state) continue;
        if (e.expires_at_us != 0 && at_us >= e.expires_at_us) continue;
        hits.push_back(
            {list_id, l.agency, e, e.plate == plate ? HitKind::kExact : HitKind::kConfusable});
      }
    }
    return hits;
  }

 private:
  struct List {
    std::string agency;
    std::map<std::string, HotListEntry> entries;
  };
  std::map<std::string, List> lists_;
};

TEST(HotListMatcher, AgreesWithANaiveMatcherOnRandomEdits) {
  for (size_t overlay : {size_t{1}, size_t{8}, size_t{1024}}) {
    SCOPED_TRACE("min_overlay_entries " + std::to_string(overlay));
    std::mt19937_64 rng(overlay);
    HotListMatcher::Options options;
    options.min_overlay_entries = overlay;
    HotListMatcher m(options);
    NaiveMatcher naive;
    const std::string alphabet = "0DO18BSA5X";  // Mostly confusable: many keys collide.
    const std::vector<std::string> states = {"", "IL", "CA"};
    const std::vector<std::string> agencies = {"agy_a", "agy_b", "agy_c"};
    auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
    auto plate = [&] {
      std::string p;
      for (size_t i = 0, n = 2 + pick(2); i < n; ++i) p += alphabet[pick(alphabet.size())];
      return p;
    };
    auto entry = [&] {
      return Entry("e" + std::to_string(pick(40)), plate(), states[pick(3)],
                   "R" + std::to_string(pick(1000)),
                   pick(3) == 0 ? static_cast<int64_t>(1 + pick(100)) : 0);
    };
    size_t queries = 0, hits = 0;
    for (int step = 0; step < 600; ++step) {
      std::string list = "list" + std::to_string(pick(5));
      switch (pick(10)) {
        case 0:
        case 1: {
          std::map<std::string, HotListEntry> unique;
          for (size_t i = 0, n = pick(30); i < n; ++i) {
            HotListEntry e = entry();
            unique[e.entry_id] = e;
          }
          std::vector<HotListEntry> entries;
          for (auto& [id, e] : unique) entries.push_back(e);
          std::string agency = agencies[pick(3)];
          ASSERT_TRUE(m.ReplaceList(list, agency, entries).ok());
          naive.ReplaceList(list, agency, entries);
          break;
        }
        case 2:
        case 3:
        case 4: {
          HotListEntry e = entry();
          EXPECT_EQ(m.AddEntry(list, e).ok(), naive.AddEntry(list, e));
          break;
        }
        case 5:
        case 6: {
          std::string id = "e" + std::to_string(pick(40));
          EXPECT_EQ(m.RemoveEntry(list, id).ok(), naive.RemoveEntry(list, id));
          break;
        }
        case 7:
          if (pick(3) == 0) {
            EXPECT_EQ(m.RemoveList(list).ok(), naive.RemoveList(list));
          }
          break;
        case 8: {
          int64_t now = static_cast<int64_t>(pick(120));
          EXPECT_EQ(m.RemoveExpired(now), naive.RemoveExpired(now));
          break;
        }
        default:
          break;
      }
      ASSERT_EQ(m.entry_count(), naive.entry_count()) << "step " << step;
      for (int q = 0; q < 30; ++q) {
        std::set<std::string> entitled;
        for (const std::string& a : agencies) {
          if (pick(3) != 0) entitled.insert(a);
        }
        std::string p = plate(), st = states[pick(3)];
        int64_t at = static_cast<int64_t>(pick(110));
        std::vector<HotListHit> want = naive.Match(p, st, at, entitled);
        std::vector<HotListHit> got =
            m.Match(p, st, at, m.Entitlement({entitled.begin(), entitled.end()}));
        ASSERT_EQ(got, want) << "step " << step << " plate " << p << " state '" << st << "' at "
                             << at;
        ++queries;
        hits += got.size();
      }
    }
    EXPECT_GT(hits, queries / 10);  // The alphabet makes hits common enough to mean something.
  }
}

// ---- Concurrency --------------------------------------------------------------------------

// Version v of the swapped list: 3 entries for MULTI (reason "v<v>"), and a number of filler
// entries that changes from version to version, so rebuilds vary in size.
std::vector<HotListEntry> Version(int v) {
  std::vector<HotListEntry> entries;
  std::string reason = "v" + std::to_string(v);
  for (int i = 0; i < 3; ++i) {
    entries.push_back(Entry("m" + std::to_string(i), i == 1 ? "MULT1" : "MULTI", "", reason));
  }
  for (int i = 0, n = 500 + 700 * (v % 3); i < n; ++i) {
    entries.push_back(Entry("f" + std::to_string(i),
                            "F" + std::to_string(v) + "X" + std::to_string(i), "", reason));
  }
  return entries;
}

TEST(HotListMatcher, ConcurrentMatchesSeeWholeListsDuringSwaps) {
  HotListMatcher::Options options;
  options.min_overlay_entries = 4;  // Edits of the stable list compact often, too.
  HotListMatcher m(options);
  ASSERT_TRUE(m.ReplaceList("stable", "a", {Entry("s", "MULTI", "", "stable")}).ok());
  ASSERT_TRUE(m.ReplaceList("swapped", "a", Version(0)).ok());
  std::atomic<bool> done = false;
  std::atomic<int> failures = 0;
  std::atomic<size_t> matches = 0;
  auto reader = [&] {
    while (!done.load()) {
      std::vector<HotListHit> hits = m.Match("MULTI", "", 0, kAll);
      std::set<std::string> reasons;
      size_t stable = 0, swapped = 0;
      for (const HotListHit& h : hits) {
        if (h.list_id == "stable") {
          ++stable;
        } else {
          ++swapped;
          reasons.insert(h.entry.reason);
        }
      }
      // "MULT1" is a confusable of "MULTI": all three entries of one version, never a mix.
      if (stable != 1 || swapped != 3 || reasons.size() != 1) ++failures;
      // Through one view, two reads see the same version.
      HotListMatcher::View v = m.view();
      auto a = v.Match("MULTI", "", 0, kAll);
      auto b = v.Match("MULT1", "", 0, kAll);
      if (a.size() != 4 || b.size() != 4) {
        ++failures;
      } else {
        for (size_t i = 0; i < 4; ++i) failures += a[i].entry == b[i].entry ? 0 : 1;
      }
      ++matches;
    }
  };
  std::thread r1(reader), r2(reader);
  for (int v = 1; v <= 60; ++v) {
    ASSERT_TRUE(m.ReplaceList("swapped", "a", Version(v)).ok());
    ASSERT_TRUE(m.AddEntry("stable", Entry("x" + std::to_string(v), "OTHER1")).ok());
    if (v % 2 == 0) {
      ASSERT_TRUE(m.RemoveEntry("stable", "x" + std::to_string(v - 1)).ok());
    }
  }
  done = true;
  r1.join();
  r2.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(matches.load(), 0u);
  EXPECT_EQ(m.list_entry_count("swapped"), Version(60).size());
}

}  // namespace
}  // namespace canvass::plates
