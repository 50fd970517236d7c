#include "report/counter.h"

#include <gtest/gtest.h>

#include <map>

#include "report/small_count.h"

namespace canvass::report {
namespace {

const Period kQ4 = *ParsePeriod("2026Q4");
const int64_t kIn = kQ4.from_s + 86400;  // a day into the quarter

PublicLeaf L(std::string type, std::string agency, std::string reason = "", int64_t count = 1,
             int64_t time_s = kIn, std::string object = "request") {
  PublicLeaf l;
  l.type = std::move(type);
  l.role = "officer";
  l.agency = std::move(agency);
  l.object = std::move(object);
  l.reason = std::move(reason);
  l.count = count;
  l.time_s = time_s;
  return l;
}

std::map<std::string, int64_t> Counts(const std::vector<PublicLeaf>& leaves,
                                      std::string_view agency = "", const Period& p = kQ4) {
  std::map<std::string, int64_t> out;
  for (const auto& f : CountFigures(leaves, p, agency)) {
    EXPECT_FALSE(out.count(f.name)) << "figure listed twice: " << f.name;
    out[f.name] = f.count;
  }
  return out;
}

TEST(Counter, CommunityRequests) {
  std::vector<PublicLeaf> leaves = {
      L("request.file", "agy_a", "burglary"),  L("request.file", "agy_a", "assault"),
      L("request.policy", "agy_a", "allowed"), L("request.refuse", "agy_a", "prohibited_purpose"),
      L("request.notify", "agy_a", "", 7),     L("request.notify", "agy_a", "", 5),
      L("request.share", "agy_a", "blur", 3),  L("request.share", "agy_a", "as_recorded", 2),
      L("request.decline", "agy_a"),           L("request.close", "agy_a"),
  };
  auto c = Counts(leaves);
  EXPECT_EQ(c["requests.filed"], 2);
  EXPECT_EQ(c["requests.refused_by_policy"], 1);
  EXPECT_EQ(c["requests.cameras_asked"], 12);
  EXPECT_EQ(c["requests.shares"], 2);
  EXPECT_EQ(c["requests.clips_shared"], 5);
  EXPECT_EQ(c["requests.declines"], 1);
}

TEST(Counter, LegalDemandsInTheLegalVocabulary) {
  std::vector<PublicLeaf> leaves = {
      L("legal.demand_record", "agy_a", "subpoena", 0),
      L("legal.demand_record", "agy_a", "search_warrant", 0),
      L("legal.demand_record", "agy_a", "search_warrant", 0),
      L("legal.demand_record", "agy_a", "emergency", 0),
      L("legal.demand_decide", "agy_a", "subpoena.rejected", 0),
      L("legal.demand_decide", "agy_a", "search_warrant.accepted", 3),
      L("legal.demand_decide", "agy_a", "search_warrant.narrowed", 2),
      L("legal.demand_decide", "agy_a", "emergency.accepted", 1),
      L("legal.notice", "agy_a", "immediate"),
      L("legal.notice", "agy_a", "ndo_ended"),
      L("legal.produce", "agy_a", "search_warrant", 4),
      L("legal.produce", "agy_a", "emergency", 2),
      L("legal.produce_item", "agy_a", "clip"),
      L("legal.emergency_followup", "agy_a", "search_warrant", 0),
      L("legal.emergency_flag", "agy_a", "no_process", 0),
      L("legal.hold_place", "agy_a", "preservation", 0),
  };
  auto c = Counts(leaves);
  EXPECT_EQ(c["demands.received.subpoena"], 1);
  EXPECT_EQ(c["demands.received.search_warrant"], 2);
  EXPECT_EQ(c["demands.received.emergency"], 1);
  EXPECT_EQ(c["demands.received.court_order"], 0);
  EXPECT_EQ(c["demands.received.preservation"], 0);
  EXPECT_EQ(c["demands.subpoena.rejected"], 1);
  EXPECT_EQ(c["demands.search_warrant.accepted"], 1);
  EXPECT_EQ(c["demands.search_warrant.narrowed"], 1);
  EXPECT_EQ(c["demands.emergency.accepted"], 1);
  EXPECT_EQ(c["demands.court_order.accepted"], 0);
  EXPECT_EQ(c["demands.users_affected"], 6);
  EXPECT_EQ(c["demands.users_notified"], 2);
  EXPECT_EQ(c["emergencies.disclosures"], 1);
  EXPECT_EQ(c["emergencies.followed_up"], 1);
  EXPECT_EQ(c["emergencies.flagged"], 1);
}

TEST(Counter, PlatesAgreementsAndDeletions) {
  std::vector<PublicLeaf> leaves = {
      L("plate.search", "agy_a", "burglary", 12),
      L("plate.search", "agy_a", "burglary", 0),
      L("plate.search", "agy_a", "homicide", 3),
      L("plate.search_refuse", "agy_a", "prohibited_purpose", 0),
      L("plate.ingest", "agy_a", "", 40),
      L("plate.hit", "agy_a", "exact"),
      L("plate.hit", "agy_a", "confusable"),
      L("plate.hit", "agy_a", "exact"),
      L("plate.hit_confirmed", "agy_a", "exact"),
      L("plate.hit_misread", "agy_a", "confusable"),
      L("plate.agreement_create", "agy_a", "in_state", 1, kQ4.from_s - 100),  // before the period
      L("plate.agreement_create", "agy_a", "one_to_one"),
      L("plate.agreement_create", "agy_a", "one_to_one"),
      L("plate.agreement_revoke", "agy_a"),
      L("plate.agreement_create", "agy_a", "one_to_one", 1, kQ4.to_s),  // after it
      L("plate.purge", "agy_a", "retention_30d", 250, kIn, "plate_read"),
      L("retention.purge", "", "clip", 9, kIn, "clip"),
  };
  auto c = Counts(leaves);
  EXPECT_EQ(c["plates.searches.burglary"], 2);
  EXPECT_EQ(c["plates.searches.homicide"], 1);
  EXPECT_EQ(c["plates.searches_refused"], 1);
  EXPECT_EQ(c["plates.hits"], 3);
  EXPECT_EQ(c["plates.hits_confirmed"], 1);
  EXPECT_EQ(c["plates.misreads"], 1);
  EXPECT_EQ(c["agreements.created"], 2);
  EXPECT_EQ(c["agreements.revoked"], 1);
  EXPECT_EQ(c["agreements.active_at_end"], 2);  // 1 before + 2 in - 1 revoked
  EXPECT_EQ(c["deletions.plate_read"], 250);
  EXPECT_EQ(c["deletions.clip"], 9);
  EXPECT_EQ(c.count("deletions.crop"), 0u);  // crops go with their reads
}

TEST(Counter, PerAgencyCountsOnlyTheLeavesOfThatAgency) {
  std::vector<PublicLeaf> leaves = {
      L("request.file", "agy_a"),
      L("request.file", "agy_b"),
      L("request.decline", "agy_b"),
      L("plate.search", "agy_b", "burglary"),
      L("legal.demand_record", "agy_b", "subpoena", 0),
      L("plate.agreement_create", "agy_a", "in_state", 1, kQ4.from_s - 1),
  };
  auto a = Counts(leaves, "agy_a");
  EXPECT_EQ(a["requests.filed"], 1);
  EXPECT_EQ(a["requests.declines"], 0);
  EXPECT_EQ(a.count("plates.searches.burglary"), 0u);
  EXPECT_EQ(a["demands.received.subpoena"], 0);
  EXPECT_EQ(a["agreements.active_at_end"], 1);
  auto b = Counts(leaves, "agy_b");
  EXPECT_EQ(b["requests.filed"], 1);
  EXPECT_EQ(b["requests.declines"], 1);
  EXPECT_EQ(b["plates.searches.burglary"], 1);
  EXPECT_EQ(b["demands.received.subpoena"], 1);
  EXPECT_EQ(b["agreements.active_at_end"], 0);
  auto all = Counts(leaves);
  EXPECT_EQ(all["requests.filed"], 2);
}

TEST(Counter, PeriodBoundariesCountEachLeafInExactlyOnePeriod) {
  std::vector<PublicLeaf> leaves = {
      L("request.file", "a", "", 1, kQ4.from_s - 1),  // last second of Q3
      L("request.file", "a", "", 1, kQ4.from_s),      // first second of Q4
      L("request.file", "a", "", 1, kQ4.to_s - 1),    // last second of Q4
      L("request.file", "a", "", 1, kQ4.to_s),        // first second of 2027Q1
  };
  EXPECT_EQ(Counts(leaves)["requests.filed"], 2);
  EXPECT_EQ(Counts(leaves, "", *ParsePeriod("2026Q3"))["requests.filed"], 1);
  EXPECT_EQ(Counts(leaves, "", *ParsePeriod("2027Q1"))["requests.filed"], 1);
  EXPECT_EQ(Counts(leaves, "", *ParsePeriod("2026"))["requests.filed"], 3);
  EXPECT_EQ(Counts(leaves, "", *ParsePeriod("2026-10"))["requests.filed"], 1);
  EXPECT_EQ(Counts(leaves, "", *ParsePeriod("2026-12"))["requests.filed"], 1);
}

TEST(Counter, ResidentCountsFollowTheFewerThanFiveRuleAndAgencyActsAreExact) {
  const std::vector<PublicLeaf> leaves = {L("request.file", "a"), L("request.decline", "a")};
  auto figures = CountFigures(leaves, kQ4, "");
  std::map<std::string, Figure> by_name;
  for (const auto& f : figures) by_name[f.name] = f;
  for (const char* resident :
       {"requests.cameras_asked", "requests.shares", "requests.clips_shared", "requests.declines",
        "demands.users_affected", "demands.users_notified"}) {
    ASSERT_TRUE(by_name.count(resident)) << resident;
    EXPECT_TRUE(by_name[resident].concerns_residents) << resident;
    EXPECT_EQ(by_name[resident].Published(), "fewer than 5") << resident;
  }
  for (const auto& [name, f] : by_name) {
    if (!f.concerns_residents) {
      EXPECT_EQ(f.Published(), std::to_string(f.count)) << name;
    }
  }
  EXPECT_EQ(by_name["requests.filed"].Published(), "1");
  EXPECT_EQ(PublishedCount(0, true), "fewer than 5");
  EXPECT_EQ(PublishedCount(4, true), "fewer than 5");
  EXPECT_EQ(PublishedCount(5, true), "5");
  EXPECT_EQ(PublishedCount(0, false), "0");
}

TEST(Counter, TheSameFiguresInTheSameOrderWhateverTheLeaves) {
  auto names = [](const std::vector<Figure>& fs) {
    std::vector<std::string> out;
    for (const auto& f : fs) out.push_back(f.name);
    return out;
  };
  auto empty = names(CountFigures({}, kQ4, ""));
  const std::vector<PublicLeaf> leaves = {L("request.file", "a"), L("legal.notice", "a")};
  auto some = names(CountFigures(leaves, kQ4, ""));
  EXPECT_EQ(empty, some);
  EXPECT_EQ(empty.front(), "requests.filed");
  EXPECT_EQ(empty.size(), 2 + 4 + 5 + 15 + 2 + 3 + 4 + 3 + 2u);
}

TEST(Counter, LeavesThatCountNoFigureMayBeLeftOut) {
  EXPECT_TRUE(CountsTowardReports("request.share"));
  EXPECT_TRUE(CountsTowardReports("legal.notice"));
  EXPECT_TRUE(CountsTowardReports("plate.hit"));
  EXPECT_TRUE(CountsTowardReports("retention.purge"));
  EXPECT_FALSE(CountsTowardReports("plate.ingest"));
  EXPECT_FALSE(CountsTowardReports("clip.view"));
  EXPECT_FALSE(CountsTowardReports("account.login"));
}

}  // namespace
}  // namespace canvass::report
