// The contract every Store implementation passes. Parameterised by a factory so that the
// PostgreSQL store can run the same suite.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace canvass {
namespace {

using StoreFactory = std::function<std::unique_ptr<Store>(const std::string& dir)>;

std::unique_ptr<Store> MakeSqlite(const std::string& dir) {
  auto s = sqlite::SqliteStore::Open(dir + "/canvass.db");
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(s).value();
}

AuditEvent Ev(std::string type) {
  AuditEvent e;
  e.type = std::move(type);
  e.actor_role = "admin";
  e.object_kind = e.type.substr(0, e.type.find('.'));
  e.at_us = 1;
  return e;
}

class StoreContractTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/store_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = GetParam()(dir_);
  }

  Account Resident(const std::string& id, const std::string& username) {
    Account a;
    a.id = id;
    a.username = username;
    a.display_name = "R " + username;
    a.role = Role::kResident;
    a.password_hash = "$argon2id$x";
    a.created_at_us = 10;
    return a;
  }

  Camera Cam(const std::string& id, const std::string& owner) {
    Camera c;
    c.id = id;
    c.owner_id = owner;
    c.name = "front";
    c.kind = CameraKind::kDoorbell;
    c.location = {39.8, -89.65};
    c.bearing_deg = 90;
    c.privacy_zones = {{{0, 0}, {0.5, 0}, {0.5, 0.5}}};
    c.retention_days = 60;
    c.device_token_hash = "hash-" + id;
    return c;
  }

  Clip ClipFor(const std::string& id, const std::string& cam, const std::string& owner,
               int64_t start) {
    Clip c;
    c.id = id;
    c.camera_id = cam;
    c.owner_id = owner;
    c.content_sha256 = "sha-" + id;
    c.size_bytes = 100;
    c.started_at_us = start;
    c.ended_at_us = start + 10;
    c.container = "mp4";
    c.wrapped_key = std::string("\x00\x01key", 5);
    c.blob_name = "blob-" + id;
    return c;
  }

  Status AddClip(const Clip& c) {
    Upload u;
    u.id = "upl-" + c.id;
    u.camera_id = c.camera_id;
    u.owner_id = c.owner_id;
    u.content_sha256 = c.content_sha256;
    u.wrapped_key = c.wrapped_key;
    CANVASS_RETURN_IF_ERROR(store_->CreateUpload(u));
    return store_->CompleteUpload(u.id, c, Ev("clip.upload"));
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreContractTest, SchemaIsAtTheExpectedVersion) {
  auto v = store_->SchemaVersion();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, store_->ExpectedSchemaVersion());
}

TEST_P(StoreContractTest, AccountsRoundTripAndUsernamesAreUnique) {
  ASSERT_TRUE(store_->CreateAccount(Resident("acc_1", "alice"), Ev("account.create")).ok());
  auto a = store_->FindAccountByUsername("alice");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->id, "acc_1");
  EXPECT_EQ(a->role, Role::kResident);
  Status dup = store_->CreateAccount(Resident("acc_2", "alice"), Ev("account.create"));
  EXPECT_EQ(dup.code(), Code::kAlreadyExists);
  EXPECT_NE(dup.message().find("alice"), std::string::npos);
  EXPECT_EQ(store_->GetAccount("acc_nope").status().code(), Code::kNotFound);
}

TEST_P(StoreContractTest, AgencyAccountNeedsAnExistingAgency) {
  Account a = Resident("acc_1", "officer1");
  a.role = Role::kOfficer;
  a.agency_id = "agy_missing";
  EXPECT_EQ(store_->CreateAccount(a, Ev("account.create")).code(), Code::kNotFound);
}

TEST_P(StoreContractTest, EveryMutationAppendsItsAuditEventInOrder) {
  ASSERT_TRUE(store_->CreateAccount(Resident("acc_1", "alice"), Ev("account.create")).ok());
  ASSERT_TRUE(store_->CreateCamera(Cam("cam_1", "acc_1"), Ev("camera.create")).ok());
  ASSERT_TRUE(store_->RecordAccess(Ev("clip.view")).ok());
  auto events = store_->ReadAuditRows(0, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].event.type, "account.create");
  EXPECT_EQ((*events)[1].event.type, "camera.create");
  EXPECT_EQ((*events)[2].event.type, "clip.view");
  EXPECT_EQ((*events)[2].index, 2);
  EXPECT_EQ((*events)[0].salt.size(), 32u);
  EXPECT_NE((*events)[0].salt, (*events)[1].salt);
  EXPECT_EQ(*store_->AuditEventCount(), 3);
}

