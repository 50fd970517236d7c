// Licence-plate reads over real HTTP: a reader's batches (validated, idempotent, with crops),
// hot-list alerts on exact and confusable reads, reasoned search within what sharing allows,
// retention, and the public transparency figures.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/encoding.h"
#include "common/time_format.h"
#include "testing/test_app.h"

namespace canvass {
namespace {
namespace json = boost::json;
using testing::Bearer;
using testing::TestApp;

json::value Json(const std::string& s) { return json::parse(s); }

const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0", 4) + "not really a picture";

json::object Read(const std::string& id, const std::string& plate, int64_t at_us,
                  bool crop = false) {
  json::object o{{"id", id},
                 {"plate", plate},
                 {"state", "IL"},
                 {"confidence", 0.93},
                 {"read_at", FormatRfc3339(at_us)},
                 {"direction", "toward"},
                 {"vehicle_color", "grey"},
                 {"vehicle_type", "sedan"}};
  if (crop) o["crop_jpeg"] = Base64Encode(kJpeg);
  return o;
}

std::string Batch(std::initializer_list<json::object> reads) {
  json::array a;
  for (const auto& r : reads) a.push_back(r);
  return json::serialize(json::object{{"reads", a}});
}

std::string Search(const std::string& mode, const std::string& plate, int64_t from_us,
                   int64_t to_us,
                   const std::string& reason = "Grey sedan seen leaving the 400 W Elm burglary",
                   const std::string& offense = "burglary") {
  return json::serialize(json::object{{"mode", mode},
                                      {"plate", plate},
                                      {"from", FormatRfc3339(from_us)},
                                      {"to", FormatRfc3339(to_us)},
                                      {"offense_type", offense},
                                      {"reason", reason},
                                      {"case_number", "SPD-2026-77"}});
}

std::vector<std::string> Plates(const std::string& body) {
  std::vector<std::string> out;
  const json::value v = Json(body);  // kept: a range-for over a temporary's member dangles
  for (const auto& r : v.at("reads").as_array()) out.emplace_back(r.at("plate").as_string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(PlatesFlow, IngestAlertsSearchSharingAndRetention) {
  SimulatedClock clock(SystemClock::Get()->NowMicros());
  TestApp t(true, TestApp::DefaultConfig(), &clock);
  auto officer = t.Make(Role::kOfficer, "officer1");
  auto c = t.Client();
  const std::string reader = t.MakeReader();
  const int64_t now = clock.NowMicros();
  const int64_t minute = 60'000'000;

  // A hot list with one stolen car, imported from CSV.
  auto list = c->Send("POST", "/api/v1/plates/hotlists", R"({"name":"Stolen vehicles"})",
                      Bearer(officer.token));
  ASSERT_EQ(list->status, 201) << list->body;
  const std::string list_id(Json(list->body).at("id").as_string());
  auto imported = c->Send("PUT", "/api/v1/plates/hotlists/" + list_id + "/csv",
                          "plate,state,reason,source,expires,notes\n"
                          "ABC1234,IL,stolen vehicle,NCIC,,grey Civic\n"
                          "\"OLD 999\",IL,stolen vehicle,NCIC,2020-01-01T00:00:00Z,\n",
                          Bearer(officer.token));
  ASSERT_EQ(imported->status, 200) << imported->body;
  EXPECT_EQ(Json(imported->body).at("entries").as_int64(), 1);
  EXPECT_EQ(Json(imported->body).at("skipped").as_array().size(), 1u);
  auto bad_csv =
      c->Send("PUT", "/api/v1/plates/hotlists/" + list_id + "/csv",
              "plate,state,reason,source,expires,notes\nAB$1,IL,x,,,\n", Bearer(officer.token));
  EXPECT_EQ(bad_csv->status, 400);
  EXPECT_NE(bad_csv->body.find("line 2"), std::string::npos) << bad_csv->body;

  auto live = t.services().hub->Subscribe(officer.account.id);

  // A batch: one clean read, one that an O-for-0 style misread turns into a confusable hit.
  const std::string batch = Batch({Read("r1", "xyz 987", now - 5 * minute, true),
                                   Read("r2", "A8C-1234", now - 4 * minute, true),
                                   Read("r3", "ABC1234", now - 3 * minute)});
  auto sent = c->Send("POST", "/api/v1/plates/reads", batch, Bearer(reader));
  ASSERT_EQ(sent->status, 200) << sent->body;
  EXPECT_EQ(Json(sent->body).at("stored").as_int64(), 3);
  EXPECT_EQ(Json(sent->body).at("hits").as_int64(), 2);
  // The same batch again: acknowledged, nothing new, no second alert.
  auto again = c->Send("POST", "/api/v1/plates/reads", batch, Bearer(reader));
  ASSERT_EQ(again->status, 200);
  EXPECT_EQ(Json(again->body).at("stored").as_int64(), 0);
  EXPECT_EQ(Json(again->body).at("duplicates").as_int64(), 3);
  // A retry that carries a new read too: only the new read raises an alert.
  auto mixed = c->Send("POST", "/api/v1/plates/reads",
                       Batch({Read("r2", "A8C-1234", now - 4 * minute, true),
                              Read("r7", "ABC 1234", now - 2 * minute)}),
                       Bearer(reader));
  ASSERT_EQ(mixed->status, 200) << mixed->body;
  EXPECT_EQ(Json(mixed->body).at("stored").as_int64(), 1);
  EXPECT_EQ(Json(mixed->body).at("hits").as_int64(), 1);
  // A bad read refuses its whole batch and names it.
  auto bad = c->Send("POST", "/api/v1/plates/reads",
                     Batch({Read("r4", "GOOD1", now), Read("r5", "B@D", now)}), Bearer(reader));
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("read 1"), std::string::npos) << bad->body;
  auto future = c->Send("POST", "/api/v1/plates/reads",
                        Batch({Read("r6", "GOOD1", now + 3600 * 1'000'000LL)}), Bearer(reader));
  EXPECT_EQ(future->status, 400);
  // Officers cannot send reads; readers cannot search.
  EXPECT_EQ(c->Send("POST", "/api/v1/plates/reads", batch, Bearer(officer.token))->status, 403);

  std::vector<LiveEvent> events;
  live->Take(&events);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type, "plate_hit");
  auto hits = Json(c->Send("GET", "/api/v1/plates/hits", "", Bearer(officer.token))->body);
  ASSERT_EQ(hits.at("hits").as_array().size(), 3u);
  std::string confusable_hit;
  for (const auto& h : hits.at("hits").as_array()) {  // `hits` is a local: safe
    if (h.at("kind").as_string() == "confusable")
      confusable_hit = std::string(h.at("id").as_string());
    EXPECT_EQ(h.at("entry").at("reason").as_string(), "stolen vehicle");
  }
  ASSERT_FALSE(confusable_hit.empty());
  ASSERT_EQ(c->Send("POST", "/api/v1/plates/hits/" + confusable_hit + "/decide",
                    R"({"status":"misread"})", Bearer(officer.token))
                ->status,
            204);
  EXPECT_EQ(c->Send("POST", "/api/v1/plates/hits/" + confusable_hit + "/decide",
                    R"({"status":"confirmed"})", Bearer(officer.token))
                ->status,
            422);
  auto readers = Json(c->Send("GET", "/api/v1/plates/readers", "", Bearer(officer.token))->body);
  EXPECT_EQ(readers.at("readers").at(0).at("misreads_total").as_int64(), 1);
  EXPECT_EQ(readers.at("readers").at(0).at("reads_total").as_int64(), 4);

  // Search: every mode, only with a lawful, specific reason.
  const int64_t from = now - 3600 * 1'000'000LL, to = now + minute;
  auto exact = c->Send("POST", "/api/v1/plates/searches", Search("exact", "abc-1234", from, to),
                       Bearer(officer.token));
  ASSERT_EQ(exact->status, 200) << exact->body;
  EXPECT_EQ(Plates(exact->body), (std::vector<std::string>{"ABC1234", "ABC1234"}));
  EXPECT_EQ(Json(exact->body).at("readers_searched").as_int64(), 1);
  auto fuzzy = c->Send("POST", "/api/v1/plates/searches", Search("fuzzy", "ABC1234", from, to),
                       Bearer(officer.token));
  EXPECT_EQ(Plates(fuzzy->body), (std::vector<std::string>{"A8C1234", "ABC1234", "ABC1234"}));
  auto wild = c->Send("POST", "/api/v1/plates/searches", Search("wildcard", "XYZ*", from, to),
                      Bearer(officer.token));
  EXPECT_EQ(Plates(wild->body), std::vector<std::string>{"XYZ987"});
  auto vague =
      c->Send("POST", "/api/v1/plates/searches",
              Search("exact", "ABC1234", from, to, "investigation"), Bearer(officer.token));
  EXPECT_EQ(vague->status, 422);
  EXPECT_NE(vague->body.find("reason_specific"), std::string::npos);
  auto ice = c->Send(
      "POST", "/api/v1/plates/searches",
      Search("exact", "ABC1234", from, to, "Locate a person for deportation", "all_other_offenses"),
      Bearer(officer.token));
  EXPECT_EQ(ice->status, 422);
  // The crop is there for the person confirming a hit.
  auto read_seq = Json(exact->body).at("reads").at(1).at("seq").as_int64();  // r3, older
  auto crop0 = c->Send("GET", "/api/v1/plates/reads/" + std::to_string(read_seq) + "/crop", "",
                       Bearer(officer.token));
  EXPECT_EQ(crop0->status, 404);  // r3 was sent without one
  auto xyz = Json(wild->body).at("reads").at(0).at("seq").as_int64();
  auto crop = c->Send("GET", "/api/v1/plates/reads/" + std::to_string(xyz) + "/crop", "",
                      Bearer(officer.token));
  ASSERT_EQ(crop->status, 200);
  EXPECT_EQ(crop->body, kJpeg);

  // Another agency sees nothing until this agency's admin agrees to share with it.
  auto other = t.services().agencies->Create(
      Principal::System(),
      {"Neighbour PD", "IL", false, {{39.7, -89.5}, {39.7, -89.3}, {39.9, -89.3}, {39.9, -89.5}}});
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(t.services().agencies->Verify(Principal::System(), other->id).ok());
  auto outsider = t.Make(Role::kOfficer, "outsider", other->id);
  auto none = c->Send("POST", "/api/v1/plates/searches", Search("exact", "ABC1234", from, to),
                      Bearer(outsider.token));
  ASSERT_EQ(none->status, 200) << none->body;
  EXPECT_TRUE(Json(none->body).at("reads").as_array().empty());
  EXPECT_EQ(c->Send("GET", "/api/v1/plates/reads/" + std::to_string(xyz) + "/crop", "",
                    Bearer(outsider.token))
                ->status,
            404);
  auto admin = t.Make(Role::kAgencyAdmin, "admin1");
  auto agreed =
      c->Send("POST", "/api/v1/plates/agreements",
              json::serialize(json::object{{"scope", "agency"}, {"to_agency_id", other->id}}),
              Bearer(admin.token));
  ASSERT_EQ(agreed->status, 201) << agreed->body;
  auto shared = c->Send("POST", "/api/v1/plates/searches", Search("exact", "ABC1234", from, to),
                        Bearer(outsider.token));
  EXPECT_EQ(Plates(shared->body), (std::vector<std::string>{"ABC1234", "ABC1234"}));
  EXPECT_EQ(Json(shared->body).at("agencies_searched").as_int64(), 1);
  const std::string agreement(Json(agreed->body).at("id").as_string());
  ASSERT_EQ(
      c->Send("DELETE", "/api/v1/plates/agreements/" + agreement, "", Bearer(admin.token))->status,
      204);
  auto revoked = c->Send("POST", "/api/v1/plates/searches", Search("exact", "ABC1234", from, to),
                         Bearer(outsider.token));
  EXPECT_TRUE(Json(revoked->body).at("reads").as_array().empty());

  // Transparency: public, per agency.
  auto portal = c->Send("GET", "/api/v1/public/plates/transparency", "");
  ASSERT_EQ(portal->status, 200);
  bool found = false;
  const json::value agencies = Json(portal->body);
  for (const auto& a : agencies.at("agencies").as_array()) {
    if (a.at("agency_id").as_string() != t.agency().id) continue;
    found = true;
    EXPECT_EQ(a.at("readers").as_int64(), 1);
    EXPECT_EQ(a.at("reads_last_30_days").as_int64(), 4);
    EXPECT_EQ(a.at("retention_days").as_int64(), 30);
  }
  EXPECT_TRUE(found);

  // Retention: 30 days on, the reads and their crops are gone, rows and bytes.
  clock.AdvanceSeconds(30 * 86400);
  EXPECT_EQ(*t.services().plates->PurgeDue(), 4);
  auto after = c->Send("POST", "/api/v1/plates/searches", Search("fuzzy", "ABC1234", from, to),
                       Bearer(officer.token));
  EXPECT_TRUE(Json(after->body).at("reads").as_array().empty());
  EXPECT_EQ(c->Send("GET", "/api/v1/plates/reads/" + std::to_string(xyz) + "/crop", "",
                    Bearer(officer.token))
                ->status,
            404);

  t.app().Shutdown();
  auto rows = t.services().store->ReadAuditRows(0, 100000);
  int searches = 0, refusals = 0, purges = 0, scoped = 0;
  for (const auto& row : *rows) {
    searches += row.event.type == "plate.search";
    // The public leaf of a search says how far it reached.
    scoped += row.event.type == "plate.search" &&
              row.leaf.find(R"("scope":{"agencies":1,"cameras":1})") != std::string::npos;
    refusals += row.event.type == "plate.search_refuse";
    purges += row.event.type == "plate.purge" && row.event.count == 4;
  }
  EXPECT_EQ(searches, 7);
  EXPECT_EQ(scoped, 5);  // the outsider's searches before the agreement and after it reached 0
  EXPECT_EQ(refusals, 2);
  EXPECT_EQ(purges, 1);
}

}  // namespace
}  // namespace canvass
