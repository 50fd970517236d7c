// Community footage requests over real HTTP: filing under policy, matching, the owners' answers,
// the evidence locker, the signed export verified in process and with standard tools, the public
// feed; and what police can and cannot learn.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>

#include "agent/clip_uploader.h"
#include "agent/owner_share.h"
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

constexpr LatLng kIncident{39.8, -89.65};

json::value Json(const std::string& s) { return json::parse(s); }

std::string Video(uint32_t seed) {
  media::TestVideoOptions v;
  v.seed = seed;
  v.duration_ms = 1000;
  return *media::MakeTestVideoBytes(v);
}

// A resident with one camera at `where` and one clip recorded two minutes ago.
struct Owner {
  TestApp::Login login;
  std::string clip_id;
  std::string video;
};

Owner MakeOwner(TestApp& t, const std::string& name, LatLng where,
                SharingPreference sharing = SharingPreference::kAsk) {
  Owner o;
  o.login = t.Make(Role::kResident, name);
  std::string device = t.MakeCamera(o.login, name + " porch", where, sharing);
  o.video = Video(static_cast<uint32_t>(std::hash<std::string>()(name)));
  agent::UploadOptions u;
  u.server_url = t.url();
  u.device_token = device;
  u.started_at_us = SystemClock::Get()->NowMicros() - 120'000'000;
  u.ended_at_us = u.started_at_us + 10'000'000;
  auto up = agent::UploadClip(o.video, u, *Random::System());
  EXPECT_TRUE(up.ok()) << up.status().ToString();
  o.clip_id = std::string(Json(up->clip_json).at("id").as_string());
  return o;
}