TEST_P(StoreContractTest, FailedMutationLeavesNeitherChangeNorEvent) {
  ASSERT_TRUE(store_->CreateAccount(Resident("acc_1", "alice"), Ev("account.create")).ok());
  // A camera for a missing owner fails the foreign key: no row, no audit event.
  EXPECT_FALSE(store_->CreateCamera(Cam("cam_1", "acc_missing"), Ev("camera.create")).ok());
  EXPECT_EQ(store_->GetCamera("cam_1").status().code(), Code::kNotFound);
  auto events = store_->ReadAuditRows(0, 10);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 1u);
}

TEST_P(StoreContractTest, FreeTextInAPublicAuditFieldIsRefusedWithItsChange) {
  AuditEvent bad = Ev("account.create");
  bad.reason_code = "because Alice Smith of 12 Elm St asked";
  EXPECT_EQ(store_->CreateAccount(Resident("acc_1", "alice"), bad).code(), Code::kInvalidArgument);
  EXPECT_EQ(store_->GetAccount("acc_1").status().code(), Code::kNotFound);
}

TEST_P(StoreContractTest, AuditIntegrationsMustExtendTheLatestCheckpoint) {
  ASSERT_TRUE(store_->RecordAccess(Ev("clip.view")).ok());
  ASSERT_TRUE(store_->RecordAccess(Ev("clip.view")).ok());
  EXPECT_EQ(store_->LatestAuditCheckpoint().status().code(), Code::kNotFound);
  Store::AuditIntegration in;
  in.first = 0;
  in.leaves = {"leaf0", "leaf1"};
  in.tiles = {{0, 0, std::string(64, 'h')}};
  in.checkpoint = {2, std::string(32, 'r'), "note", 5};
  ASSERT_TRUE(store_->CommitAuditIntegration(in).ok());
  EXPECT_EQ(store_->LatestAuditCheckpoint()->size, 2);
  EXPECT_EQ(*store_->ReadAuditTile(0, 0), std::string(64, 'h'));
  EXPECT_EQ((*store_->ReadAuditRows(1, 1))[0].leaf, "leaf1");
  // Replaying it (a second integrator, or a stale one) is refused and changes nothing.
  EXPECT_EQ(store_->CommitAuditIntegration(in).code(), Code::kFailedPrecondition);
  in.first = 2;
  in.leaves = {"leaf2"};
  in.checkpoint = {3, std::string(32, 'r'), "note", 6};
  EXPECT_EQ(store_->CommitAuditIntegration(in).code(), Code::kDataLoss) << "leaf 2 has no event";
  EXPECT_EQ(store_->LatestAuditCheckpoint()->size, 2);
}

TEST_P(StoreContractTest, CamerasRoundTripUpdateAndDeleteWithTheirClips) {
  ASSERT_TRUE(store_->CreateAccount(Resident("acc_1", "alice"), Ev("account.create")).ok());
  ASSERT_TRUE(store_->CreateCamera(Cam("cam_1", "acc_1"), Ev("camera.create")).ok());
  auto c = store_->GetCamera("cam_1");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->privacy_zones, Cam("cam_1", "acc_1").privacy_zones);
  EXPECT_EQ(c->bearing_deg, 90);
  c->bearing_deg.reset();
  c->retention_days = 7;
  ASSERT_TRUE(store_->UpdateCamera(*c, Ev("camera.update")).ok());
  EXPECT_EQ(store_->GetCamera("cam_1")->retention_days, 7);
  EXPECT_FALSE(store_->GetCamera("cam_1")->bearing_deg.has_value());
  auto by_token = store_->FindCameraByDeviceToken("hash-cam_1");
  ASSERT_TRUE(by_token.ok());
  EXPECT_EQ(by_token->id, "cam_1");

  ASSERT_TRUE(AddClip(ClipFor("clp_1", "cam_1", "acc_1", 100)).ok());
  auto deleted = store_->DeleteCamera("cam_1", Ev("camera.delete"));
  ASSERT_TRUE(deleted.ok());
  ASSERT_EQ(deleted->clips.size(), 1u);
  EXPECT_EQ(deleted->clips[0].blob_name, "blob-clp_1");
  EXPECT_EQ(store_->GetClip("clp_1").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->DeleteCamera("cam_1", Ev("camera.delete")).status().code(), Code::kNotFound);
}

