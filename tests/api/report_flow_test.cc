// Transparency reports over real HTTP: real workflows (a community request with shares and
// declines, a refused request, plate reads raising hot-list hits, searches and a refused search,
// a sharing agreement) are counted into the published report, per agency and deployment-wide,
// in JSON, CSV and HTML; the report re-counts from the public log alone (report::VerifyReport,
// what `canvass report verify` runs), and a report whose figures are tampered with fails,
// naming the figure.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "agent/clip_uploader.h"
#include "common/time_format.h"
#include "media/test_video.h"
#include "report/period.h"
#include "report/verify.h"
#include "testing/test_app.h"

namespace canvass {
namespace {
namespace json = boost::json;
using testing::Bearer;
using testing::TestApp;

constexpr LatLng kIncident{39.8, -89.65};

json::value Json(const std::string& s) { return json::parse(s); }

LatLng North(double metres) { return {kIncident.lat_deg + metres / 111'195.0, kIncident.lng_deg}; }

// A resident with one camera `metres` north of the incident and one clip from two minutes ago.
struct Owner {
  TestApp::Login login;
  std::string clip_id;
};

Owner MakeOwner(TestApp& t, const std::string& name, double metres) {
  Owner o;
  o.login = t.Make(Role::kResident, name);
  const std::string device = t.MakeCamera(o.login, name + " porch", North(metres));
  media::TestVideoOptions v;
  v.seed = static_cast<uint32_t>(std::hash<std::string>()(name));
  v.duration_ms = 1000;
  agent::UploadOptions u;
  u.server_url = t.url();
  u.device_token = device;
  u.started_at_us = SystemClock::Get()->NowMicros() - 120'000'000;
  u.ended_at_us = u.started_at_us + 10'000'000;
  auto up = agent::UploadClip(*media::MakeTestVideoBytes(v), u, *Random::System());
  EXPECT_TRUE(up.ok()) << up.status().ToString();
  if (up.ok()) o.clip_id = std::string(Json(up->clip_json).at("id").as_string());
  return o;
}

std::string RequestBody(const std::string& case_number, const std::string& description) {
  const int64_t now = SystemClock::Get()->NowMicros();
  return json::serialize(
      json::object{{"case_number", case_number},
                   {"incident_type", "burglary"},
                   {"description", description},
                   {"center", {{"lat", kIncident.lat_deg}, {"lng", kIncident.lng_deg}}},
                   {"radius_m", 300},
                   {"from", FormatRfc3339(now - 30'000'000 - 3600'000'000LL)},
                   {"to", FormatRfc3339(now - 30'000'000)}});
}

std::string SearchBody(const std::string& offense, int64_t now_us) {
  return json::serialize(json::object{{"mode", "exact"},
                                      {"plate", "ABC1234"},
                                      {"from", FormatRfc3339(now_us - 3600'000'000LL)},
                                      {"to", FormatRfc3339(now_us + 60'000'000)},
                                      {"offense_type", offense},
                                      {"reason", "Grey sedan seen leaving the Elm St burglary"},
                                      {"case_number", "SPD-2026-77"}});
}

// The figures of a JSON report, each as published (digits or "fewer than 5").
std::map<std::string, std::string> Figures(const std::string& body) {
  std::map<std::string, std::string> out;
  const json::value v = Json(body);
  for (const auto& [name, value] : v.at("figures").as_object()) {
    out[std::string(name)] = value.is_string() ? std::string(value.as_string())
                                               : std::to_string(value.to_number<int64_t>());
  }
  return out;
}

// The log as `canvass report verify` fetches it: /audit/<path> over HTTP.
audit::TileFetcher LogOver(api::HttpClient* c) {
  return [c](const std::string& path) -> StatusOr<std::string> {
    CANVASS_ASSIGN_OR_RETURN(auto r, c->Send("GET", "/audit/" + path));
    if (r.status != 200)
      return NotFoundError("GET /audit/" + path + ": " + std::to_string(r.status));
    return r.body;
  };
}

std::string Tamper(const std::string& body, const std::string& figure, json::value value) {
  json::value v = Json(body);
  v.at("figures").as_object()[figure] = std::move(value);
  return json::serialize(v);
}

TEST(ReportFlow, RealWorkflowsAreCountedPublishedAndReCountedFromThePublicLog) {
  TestApp t;
  auto c = t.Client();
  const std::string agency = t.agency().id;
  auto officer = t.Make(Role::kOfficer, "officer1");

  // A community request that reaches 7 cameras: 2 owners share, 5 decline.
  std::vector<Owner> owners;
  for (int i = 0; i < 7; ++i) owners.push_back(MakeOwner(t, "near" + std::to_string(i), 30.0 * i));
  auto filed = c->Send("POST", "/api/v1/requests",
                       RequestBody("2026-0001", "Break-in on the 400 block; a person on foot"),
                       Bearer(officer.token));
  ASSERT_EQ(filed->status, 201) << filed->body;
  const std::string id(Json(filed->body).at("id").as_string());
  for (int i = 0; i < 2; ++i) {
    auto s =
        c->Send("POST", "/api/v1/inbox/" + id + "/share",
                R"({"clip_ids":[")" + owners[i].clip_id + R"("]})", Bearer(owners[i].login.token));
    ASSERT_EQ(s->status, 201) << s->body;
  }
  for (int i = 2; i < 7; ++i) {
    ASSERT_EQ(c->Send("POST", "/api/v1/inbox/" + id + "/decline", "", Bearer(owners[i].login.token))
                  ->status,
              204);
  }
  // A request refused by policy (a prohibited purpose).
  auto refused = c->Send("POST", "/api/v1/requests",
                         RequestBody("2026-0002", "Looking for people for an immigration check"),
                         Bearer(officer.token));
  ASSERT_EQ(refused->status, 422) << refused->body;

  // Plates: a hot list, reads that raise two hits (one confirmed, one a misread), two searches
  // and a refused one, and a sharing agreement with a neighbour.
  const int64_t now = SystemClock::Get()->NowMicros();
  const std::string reader = t.MakeReader();
  auto list = c->Send("POST", "/api/v1/plates/hotlists", R"({"name":"Stolen vehicles"})",
                      Bearer(officer.token));
  ASSERT_EQ(list->status, 201) << list->body;
  const std::string list_id(Json(list->body).at("id").as_string());
  ASSERT_EQ(c->Send("PUT", "/api/v1/plates/hotlists/" + list_id + "/csv",
                    "plate,state,reason,source,expires,notes\nABC1234,IL,stolen vehicle,NCIC,,\n",
                    Bearer(officer.token))
                ->status,
            200);
  auto read = [&](const std::string& uid, const std::string& plate) {
    return json::object{{"id", uid},
                        {"plate", plate},
                        {"state", "IL"},
                        {"confidence", 0.9},
                        {"read_at", FormatRfc3339(now - 60'000'000)}};
  };
  const std::string batch = json::serialize(json::object{
      {"reads", json::array{read("r1", "ABC1234"), read("r2", "A8C1234"), read("r3", "XYZ987")}}});
  auto sent = c->Send("POST", "/api/v1/plates/reads", batch, Bearer(reader));
  ASSERT_EQ(sent->status, 200) << sent->body;
  ASSERT_EQ(Json(sent->body).at("hits").as_int64(), 2);
  // A retried batch stores nothing and raises no hit, so it adds no `plate.hit` leaf.
  ASSERT_EQ(c->Send("POST", "/api/v1/plates/reads", batch, Bearer(reader))->status, 200);
  auto hits = Json(c->Send("GET", "/api/v1/plates/hits", "", Bearer(officer.token))->body);
  ASSERT_EQ(hits.at("hits").as_array().size(), 2u);
  for (const auto& h : hits.at("hits").as_array()) {
    const std::string verdict = h.at("kind").as_string() == "exact" ? "confirmed" : "misread";
    auto decided =
        c->Send("POST", "/api/v1/plates/hits/" + std::string(h.at("id").as_string()) + "/decide",
                json::serialize(json::object{{"status", verdict}}), Bearer(officer.token));
    ASSERT_EQ(decided->status, 204) << decided->body;
  }
  for (int i = 0; i < 2; ++i) {
    auto s = c->Send("POST", "/api/v1/plates/searches", SearchBody("burglary", now),
                     Bearer(officer.token));
    ASSERT_EQ(s->status, 200) << s->body;
  }
  EXPECT_EQ(c->Send("POST", "/api/v1/plates/searches", SearchBody("immigration_violation", now),
                    Bearer(officer.token))
                ->status,
            422);
  auto other = t.services().agencies->Create(
      Principal::System(),
      {"Neighbour PD", "IL", false, {{39.7, -89.5}, {39.7, -89.3}, {39.9, -89.3}, {39.9, -89.5}}});
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(t.services().agencies->Verify(Principal::System(), other->id).ok());
  auto admin = t.Make(Role::kAgencyAdmin, "admin1");
  auto agreed =
      c->Send("POST", "/api/v1/plates/agreements",
              json::serialize(json::object{{"scope", "agency"}, {"to_agency_id", other->id}}),
              Bearer(admin.token));
  ASSERT_EQ(agreed->status, 201) << agreed->body;

  ASSERT_TRUE(t.services().audit->Integrate().ok());
  const std::string period = report::QuarterContaining(now).name;

  // The deployment-wide report, in JSON.
  auto whole = c->Send("GET", "/api/v1/public/reports?period=" + period);
  ASSERT_EQ(whole->status, 200) << whole->body;
  auto f = Figures(whole->body);
  EXPECT_EQ(f["requests.filed"], "1");
  EXPECT_EQ(f["requests.refused_by_policy"], "1");
  EXPECT_EQ(f["requests.cameras_asked"], "7");
  EXPECT_EQ(f["requests.shares"], "fewer than 5");
  EXPECT_EQ(f["requests.clips_shared"], "fewer than 5");
  EXPECT_EQ(f["requests.declines"], "5");
  EXPECT_EQ(f["plates.searches.burglary"], "2");
  EXPECT_EQ(f["plates.searches_refused"], "1");
  EXPECT_EQ(f["plates.hits"], "2");
  EXPECT_EQ(f["plates.hits_confirmed"], "1");
  EXPECT_EQ(f["plates.misreads"], "1");
  EXPECT_EQ(f["agreements.created"], "1");
  EXPECT_EQ(f["agreements.active_at_end"], "1");
  EXPECT_EQ(f["demands.received.subpoena"], "0");
  EXPECT_EQ(f["demands.users_notified"], "fewer than 5");
  const json::value w = Json(whole->body);
  EXPECT_EQ(w.at("period").as_string(), period);
  EXPECT_TRUE(w.at("agency").is_null());
  auto cp = c->Send("GET", "/audit/checkpoint");
  EXPECT_EQ(w.at("checkpoint").at("note").as_string(), cp->body);

  // Per agency: shares, declines and hits count for the requesting agency and the hot list's.
  auto mine = c->Send("GET", "/api/v1/public/reports?period=" + period + "&agency=" + agency);
  ASSERT_EQ(mine->status, 200) << mine->body;
  EXPECT_EQ(Figures(mine->body), f);  // every act here was the test agency's
  auto theirs = c->Send("GET", "/api/v1/public/reports?period=" + period + "&agency=" + other->id);
  ASSERT_EQ(theirs->status, 200) << theirs->body;
  auto g = Figures(theirs->body);
  EXPECT_EQ(g["requests.filed"], "0");
  EXPECT_EQ(g["requests.declines"], "fewer than 5");
  EXPECT_EQ(g["plates.hits"], "0");
  EXPECT_EQ(g.count("plates.searches.burglary"), 0u);

  // Another period counts none of it (and states the same checkpoint).
  auto before = c->Send("GET", "/api/v1/public/reports?period=2020Q1");
  ASSERT_EQ(before->status, 200);
  EXPECT_EQ(Figures(before->body)["requests.filed"], "0");

  // CSV and HTML.
  auto csv = c->Send("GET", "/api/v1/public/reports?period=" + period + "&format=csv");
  ASSERT_EQ(csv->status, 200);
  EXPECT_NE(csv->body.find(period + ",,"), std::string::npos) << csv->body;
  EXPECT_NE(csv->body.find(",requests.declines,5\r\n"), std::string::npos) << csv->body;
  auto html = c->Send(
      "GET", "/api/v1/public/reports?period=" + period + "&agency=" + agency + "&format=html");
  ASSERT_EQ(html->status, 200);
  EXPECT_NE(html->body.find("<svg"), std::string::npos);
  EXPECT_NE(html->body.find("Test PD"), std::string::npos);

  // Bad input.
  EXPECT_EQ(c->Send("GET", "/api/v1/public/reports?period=2026Q5")->status, 400);
  EXPECT_EQ(c->Send("GET", "/api/v1/public/reports?format=pdf")->status, 400);
  EXPECT_EQ(c->Send("GET", "/api/v1/public/reports?agency=Robert'); DROP")->status, 400);
  EXPECT_EQ(c->Send("GET", "/api/v1/public/reports?agency=agy_aaaaaaaaaaaaaaaaaaaa")->status, 404);

  // Re-counting from the public log alone: the key from /audit/key, the leaves from the tiles.
  std::string key_text = c->Send("GET", "/audit/key")->body;
  key_text.pop_back();
  auto key = audit::Verifier::Parse(key_text);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  // The log may grow meanwhile: the report is re-counted at the checkpoint it states.
  ASSERT_TRUE(t.services().audit->Integrate().ok());
  for (const auto* body : {&whole->body, &mine->body, &theirs->body, &before->body}) {
    auto check = report::VerifyReport(*body, LogOver(c.get()), *key);
    ASSERT_TRUE(check.ok()) << check.status().ToString();
    EXPECT_TRUE(check->differences.empty()) << check->differences.front();
    EXPECT_EQ(check->entries_checked, check->published.checkpoint.size);
  }

  // Tampered figures fail, naming the figure.
  auto tampered =
      report::VerifyReport(Tamper(whole->body, "requests.filed", 2), LogOver(c.get()), *key);
  ASSERT_TRUE(tampered.ok()) << tampered.status().ToString();
  ASSERT_EQ(tampered->differences.size(), 1u);
  EXPECT_EQ(tampered->differences[0], "figure requests.filed differs: published 2, counted 1");
  auto hidden = report::VerifyReport(Tamper(whole->body, "requests.declines", "fewer than 5"),
                                     LogOver(c.get()), *key);
  ASSERT_TRUE(hidden.ok());
  ASSERT_EQ(hidden->differences.size(), 1u);
  EXPECT_EQ(hidden->differences[0],
            "figure requests.declines differs: published fewer than 5, counted 5");
  // A checkpoint the report did not really count at, or one the key did not sign.
  json::value moved = Json(whole->body);
  moved.at("checkpoint").as_object()["size"] = 3;
  EXPECT_EQ(report::VerifyReport(json::serialize(moved), LogOver(c.get()), *key).status().code(),
            Code::kDataLoss);
  json::value forged = Json(whole->body);
  std::string note(forged.at("checkpoint").at("note").as_string());
  note[note.find('\n') + 1] = note[note.find('\n') + 1] == '1' ? '2' : '1';  // the size line
  forged.at("checkpoint").as_object()["note"] = note;
  EXPECT_FALSE(report::VerifyReport(json::serialize(forged), LogOver(c.get()), *key).ok());
}

}  // namespace
}  // namespace canvass