// `metres` north of the incident (0.001 degree of latitude is 111.2 m).
LatLng North(double metres) { return {kIncident.lat_deg + metres / 111'195.0, kIncident.lng_deg}; }

std::string RequestBody(double radius_m, int64_t window_s, const std::string& case_number,
                        const std::string& type = "burglary",
                        const std::string& text = "Break-in on the 400 block; a person on foot") {
  const int64_t now = SystemClock::Get()->NowMicros();
  json::object o{{"case_number", case_number},
                 {"incident_type", type},
                 {"description", text},
                 {"center", {{"lat", kIncident.lat_deg}, {"lng", kIncident.lng_deg}}},
                 {"radius_m", radius_m},
                 {"from", FormatRfc3339(now - 30'000'000 - window_s * 1'000'000)},
                 {"to", FormatRfc3339(now - 30'000'000)}};
  return json::serialize(o);
}

// Everything police must never see: owners' account ids and names, camera ids and places,
// clip ids.
void ExpectNothingAbout(const std::string& body, const std::vector<Owner>& owners) {
  for (const auto& o : owners) {
    EXPECT_EQ(body.find(o.login.account.id), std::string::npos) << body;
    EXPECT_EQ(body.find(o.login.account.username + " porch"), std::string::npos) << body;
    EXPECT_EQ(body.find(o.clip_id), std::string::npos) << body;
  }
  EXPECT_EQ(body.find("cam_"), std::string::npos) << body;
  EXPECT_EQ(body.find("clp_"), std::string::npos) << body;
}

int Shell(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); }

TEST(RequestsFlow, FilingMatchingSharingAndAVerifiedExport) {
  TestApp t;
  auto officer = t.Make(Role::kOfficer, "officer1");
  std::vector<Owner> near;
  for (int i = 0; i < 6; ++i)
    near.push_back(MakeOwner(t, "near" + std::to_string(i), North(30.0 * i)));
  Owner never = MakeOwner(t, "private1", North(50), SharingPreference::kNever);
  Owner far = MakeOwner(t, "far1", North(2000));
  auto c = t.Client();
  auto live = t.services().hub->Subscribe(near[0].login.account.id);
  auto live_far = t.services().hub->Subscribe(far.login.account.id);

  auto filed = c->Send("POST", "/api/v1/requests", RequestBody(300, 3600, "2026-001234"),
                       Bearer(officer.token));
  ASSERT_EQ(filed->status, 201) << filed->body;
  json::value req = Json(filed->body);
  const std::string id(req.at("id").as_string());
  EXPECT_EQ(req.at("status").as_string(), "open");
  EXPECT_EQ(req.at("decision").at("verdict").as_string(), "allowed");
  EXPECT_EQ(req.at("counts").at("cameras_notified").as_int64(), 6);  // not "never", not far
  ExpectNothingAbout(filed->body, near);
  // Matched owners are told live; others are not.
  std::vector<LiveEvent> events;
  live->Take(&events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "request");
  EXPECT_NE(events[0].data_json.find(id), std::string::npos);
  events.clear();
  live_far->Take(&events);
  EXPECT_TRUE(events.empty());

  // Owners see the request and exactly their overlapping clip; the others see nothing.
  auto inbox = c->Send("GET", "/api/v1/inbox", "", Bearer(near[0].login.token));
  ASSERT_EQ(inbox->status, 200) << inbox->body;
  ASSERT_EQ(Json(inbox->body).at("requests").as_array().size(), 1u);
  EXPECT_EQ(Json(inbox->body).at("requests").at(0).as_object().count("case_number"), 0u);
  auto item = c->Send("GET", "/api/v1/inbox/" + id, "", Bearer(near[0].login.token));
  ASSERT_EQ(item->status, 200) << item->body;
  ASSERT_EQ(Json(item->body).at("my_clips").as_array().size(), 1u);
  EXPECT_EQ(Json(item->body).at("my_clips").at(0).at("id").as_string(), near[0].clip_id);
  for (const Owner* o : {&never, &far}) {
    auto none = c->Send("GET", "/api/v1/inbox", "", Bearer(o->login.token));
    EXPECT_EQ(Json(none->body).at("requests").as_array().size(), 0u);
    EXPECT_EQ(c->Send("GET", "/api/v1/inbox/" + id, "", Bearer(o->login.token))->status, 404);
  }

  // Owner 0 shares as recorded with contact details; owner 1 shares muted; owner 2 declines.
  auto s0 = c->Send("POST", "/api/v1/inbox/" + id + "/share",
                    R"({"clip_ids":[")" + near[0].clip_id +
                        R"("],"contact":{"name":"Near Zero","phone":"555-0100"}})",
                    Bearer(near[0].login.token));
  ASSERT_EQ(s0->status, 201) << s0->body;
  auto s1 = c->Send("POST", "/api/v1/inbox/" + id + "/share",
                    R"({"clip_ids":[")" + near[1].clip_id + R"("],"mute_audio":true})",
                    Bearer(near[1].login.token));
  ASSERT_EQ(s1->status, 201) << s1->body;
  // Owner 5 blurs faces: the clip is re-encoded (with the real OpenCV detector).
  auto s5 = c->Send("POST", "/api/v1/inbox/" + id + "/share",
                    R"({"clip_ids":[")" + near[5].clip_id + R"("],"blur_faces":true})",
                    Bearer(near[5].login.token));
  ASSERT_EQ(s5->status, 201) << s5->body;
  // Another owner's clip cannot be shared by someone else.
  auto stolen =
      c->Send("POST", "/api/v1/inbox/" + id + "/share",
              R"({"clip_ids":[")" + near[3].clip_id + R"("]})", Bearer(near[2].login.token));
  EXPECT_EQ(stolen->status, 404) << stolen->body;
  EXPECT_EQ(
      c->Send("POST", "/api/v1/inbox/" + id + "/decline", "", Bearer(near[2].login.token))->status,
      204);
  EXPECT_EQ(
      c->Send("POST", "/api/v1/inbox/" + id + "/decline", "", Bearer(near[2].login.token))->status,
      422);  // answered once
  auto history = c->Send("GET", "/api/v1/shares", "", Bearer(near[0].login.token));
  ASSERT_EQ(Json(history->body).at("shares").as_array().size(), 1u);

  // Police: counts only, small ones hidden.
  auto view = c->Send("GET", "/api/v1/requests/" + id, "", Bearer(officer.token));
  ASSERT_EQ(view->status, 200);
  EXPECT_EQ(Json(view->body).at("counts").at("owners_shared").as_string(), "fewer than 5");
  EXPECT_EQ(Json(view->body).at("counts").at("clips_shared").as_string(), "fewer than 5");
  ExpectNothingAbout(view->body, near);

  // The evidence locker: two items; the unredacted one is the owner's exact bytes.
  auto list = c->Send("GET", "/api/v1/evidence?case_number=2026-001234", "", Bearer(officer.token));
  ASSERT_EQ(list->status, 200) << list->body;
  ExpectNothingAbout(list->body, near);
  auto items = Json(list->body).at("evidence").as_array();
  ASSERT_EQ(items.size(), 3u);
  int with_contact = 0, blurred = 0;
  for (const auto& i : items) {
    const std::string evd(i.at("id").as_string());
    auto bytes = c->Send("GET", "/api/v1/evidence/" + evd + "/content?download=1", "",
                         Bearer(officer.token));
    ASSERT_EQ(bytes->status, 200);
    EXPECT_EQ(Sha256Hex(bytes->body), i.at("sha256").as_string());
    if (!i.at("owner_contact").is_null()) {
      ++with_contact;
      EXPECT_EQ(i.at("owner_contact").at("name").as_string(), "Near Zero");
      EXPECT_EQ(i.at("sha256").as_string(), Sha256Hex(near[0].video));
    } else if (i.at("faces_blurred").as_bool()) {
      ++blurred;
      EXPECT_NE(i.at("sha256").as_string(), Sha256Hex(near[5].video));
      EXPECT_EQ(i.at("container").as_string(), "mp4");
    } else {
      EXPECT_TRUE(i.at("audio_muted").as_bool());
    }
    auto detail = c->Send("GET", "/api/v1/evidence/" + evd, "", Bearer(officer.token));
    auto custody = Json(detail->body).at("custody").as_array();
    ASSERT_EQ(custody.size(), 2u);
    EXPECT_EQ(custody[0].at("action").as_string(), "received");
    EXPECT_TRUE(custody[0].at("actor_id").is_null());
    EXPECT_EQ(custody[1].at("action").as_string(), "downloaded");
  }
  EXPECT_EQ(with_contact, 1);
  EXPECT_EQ(blurred, 1);

  // Export, then verify: in process, with `canvass evidence verify`'s code, and with
  // tar + minisign + sha256sum alone.
  auto pkg = c->Send("POST", "/api/v1/evidence/export", R"({"case_number":"2026-001234"})",
                     Bearer(officer.token));
  ASSERT_EQ(pkg->status, 200) << pkg->body;
  // The export is in every item's chain of custody.
  for (const auto& i : items) {
    auto detail = c->Send("GET", "/api/v1/evidence/" + std::string(i.at("id").as_string()), "",
                          Bearer(officer.token));
    const json::value v = Json(detail->body);
    const auto& custody = v.at("custody").as_array();
    ASSERT_EQ(custody.size(), 3u) << detail->body;
    EXPECT_EQ(custody[2].at("action").as_string(), "exported");
  }
  auto key = c->Send("GET", "/api/v1/public/evidence-key", "");
  ASSERT_EQ(key->status, 200);
  const std::string dir = t.data_dir() + "/export";
  ASSERT_EQ(Shell("mkdir -p " + dir), 0);
  std::ofstream(dir + "/case.tar", std::ios::binary) << pkg->body;
  std::ofstream(dir + "/deployment.pub") << key->body;
  auto report = evidence::VerifyPackage(dir + "/case.tar", key->body);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->files_checked, 5);  // three clips, the manifest and the README
  ASSERT_EQ(Shell("cd " + dir + " && tar xf case.tar"), 0);
  const std::string unpacked = dir + "/" + report->name;
  EXPECT_EQ(Shell("cd " + unpacked + " && minisign -Vm SHA256SUMS -p ../deployment.pub"), 0);
  EXPECT_EQ(Shell("cd " + unpacked + " && sha256sum -c SHA256SUMS"), 0);
  std::ifstream manifest_in(unpacked + "/manifest.json");
  std::string manifest((std::istreambuf_iterator<char>(manifest_in)), {});
  EXPECT_NE(manifest.find("\"exported\""), std::string::npos);
  ExpectNothingAbout(manifest, near);
  // A tampered clip fails both checks.
  ASSERT_EQ(Shell("cd " + unpacked + " && for f in clips/*; do printf x >> $f; break; done"), 0);
  EXPECT_NE(Shell("cd " + unpacked + " && sha256sum -c SHA256SUMS"), 0);
  EXPECT_FALSE(evidence::VerifyPackage(unpacked, key->body).ok());

  // The public feed: no case number, area rounded, counts only.
  auto feed = c->Send("GET", "/api/v1/public/requests", "");
  ASSERT_EQ(feed->status, 200);
  auto pub = Json(feed->body).at("requests").at(0);
  EXPECT_EQ(pub.at("agency").as_string(), "Test PD");
  EXPECT_EQ(pub.as_object().count("case_number"), 0u);
  EXPECT_EQ(pub.at("area").at("radius_m").to_number<double>(), 300);
  EXPECT_EQ(feed->body.find("2026-001234"), std::string::npos);
  ExpectNothingAbout(feed->body, near);

  // Closing ends sharing; the request stays on the feed.
  auto closed = c->Send("POST", "/api/v1/requests/" + id + "/close", "", Bearer(officer.token));
  ASSERT_EQ(closed->status, 200) << closed->body;
  auto late =
      c->Send("POST", "/api/v1/inbox/" + id + "/share",
              R"({"clip_ids":[")" + near[4].clip_id + R"("]})", Bearer(near[4].login.token));
  EXPECT_EQ(late->status, 422) << late->body;
  auto inbox4 = c->Send("GET", "/api/v1/inbox", "", Bearer(near[4].login.token));
  EXPECT_EQ(Json(inbox4->body).at("requests").at(0).at("my_answer").as_string(), "expired");
  feed = c->Send("GET", "/api/v1/public/requests", "");
  EXPECT_EQ(Json(feed->body).at("requests").at(0).at("status").as_string(), "closed");
}