TEST_P(StoreContractTest, ClipsAreUniquePerCameraAndContentAndPaginate) {
  ASSERT_TRUE(store_->CreateAccount(Resident("acc_1", "alice"), Ev("account.create")).ok());
  ASSERT_TRUE(store_->CreateCamera(Cam("cam_1", "acc_1"), Ev("camera.create")).ok());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(AddClip(ClipFor("clp_" + std::to_string(i), "cam_1", "acc_1", 100 * i)).ok());
  }
  Clip dup = ClipFor("clp_x", "cam_1", "acc_1", 0);
  dup.content_sha256 = "sha-clp_0";
  EXPECT_EQ(AddClip(dup).code(), Code::kAlreadyExists);
  EXPECT_EQ(store_->GetUpload("upl-clp_x").status().code(), Code::kOk)
      << "a failed completion must leave the upload in place";

  ClipFilter f;
  f.limit = 2;
  auto page1 = store_->ListClips("acc_1", f);
  ASSERT_TRUE(page1.ok());
  ASSERT_EQ(page1->size(), 2u);
  f.after_id = page1->back().id;
  auto page2 = store_->ListClips("acc_1", f);
  ASSERT_TRUE(page2.ok());
  ASSERT_EQ(page2->size(), 2u);
  EXPECT_EQ((*page2)[0].id, "clp_2");
  ClipFilter window;
  window.from_us = 150;
  window.to_us = 301;
  auto in_window = store_->ListClips("acc_1", window);
  ASSERT_TRUE(in_window.ok());
  ASSERT_EQ(in_window->size(), 2u);
  EXPECT_EQ((*in_window)[0].id, "clp_2");
  EXPECT_TRUE(store_->ListClips("acc_other", ClipFilter{})->empty());
  auto found = store_->FindClipByContent("cam_1", "sha-clp_3");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, "clp_3");
  EXPECT_EQ(found->wrapped_key, std::string("\x00\x01key", 5));
}

TEST_P(StoreContractTest, SessionsAndTokensAreFoundByHash) {
  ASSERT_TRUE(store_->CreateAccount(Resident("acc_1", "alice"), Ev("account.create")).ok());
  ASSERT_TRUE(store_->CreateSession({"h1", "acc_1", "csrf", 1, 1000}, Ev("account.login")).ok());
  EXPECT_EQ(store_->FindSession("h1")->account_id, "acc_1");
  ASSERT_TRUE(store_->DeleteSession("h1", Ev("account.logout")).ok());
  EXPECT_EQ(store_->FindSession("h1").status().code(), Code::kNotFound);
  ASSERT_TRUE(store_->CreateApiToken({"tok_1", "acc_1", "th", "cli", 1}, Ev("token.create")).ok());
  EXPECT_EQ(store_->FindApiToken("th")->account_id, "acc_1");
}

TEST_P(StoreContractTest, DisablingAnAccountEndsItsSessions) {
  ASSERT_TRUE(store_->CreateAccount(Resident("acc_1", "alice"), Ev("account.create")).ok());
  ASSERT_TRUE(store_->CreateSession({"h1", "acc_1", "csrf", 1, 1000}, Ev("account.login")).ok());
  ASSERT_TRUE(store_->SetAccountDisabled("acc_1", true, Ev("account.disable")).ok());
  EXPECT_TRUE(store_->GetAccount("acc_1")->disabled);
  EXPECT_EQ(store_->FindSession("h1").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->SetAccountDisabled("acc_missing", true, Ev("account.disable")).code(),
            Code::kNotFound);
}

TEST_P(StoreContractTest, AgenciesKeepBoundaryAndVerification) {
  Agency a;
  a.id = "agy_1";
  a.name = "Springfield PD";
  a.state = "IL";
  a.boundary = {{39.7, -89.7}, {39.7, -89.6}, {39.9, -89.6}, {39.9, -89.7}};
  a.created_at_us = 5;
  ASSERT_TRUE(store_->CreateAgency(a, Ev("agency.create")).ok());
  EXPECT_FALSE(store_->GetAgency("agy_1")->verified);
  ASSERT_TRUE(store_->SetAgencyVerified("agy_1", 77, Ev("agency.verify")).ok());
  auto got = store_->GetAgency("agy_1");
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->verified);
  EXPECT_EQ(got->verified_at_us, 77);
  EXPECT_EQ(got->boundary, a.boundary);
}

