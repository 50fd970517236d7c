#include "auditlog/audit_log.h"

#include <gtest/gtest.h>

#include "audit/leaf.h"
#include "auditlog/verifier.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/fault_file_system.h"

namespace canvass {
namespace {

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDir();
    store_ = std::move(sqlite::SqliteStore::Open(dir_ + "/db", 2, &random_).value());
    signer_ = *audit::Signer::Generate("log.test.example", random_);
    log_ = NewLog();
    ASSERT_TRUE(log_->Init().ok());
  }

  std::unique_ptr<AuditLog> NewLog() {
    return std::make_unique<AuditLog>(store_.get(), &clock_, signer_, "case-key");
  }

  void Append(int n) {
    for (int i = 0; i < n; ++i) {
      AuditEvent e;
      e.type = "clip.view";
      e.actor_role = "resident";
      e.object_kind = "clip";
      e.actor_id = "acc_" + std::to_string(i);
      e.object_id = "clp_" + std::to_string(i);
      e.case_number = i % 3 == 0 ? "2026-0042" : "";
      e.at_us = clock_.NowMicros();
      ASSERT_TRUE(store_->RecordAccess(e).ok());
    }
  }

  audit::TileFetcher Fetcher() { return log_->LocalFetcher(); }

  audit::Checkpoint Current() {
    return *audit::OpenCheckpoint(log_->Latest()->note, signer_.verifier(), "log.test.example");
  }

  std::string dir_;
  SimulatedClock clock_{1'800'000'000'000'000};
  DeterministicRandom random_{9};
  std::unique_ptr<Store> store_;
  audit::Signer signer_ = *audit::Signer::Generate("placeholder", random_);
  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditLogTest, AFreshLogPublishesTheEmptyTree) {
  audit::Checkpoint cp = Current();
  EXPECT_EQ(cp.size, 0u);
  EXPECT_EQ(cp.root, audit::EmptyRoot());
}

TEST_F(AuditLogTest, IntegratesVerifiesAndProves) {
  Append(600);
  ASSERT_EQ(*log_->Integrate(), 600);
  auto v = VerifyLog(Fetcher(), signer_.verifier(), std::nullopt);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->entries_checked, 600u);
  EXPECT_GE(v->tiles_checked, 3u);
  audit::Checkpoint cp = Current();
  auto rows = *store_->ReadAuditRows(0, 600);
  for (uint64_t i : {0u, 1u, 255u, 256u, 511u, 599u}) {
    auto proof = log_->InclusionProof(i, 600);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    EXPECT_TRUE(
        audit::VerifyInclusion(audit::LeafHash(log_->LeafFor(rows[i])), i, 600, *proof, cp.root)
            .ok())
        << i;
  }
  EXPECT_FALSE(log_->InclusionProof(600, 600).ok());
  EXPECT_FALSE(log_->InclusionProof(0, 601).ok());
}

TEST_F(AuditLogTest, CheckpointsAreConsistentAcrossRestartsAndNeverFork) {
  Append(300);
  ASSERT_TRUE(log_->Integrate().ok());
  audit::Checkpoint first = Current();
  Append(5);
  // Restart before integrating the 5: a new log resumes from the stored tiles.
  log_ = NewLog();
  ASSERT_TRUE(log_->Init().ok());
  audit::Checkpoint second = Current();
  EXPECT_EQ(second.size, 305u);
  auto proof = log_->ConsistencyProof(300, 305);
  ASSERT_TRUE(proof.ok());
  EXPECT_TRUE(audit::VerifyConsistency(300, 305, first.root, second.root, *proof).ok());
  auto v = VerifyLog(Fetcher(), signer_.verifier(), first);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  // A witness that saw a different history notices.
  audit::Checkpoint forged = first;
  forged.root[0] ^= 1;
  auto bad = VerifyLog(Fetcher(), signer_.verifier(), forged);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("rewrote history"), std::string::npos);
}

TEST_F(AuditLogTest, WitnessCheckWorksWhenTheOldSizeEndsATile) {
  Append(256);
  ASSERT_TRUE(log_->Integrate().ok());
  audit::Checkpoint first = Current();
  Append(300);
  ASSERT_TRUE(log_->Integrate().ok());
  EXPECT_TRUE(VerifyLog(Fetcher(), signer_.verifier(), first).ok());
  audit::Checkpoint forged = first;
  forged.root[5] ^= 1;
  EXPECT_FALSE(VerifyLog(Fetcher(), signer_.verifier(), forged).ok());
  // Single-threaded and multi-threaded checks agree.
  EXPECT_TRUE(VerifyLog(Fetcher(), signer_.verifier(), first, 1).ok());
}