TEST(RequestsFlow, WideRequestsWaitForAnotherSupervisor) {
  TestApp t;
  auto officer = t.Make(Role::kOfficer, "officer1");
  auto sup1 = t.Make(Role::kSupervisor, "sup1");
  auto sup2 = t.Make(Role::kSupervisor, "sup2");
  Owner o = MakeOwner(t, "near0", North(450));
  auto c = t.Client();
  auto filed =
      c->Send("POST", "/api/v1/requests", RequestBody(500, 3600, "C-9"), Bearer(sup1.token));
  ASSERT_EQ(filed->status, 201) << filed->body;
  json::value req = Json(filed->body);
  const std::string id(req.at("id").as_string());
  EXPECT_EQ(req.at("status").as_string(), "pending_approval");
  EXPECT_EQ(req.at("decision").at("verdict").as_string(), "needs_approval");
  EXPECT_EQ(Json(c->Send("GET", "/api/v1/inbox", "", Bearer(o.login.token))->body)
                .at("requests")
                .as_array()
                .size(),
            0u);
  EXPECT_EQ(
      Json(c->Send("GET", "/api/v1/public/requests", "")->body).at("requests").as_array().size(),
      0u);
  // Not by its own filer, not by an officer; by another supervisor.
  EXPECT_EQ(c->Send("POST", "/api/v1/requests/" + id + "/approve", "", Bearer(sup1.token))->status,
            403);
  EXPECT_EQ(
      c->Send("POST", "/api/v1/requests/" + id + "/approve", "", Bearer(officer.token))->status,
      403);
  auto ok = c->Send("POST", "/api/v1/requests/" + id + "/approve", R"({"note":"armed robbery"})",
                    Bearer(sup2.token));
  ASSERT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(Json(ok->body).at("status").as_string(), "open");
  EXPECT_EQ(Json(ok->body).at("reviewed").at("by").as_string(), sup2.account.id);
  EXPECT_EQ(c->Send("POST", "/api/v1/requests/" + id + "/approve", "", Bearer(sup2.token))->status,
            422);
  EXPECT_EQ(Json(c->Send("GET", "/api/v1/inbox", "", Bearer(o.login.token))->body)
                .at("requests")
                .as_array()
                .size(),
            1u);
}