TEST_P(StoreContractTest, AcknowledgedWritesSurviveReopening) {
  ASSERT_TRUE(store_->CreateAccount(Resident("acc_1", "alice"), Ev("account.create")).ok());
  store_.reset();
  store_ = GetParam()(dir_);
  EXPECT_TRUE(store_->GetAccount("acc_1").ok());
}

TEST_P(StoreContractTest, ConcurrentWritesAllLandInOrderAndFailuresStayAlone) {
  ASSERT_TRUE(store_->CreateAccount(Resident("acc_0", "owner"), Ev("account.create")).ok());
  constexpr int kThreads = 16, kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string n = std::to_string(t) + "-" + std::to_string(i);
        // Every fifth write fails (a camera of a missing owner) and must take nothing with it.
        std::string owner = i % 5 == 4 ? "acc_missing" : "acc_0";
        Status s = store_->CreateCamera(Cam("cam_" + n, owner), Ev("camera.create"));
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), kThreads * kEach / 5);
  EXPECT_EQ(store_->ListCamerasByOwner("acc_0")->size(),
            static_cast<size_t>(kThreads * kEach * 4 / 5));
  auto rows = *store_->ReadAuditRows(0, 10'000);
  ASSERT_EQ(rows.size(), 1u + kThreads * kEach * 4 / 5) << "one event per successful write";
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].index, static_cast<int64_t>(i));
}

// --- community requests ---

class RequestContractTest : public StoreContractTest {
 protected:
  void SetUp() override {
    StoreContractTest::SetUp();
    Agency a;
    a.id = "agy_1";
    a.name = "PD";
    a.state = "IL";
    a.boundary = {{39.7, -89.7}, {39.7, -89.6}, {39.9, -89.6}, {39.9, -89.7}};
    ASSERT_TRUE(store_->CreateAgency(a, Ev("agency.create")).ok());
    Account officer = Resident("acc_off", "officer1");
    officer.role = Role::kOfficer;
    officer.agency_id = "agy_1";
    ASSERT_TRUE(store_->CreateAccount(officer, Ev("account.create")).ok());
    for (const char* id : {"acc_a", "acc_b"}) {
      ASSERT_TRUE(
          store_->CreateAccount(Resident(id, std::string("user") + id), Ev("account.create")).ok());
    }
  }

  FootageRequest Req(const std::string& id, const std::string& case_number) {
    FootageRequest r;
    r.id = id;
    r.agency_id = "agy_1";
    r.officer_id = "acc_off";
    r.case_number = case_number;
    r.incident_type = "burglary";
    r.description = "a description";
    r.center = {39.8, -89.65};
    r.radius_m = 200;
    r.from_us = 100;
    r.to_us = 200;
    r.status = RequestStatus::kOpen;
    r.decision_json = "{}";
    r.created_at_us = 1000;
    r.expires_at_us = 5000;
    return r;
  }

  RequestNotification Note(const std::string& req, const std::string& owner) {
    return {req, owner, {"cam_" + owner}, NotificationStatus::kPending, 1000, 0};
  }
};

TEST_P(RequestContractTest, RequestsRoundTripWithNotificationsAndCounts) {
  ASSERT_TRUE(store_
                  ->CreateRequest(Req("req_1", "C1"),
                                  {Note("req_1", "acc_a"), Note("req_1", "acc_b")},
                                  {Ev("request.file"), Ev("request.notify")})
                  .ok());
  auto r = store_->GetRequest("req_1");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->case_number, "C1");
  EXPECT_EQ(r->status, RequestStatus::kOpen);
  auto n = store_->GetNotification("req_1", "acc_a");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->camera_ids, std::vector<std::string>{"cam_acc_a"});
  EXPECT_EQ(store_->ListNotifications("acc_b", 10)->size(), 1u);
  EXPECT_EQ(store_->GetNotification("req_1", "acc_off").status().code(), Code::kNotFound);
  EXPECT_EQ(*store_->CountRequestsForCase("agy_1", "C1"), 1);
  EXPECT_EQ(*store_->CountRequestsForCase("agy_1", "C2"), 0);
  // Both audit events landed with the change.
  EXPECT_EQ(*store_->AuditEventCount(), 4 + 2);  // set-up, then these two
}

