// Retention and legal holds over a real server on simulated time: the hold rules at their
// boundaries (90 days, one renewal, expiry, release, idempotent placing), and the purge: clips,
// plate reads and crops past retention are gone from the database files (WAL included) and
// from the disk, while what a hold or a case keeps is still there; `canvass check`'s retention
// half passes afterwards and fails on an expired row, an orphan pack and surviving crop bytes.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "agent/clip_uploader.h"
#include "common/encoding.h"
#include "common/time_format.h"
#include "media/clip_cipher.h"
#include "media/test_video.h"
#include "retention/retention_check.h"
#include "testing/test_app.h"

namespace canvass {
namespace {
namespace json = boost::json;
using testing::Bearer;
using testing::TestApp;

constexpr int64_t kSecondUs = 1'000'000;
constexpr int64_t kDayUs = 86'400 * kSecondUs;

json::value Json(const std::string& s) { return json::parse(s); }

Config TestConfig() {
  Config c = TestApp::DefaultConfig();
  c.retention.check_grace_s = 0;  // report anything past due at once
  return c;
}

Principal PrincipalOf(TestApp& t, const TestApp::Login& login) {
  return *t.services().accounts->Authenticate("", login.token);
}

std::string CameraIdOf(TestApp& t, const TestApp::Login& owner) {
  auto cams = t.services().store->ListCamerasByOwner(owner.account.id);
  EXPECT_TRUE(cams.ok() && cams->size() == 1u);
  return cams->front().id;
}

// Public leaves of one type: (reason, agency, count) each.
struct Leaf {
  std::string reason;
  std::string agency;
  int64_t count;
};
std::vector<Leaf> Leaves(TestApp& t, const std::string& type) {
  std::vector<Leaf> out;
  auto rows = t.services().store->ReadAuditRows(0, 1'000'000);
  EXPECT_TRUE(rows.ok());
  for (const auto& r : *rows) {
    if (r.event.type == type) {
      out.push_back({r.event.reason_code, r.event.actor_agency_id, r.event.count});
    }
  }
  return out;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The database as it lies on disk: the main file, its WAL and the shared-memory index.
std::string DatabaseBytes(TestApp& t) {
  std::string all;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    all += ReadAll(t.data_dir() + "/canvass.db" + suffix);
  }
  return all;
}

// Every file under the data directory, concatenated.
std::string DiskBytes(TestApp& t) {
  std::string all;
  auto files = FileSystem::Posix()->ListFilesRecursive(t.data_dir());
  EXPECT_TRUE(files.ok());
  for (const auto& f : *files) all += ReadAll(JoinPath(t.data_dir(), f));
  return all;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(RetentionFlow, HoldsLastNinetyDaysRenewOnceExpireAndRelease) {
  SimulatedClock clock(SystemClock::Get()->NowMicros());
  TestApp t(true, TestConfig(), &clock);
  auto legal = t.Make(Role::kLegal, "legal1");
  auto officer = t.Make(Role::kOfficer, "officer1");
  auto owner = t.Make(Role::kResident, "owner1");
  t.MakeCamera(owner);
  const std::string camera = CameraIdOf(t, owner);
  auto& holds = *t.services().holds;
  const Principal lp = PrincipalOf(t, legal);
  const std::string demand = Random::System()->NewId("dem");
  retention::HoldScope scope;
  scope.camera_ids = {camera};

  // Who and what may place a hold.
  EXPECT_EQ(holds.Place(PrincipalOf(t, officer), demand, t.agency().id, "preservation", scope)
                .status()
                .code(),
            Code::kPermissionDenied);
  EXPECT_EQ(holds.Place(lp, demand, t.agency().id, "forever", scope).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(holds.Place(lp, demand, t.agency().id, "preservation", {}).status().code(),
            Code::kInvalidArgument);
  retention::HoldScope backwards = scope;
  backwards.from_us = 200;
  backwards.to_us = 100;
  EXPECT_EQ(holds.Place(lp, demand, t.agency().id, "preservation", backwards).status().code(),
            Code::kInvalidArgument);
  retention::HoldScope unknown;
  unknown.camera_ids = {Random::System()->NewId("cam")};
  EXPECT_EQ(holds.Place(lp, demand, t.agency().id, "preservation", unknown).status().code(),
            Code::kNotFound);

  // A preservation hold: 90 days. Placing again for the same demand is the same hold.
  const int64_t placed = clock.NowMicros();
  auto hold = holds.Place(lp, demand, t.agency().id, "preservation", scope);
  ASSERT_TRUE(hold.ok()) << hold.status().ToString();
  EXPECT_EQ(hold->expires_at_us, placed + 90 * kDayUs);
  clock.AdvanceSeconds(60);
  auto again = holds.Place(lp, demand, t.agency().id, "preservation", scope);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, hold->id);
  EXPECT_EQ(again->placed_at_us, placed);
  ASSERT_EQ(Leaves(t, "legal.hold_place").size(), 1u);
  EXPECT_EQ(Leaves(t, "legal.hold_place")[0].reason, "preservation");
  EXPECT_EQ(Leaves(t, "legal.hold_place")[0].agency, t.agency().id);

  auto c = t.Client();
  const std::string path = "/api/v1/holds/" + hold->id;
  // One second before the 90 days: still in force; renewing adds 90 days to the expiry.
  clock.SetMicros(placed + 90 * kDayUs - kSecondUs);
  EXPECT_EQ(*holds.ExpireDue(), 0);
  EXPECT_EQ(c->Send("POST", path + "/renew", "", Bearer(officer.token))->status, 403);
  auto renewed = c->Send("POST", path + "/renew", "", Bearer(legal.token));
  ASSERT_EQ(renewed->status, 200) << renewed->body;
  json::value r = Json(renewed->body);
  EXPECT_EQ(r.at("expires_at").as_string(), FormatRfc3339(placed + 180 * kDayUs));
  EXPECT_EQ(r.at("renewals").as_int64(), 1);
  EXPECT_EQ(r.at("renewals_left").as_int64(), 0);
  EXPECT_EQ(r.at("status").as_string(), "active");
  // Not twice.
  auto twice = c->Send("POST", path + "/renew", "", Bearer(legal.token));
  EXPECT_EQ(twice->status, 422) << twice->body;
  EXPECT_NE(twice->body.find("renewed 1 time"), std::string::npos) << twice->body;
  ASSERT_EQ(Leaves(t, "legal.hold_renew").size(), 1u);

  // In force up to the last microsecond before the new expiry, ended at it.
  clock.SetMicros(placed + 180 * kDayUs - 1);
  EXPECT_EQ(*holds.ExpireDue(), 0);
  EXPECT_EQ(holds.Get(hold->id)->ended_at_us, 0);
  clock.SetMicros(placed + 180 * kDayUs);
  EXPECT_EQ(*holds.ExpireDue(), 1);
  EXPECT_EQ(*holds.ExpireDue(), 0);
  auto ended = c->Send("GET", path, "", Bearer(legal.token));
  ASSERT_EQ(ended->status, 200);
  EXPECT_EQ(Json(ended->body).at("status").as_string(), "expired");
  EXPECT_EQ(c->Send("POST", path + "/release", "", Bearer(legal.token))->status, 422);
  EXPECT_EQ(c->Send("POST", path + "/renew", "", Bearer(legal.token))->status, 422);
  auto ends = Leaves(t, "legal.hold_end");
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].reason, "expired");
  EXPECT_EQ(ends[0].agency, t.agency().id);