TEST(RequestsFlow, RefusalsExplainEveryFailedRuleAndAreLogged) {
  TestApp t;
  auto officer = t.Make(Role::kOfficer, "officer1");
  auto c = t.Client();
  auto refused = c->Send("POST", "/api/v1/requests",
                         RequestBody(5000, 13 * 3600, "C-1", "other",
                                     "Identify people at the protest outside city hall"),
                         Bearer(officer.token));
  ASSERT_EQ(refused->status, 422) << refused->body;
  json::value r = Json(refused->body);
  EXPECT_EQ(r.at("error").at("code").as_string(), "POLICY_REFUSED");
  std::string msg(r.at("error").at("message").as_string());
  for (const char* rule : {"purpose_not_prohibited", "radius_max", "area_max", "window_max"}) {
    EXPECT_NE(msg.find(rule), std::string::npos) << msg;
  }
  EXPECT_EQ(r.at("decision").at("rules").as_array().size(), 15u);
  // Outside the jurisdiction; a third request for one case.
  auto outside = json::parse(RequestBody(100, 3600, "C-2"));
  outside.at("center").at("lat") = 41.0;
  EXPECT_EQ(
      c->Send("POST", "/api/v1/requests", json::serialize(outside), Bearer(officer.token))->status,
      422);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(
        c->Send("POST", "/api/v1/requests", RequestBody(100, 3600, "C-3"), Bearer(officer.token))
            ->status,
        201);
  }
  auto third =
      c->Send("POST", "/api/v1/requests", RequestBody(100, 3600, "C-3"), Bearer(officer.token));
  EXPECT_EQ(third->status, 422);
  EXPECT_NE(third->body.find("requests_per_case"), std::string::npos);
  // Invalid coordinates are bad input, not a policy decision.
  auto bad = json::parse(RequestBody(100, 3600, "C-4"));
  bad.at("center").at("lat") = 91.0;
  auto invalid = c->Send("POST", "/api/v1/requests", json::serialize(bad), Bearer(officer.token));
  EXPECT_EQ(invalid->status, 400) << invalid->body;

  t.app().Shutdown();
  auto rows = t.services().store->ReadAuditRows(0, 100000);
  int refusals = 0;
  for (const auto& row : *rows) refusals += row.event.type == "request.refuse";
  EXPECT_EQ(refusals, 3);
}