TEST_P(RequestContractTest, StatusChangesAreConditionalAndExpirePendingAnswers) {
  FootageRequest r = Req("req_1", "C1");
  r.status = RequestStatus::kPendingApproval;
  ASSERT_TRUE(store_->CreateRequest(r, {}, {Ev("request.file")}).ok());
  r.status = RequestStatus::kOpen;
  ASSERT_TRUE(store_
                  ->UpdateRequest(r, RequestStatus::kPendingApproval, {Note("req_1", "acc_a")},
                                  {Ev("request.approve")})
                  .ok());
  // A second approval finds it open, not pending: refused, with nothing written.
  const int64_t events = *store_->AuditEventCount();
  EXPECT_EQ(store_
                ->UpdateRequest(r, RequestStatus::kPendingApproval, {Note("req_1", "acc_b")},
                                {Ev("request.approve")})
                .code(),
            Code::kFailedPrecondition);
  EXPECT_EQ(*store_->AuditEventCount(), events);
  EXPECT_EQ(store_->GetNotification("req_1", "acc_b").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->ListExpiredRequests(4999, 10)->size(), 0u);
  EXPECT_EQ(store_->ListExpiredRequests(5000, 10)->size(), 1u);
  r.status = RequestStatus::kExpired;
  r.closed_at_us = 5000;
  ASSERT_TRUE(store_->UpdateRequest(r, RequestStatus::kOpen, {}, {Ev("request.expire")}).ok());
  EXPECT_EQ(store_->GetNotification("req_1", "acc_a")->status, NotificationStatus::kExpired);
  EXPECT_EQ(store_->ListExpiredRequests(9999, 10)->size(), 0u);
  EXPECT_EQ(store_->GetRequest("req_1")->status, RequestStatus::kExpired);
  // Rejected requests do not count toward the per-case limit.
  FootageRequest rejected = Req("req_2", "C1");
  rejected.status = RequestStatus::kRejected;
  ASSERT_TRUE(store_->CreateRequest(rejected, {}, {Ev("request.file")}).ok());
  EXPECT_EQ(*store_->CountRequestsForCase("agy_1", "C1"), 1);
}

TEST_P(RequestContractTest, AnswersAreRecordedOnceWithTheirEvidenceOrNotAtAll) {
  ASSERT_TRUE(store_
                  ->CreateRequest(Req("req_1", "C1"),
                                  {Note("req_1", "acc_a"), Note("req_1", "acc_b")},
                                  {Ev("request.file")})
                  .ok());
  EvidenceItem e;
  e.id = "evd_1";
  e.agency_id = "agy_1";
  e.request_id = "req_1";
  e.case_number = "C1";
  e.content_sha256 = "abc";
  e.size_bytes = 3;
  e.container = "mp4";
  e.wrapped_key = "k";
  e.blob_name = "ev/evd_1";
  Share share{"shr_1", "req_1", "acc_a", "clp_1", "cam_acc_a", "evd_1", 1100};
  CustodyEvent received{"evd_1", 1100, "received", "resident", "", ""};
  RequestNotification a = Note("req_1", "acc_a");
  a.status = NotificationStatus::kShared;
  ASSERT_TRUE(store_->RecordAnswer(a, {e}, {share}, {received}, Ev("request.share")).ok());
  auto counts = store_->GetRequestCounts("req_1");
  EXPECT_EQ(counts->owners_shared, 1);
  EXPECT_EQ(counts->clips_shared, 1);
  EXPECT_EQ(store_->ListShares("acc_a", 10)->size(), 1u);
  EXPECT_EQ(store_->ListEvidence("agy_1", "C1", "", 10)->size(), 1u);
  EXPECT_EQ(store_->ListEvidence("agy_2", "", "", 10)->size(), 0u);
  EXPECT_EQ(store_->ListCustodyEvents("evd_1")->size(), 1u);

  // The same clip again: refused, and the second evidence item is not kept.
  EvidenceItem e2 = e;
  e2.id = "evd_2";
  e2.blob_name = "ev/evd_2";
  Share again = share;
  again.id = "shr_2";
  again.evidence_id = "evd_2";
  EXPECT_EQ(store_->RecordAnswer(a, {e2}, {again}, {}, Ev("request.share")).code(),
            Code::kAlreadyExists);
  EXPECT_EQ(store_->GetEvidence("evd_2").status().code(), Code::kNotFound);

  // A decline after a share, or a second decline, is refused.
  RequestNotification decline = Note("req_1", "acc_a");
  decline.status = NotificationStatus::kDeclined;
  EXPECT_EQ(store_->RecordAnswer(decline, {}, {}, {}, Ev("request.decline")).code(),
            Code::kFailedPrecondition);
  decline.owner_id = "acc_b";
  EXPECT_TRUE(store_->RecordAnswer(decline, {}, {}, {}, Ev("request.decline")).ok());
  EXPECT_EQ(store_->RecordAnswer(decline, {}, {}, {}, Ev("request.decline")).code(),
            Code::kFailedPrecondition);
  // Nobody answers a closed request.
  FootageRequest closed = Req("req_1", "C1");
  closed.status = RequestStatus::kClosed;
  ASSERT_TRUE(store_->UpdateRequest(closed, RequestStatus::kOpen, {}, {Ev("request.close")}).ok());
  EXPECT_EQ(store_->RecordAnswer(a, {}, {}, {}, Ev("request.share")).code(),
            Code::kFailedPrecondition);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, RequestContractTest, ::testing::Values(StoreFactory(MakeSqlite)),
                         [](const auto&) { return std::string("sqlite"); });

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest, ::testing::Values(StoreFactory(MakeSqlite)),
                         [](const auto&) { return std::string("sqlite"); });

}  // namespace
}  // namespace canvass

