// Legal demands over real HTTP: what each kind of process may compel, scope against documents,
// decisions with reasons, notice before disclosure (and after a non-disclosure order ends, on a
// simulated clock), signed productions with end-to-end encrypted clips withheld, emergency
// disclosures and their follow-up, preservation holds; and who may see what.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "agent/clip_uploader.h"
#include "common/encoding.h"
#include "common/sha256.h"
#include "common/time_format.h"
#include "evidence/package.h"
#include "media/e2ee.h"
#include "media/test_video.h"
#include "testing/test_app.h"

namespace canvass {
namespace {
namespace json = boost::json;
using testing::Bearer;
using testing::TestApp;

constexpr int64_t kHourUs = 3'600'000'000LL;
constexpr int64_t kDayUs = 24 * kHourUs;
constexpr LatLng kHome{39.8, -89.65};

json::value Json(const std::string& s) { return json::parse(s); }

struct Owner {
  TestApp::Login login;
  std::string camera_id;
  std::string clip_id;
  std::string video;
};

// A resident with a camera and one clip recorded from `start_us` for 10 s.
Owner MakeOwner(TestApp& t, const std::string& name, int64_t start_us, bool e2ee = false) {
  Owner o;
  o.login = t.Make(Role::kResident, name);
  std::string device = t.MakeCamera(o.login, name + " porch", kHome);
  auto c = t.Client();
  if (e2ee) {
    media::E2eeKeyPair keys = media::NewE2eeKeyPair();
    EXPECT_EQ(c->Send("PUT", "/api/v1/me/e2ee-key",
                      json::serialize(json::object{{"public_key", Base64Encode(keys.public_key)}}),
                      Bearer(o.login.token))
                  ->status,
              200);
  }
  media::TestVideoOptions v;
  v.seed = static_cast<uint32_t>(std::hash<std::string>()(name));
  v.duration_ms = 1000;
  o.video = *media::MakeTestVideoBytes(v);
  agent::UploadOptions u;
  u.server_url = t.url();
  u.device_token = device;
  u.started_at_us = start_us;
  u.ended_at_us = start_us + 10'000'000;
  u.e2ee = e2ee;
  auto up = agent::UploadClip(o.video, u, *Random::System());
  EXPECT_TRUE(up.ok()) << up.status().ToString();
  const json::value clip = Json(up->clip_json);
  o.clip_id = std::string(clip.at("id").as_string());
  o.camera_id = std::string(clip.at("camera_id").as_string());
  return o;
}

json::object Scope(bool subscriber, bool content, std::vector<std::string> accounts,
                   std::vector<std::string> cameras, int64_t from_us = 0, int64_t to_us = 0) {
  json::array a, c;
  for (auto& x : accounts) a.push_back(json::string(x));
  for (auto& x : cameras) c.push_back(json::string(x));
  json::object o{{"subscriber", subscriber}, {"content", content}, {"account_ids", a},
                 {"camera_ids", c}};
  if (from_us) o["from"] = FormatRfc3339(from_us);
  if (to_us) o["to"] = FormatRfc3339(to_us);
  return o;
}

std::string DemandBody(const std::string& type, const std::string& agency, json::object scope,
                       json::object authorized, int64_t ndo_until_us = 0) {
  json::object o{{"type", type},
                 {"agency_id", agency},
                 {"issuing_authority", "Circuit Court of Sangamon County"},
                 {"docket_number", "2026-CR-0001"},
                 {"case_number", "C-77"},
                 {"scope", scope},
                 {"authorized", authorized}};
  if (ndo_until_us) o["nondisclosure_until"] = FormatRfc3339(ndo_until_us);
  return json::serialize(o);
}

std::string Decision(const std::string& outcome, const std::string& reason,
                     const json::object* scope = nullptr) {
  json::object o{{"outcome", outcome}, {"reason", reason}};
  if (scope) o["scope"] = *scope;
  return json::serialize(o);
}

class LegalFlow : public ::testing::Test {
 protected:
  explicit LegalFlow(const Clock* clock = nullptr)
      : t_(true, TestApp::DefaultConfig(), clock),
        legal_(t_.Make(Role::kLegal, "counsel1")),
        officer_(t_.Make(Role::kOfficer, "officer1")),
        c_(t_.Client()) {}