TEST(RequestsFlow, PoliceLearnNothingAboutWhoWasAskedOrHowTheyAnswered) {
  TestApp t;
  auto officer = t.Make(Role::kOfficer, "officer1");
  auto other_agency = t.services().agencies->Create(
      Principal::System(),
      {"Other PD", "IL", false, {{39.7, -89.8}, {39.7, -89.5}, {39.9, -89.5}, {39.9, -89.8}}});
  ASSERT_TRUE(other_agency.ok());
  ASSERT_TRUE(t.services().agencies->Verify(Principal::System(), other_agency->id).ok());
  auto outsider = t.Make(Role::kOfficer, "outsider", other_agency->id);
  std::vector<Owner> owners;
  for (int i = 0; i < 3; ++i)
    owners.push_back(MakeOwner(t, "own" + std::to_string(i), North(20.0 * i)));
  auto c = t.Client();
  auto filed =
      c->Send("POST", "/api/v1/requests", RequestBody(200, 3600, "P-1"), Bearer(officer.token));
  ASSERT_EQ(filed->status, 201);
  const std::string id(Json(filed->body).at("id").as_string());
  // Three cameras: "fewer than 5", never the number.
  EXPECT_EQ(Json(filed->body).at("counts").at("cameras_notified").as_string(), "fewer than 5");

  auto snapshot = [&] {
    json::value v = Json(c->Send("GET", "/api/v1/requests/" + id, "", Bearer(officer.token))->body);
    return json::serialize(v.at("counts"));
  };
  const std::string before = snapshot();
  // A decline and an ignore look the same to police.
  ASSERT_EQ(c->Send("POST", "/api/v1/inbox/" + id + "/decline", "", Bearer(owners[0].login.token))
                ->status,
            204);
  EXPECT_EQ(snapshot(), before);

  // Every police-reachable path that could name a resident or a camera answers without one.
  for (const char* path : {"/api/v1/inbox", "/api/v1/shares", "/api/v1/cameras", "/api/v1/clips"}) {
    auto r = c->Send("GET", path, "", Bearer(officer.token));
    EXPECT_EQ(r->status, 403) << path;
    ExpectNothingAbout(r->body, owners);
  }
  for (const auto& o : owners) {
    for (const std::string& path : {"/api/v1/inbox/" + id, "/api/v1/clips/" + o.clip_id,
                                    "/api/v1/clips/" + o.clip_id + "/content"}) {
      auto r = c->Send("GET", path, "", Bearer(officer.token));
      EXPECT_EQ(r->status, 403) << path;
      ExpectNothingAbout(r->body, owners);
    }
    // Sharing on an owner's behalf is refused by role before any lookup.
    auto r = c->Send("POST", "/api/v1/inbox/" + id + "/share",
                     R"({"clip_ids":[")" + o.clip_id + R"("]})", Bearer(officer.token));
    EXPECT_EQ(r->status, 403);
  }
  auto all = c->Send("GET", "/api/v1/requests", "", Bearer(officer.token));
  ExpectNothingAbout(all->body, owners);
  // Another agency sees neither the request nor its evidence.
  EXPECT_EQ(c->Send("GET", "/api/v1/requests/" + id, "", Bearer(outsider.token))->status, 404);
  EXPECT_EQ(Json(c->Send("GET", "/api/v1/requests", "", Bearer(outsider.token))->body)
                .at("requests")
                .as_array()
                .size(),
            0u);
  ASSERT_EQ(
      c->Send("POST", "/api/v1/inbox/" + id + "/share",
              R"({"clip_ids":[")" + owners[1].clip_id + R"("]})", Bearer(owners[1].login.token))
          ->status,
      201);
  auto evidence = Json(c->Send("GET", "/api/v1/evidence", "", Bearer(officer.token))->body);
  ASSERT_EQ(evidence.at("evidence").as_array().size(), 1u);
  const std::string evd(evidence.at("evidence").at(0).at("id").as_string());
  EXPECT_TRUE(evidence.at("evidence").at(0).at("owner_contact").is_null());
  EXPECT_EQ(c->Send("GET", "/api/v1/evidence/" + evd, "", Bearer(outsider.token))->status, 404);
  EXPECT_EQ(
      c->Send("GET", "/api/v1/evidence/" + evd + "/content", "", Bearer(outsider.token))->status,
      404);
  EXPECT_EQ(Json(c->Send("GET", "/api/v1/evidence", "", Bearer(outsider.token))->body)
                .at("evidence")
                .as_array()
                .size(),
            0u);
  EXPECT_EQ(
      c->Send("POST", "/api/v1/evidence/export", R"({"case_number":"P-1"})", Bearer(outsider.token))
          ->status,
      404);
}