TEST_F(AuditLogTest, TamperingIsCaughtAndNamed) {
  Append(40);
  ASSERT_TRUE(log_->Integrate().ok());
  auto base = Fetcher();
  // A flipped byte in the level-0 tile: the entry whose hash it is gets named.
  auto flipped = [&](const std::string& path) -> StatusOr<std::string> {
    CANVASS_ASSIGN_OR_RETURN(std::string b, base(path));
    if (path.starts_with("tile/0/")) b[32 * 17 + 3] ^= 1;
    return b;
  };
  auto v = VerifyLog(flipped, signer_.verifier(), std::nullopt);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("entry 17"), std::string::npos) << v.status().ToString();
  // An entry removed from its bundle.
  auto removed = [&](const std::string& path) -> StatusOr<std::string> {
    CANVASS_ASSIGN_OR_RETURN(std::string b, base(path));
    if (path.starts_with("tile/entries/")) {
      auto entries = *audit::DecodeEntryBundle(b, 40);
      entries.erase(entries.begin() + 5);
      entries.push_back(entries.back());
      return *audit::EncodeEntryBundle(entries);
    }
    return b;
  };
  v = VerifyLog(removed, signer_.verifier(), std::nullopt);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("entry 5"), std::string::npos) << v.status().ToString();
  // A checkpoint re-signed with another key.
  audit::Signer other = *audit::Signer::Generate("log.test.example", random_);
  auto resigned = [&](const std::string& path) -> StatusOr<std::string> {
    if (path != "checkpoint") return base(path);
    CANVASS_ASSIGN_OR_RETURN(auto cp, log_->Latest());
    std::string body = cp.note.substr(0, cp.note.find("\n\n") + 1);
    return audit::SignNote(body, other);
  };
  v = VerifyLog(resigned, signer_.verifier(), std::nullopt);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), Code::kUnauthenticated);
}

TEST(AuditLeafShape, AcceptsExactlyCanonicalLeaves) {
  AuditEvent e;
  e.type = "clip.view";
  e.actor_role = "resident";
  e.object_kind = "clip";
  e.count = 3;
  e.at_us = 1'800'000'000'000'000;
  std::string c(64, 'a');
  std::string good = audit::EncodeLeaf(e, c, "");
  EXPECT_TRUE(CheckLeafShape(good).ok()) << good;
  EXPECT_TRUE(CheckLeafShape(audit::EncodeLeaf(e, c, std::string(64, 'f'))).ok());
  for (std::string bad :
       {good.substr(0, good.size() - 1), good + " ", std::string("{}"), std::string("")}) {
    EXPECT_FALSE(CheckLeafShape(bad).ok()) << bad;
  }
  std::string spaced = good;
  spaced.insert(1, " ");
  EXPECT_FALSE(CheckLeafShape(spaced).ok());
  e.reason_code = "Free Text";  // the store would refuse it; so does the verifier
  EXPECT_FALSE(CheckLeafShape(audit::EncodeLeaf(e, c, "")).ok());
  e.reason_code = "";
  std::string short_commitment = audit::EncodeLeaf(e, std::string(63, 'a'), "");
  EXPECT_FALSE(CheckLeafShape(short_commitment).ok());

  // A search's public scope, between "role" and "time".
  e.scope_agencies = 2;
  e.scope_cameras = 140;
  std::string scoped = audit::EncodeLeaf(e, c, "");
  EXPECT_NE(scoped.find(R"("role":"resident","scope":{"agencies":2,"cameras":140},"time":)"),
            std::string::npos)
      << scoped;
  EXPECT_TRUE(CheckLeafShape(scoped).ok()) << scoped;
  for (std::string bad : {std::string(R"("scope":{"agencies":2})"),
                          std::string(R"("scope":{"cameras":140,"agencies":2})"),
                          std::string(R"("scope":{"agencies":-2,"cameras":140})"),
                          std::string(R"("scope":{"agencies":02,"cameras":140})")}) {
    std::string tampered = scoped;
    const size_t at = tampered.find(R"("scope")");
    tampered.replace(at, tampered.find('}', at) + 1 - at, bad);
    EXPECT_FALSE(CheckLeafShape(tampered).ok()) << tampered;
  }
}

TEST_F(AuditLogTest, LeavesArePublicTokensAndCommitToThePrivateDetails) {
  Append(3);
  ASSERT_TRUE(log_->Integrate().ok());
  auto rows = *store_->ReadAuditRows(0, 3);
  for (const auto& r : rows) {
    EXPECT_EQ(r.leaf, log_->LeafFor(r));
    EXPECT_EQ(r.leaf.find(r.event.actor_id), std::string::npos) << r.leaf;
    EXPECT_EQ(r.leaf.find(r.event.object_id), std::string::npos);
    EXPECT_EQ(r.leaf.find("2026-0042"), std::string::npos) << "case numbers appear only as HMACs";
    EXPECT_NE(r.leaf.find(audit::Commitment(r.salt, audit::PrivateDetails(r.event))),
              std::string::npos);
  }
  Principal auditor;
  auditor.kind = Principal::Kind::kAccount;
  Account a;
  a.id = "acc_auditor";
  a.role = Role::kAuditor;
  auditor.account = a;
  auto opened = log_->OpenLeaf(auditor, 1);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->event.actor_id, "acc_1");
  Principal officer = auditor;
  officer.account->role = Role::kOfficer;
  EXPECT_EQ(log_->OpenLeaf(officer, 1).status().code(), Code::kPermissionDenied);
}

}  // namespace
}  // namespace canvass
