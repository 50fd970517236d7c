// The publisher over a real store and audit log, and VerifyReport over the same log's files
// (AuditLog::LocalFetcher serves exactly what /audit/ serves).
#include "report/publisher.h"

#include <gtest/gtest.h>

#include "auditlog/audit_log.h"
#include "report/report_json.h"
#include "report/verify.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/fault_file_system.h"

namespace canvass::report {
namespace {

constexpr int64_t kQ4StartUs = 1790812800LL * 1'000'000;  // 2026-10-01T00:00:00Z

class PublisherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDir();
    store_ = std::move(sqlite::SqliteStore::Open(dir_ + "/db", 2, &random_).value());
    signer_ = *audit::Signer::Generate("log.test.example", random_);
    log_ = std::make_unique<AuditLog>(store_.get(), &clock_, signer_, "case-key");
    ASSERT_TRUE(log_->Init().ok());
  }

  void Record(const std::string& type, const std::string& agency, int64_t count = 1) {
    AuditEvent e;
    e.type = type;
    e.actor_role = "officer";
    e.actor_agency_id = agency;
    e.object_kind = "request";
    e.count = count;
    e.at_us = clock_.NowMicros();
    ASSERT_TRUE(store_->RecordAccess(e).ok());
  }

  int64_t Figure(const Report& r, const std::string& name) {
    const report::Figure* f = r.Find(name);
    EXPECT_NE(f, nullptr) << name;
    return f ? f->count : -1;
  }

  std::string dir_;
  SimulatedClock clock_{kQ4StartUs + 3600'000'000LL};
  DeterministicRandom random_{11};
  std::unique_ptr<Store> store_;
  audit::Signer signer_ = *audit::Signer::Generate("placeholder", random_);
  std::unique_ptr<AuditLog> log_;
  const Period q4_ = *ParsePeriod("2026Q4");
};

TEST_F(PublisherTest, CountsExactlyTheLeavesOfTheLatestCheckpoint) {
  ReportPublisher publisher(store_.get());
  Record("request.file", "agy_a");
  Record("request.notify", "agy_a", 6);
  Record("clip.view", "");
  ASSERT_TRUE(log_->Integrate().ok());
  Record("request.file", "agy_a");  // appended, not yet under a checkpoint

  auto r = publisher.Publish(q4_, "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->checkpoint.size, 3u);
  EXPECT_EQ(r->checkpoint.note, log_->Latest()->note);
  EXPECT_EQ(Figure(*r, "requests.filed"), 1);
  EXPECT_EQ(Figure(*r, "requests.cameras_asked"), 6);

  ASSERT_TRUE(log_->Integrate().ok());
  auto later = publisher.Publish(q4_, "agy_a");  // reads only the new leaf
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->checkpoint.size, 4u);
  EXPECT_EQ(Figure(*later, "requests.filed"), 2);
  EXPECT_EQ(Figure(*publisher.Publish(q4_, "agy_b"), "requests.filed"), 0);
  EXPECT_EQ(Figure(*publisher.Publish(*ParsePeriod("2026Q3"), ""), "requests.filed"), 0);
}

TEST_F(PublisherTest, AGenuineReportReCountsAndATamperedOneNamesTheFigure) {
  ReportPublisher publisher(store_.get());
  for (int i = 0; i < 300; ++i) Record(i % 2 ? "request.file" : "clip.view", "agy_a");
  Record("request.decline", "agy_a");
  ASSERT_TRUE(log_->Integrate().ok());
  auto r = publisher.Publish(q4_, "agy_a");
  ASSERT_TRUE(r.ok());
  const std::string json = ReportJson(*r);
  // The log grows after the report was counted: it is re-counted at its own checkpoint.
  Record("request.file", "agy_a");
  ASSERT_TRUE(log_->Integrate().ok());

  auto check = VerifyReport(json, log_->LocalFetcher(), signer_.verifier());
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_TRUE(check->differences.empty());
  EXPECT_EQ(check->entries_checked, 301u);
  EXPECT_EQ(check->current_size, 302u);

  std::string tampered = json;
  const std::string genuine = "\"requests.filed\":150";
  ASSERT_NE(tampered.find(genuine), std::string::npos) << json;
  tampered.replace(tampered.find(genuine), genuine.size(), "\"requests.filed\":149");
  auto caught = VerifyReport(tampered, log_->LocalFetcher(), signer_.verifier());
  ASSERT_TRUE(caught.ok()) << caught.status().ToString();
  ASSERT_EQ(caught->differences.size(), 1u);
  EXPECT_EQ(caught->differences[0], "figure requests.filed differs: published 149, counted 150");

  // Another log's key does not open the report's checkpoint.
  auto stranger = *audit::Signer::Generate("log.test.example", random_);
  EXPECT_EQ(VerifyReport(json, log_->LocalFetcher(), stranger.verifier()).status().code(),
            Code::kUnauthenticated);
}

TEST_F(PublisherTest, UnknownAgenciesAreNotFound) {
  ReportPublisher publisher(store_.get());
  EXPECT_EQ(publisher.AgencyName("agy_nosuch").status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace canvass::report