TEST(RequestsFlow, RequestsExpireWithTheirPendingAnswers) {
  SimulatedClock clock(SystemClock::Get()->NowMicros());
  TestApp t(true, TestApp::DefaultConfig(), &clock);
  auto officer = t.Make(Role::kOfficer, "officer1");
  Owner asked = MakeOwner(t, "near0", North(10));
  Owner answered = MakeOwner(t, "near1", North(20));
  auto c = t.Client();
  auto filed =
      c->Send("POST", "/api/v1/requests", RequestBody(100, 3600, "E-1"), Bearer(officer.token));
  ASSERT_EQ(filed->status, 201) << filed->body;
  const std::string id(Json(filed->body).at("id").as_string());
  ASSERT_EQ(
      c->Send("POST", "/api/v1/inbox/" + id + "/decline", "", Bearer(answered.login.token))->status,
      204);
  // An officer may ask for less time than the policy allows, never more.
  auto shorter = json::parse(RequestBody(100, 3600, "E-2"));
  shorter.as_object()["expires_in_h"] = 24;
  auto short_filed =
      c->Send("POST", "/api/v1/requests", json::serialize(shorter), Bearer(officer.token));
  ASSERT_EQ(short_filed->status, 201) << short_filed->body;
  const std::string short_id(Json(short_filed->body).at("id").as_string());
  shorter.as_object()["expires_in_h"] = 73;
  shorter.as_object()["case_number"] = "E-3";
  auto too_long =
      c->Send("POST", "/api/v1/requests", json::serialize(shorter), Bearer(officer.token));
  EXPECT_EQ(too_long->status, 400) << too_long->body;
  clock.AdvanceSeconds(24 * 3600);
  EXPECT_EQ(*t.services().requests->ExpireDue(), 1);  // the 24-hour one
  clock.AdvanceSeconds(48 * 3600 - 1);
  EXPECT_EQ(*t.services().requests->ExpireDue(), 0);
  clock.AdvanceSeconds(1);  // 72 h: the default expiry
  EXPECT_EQ(*t.services().requests->ExpireDue(), 1);
  EXPECT_EQ(*t.services().requests->ExpireDue(), 0);
  auto view = Json(c->Send("GET", "/api/v1/requests/" + id, "", Bearer(officer.token))->body);
  EXPECT_EQ(view.at("status").as_string(), "expired");
  // Both requests are in each inbox (filed at the same simulated instant): find this one.
  auto answer_of = [&](const std::string& token) {
    const json::value inbox = Json(c->Send("GET", "/api/v1/inbox", "", Bearer(token))->body);
    for (const auto& r : inbox.at("requests").as_array()) {
      if (r.at("id").as_string() == id) return std::string(r.at("my_answer").as_string());
    }
    return std::string("missing");
  };
  EXPECT_EQ(answer_of(asked.login.token), "expired");
  EXPECT_EQ(answer_of(answered.login.token), "declined");
  EXPECT_EQ(c->Send("POST", "/api/v1/requests/" + id + "/close", "", Bearer(officer.token))->status,
            422);
}