  std::string Record(const std::string& body, int want = 201) {
    auto r = c_->Send("POST", "/api/v1/legal/demands", body, Bearer(legal_.token));
    EXPECT_EQ(r->status, want) << r->body;
    return r->status == 201 ? std::string(Json(r->body).at("id").as_string()) : "";
  }
  api::ClientResponse Decide(const std::string& id, const std::string& body) {
    return *c_->Send("POST", "/api/v1/legal/demands/" + id + "/decision", body,
                     Bearer(legal_.token));
  }
  api::ClientResponse Produce(const std::string& id) {
    return *c_->Send("POST", "/api/v1/legal/demands/" + id + "/production", "",
                     Bearer(legal_.token));
  }
  json::value MyDemands(const TestApp::Login& who) {
    return Json(c_->Send("GET", "/api/v1/me/demands", "", Bearer(who.token))->body);
  }

  TestApp t_;
  TestApp::Login legal_;
  TestApp::Login officer_;
  std::unique_ptr<api::HttpClient> c_;
};

TEST_F(LegalFlow, ContentNeedsAWarrantAndSubscriberDataASubpoena) {
  auto resident = t_.Make(Role::kResident, "res1");
  const std::string agency = t_.agency().id;
  const int64_t now = SystemClock::Get()->NowMicros();
  // A subpoena asking for content is recorded (every demand is), but cannot be accepted.
  auto content = Scope(false, true, {resident.account.id}, {}, now - kDayUs, now);
  std::string id = Record(DemandBody("subpoena", agency, content, content));
  auto refused = Decide(id, Decision("accept", "the subpoena names the account"));
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(refused.body.find("search warrant"), std::string::npos) << refused.body;
  // It is rejected with a reason; a reason too short is refused.
  EXPECT_EQ(Decide(id, Decision("reject", "no")).status, 400);
  auto rejected = Decide(id, Decision("reject", "content needs a search warrant"));
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(Json(rejected.body).at("status").as_string(), "rejected");
  EXPECT_EQ(Json(rejected.body).at("users_affected").as_int64(), 0);
  // Deciding twice is refused.
  EXPECT_EQ(Decide(id, Decision("accept", "changed our mind entirely")).status, 422);
  // Subscriber data with a subpoena is accepted, and the owner is told at once.
  auto subscriber = Scope(true, false, {resident.account.id}, {});
  std::string sub = Record(DemandBody("subpoena", agency, subscriber, subscriber));
  auto accepted = Decide(sub, Decision("accept", "a valid subpoena for subscriber records"));
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(Json(accepted.body).at("users_affected").as_int64(), 1);
  auto mine = MyDemands(resident);
  ASSERT_EQ(mine.at("demands").as_array().size(), 1u);
  EXPECT_EQ(mine.at("demands").at(0).at("id").as_string(), sub);
  EXPECT_EQ(mine.at("demands").at(0).at("type").as_string(), "subpoena");
  // The agency's transparency report counts both, from the public leaves.
  ASSERT_TRUE(t_.services().audit->Integrate().ok());
  auto report = c_->Send("GET", "/api/v1/public/reports?agency=" + agency);
  ASSERT_EQ(report->status, 200) << report->body;
  const json::value figures = Json(report->body).at("figures");
  EXPECT_EQ(figures.at("demands.received.subpoena").to_number<int64_t>(), 2);
  EXPECT_EQ(figures.at("demands.subpoena.rejected").to_number<int64_t>(), 1);
  EXPECT_EQ(figures.at("demands.subpoena.accepted").to_number<int64_t>(), 1);
  EXPECT_EQ(figures.at("demands.users_notified").as_string(), "fewer than 5");
}

TEST_F(LegalFlow, ScopeBeyondTheDocumentsIsRefusedAndNarrowingIsRecorded) {
  const int64_t now = SystemClock::Get()->NowMicros();
  Owner a = MakeOwner(t_, "alice", now - 3 * kHourUs);
  Owner b = MakeOwner(t_, "bob", now - 3 * kHourUs);
  const std::string agency = t_.agency().id;
  auto asked = Scope(false, true, {}, {a.camera_id, b.camera_id}, now - 4 * kHourUs, now);
  auto allowed = Scope(false, true, {}, {a.camera_id}, now - 4 * kHourUs, now);
  std::string id = Record(DemandBody("search_warrant", agency, asked, allowed));
  auto beyond = Decide(id, Decision("accept", "the warrant is signed and valid"));
  EXPECT_EQ(beyond.status, 403) << beyond.body;
  EXPECT_NE(beyond.body.find(b.camera_id), std::string::npos) << beyond.body;
  // Narrowing past what was asked, or past the documents, is refused too.
  auto wider_time = Scope(false, true, {}, {a.camera_id}, now - 5 * kHourUs, now);
  EXPECT_EQ(Decide(id, Decision("narrow", "only the first camera", &wider_time)).status, 403);
  auto only_b = Scope(false, true, {}, {b.camera_id}, now - 4 * kHourUs, now);
  EXPECT_EQ(Decide(id, Decision("narrow", "only the second camera", &only_b)).status, 403);
  auto narrowed = Scope(false, true, {}, {a.camera_id}, now - 4 * kHourUs, now - kHourUs);
  auto ok = Decide(id, Decision("narrow", "the warrant covers the first camera only", &narrowed));
  ASSERT_EQ(ok.status, 200) << ok.body;
  const json::value d = Json(ok.body);
  EXPECT_TRUE(d.at("narrowed").as_bool());
  EXPECT_EQ(d.at("decided").at("camera_ids").as_array().size(), 1u);
  EXPECT_EQ(d.at("decided").at("camera_ids").at(0).as_string(), a.camera_id);
  EXPECT_EQ(d.at("scope").at("camera_ids").as_array().size(), 2u);  // as asked, kept
  // Only alice was told: bob's camera is outside the narrowed scope.
  EXPECT_EQ(MyDemands(a.login).at("demands").as_array().size(), 1u);
  EXPECT_EQ(MyDemands(b.login).at("demands").as_array().size(), 0u);
}

TEST_F(LegalFlow, ProductionIsSignedVerifiableAndWithholdsEndToEndEncryptedClips) {
  const int64_t now = SystemClock::Get()->NowMicros();
  Owner plain = MakeOwner(t_, "plain1", now - 2 * kHourUs);
  Owner sealed = MakeOwner(t_, "sealed1", now - 2 * kHourUs, /*e2ee=*/true);
  const std::string agency = t_.agency().id;
  auto scope = Scope(true, true, {}, {plain.camera_id, sealed.camera_id}, now - 3 * kHourUs, now);
  std::string id = Record(DemandBody("search_warrant", agency, scope, scope));
  // Not before it is accepted.
  EXPECT_EQ(Produce(id).status, 422);
  ASSERT_EQ(Decide(id, Decision("accept", "warrant signed by Judge Roe")).status, 200);
  auto produced = Produce(id);
  ASSERT_EQ(produced.status, 200) << produced.body;
  const json::value d = Json(produced.body);
  EXPECT_EQ(d.at("status").as_string(), "produced");
  EXPECT_EQ(d.at("production").at("withheld").as_int64(), 1);
  EXPECT_EQ(Produce(id).status, 422);  // once

  auto tar = c_->Send("GET", "/api/v1/legal/demands/" + id + "/production", "",
                      Bearer(legal_.token));
  ASSERT_EQ(tar->status, 200);
  EXPECT_EQ(tar->Header("content-type"), "application/x-tar");
  const std::string path = t_.data_dir() + "/production.tar";
  std::ofstream(path, std::ios::binary) << tar->body;
  const std::string key = c_->Send("GET", "/api/v1/public/evidence-key")->body;
  auto report = evidence::VerifyPackage(path, key);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  // The clip is there byte for byte; the sealed one is listed as withheld, with the reason.
  EXPECT_NE(tar->body.find(plain.video), std::string::npos);
  EXPECT_NE(tar->body.find(plain.clip_id), std::string::npos);
  EXPECT_NE(tar->body.find("end-to-end encrypted"), std::string::npos);
  EXPECT_NE(tar->body.find(sealed.clip_id), std::string::npos);
  // A tampered package fails verification.
  std::string bad = tar->body;
  bad[bad.find(plain.video) + 100] ^= 1;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bad;
  EXPECT_FALSE(evidence::VerifyPackage(path, key).ok());
  // Both owners were told before anything was disclosed.
  EXPECT_EQ(MyDemands(plain.login).at("demands").at(0).at("status").as_string(), "produced");
  EXPECT_EQ(MyDemands(sealed.login).at("demands").as_array().size(), 1u);
}

TEST_F(LegalFlow, AWarrantForAPlateProducesItsReadsAndCrops) {
  const int64_t now = SystemClock::Get()->NowMicros();
  const std::string reader = t_.MakeReader();
  const std::string jpeg = std::string("\xFF\xD8\xFF\xE0", 4) + "crop of 7ABC123";
  auto read = [&](const std::string& id, const std::string& plate, int64_t at_us, bool crop) {
    json::object o{{"id", id},           {"plate", plate},
                   {"state", "IL"},      {"confidence", 0.9},
                   {"read_at", FormatRfc3339(at_us)}};
    if (crop) o["crop_jpeg"] = Base64Encode(jpeg);
    return o;
  };
  json::array reads{read("r1", "7ABC123", now - kHourUs, true),
                    read("r2", "9XYZ555", now - kHourUs, false),
                    read("r3", "7ABC123", now - 30 * kDayUs + kHourUs, false)};
  ASSERT_EQ(c_->Send("POST", "/api/v1/plates/reads",
                     json::serialize(json::object{{"reads", reads}}), Bearer(reader))
                ->status,
            200);
  json::object scope{{"content", true},
                     {"plates", json::array{"7abc-123"}},
                     {"from", FormatRfc3339(now - 2 * kHourUs)},
                     {"to", FormatRfc3339(now)}};
  std::string id = Record(DemandBody("search_warrant", t_.agency().id, scope, scope));
  ASSERT_EQ(Decide(id, Decision("accept", "warrant for the plate's reads")).status, 200);
  auto produced = Produce(id);
  ASSERT_EQ(produced.status, 200) << produced.body;
  EXPECT_EQ(Json(produced.body).at("production").at("items").as_int64(), 2);  // a read, a crop
  auto tar = c_->Send("GET", "/api/v1/legal/demands/" + id + "/production", "",
                      Bearer(legal_.token));
  EXPECT_NE(tar->body.find(jpeg), std::string::npos);
  const size_t row = tar->body.find(",7ABC123,IL,");
  ASSERT_NE(row, std::string::npos);
  EXPECT_EQ(tar->body.find(",7ABC123,IL,", row + 1), std::string::npos);  // r3: out of range
  EXPECT_EQ(tar->body.find("9XYZ555"), std::string::npos);                // another plate
}

TEST_F(LegalFlow, OnlyLegalStaffHandleDemandsAndAgenciesSeeOnlyTheirOwn) {
  auto resident = t_.Make(Role::kResident, "res1");
  auto subscriber = Scope(true, false, {resident.account.id}, {});
  std::string id = Record(DemandBody("subpoena", t_.agency().id, subscriber, subscriber));
  // An officer cannot record or decide.
  EXPECT_EQ(c_->Send("POST", "/api/v1/legal/demands",
                     DemandBody("subpoena", t_.agency().id, subscriber, subscriber),
                     Bearer(officer_.token))
                ->status,
            403);
  EXPECT_EQ(c_->Send("POST", "/api/v1/legal/demands/" + id + "/decision",
                     Decision("accept", "an officer may not do this"), Bearer(officer_.token))
                ->status,
            403);
  // The requesting agency sees its demand, without the notices or who decided.
  auto seen = c_->Send("GET", "/api/v1/legal/demands/" + id, "", Bearer(officer_.token));
  ASSERT_EQ(seen->status, 200) << seen->body;
  EXPECT_FALSE(Json(seen->body).as_object().contains("notices"));
  // Unknown agency, unknown account: clear errors.
  EXPECT_EQ(Record(DemandBody("subpoena", "agy_aaaaaaaaaaaaaaaaaaaa", subscriber, subscriber), 400),
            "");
  auto ghost = Scope(true, false, {"acc_aaaaaaaaaaaaaaaaaaaa"}, {});
  EXPECT_EQ(Record(DemandBody("subpoena", t_.agency().id, ghost, ghost), 400), "");
  // Legal staff cannot record an emergency: an officer files it with an attestation.
  EXPECT_EQ(Record(DemandBody("emergency", t_.agency().id, subscriber, subscriber), 400), "");
}

TEST_F(LegalFlow, DocumentsArePdfsKeptByteForByte) {
  auto resident = t_.Make(Role::kResident, "res1");
  auto subscriber = Scope(true, false, {resident.account.id}, {});
  std::string id = Record(DemandBody("subpoena", t_.agency().id, subscriber, subscriber));
  auto not_pdf = c_->Send("POST", "/api/v1/legal/demands/" + id + "/documents?filename=a.pdf",
                          "<html>", Bearer(legal_.token));
  EXPECT_EQ(not_pdf->status, 400) << not_pdf->body;
  const std::string pdf = "%PDF-1.4\n% a subpoena\n%%EOF\n";
  auto added = c_->Send("POST", "/api/v1/legal/demands/" + id + "/documents?filename=sub.pdf",
                        pdf, Bearer(legal_.token));
  ASSERT_EQ(added->status, 201) << added->body;
  const std::string doc(Json(added->body).at("id").as_string());
  EXPECT_EQ(Json(added->body).at("sha256").as_string(), Sha256Hex(pdf));
  auto back = c_->Send("GET", "/api/v1/legal/demands/" + id + "/documents/" + doc, "",
                       Bearer(legal_.token));
  ASSERT_EQ(back->status, 200);
  EXPECT_EQ(back->body, pdf);
  auto view = Json(c_->Send("GET", "/api/v1/legal/demands/" + id, "", Bearer(legal_.token))->body);
  EXPECT_EQ(view.at("documents").as_array().size(), 1u);
}

TEST_F(LegalFlow, PreservationPlacesANinetyDayHoldAndDisclosesNothing) {
  const int64_t now = SystemClock::Get()->NowMicros();
  Owner o = MakeOwner(t_, "keepme", now - 2 * kHourUs);
  auto keep = Scope(false, false, {}, {o.camera_id}, now - 3 * kHourUs, now);
  std::string id = Record(DemandBody("preservation", t_.agency().id, keep, keep));
  auto asks = Scope(false, true, {}, {o.camera_id}, now - 3 * kHourUs, now);
  EXPECT_EQ(Record(DemandBody("preservation", t_.agency().id, asks, asks), 400), "");
  ASSERT_EQ(Decide(id, Decision("accept", "preservation letter under 2703(f)")).status, 200);
  auto holds = t_.services().holds->List(/*active_only=*/true);
  ASSERT_TRUE(holds.ok());
  ASSERT_EQ(holds->size(), 1u);
  EXPECT_EQ(holds->front().demand_id, id);
  EXPECT_EQ(holds->front().reason, "preservation");
  EXPECT_NEAR(static_cast<double>(holds->front().expires_at_us - holds->front().placed_at_us),
              90.0 * kDayUs, 1e6);
  EXPECT_EQ(Produce(id).status, 422);
}

class LegalClock : public LegalFlow {
 protected:
  LegalClock() : LegalFlow(&clock_) {}
  static SimulatedClock clock_;
};
SimulatedClock LegalClock::clock_(SystemClock::Get()->NowMicros());

TEST_F(LegalClock, NoticeWaitsForTheNonDisclosureOrderAndThenGoesOutByItself) {
  auto resident = t_.Make(Role::kResident, "gagged1");
  const int64_t now = clock_.NowMicros();
  auto subscriber = Scope(true, false, {resident.account.id}, {});
  // An order without a near end date is refused.
  EXPECT_EQ(Record(DemandBody("court_order", t_.agency().id, subscriber, subscriber,
                              now + 400 * kDayUs),
                   400),
            "");
  std::string id = Record(
      DemandBody("court_order", t_.agency().id, subscriber, subscriber, now + 10 * kDayUs));
  ASSERT_EQ(Decide(id, Decision("accept", "2703(d) order with a 2705(b) order")).status, 200);
  EXPECT_EQ(MyDemands(resident).at("demands").as_array().size(), 0u);  // not yet
  ASSERT_EQ(Produce(id).status, 200);  // deferred by the order, so production may go ahead
  clock_.AdvanceMicros(10 * kDayUs - 1'000'000);
  EXPECT_EQ(*t_.services().demands->SendDueNotices(), 0);
  EXPECT_EQ(MyDemands(resident).at("demands").as_array().size(), 0u);
  clock_.AdvanceMicros(1'000'000);
  EXPECT_EQ(*t_.services().demands->SendDueNotices(), 1);
  EXPECT_EQ(*t_.services().demands->SendDueNotices(), 0);
  auto mine = MyDemands(resident);
  ASSERT_EQ(mine.at("demands").as_array().size(), 1u);
  EXPECT_TRUE(mine.at("demands").at(0).at("delayed_by_nondisclosure_order").as_bool());
}

TEST_F(LegalClock, NothingIsDisclosedWhileANoticeIsOwed) {
  auto resident = t_.Make(Role::kResident, "owed1");
  const int64_t now = clock_.NowMicros();
  auto subscriber = Scope(true, false, {resident.account.id}, {});
  std::string id = Record(
      DemandBody("subpoena", t_.agency().id, subscriber, subscriber, now + kDayUs));
  ASSERT_EQ(Decide(id, Decision("accept", "subpoena with a short order")).status, 200);
  // The order has ended but the notice has not gone out yet: production waits for it.
  clock_.AdvanceMicros(kDayUs + 1);
  auto refused = Produce(id);
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_NE(refused.body.find("told"), std::string::npos) << refused.body;
  EXPECT_EQ(*t_.services().demands->SendDueNotices(), 1);
  EXPECT_EQ(Produce(id).status, 200);
}

TEST_F(LegalClock, EmergencyDisclosuresWithoutProcessIn72HoursAreFlaggedPublicly) {
  auto resident = t_.Make(Role::kResident, "danger1");
  auto scope = Scope(true, false, {resident.account.id}, {});
  auto file = [&](bool attest) {
    json::object o{{"attestation",
                    "A caller reports a kidnapping in progress; the victim was last seen at "
                    "this address twenty minutes ago."},
                   {"signature", "Officer Jane Doe"},
                   {"imminent_danger", attest},
                   {"scope", scope}};
    return c_->Send("POST", "/api/v1/emergency-requests", json::serialize(o),
                    Bearer(officer_.token));
  };
  EXPECT_EQ(file(false)->status, 400);
  auto filed = file(true);
  ASSERT_EQ(filed->status, 201) << filed->body;
  const std::string id(Json(filed->body).at("id").as_string());
  auto filed2 = file(true);
  const std::string id2(Json(filed2->body).at("id").as_string());
  for (const auto& e : {id, id2}) {
    ASSERT_EQ(Decide(e, Decision("accept", "imminent danger attested; reviewed")).status, 200);
    ASSERT_EQ(Produce(e).status, 200);
  }
  // Process arrives for the second one in time.
  std::string warrant = Record([&] {
    json::value v = Json(DemandBody("search_warrant", t_.agency().id, scope, scope));
    v.as_object()["follows_demand_id"] = id2;
    return json::serialize(v);
  }());
  auto public_feed = [&] {
    return Json(c_->Send("GET", "/api/v1/public/emergencies")->body).at("emergencies");
  };
  ASSERT_EQ(public_feed().as_array().size(), 2u);
  clock_.AdvanceMicros(72 * kHourUs - 1'000'000);
  EXPECT_EQ(*t_.services().demands->FlagOverdueEmergencies(), 0);
  clock_.AdvanceMicros(1'000'000);
  EXPECT_EQ(*t_.services().demands->FlagOverdueEmergencies(), 1);
  EXPECT_EQ(*t_.services().demands->FlagOverdueEmergencies(), 0);
  const json::value feed = public_feed();  // kept: a range-for over a temporary's member dangles
  for (const auto& e : feed.as_array()) {
    const bool first = e.at("id").as_string() == id;
    EXPECT_EQ(e.at("followup").as_string(),
              first ? "no_legal_process" : "followed_by_legal_process");
    // The public feed names no person and no camera.
    EXPECT_EQ(json::serialize(e).find(resident.account.id), std::string::npos);
  }
  (void)warrant;
  // The feed lists disclosures only, however many newer requests were never disclosed.
  for (int i = 0; i < 3; ++i) ASSERT_EQ(file(true)->status, 201);
  auto newest = Json(c_->Send("GET", "/api/v1/public/emergencies?limit=2")->body);
  EXPECT_EQ(newest.at("emergencies").as_array().size(), 2u);
}

}  // namespace
}  // namespace canvass
