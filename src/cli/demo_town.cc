#include "cli/demo_town.h"

#include <boost/json.hpp>
#include <cmath>

#include "common/sha256.h"
#include "media/test_video.h"

namespace canvass::cli {
namespace json = boost::json;

namespace {

constexpr LatLng kCenter{39.7817, -89.6501};  // Springfield, IL

const char* const kStreets[] = {"Elm",   "Oak",    "Maple", "Cedar",  "Pine",    "Walnut",
                                "Birch", "Spruce", "Ash",   "Willow", "Hickory", "Poplar"};

std::string Password(Random& r) { return r.NewToken("demo").substr(5, 16); }

}  // namespace

StatusOr<Principal> DemoPrincipal(api::Services& s, const std::vector<DemoAccount>& accounts,
                                  const std::string& username) {
  for (const auto& a : accounts) {
    if (a.username == username) return s.accounts->Authenticate("", a.token);
  }
  return NotFoundError("demo account " + username);
}

namespace {

// Three community requests: one open with answers, one approved by the sergeant after the
// policy asked for it, one refused for a prohibited purpose (only its audit leaf remains).
Status SeedDemoRequests(api::Services& s, const std::vector<DemoAccount>& accounts, int64_t now) {
  constexpr int64_t kHour = 3600LL * 1'000'000;
  CANVASS_ASSIGN_OR_RETURN(Principal officer, DemoPrincipal(s, accounts, "ofc.chen"));
  CANVASS_ASSIGN_OR_RETURN(Principal sergeant, DemoPrincipal(s, accounts, "sgt.miller"));
  requests::RequestInput burglary{"SPD-2026-04417",
                                  "burglary",
                                  "Burglary on Elm St; looking for a person on foot carrying a "
                                  "large bag between the times shown.",
                                  kCenter,
                                  400,
                                  now - 4 * kHour,
                                  now - kHour / 2};
  CANVASS_ASSIGN_OR_RETURN(auto open, s.requests->File(officer, burglary));
  if (!open.request)
    return InternalError("demo request refused: " + open.decision.FailureSummary());
  CANVASS_ASSIGN_OR_RETURN(Principal first, DemoPrincipal(s, accounts, "resident.elm"));
  CANVASS_ASSIGN_OR_RETURN(auto detail, s.requests->InboxItem(first, open.request->id));
  if (!detail.clips.empty()) {
    requests::ShareOptions share;
    share.contact = requests::Contact{"Elm St household", "", "elm@example.org"};
    CANVASS_RETURN_IF_ERROR(
        s.shares->ShareClips(first, open.request->id, {detail.clips[0].id}, share).status());
  }
  CANVASS_ASSIGN_OR_RETURN(Principal second, DemoPrincipal(s, accounts, "resident.oak"));
  s.requests->Decline(second, open.request->id).IgnoreError();  // not asked if no clip matched

  requests::RequestInput theft{"SPD-2026-04420",
                               "vehicle_theft",
                               "Car stolen from a driveway overnight; any camera facing the "
                               "street may have caught it.",
                               kCenter,
                               600,
                               now - 10 * kHour,
                               now - 2 * kHour};
  CANVASS_ASSIGN_OR_RETURN(auto wide, s.requests->File(officer, theft));
  if (!wide.request)
    return InternalError("demo request refused: " + wide.decision.FailureSummary());
  CANVASS_RETURN_IF_ERROR(
      s.requests->Approve(sergeant, wide.request->id, "Stolen vehicle used in a robbery").status());

  requests::RequestInput protest{
      "SPD-2026-04421", "other", "Identify people who joined the protest at City Hall.",
      kCenter,          300,     now - 3 * kHour,
      now - 2 * kHour};
  return s.requests->File(officer, protest).status();
}

// Four legal demands: a subpoena for subscriber records (accepted; its owner told), a warrant
// narrowed to one camera and produced, a subpoena for content (rejected: content needs a
// warrant), and an emergency request disclosed and awaiting its legal process.
Status SeedDemoDemands(api::Services& s, const std::vector<DemoAccount>& accounts, int64_t now) {
  constexpr int64_t kHour = 3600LL * 1'000'000;
  CANVASS_ASSIGN_OR_RETURN(Principal legal, DemoPrincipal(s, accounts, "legal"));
  CANVASS_ASSIGN_OR_RETURN(Principal officer, DemoPrincipal(s, accounts, "ofc.chen"));
  auto resident = [&](const std::string& name) -> StatusOr<std::pair<Account, Camera>> {
    CANVASS_ASSIGN_OR_RETURN(Account a, s.store->FindAccountByUsername(name));
    CANVASS_ASSIGN_OR_RETURN(auto cams, s.store->ListCamerasByOwner(a.id));
    if (cams.empty()) return NotFoundError("demo resident " + name + " has no camera");
    return std::pair{a, cams.front()};
  };
  CANVASS_ASSIGN_OR_RETURN(auto pine, resident("resident.pine"));
  CANVASS_ASSIGN_OR_RETURN(auto elm, resident("resident.elm"));
  CANVASS_ASSIGN_OR_RETURN(auto oak, resident("resident.oak"));
  const std::string agency = officer.AgencyId();

  legal::DemandInput sub;
  sub.type = DemandType::kSubpoena;
  sub.agency_id = agency;
  sub.issuing_authority = "Sangamon County State's Attorney";
  sub.docket_number = "GJ-2026-118";
  sub.case_number = "SPD-2026-04417";
  sub.scope.subscriber = true;
  sub.scope.account_ids = {pine.first.id};
  sub.authorized = sub.scope;
  CANVASS_ASSIGN_OR_RETURN(Demand d1, s.demands->Record(legal, sub));
  legal::Decision accept{legal::Decision::Outcome::kAccept,
                         "Grand jury subpoena for subscriber records only; within its terms.",
                         std::nullopt};
  CANVASS_RETURN_IF_ERROR(s.demands->Decide(legal, d1.id, accept).status());

  legal::DemandInput warrant;
  warrant.type = DemandType::kSearchWarrant;
  warrant.agency_id = agency;
  warrant.issuing_authority = "Circuit Court of Sangamon County";
  warrant.docket_number = "2026-SW-0412";
  warrant.case_number = "SPD-2026-04417";
  warrant.scope.content = true;
  warrant.scope.camera_ids = {elm.second.id, oak.second.id};
  warrant.scope.from_us = now - 12 * kHour;
  warrant.scope.to_us = now;
  warrant.authorized = warrant.scope;
  warrant.authorized.camera_ids = {elm.second.id};
  CANVASS_ASSIGN_OR_RETURN(Demand d2, s.demands->Record(legal, warrant));
  DemandScope narrowed = warrant.authorized;
  legal::Decision narrow{legal::Decision::Outcome::kNarrow,
                         "The warrant names the Elm St camera only; the Oak St camera is outside it.",
                         narrowed};
  CANVASS_RETURN_IF_ERROR(s.demands->Decide(legal, d2.id, narrow).status());
  CANVASS_RETURN_IF_ERROR(s.productions->Produce(legal, d2.id).status());

  legal::DemandInput content_by_subpoena = sub;
  content_by_subpoena.docket_number = "GJ-2026-131";
  content_by_subpoena.scope.subscriber = false;
  content_by_subpoena.scope.content = true;
  content_by_subpoena.scope.account_ids = {oak.first.id};
  content_by_subpoena.scope.from_us = now - 6 * kHour;
  content_by_subpoena.scope.to_us = now;
  content_by_subpoena.authorized = content_by_subpoena.scope;
  CANVASS_ASSIGN_OR_RETURN(Demand d3, s.demands->Record(legal, content_by_subpoena));
  legal::Decision reject{legal::Decision::Outcome::kReject,
                         "A subpoena cannot compel video: content needs a search warrant.",
                         std::nullopt};
  CANVASS_RETURN_IF_ERROR(s.demands->Decide(legal, d3.id, reject).status());

  legal::EmergencyInput em;
  em.case_number = "SPD-2026-04433";
  em.attestation =
      "A missing 7-year-old was last seen walking north on Maple St at 14:10; we believe she is "
      "with an adult who has threatened her. Every minute counts.";
  em.signature = "Officer Dana Chen";
  em.imminent_danger = true;
  em.scope.subscriber = true;
  em.scope.account_ids = {pine.first.id};
  CANVASS_ASSIGN_OR_RETURN(Demand d4, s.demands->FileEmergency(officer, em));
  legal::Decision approve{legal::Decision::Outcome::kAccept,
                          "Attested danger to a child; disclosure limited to contact records.",
                          std::nullopt};
  CANVASS_RETURN_IF_ERROR(s.demands->Decide(legal, d4.id, approve).status());
  return s.productions->Produce(legal, d4.id).status();
}

}  // namespace

StatusOr<std::vector<DemoAccount>> SeedDemoTown(api::App& app, Random& random) {
  api::Services& s = app.services();
  const Principal system = Principal::System();
  std::vector<DemoAccount> out;

  auto make = [&](Role role, const std::string& username, const std::string& display,
                  const std::string& agency_id) -> StatusOr<Account> {
    std::string pw = Password(random);
    CANVASS_ASSIGN_OR_RETURN(
        Account a, s.accounts->CreateAccount(system, {username, display, pw, role, agency_id}));
    Principal p;
    p.kind = Principal::Kind::kAccount;
    p.account = a;
    CANVASS_ASSIGN_OR_RETURN(std::string token, s.accounts->CreateApiToken(p, "demo"));
    out.push_back({std::string(RoleName(role)), username, pw, token});
    return a;
  };

  CANVASS_RETURN_IF_ERROR(make(Role::kAdmin, "admin", "Town administrator", "").status());
  // The city limits, roughly: a 12 km square around the centre.
  NewAgency spd{"Springfield Police Department",
                "IL",
                false,
                {{kCenter.lat_deg - 0.055, kCenter.lng_deg - 0.07},
                 {kCenter.lat_deg - 0.055, kCenter.lng_deg + 0.07},
                 {kCenter.lat_deg + 0.055, kCenter.lng_deg + 0.07},
                 {kCenter.lat_deg + 0.055, kCenter.lng_deg - 0.07}}};
  CANVASS_ASSIGN_OR_RETURN(Agency agency, s.agencies->Create(system, spd));
  CANVASS_RETURN_IF_ERROR(s.agencies->Verify(system, agency.id));
  CANVASS_RETURN_IF_ERROR(make(Role::kAgencyAdmin, "chief", "Chief Ortiz", agency.id).status());
  CANVASS_RETURN_IF_ERROR(make(Role::kSupervisor, "sgt.miller", "Sgt. Miller", agency.id).status());
  CANVASS_RETURN_IF_ERROR(make(Role::kOfficer, "ofc.chen", "Officer Chen", agency.id).status());
  CANVASS_RETURN_IF_ERROR(make(Role::kLegal, "legal", "Legal desk", "").status());
  CANVASS_RETURN_IF_ERROR(make(Role::kAuditor, "auditor", "Public auditor", "").status());

  const int64_t now = s.clock->NowMicros();
  for (int i = 0; i < 12; ++i) {
    std::string street = kStreets[i];
    for (char& c : street) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    CANVASS_ASSIGN_OR_RETURN(Account resident,
                             make(Role::kResident, "resident." + street,
                                  std::string(kStreets[i]) + " St household", ""));
    Principal owner;
    owner.kind = Principal::Kind::kAccount;
    owner.account = resident;
    // Homes on a ring of about 300 to 900 m around the centre.
    double angle = i * 2 * M_PI / 12, r_m = 300 + 50 * i;
    CameraInput cam;
    cam.name = std::string(i % 3 == 0 ? "Doorbell" : "Driveway") + ", " + kStreets[i] + " St";
    cam.kind = i % 3 == 0 ? CameraKind::kDoorbell : CameraKind::kOutdoor;
    cam.location =
        LatLng{kCenter.lat_deg + r_m * std::cos(angle) / 111'195.0,
               kCenter.lng_deg +
                   r_m * std::sin(angle) / (111'195.0 * std::cos(kCenter.lat_deg * M_PI / 180))};
    cam.bearing_deg = std::optional<int>((i * 30) % 360);
    cam.sharing = i % 4 == 3 ? SharingPreference::kNever : SharingPreference::kAsk;
    if (i % 2 == 0)
      cam.privacy_zones = std::vector<PrivacyZone>{{{0.7, 0}, {1, 0}, {1, 0.4}, {0.7, 0.4}}};
    CANVASS_ASSIGN_OR_RETURN(CreatedCamera created, s.cameras->Create(owner, cam));
    CANVASS_ASSIGN_OR_RETURN(Principal device, s.accounts->Authenticate("", created.device_token));
    for (int k = 0; k < 2; ++k) {
      media::TestVideoOptions v;
      v.seed = static_cast<uint32_t>(i * 10 + k + 1);
      v.duration_ms = 3000 + 1000 * k;
      CANVASS_ASSIGN_OR_RETURN(std::string bytes, media::MakeTestVideoBytes(v));
      UploadRequest req;
      req.content_sha256 = Sha256Hex(bytes);
      req.size_bytes = static_cast<int64_t>(bytes.size());
      req.started_at_us = now - (k * 6 + i + 1) * 3600LL * 1'000'000;
      req.ended_at_us = req.started_at_us + v.duration_ms * 1000 + 500'000;
      CANVASS_ASSIGN_OR_RETURN(UploadState st, s.clips->StartUpload(device, req));
      if (!st.clip) {
        CANVASS_ASSIGN_OR_RETURN(st, s.clips->AppendChunk(device, st.upload_id, 0, bytes));
      }
    }
    CANVASS_RETURN_IF_ERROR(
        s.clips->ReportMotion(device, now - (i + 1) * 60'000'000LL, 0.2 + 0.05 * i).status());
  }
  CANVASS_RETURN_IF_ERROR(SeedDemoRequests(s, out, now));
  CANVASS_RETURN_IF_ERROR(SeedDemoDemands(s, out, now));
  return out;
}

media::TownSim DemoTownSim() {
  return media::SimulateTown({},
                             {{"Doorbell, Elm St", 2, false, false},
                              {"Driveway, Oak St", 7, true, false},
                              {"Driveway, Maple St", 14, false, false},
                              {"ALPR Capitol Ave eastbound", 5, false, true},
                              {"ALPR 6th St", 16, false, true}});
}

StatusOr<std::vector<DemoCamera>> SeedDemoCameras(api::App& app,
                                                  const std::vector<DemoAccount>& accounts,
                                                  const media::TownSim& sim, Random& random) {
  api::Services& s = app.services();
  std::vector<DemoCamera> out;
  auto owner_of = [&](const std::string& username) -> StatusOr<Principal> {
    CANVASS_ASSIGN_OR_RETURN(Account a, s.store->FindAccountByUsername(username));
    Principal p;
    p.kind = Principal::Kind::kAccount;
    p.account = a;
    return p;
  };
  // Residents' cameras: the one of each household whose street names the camera.
  for (const media::SimCamera& cam : sim.cameras) {
    if (cam.spec.alpr) continue;
    std::string street = cam.spec.name.substr(cam.spec.name.find(", ") + 2);
    street = street.substr(0, street.find(' '));
    for (char& c : street) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    CANVASS_ASSIGN_OR_RETURN(Principal owner, owner_of("resident." + street));
    CANVASS_ASSIGN_OR_RETURN(auto cams, s.store->ListCamerasByOwner(owner.id()));
    if (cams.empty()) return NotFoundError("demo resident " + street + " has no camera");
    CANVASS_ASSIGN_OR_RETURN(std::string token,
                             s.cameras->RotateDeviceToken(owner, cams.front().id));
    out.push_back({cam.spec.name, std::string(CameraKindName(cams.front().kind)), token, ""});
  }
  // ALPR cameras: a camera record (for motion clips) and a plate reader (for reads) each.
  CANVASS_ASSIGN_OR_RETURN(
      Account city, s.accounts->CreateAccount(Principal::System(),
                                              {"city.streets", "Springfield Public Works",
                                               Password(random) + Password(random),
                                               Role::kResident, ""}));
  Principal city_p;
  city_p.kind = Principal::Kind::kAccount;
  city_p.account = city;
  CANVASS_ASSIGN_OR_RETURN(Principal chief, DemoPrincipal(s, accounts, "chief"));
  std::vector<std::string> hot;
  int n = 0;
  for (const media::SimCamera& cam : sim.cameras) {
    if (!cam.spec.alpr) continue;
    const LatLng at{kCenter.lat_deg + 0.004 * (n + 1), kCenter.lng_deg - 0.006 * (n + 1)};
    CameraInput ci;
    ci.name = cam.spec.name;
    ci.kind = CameraKind::kAlpr;
    ci.location = at;
    ci.bearing_deg = std::optional<int>(90 * n);
    ci.sharing = SharingPreference::kNever;  // the readers' reads go to the agency, not clips
    CANVASS_ASSIGN_OR_RETURN(CreatedCamera created, s.cameras->Create(city_p, ci));
    CANVASS_ASSIGN_OR_RETURN(plates::CreatedReader reader,
                             s.plates->RegisterReader(chief, {cam.spec.name, at, 90 * n}));
    out.push_back({cam.spec.name, "alpr", created.device_token, reader.token});
    for (const media::CameraPass& p : cam.passes) {
      const std::string& plate = sim.vehicles.at(static_cast<size_t>(p.vehicle)).plate;
      if (hot.size() < 3 && std::find(hot.begin(), hot.end(), plate) == hot.end()) {
        hot.push_back(plate);
      }
    }
    ++n;
  }
  CANVASS_ASSIGN_OR_RETURN(canvass::HotList list, s.plates->CreateHotList(chief, "Demo hot list"));
  const char* const kReasons[] = {"STOLEN VEHICLE", "AMBER ALERT", "WANTED: ROBBERY SUSPECT"};
  for (size_t i = 0; i < hot.size(); ++i) {
    canvass::HotListEntry e;
    e.plate = hot[i];
    e.region = "IL";
    e.reason = kReasons[i];
    e.source = "manual";
    e.notes = "demo town: this vehicle drives past the ALPR cameras every loop";
    CANVASS_RETURN_IF_ERROR(s.plates->AddEntry(chief, list.id, e).status());
  }
  return out;
}

std::string DemoCamerasJson(const std::vector<DemoCamera>& cameras) {
  json::array a;
  for (const auto& c : cameras) {
    a.push_back(json::object{{"name", c.name},
                             {"kind", c.kind},
                             {"device_token", c.device_token},
                             {"reader_token", c.reader_token}});
  }
  return json::serialize(a) + "\n";
}

StatusOr<std::vector<DemoCamera>> ParseDemoCamerasJson(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return DataLossError("demo-cameras.json is not a JSON array");
  std::vector<DemoCamera> out;
  for (const auto& e : v.as_array()) {
    if (!e.is_object()) return DataLossError("demo-cameras.json holds a non-object");
    const auto& o = e.as_object();
    auto str = [&](const char* k) -> std::string {
      auto it = o.find(k);
      return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : "";
    };
    out.push_back({str("name"), str("kind"), str("device_token"), str("reader_token")});
  }
  return out;
}

std::string DemoAccountsJson(const std::vector<DemoAccount>& accounts) {
  json::array a;
  for (const auto& d : accounts) {
    a.push_back(json::object{
        {"role", d.role}, {"username", d.username}, {"password", d.password}, {"token", d.token}});
  }
  return json::serialize(a) + "\n";
}

StatusOr<std::vector<DemoAccount>> ParseDemoAccountsJson(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return DataLossError("demo-accounts.json is not a JSON array");
  std::vector<DemoAccount> out;
  for (const auto& e : v.as_array()) {
    if (!e.is_object()) return DataLossError("demo-accounts.json holds a non-object");
    const auto& o = e.as_object();
    auto str = [&](const char* k) -> std::string {
      auto it = o.find(k);
      return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : "";
    };
    out.push_back({str("role"), str("username"), str("password"), str("token")});
  }
  return out;
}

}  // namespace canvass::cli