  // A renewal must come before the expiry: at the expiry itself it is refused.
  auto late = holds.Place(lp, Random::System()->NewId("dem"), t.agency().id, "preservation", scope);
  ASSERT_TRUE(late.ok());
  clock.SetMicros(late->expires_at_us);
  EXPECT_EQ(holds.Renew(lp, late->id).status().code(), Code::kFailedPrecondition);
  // Releasing a hold past its expiry ends it as expired, and says so.
  Status released_late = holds.Release(lp, late->id);
  EXPECT_EQ(released_late.code(), Code::kFailedPrecondition);
  EXPECT_NE(released_late.message().find("expired"), std::string::npos);
  EXPECT_EQ(holds.Get(late->id)->end_reason, "expired");

  // A demand hold lasts until released; it is never renewed.
  auto until = holds.Place(lp, Random::System()->NewId("dem"), t.agency().id, "demand", scope);
  ASSERT_TRUE(until.ok());
  EXPECT_EQ(until->expires_at_us, 0);
  EXPECT_EQ(holds.Renew(lp, until->id).status().code(), Code::kFailedPrecondition);
  clock.AdvanceSeconds(3650 * 86400);
  EXPECT_EQ(*holds.ExpireDue(), 0);
  auto active = c->Send("GET", "/api/v1/holds?active=true", "", Bearer(legal.token));
  ASSERT_EQ(active->status, 200);
  ASSERT_EQ(Json(active->body).at("holds").as_array().size(), 1u);
  auto released =
      c->Send("POST", "/api/v1/holds/" + until->id + "/release", "", Bearer(legal.token));
  ASSERT_EQ(released->status, 200) << released->body;
  EXPECT_EQ(Json(released->body).at("status").as_string(), "released");
  EXPECT_EQ(
      c->Send("POST", "/api/v1/holds/" + until->id + "/release", "", Bearer(legal.token))->status,
      422);
  auto all = c->Send("GET", "/api/v1/holds", "", Bearer(legal.token));
  EXPECT_EQ(Json(all->body).at("holds").as_array().size(), 3u);
  ends = Leaves(t, "legal.hold_end");
  ASSERT_EQ(ends.size(), 3u);
  EXPECT_EQ(ends[2].reason, "released");
  EXPECT_EQ(Leaves(t, "legal.hold_place").size(), 3u);
  EXPECT_EQ(Leaves(t, "legal.hold_place")[2].reason, "demand");
}

const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0", 4) + "crop of a licence plate";

json::object ReadJson(const std::string& id, const std::string& plate, int64_t at_us) {
  return json::object{{"id", id},
                      {"plate", plate},
                      {"state", "IL"},
                      {"confidence", 0.9},
                      {"read_at", FormatRfc3339(at_us)},
                      {"crop_jpeg", Base64Encode(kJpeg + plate)}};
}

std::string Batch(std::initializer_list<json::object> reads) {
  json::array a;
  for (const auto& r : reads) a.push_back(r);
  return json::serialize(json::object{{"reads", a}});
}

struct StoredClip {
  Clip clip;
  std::string blob_path;
};

StoredClip Upload(TestApp& t, const std::string& device, const SimulatedClock& clock,
                  uint32_t seed) {
  media::TestVideoOptions v;
  v.seed = seed;
  v.duration_ms = 1000;
  agent::UploadOptions u;
  u.server_url = t.url();
  u.device_token = device;
  u.started_at_us = clock.NowMicros() - 120 * kSecondUs;
  u.ended_at_us = u.started_at_us + 10 * kSecondUs;
  auto up = agent::UploadClip(*media::MakeTestVideoBytes(v), u, *Random::System());
  EXPECT_TRUE(up.ok()) << up.status().ToString();
  auto clip = t.services().store->GetClip(std::string(Json(up->clip_json).at("id").as_string()));
  EXPECT_TRUE(clip.ok());
  return {*clip, t.services().clips->BlobPath(clip->blob_name)};
}

// The sealed crop of each read, as it lies in its pack, by plate.
std::map<std::string, std::string> SealedCrops(TestApp& t) {
  std::map<std::string, std::string> out;
  EXPECT_TRUE(t.services()
                  .store
                  ->ForEachPlateRead([&](const PlateRead& r) -> Status {
                    std::string pack =
                        ReadAll(JoinPath(t.services().plates->CropDir(), r.crop_pack));
                    out[r.plate] = pack.substr(
                        static_cast<size_t>(r.crop_offset),
                        static_cast<size_t>(r.crop_bytes + media::kSegmentOverheadBytes));
                    return OkStatus();
                  })
                  .ok());
  return out;
}

retention::RetentionCheckReport Check(TestApp& t, const SimulatedClock& clock, bool repair) {
  auto report =
      retention::CheckRetention(*t.services().store, *t.services().plates, *FileSystem::Posix(),
                                t.app().config(), clock.NowMicros(), repair);
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  return *report;
}

std::string Problems(const retention::RetentionCheckReport& r) {
  std::string out;
  for (const auto& p : r.problems) out += p + "\n";
  return out;
}

TEST(RetentionFlow, PurgeDeletesRowsAndBytesAndKeepsWhatHoldsAndCasesKeep) {
  SimulatedClock clock(SystemClock::Get()->NowMicros());
  TestApp t(true, TestConfig(), &clock);
  auto legal = t.Make(Role::kLegal, "legal1");
  auto officer = t.Make(Role::kOfficer, "officer1");
  const Principal lp = PrincipalOf(t, legal);
  auto c = t.Client();

  // Three residents, one camera each (60-day retention), one clip each. The second camera is
  // under a preservation hold, the third owner's account under a demand hold.
  auto gone_owner = t.Make(Role::kResident, "resident-a");
  auto held_owner = t.Make(Role::kResident, "resident-b");
  auto account_owner = t.Make(Role::kResident, "resident-c");
  StoredClip gone = Upload(t, t.MakeCamera(gone_owner, "front"), clock, 11);
  StoredClip held = Upload(t, t.MakeCamera(held_owner, "front"), clock, 12);
  StoredClip by_account = Upload(t, t.MakeCamera(account_owner, "front"), clock, 13);
  retention::HoldScope camera_scope;
  camera_scope.camera_ids = {held.clip.camera_id};
  auto camera_hold = t.services().holds->Place(lp, Random::System()->NewId("dem"), t.agency().id,
                                               "preservation", camera_scope);
  ASSERT_TRUE(camera_hold.ok()) << camera_hold.status().ToString();
  retention::HoldScope account_scope;
  account_scope.account_ids = {account_owner.account.id};
  auto account_hold = t.services().holds->Place(lp, Random::System()->NewId("dem"), t.agency().id,
                                                "demand", account_scope);
  ASSERT_TRUE(account_hold.ok()) << account_hold.status().ToString();

  // Plate reads with crops, three batches (three packs): a pack whose reads all go, a pack
  // where one read goes and one is held by plate, a pack where one goes and one is evidence.
  const std::string reader = t.MakeReader();
  const int64_t at = clock.NowMicros() - 300 * kSecondUs;
  for (const std::string& batch :
       {Batch({ReadJson("r-gone1", "GONE1", at), ReadJson("r-gone2", "GONE2", at)}),
        Batch({ReadJson("r-purge1", "PURGE1", at), ReadJson("r-keep", "KEEPHLD", at)}),
        Batch({ReadJson("r-purge2", "PURGE2", at), ReadJson("r-case", "CASE1", at)})}) {
    auto sent = c->Send("POST", "/api/v1/plates/reads", batch, Bearer(reader));
    ASSERT_EQ(sent->status, 200) << sent->body;
  }
  retention::HoldScope plate_scope;
  plate_scope.plates = {"keephld"};  // normalised by Place
  plate_scope.from_us = at - kDayUs;
  plate_scope.to_us = at;  // inclusive
  ASSERT_TRUE(
      t.services()
          .holds->Place(lp, Random::System()->NewId("dem"), t.agency().id, "demand", plate_scope)
          .ok());
  int64_t case_seq = 0;
  std::map<std::string, std::string> packs;  // plate -> pack
  ASSERT_TRUE(t.services()
                  .store
                  ->ForEachPlateRead([&](const PlateRead& r) -> Status {
                    if (r.plate == "CASE1") case_seq = r.seq;
                    packs[r.plate] = r.crop_pack;
                    return OkStatus();
                  })
                  .ok());
  const std::string case_path = "/api/v1/plates/reads/" + std::to_string(case_seq) + "/case";
  EXPECT_EQ(
      c->Send("POST", case_path, R"({"case_number":"SPD-2026-9"})", Bearer(legal.token))->status,
      403);
  auto attached =
      c->Send("POST", case_path, R"({"case_number":"SPD-2026-9"})", Bearer(officer.token));
  ASSERT_EQ(attached->status, 200) << attached->body;
  EXPECT_TRUE(Json(attached->body).at("evidence").as_bool());
  EXPECT_EQ(
      c->Send("POST", case_path, R"({"case_number":"OTHER-1"})", Bearer(officer.token))->status,
      422);
  ASSERT_EQ(Leaves(t, "plate.hold_case").size(), 1u);
  const auto sealed = SealedCrops(t);
  ASSERT_EQ(sealed.size(), 6u);
  EXPECT_TRUE(Problems(Check(t, clock, false)).empty()) << Problems(Check(t, clock, false));

  // Nothing is due yet.
  auto pass = t.services().retention->RunOnce();
  ASSERT_TRUE(pass.ok()) << pass.status().ToString();
  EXPECT_EQ(pass->clips_purged + pass->reads_purged, 0);

  // Past both retentions (60 days for clips, 30 for Illinois reads).
  clock.AdvanceSeconds(61 * 86400);
  EXPECT_FALSE(Problems(Check(t, clock, false)).empty());  // due, not yet purged
  int64_t clips = 0, reads = 0;
  for (;;) {
    pass = t.services().retention->RunOnce();
    ASSERT_TRUE(pass.ok()) << pass.status().ToString();
    clips += pass->clips_purged;
    reads += pass->reads_purged;
    if (pass->clips_purged + pass->reads_purged == 0) break;
  }
  EXPECT_EQ(clips, 1);
  EXPECT_EQ(reads, 4);

  // Rows: the purged clip and reads are gone, the held ones are there.
  EXPECT_EQ(t.services().store->GetClip(gone.clip.id).status().code(), Code::kNotFound);
  EXPECT_TRUE(t.services().store->GetClip(held.clip.id).ok());
  EXPECT_TRUE(t.services().store->GetClip(by_account.clip.id).ok());
  std::set<std::string> left;
  ASSERT_TRUE(t.services()
                  .store
                  ->ForEachPlateRead([&](const PlateRead& r) -> Status {
                    left.insert(r.plate);
                    return OkStatus();
                  })
                  .ok());
  EXPECT_EQ(left, (std::set<std::string>{"CASE1", "KEEPHLD"}));

  // The database files: no trace of the purged rows (secure_delete, WAL truncated), while the
  // kept ones are there. The purged clip's id stays in the audit log by design (its
  // clip.upload event); its content hash, file name and key lived only in its row.
  const std::string db = DatabaseBytes(t);
  EXPECT_FALSE(Contains(db, gone.clip.content_sha256));
  EXPECT_FALSE(Contains(db, gone.clip.blob_name));
  EXPECT_FALSE(Contains(db, gone.clip.wrapped_key));
  for (const char* plate : {"GONE1", "GONE2", "PURGE1", "PURGE2", "r-gone1", "r-purge2"}) {
    EXPECT_FALSE(Contains(db, plate)) << plate << " is still in the database files";
  }
  EXPECT_TRUE(Contains(db, held.clip.content_sha256));
  EXPECT_TRUE(Contains(db, by_account.clip.blob_name));
  EXPECT_TRUE(Contains(db, "CASE1"));
  EXPECT_TRUE(Contains(db, "r-keep"));

  // The disk: the purged clip's file and every purged crop's sealed bytes are gone, the pack
  // whose reads all went is removed, the kept crops are where they were.
  EXPECT_FALSE(FileSystem::Posix()->Exists(gone.blob_path));
  EXPECT_TRUE(FileSystem::Posix()->Exists(held.blob_path));
  EXPECT_TRUE(FileSystem::Posix()->Exists(by_account.blob_path));
  const std::string crops = t.services().plates->CropDir();
  EXPECT_FALSE(FileSystem::Posix()->Exists(JoinPath(crops, packs["GONE1"])));
  EXPECT_TRUE(FileSystem::Posix()->Exists(JoinPath(crops, packs["PURGE1"])));
  const std::string disk = DiskBytes(t);
  for (const char* plate : {"GONE1", "GONE2", "PURGE1", "PURGE2"}) {
    EXPECT_FALSE(Contains(disk, sealed.at(plate))) << "the crop of " << plate << " survived";
  }
  EXPECT_TRUE(Contains(disk, sealed.at("KEEPHLD")));
  EXPECT_TRUE(Contains(disk, sealed.at("CASE1")));
  auto crop = c->Send("GET", "/api/v1/plates/reads/" + std::to_string(case_seq) + "/crop", "",
                      Bearer(officer.token));
  ASSERT_EQ(crop->status, 200);
  EXPECT_EQ(crop->body, kJpeg + "CASE1");

  // Logged in aggregate: one clip batch, reads by agency and retention.
  auto clip_leaves = Leaves(t, "retention.purge");
  ASSERT_EQ(clip_leaves.size(), 1u);
  EXPECT_EQ(clip_leaves[0].reason, "clip");
  EXPECT_EQ(clip_leaves[0].count, 1);
  auto read_leaves = Leaves(t, "plate.purge");
  ASSERT_EQ(read_leaves.size(), 1u);
  EXPECT_EQ(read_leaves[0].reason, "retention_30d");
  EXPECT_EQ(read_leaves[0].agency, t.agency().id);
  EXPECT_EQ(read_leaves[0].count, 4);

  // `canvass check` (its retention half): clean now.
  auto report = Check(t, clock, false);
  EXPECT_TRUE(report.problems.empty()) << Problems(report);
  EXPECT_EQ(report.clips_checked, 2);
  EXPECT_EQ(report.reads_checked, 2);
  EXPECT_EQ(report.packs_checked, 2);

  // Releasing the camera hold makes its clip due: check names it until the purge runs.
  ASSERT_TRUE(t.services().holds->Release(lp, camera_hold->id).ok());
  report = Check(t, clock, false);
  ASSERT_EQ(report.problems.size(), 1u) << Problems(report);
  EXPECT_NE(report.problems[0].find(held.clip.id), std::string::npos) << Problems(report);
  ASSERT_TRUE(t.services().retention->RunOnce().ok());
  EXPECT_FALSE(FileSystem::Posix()->Exists(held.blob_path));
  EXPECT_TRUE(Check(t, clock, false).problems.empty());

  // Planted faults: an expired read row, an orphan pack, and bytes left in a pack's gap.
  PlateRead old;
  old.reader_id = (*t.services().store->ListPlateReaders(""))[0].id;
  old.read_uid = "planted";
  old.agency_id = t.agency().id;
  old.plate = "OLD1";
  old.region = "IL";
  old.read_at_us = clock.NowMicros() - 40 * kDayUs;
  AuditEvent ev = MakeAuditEvent(Principal::System(), clock, "plate.ingest", "plate_read", "");
  ASSERT_TRUE(t.services().store->AppendPlateReads({old}, {}, ev, {}, nullptr).ok());
  ASSERT_TRUE(FileSystem::Posix()->WriteFileAtomic(JoinPath(crops, "orphan-pack"), "x").ok());
  {
    std::fstream f(JoinPath(crops, packs["PURGE1"]),
                   std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(0);  // PURGE1's crop came first in its pack
    f.write("leftover", 8);
  }
  report = Check(t, clock, false);
  ASSERT_EQ(report.problems.size(), 3u) << Problems(report);
  const std::string all = Problems(report);
  EXPECT_TRUE(Contains(all, "past its 30-day retention")) << all;
  EXPECT_TRUE(Contains(all, "orphan-pack serves no plate read")) << all;
  EXPECT_TRUE(Contains(all, "bytes outside its reads' crops")) << all;
  // --repair removes the orphan and zeroes the bytes; rows are never touched.
  report = Check(t, clock, true);
  EXPECT_EQ(report.repaired, 2);
  report = Check(t, clock, false);
  ASSERT_EQ(report.problems.size(), 1u) << Problems(report);
  EXPECT_TRUE(Contains(report.problems[0], "past its 30-day retention"));
  ASSERT_TRUE(t.services().retention->RunOnce().ok());
  EXPECT_TRUE(Check(t, clock, false).problems.empty());
}

}  // namespace
}  // namespace canvass