// --- holds and retention (store/hold_records.h, docs/design/retention.md) ---

namespace canvass {
namespace {

constexpr int64_t kDay = 86'400'000'000LL;

class HoldContractTest : public StoreContractTest {
 protected:
  void SetUp() override {
    StoreContractTest::SetUp();
    Agency a;
    a.id = "agy_1";
    a.name = "PD";
    a.state = "IL";
    a.boundary = {{39.7, -89.7}, {39.7, -89.6}, {39.9, -89.6}, {39.9, -89.7}};
    ASSERT_TRUE(store_->CreateAgency(a, Ev("agency.create")).ok());
    for (const char* id : {"acc_a", "acc_b"}) {
      ASSERT_TRUE(
          store_->CreateAccount(Resident(id, std::string("user") + id), Ev("account.create")).ok());
    }
    ASSERT_TRUE(store_->CreateCamera(Cam("cam_a", "acc_a"), Ev("camera.create")).ok());
    ASSERT_TRUE(store_->CreateCamera(Cam("cam_b", "acc_b"), Ev("camera.create")).ok());
    PlateReader r;
    r.id = "lpr_1";
    r.agency_id = "agy_1";
    r.name = "Main St";
    r.device_token_hash = "reader-hash";
    ASSERT_TRUE(store_->CreatePlateReader(r, Ev("plate.reader_create")).ok());
  }

  Hold MakeHold(const std::string& id, const std::string& demand) {
    Hold h;
    h.id = id;
    h.demand_id = demand;
    h.agency_id = "agy_1";
    h.reason = "preservation";
    h.scope.camera_ids = {"cam_a", "lpr_1"};
    h.scope.plates = {"ABC123"};
    h.placed_by = "acc_legal";
    h.placed_at_us = 100;
    h.expires_at_us = 100 + 90 * kDay;
    return h;
  }