TEST(RequestsFlow, EndToEndEncryptedClipsAreSharedByTheOwnersOwnClient) {
  TestApp t;
  auto officer = t.Make(Role::kOfficer, "officer1");
  auto owner = t.Make(Role::kResident, "sealed1");
  std::string device = t.MakeCamera(owner, "sealed porch", North(10));
  media::E2eeKeyPair keys = media::NewE2eeKeyPair();
  auto c = t.Client();
  ASSERT_EQ(c->Send("PUT", "/api/v1/me/e2ee-key",
                    json::serialize(json::object{{"public_key", Base64Encode(keys.public_key)}}),
                    Bearer(owner.token))
                ->status,
            200);
  std::string video = Video(11);
  agent::UploadOptions u;
  u.server_url = t.url();
  u.device_token = device;
  u.started_at_us = SystemClock::Get()->NowMicros() - 120'000'000;
  u.ended_at_us = u.started_at_us + 10'000'000;
  u.e2ee = true;
  auto up = agent::UploadClip(video, u, *Random::System());
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  const std::string clip(Json(up->clip_json).at("id").as_string());
  auto filed =
      c->Send("POST", "/api/v1/requests", RequestBody(100, 3600, "S-1"), Bearer(officer.token));
  ASSERT_EQ(filed->status, 201) << filed->body;
  const std::string id(Json(filed->body).at("id").as_string());

  // The server cannot open it, and says how to share it.
  auto by_id = c->Send("POST", "/api/v1/inbox/" + id + "/share",
                       R"({"clip_ids":[")" + clip + R"("]})", Bearer(owner.token));
  EXPECT_EQ(by_id->status, 422);
  EXPECT_NE(by_id->body.find("canvass share"), std::string::npos) << by_id->body;
  // Not a video: refused, nothing stored.
  auto junk = c->Send("PUT", "/api/v1/inbox/" + id + "/clips/" + clip + "/plaintext",
                      "not a video at all", Bearer(owner.token));
  EXPECT_EQ(junk->status, 400) << junk->body;

  agent::OwnerShareOptions o;
  o.server_url = t.url();
  o.token = owner.token;
  o.request_id = id;
  o.clip_id = clip;
  o.public_key = keys.public_key;
  o.secret_key = keys.secret_key;
  auto shared = agent::ShareSealedClip(o);
  ASSERT_TRUE(shared.ok()) << shared.status().ToString();
  auto items = Json(c->Send("GET", "/api/v1/evidence", "", Bearer(officer.token))->body);
  ASSERT_EQ(items.at("evidence").as_array().size(), 1u);
  EXPECT_EQ(items.at("evidence").at(0).at("sha256").as_string(), Sha256Hex(video));
  // A wrong key cannot open it.
  o.secret_key = media::NewE2eeKeyPair().secret_key;
  EXPECT_FALSE(agent::ShareSealedClip(o).ok());
}

}  // namespace
}  // namespace canvass