  int64_t Events(const std::string& type) {
    int64_t n = 0;
    const auto rows = store_->ReadAuditRows(0, 10'000);  // kept: a range-for over *temp dangles
    for (const auto& r : *rows) n += r.event.type == type;
    return n;
  }

  PlateRead Read(const std::string& uid, const std::string& plate, int64_t at_us) {
    PlateRead r;
    r.reader_id = "lpr_1";
    r.read_uid = uid;
    r.agency_id = "agy_1";
    r.plate = plate;
    r.region = "IL";
    r.read_at_us = at_us;
    return r;
  }
};

TEST_P(HoldContractTest, HoldsRoundTripOnePerDemandRenewConditionallyAndEndOnce) {
  Hold h = MakeHold("hold_1", "dem_1");
  Status placed = store_->CreateHold(h, Ev("legal.hold_place"));
  ASSERT_TRUE(placed.ok()) << placed.ToString();
  auto got = store_->GetHold("hold_1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->scope.camera_ids, (std::vector<std::string>{"cam_a", "lpr_1"}));
  EXPECT_EQ(got->scope.plates, (std::vector<std::string>{"ABC123"}));
  EXPECT_EQ(got->expires_at_us, h.expires_at_us);
  EXPECT_EQ(store_->FindHoldByDemand("dem_1")->id, "hold_1");
  EXPECT_EQ(store_->FindHoldByDemand("dem_2").status().code(), Code::kNotFound);
  // One hold per demand; the refused one leaves no event.
  EXPECT_EQ(store_->CreateHold(MakeHold("hold_2", "dem_1"), Ev("legal.hold_place")).code(),
            Code::kAlreadyExists);
  EXPECT_EQ(Events("legal.hold_place"), 1);
  // Holds without a demand do not clash.
  ASSERT_TRUE(store_->CreateHold(MakeHold("hold_3", ""), Ev("legal.hold_place")).ok());
  ASSERT_TRUE(store_->CreateHold(MakeHold("hold_4", ""), Ev("legal.hold_place")).ok());

  ASSERT_TRUE(
      store_->RenewHold("hold_1", 0, h.expires_at_us + 90 * kDay, Ev("legal.hold_renew")).ok());
  EXPECT_EQ(store_->GetHold("hold_1")->renewals, 1);
  EXPECT_EQ(store_->GetHold("hold_1")->expires_at_us, h.expires_at_us + 90 * kDay);
  EXPECT_EQ(store_->RenewHold("hold_1", 0, 1, Ev("legal.hold_renew")).code(),
            Code::kFailedPrecondition);  // the count moved on

  ASSERT_TRUE(store_->EndHold("hold_1", 500, "released", Ev("legal.hold_end")).ok());
  EXPECT_EQ(store_->EndHold("hold_1", 600, "expired", Ev("legal.hold_end")).code(),
            Code::kFailedPrecondition);
  EXPECT_EQ(store_->RenewHold("hold_1", 1, 1, Ev("legal.hold_renew")).code(),
            Code::kFailedPrecondition);
  EXPECT_EQ(store_->GetHold("hold_1")->end_reason, "released");
  EXPECT_EQ(store_->GetHold("hold_1")->ended_at_us, 500);
  EXPECT_EQ(Events("legal.hold_end"), 1);
  EXPECT_EQ(store_->ListHolds(false)->size(), 3u);
  EXPECT_EQ(store_->ListHolds(true)->size(), 2u);
}

TEST_P(HoldContractTest, PurgeClipsTakesWhatIsPastEachCamerasRetentionAndNotHeld) {
  const int64_t now = 200 * kDay;
  // cam_a keeps 60 days; cam_b is changed to 10.
  Camera b = Cam("cam_b", "acc_b");
  b.retention_days = 10;
  ASSERT_TRUE(store_->UpdateCamera(b, Ev("camera.update")).ok());
  ASSERT_TRUE(AddClip(ClipFor("clp_old_a", "cam_a", "acc_a", now - 61 * kDay)).ok());
  ASSERT_TRUE(AddClip(ClipFor("clp_new_a", "cam_a", "acc_a", now - 59 * kDay)).ok());
  ASSERT_TRUE(AddClip(ClipFor("clp_old_b", "cam_b", "acc_b", now - 11 * kDay)).ok());
  ASSERT_TRUE(AddClip(ClipFor("clp_held_b", "cam_b", "acc_b", now - 20 * kDay)).ok());
  // acc_b's clips in a window around clp_held_b are held by account; clp_old_b is outside it.
  Hold h = MakeHold("hold_1", "dem_1");
  h.scope = {};
  h.scope.account_ids = {"acc_b"};
  h.scope.from_us = now - 21 * kDay;
  h.scope.to_us = now - 20 * kDay;  // inclusive: meets clp_held_b's start
  ASSERT_TRUE(store_->CreateHold(h, Ev("legal.hold_place")).ok());

  AuditEvent ev = Ev("retention.purge");
  ev.object_kind = "clip";
  auto first = store_->PurgeClips(now, 1, ev);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 1u);  // the batch limit
  auto rest = store_->PurgeClips(now, 100, ev);
  ASSERT_TRUE(rest.ok());
  std::set<std::string> purged = {first->front().id};
  for (const auto& c : *rest) purged.insert(c.id);
  EXPECT_EQ(purged, (std::set<std::string>{"clp_old_a", "clp_old_b"}));
  EXPECT_EQ(first->front().blob_name, "blob-" + first->front().id);
  EXPECT_TRUE(store_->GetClip("clp_new_a").ok());
  EXPECT_TRUE(store_->GetClip("clp_held_b").ok());
  EXPECT_EQ(store_->PurgeClips(now, 100, ev)->size(), 0u);
  auto rows = *store_->ReadAuditRows(0, 10'000);
  int64_t events = 0, counted = 0;
  for (const auto& r : rows) {
    if (r.event.type != "retention.purge") continue;
    ++events;
    counted += r.event.count;
  }
  EXPECT_EQ(events, 2) << "one event per batch that deleted something";
  EXPECT_EQ(counted, 2);

  // Once the hold ends, its clip is due.
  ASSERT_TRUE(store_->EndHold("hold_1", now, "released", Ev("legal.hold_end")).ok());
  auto freed = store_->PurgeClips(now, 100, ev);
  ASSERT_EQ(freed->size(), 1u);
  EXPECT_EQ(freed->front().id, "clp_held_b");
}

TEST_P(HoldContractTest, PurgePlateReadsSkipsReadsHeldByReaderPlateOrCase) {
  const int64_t now = 100 * kDay;
  const int64_t old = now - 40 * kDay;
  ASSERT_TRUE(store_
                  ->AppendPlateReads({Read("r1", "ZZZ111", old), Read("r2", "ABC123", old),
                                      Read("r3", "ZZZ222", old), Read("r4", "ZZZ333", old)},
                                     {}, Ev("plate.ingest"), {}, nullptr)
                  .ok());
  // A hold by plate (any reader) within a range that covers r2 only.
  Hold h = MakeHold("hold_1", "dem_1");
  h.scope = {};
  h.scope.plates = {"ABC123"};
  h.scope.from_us = old;
  h.scope.to_us = old;
  ASSERT_TRUE(store_->CreateHold(h, Ev("legal.hold_place")).ok());
  int64_t r3 = 0;
  ASSERT_TRUE(store_
                  ->ForEachPlateRead([&](const PlateRead& r) -> Status {
                    if (r.read_uid == "r3") r3 = r.seq;
                    return OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(store_->SetPlateReadCase(r3, "CASE-1", Ev("plate.hold_case")).ok());
  EXPECT_TRUE(store_->SetPlateReadCase(r3, "CASE-1", Ev("plate.hold_case")).ok());
  EXPECT_EQ(store_->SetPlateReadCase(r3, "CASE-2", Ev("plate.hold_case")).code(),
            Code::kFailedPrecondition);
  EXPECT_EQ(store_->SetPlateReadCase(999, "CASE-1", Ev("plate.hold_case")).code(), Code::kNotFound);

  AuditEvent ev = Ev("plate.purge");
  ev.object_kind = "plate_read";
  std::vector<std::string> freed;
  auto purged = store_->PurgePlateReads("agy_1", now - 30 * kDay, 100, ev, &freed);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  std::set<std::string> uids;
  for (const auto& r : *purged) uids.insert(r.read_uid);
  EXPECT_EQ(uids, (std::set<std::string>{"r1", "r4"}));
  // A hold naming the reader keeps the rest of its reads while it is in force.
  ASSERT_TRUE(store_->EndHold("hold_1", now, "released", Ev("legal.hold_end")).ok());
  Hold by_reader = MakeHold("hold_2", "dem_2");
  by_reader.scope = {};
  by_reader.scope.camera_ids = {"lpr_1"};
  ASSERT_TRUE(store_->CreateHold(by_reader, Ev("legal.hold_place")).ok());
  EXPECT_EQ(store_->PurgePlateReads("agy_1", now - 30 * kDay, 100, ev, &freed)->size(), 0u);
  ASSERT_TRUE(store_->EndHold("hold_2", now, "released", Ev("legal.hold_end")).ok());
  purged = store_->PurgePlateReads("agy_1", now - 30 * kDay, 100, ev, &freed);
  ASSERT_EQ(purged->size(), 1u);
  EXPECT_EQ(purged->front().read_uid, "r2");  // r3 is evidence of a case: never purged
}

TEST_P(HoldContractTest, DeletedRowsLeaveNoTraceInTheFilesAfterAScrub) {
  ASSERT_TRUE(AddClip(ClipFor("clp_secret", "cam_a", "acc_a", 100)).ok());
  ASSERT_TRUE(store_->ScrubDeleted().ok());  // the row reaches the main file
  AuditEvent ev = Ev("clip.delete");
  ASSERT_TRUE(store_->DeleteClip("clp_secret", ev).ok());
  ASSERT_TRUE(store_->ScrubDeleted().ok());
  std::string bytes;
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream in(dir_ + "/canvass.db" + suffix, std::ios::binary);
    bytes += std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  EXPECT_EQ(bytes.find("sha-clp_secret"), std::string::npos);
  EXPECT_EQ(bytes.find("blob-clp_secret"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, HoldContractTest, ::testing::Values(StoreFactory(MakeSqlite)),
                         [](const auto&) { return std::string("sqlite"); });

}  // namespace
}  // namespace canvass
