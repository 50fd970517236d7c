#include "accounts/account_service.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "accounts/agency_service.h"
#include "store/sqlite/sqlite_store.h"

namespace canvass {
namespace {

class AccountServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = ::testing::TempDir() + "/accounts_" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    store_ = std::move(sqlite::SqliteStore::Open(dir + "/db").value());
    config_.password_cost = "minimum";
    config_.login_max_failures = 3;
    accounts_ = std::make_unique<AccountService>(store_.get(), &clock_, &random_, config_);
    agencies_ = std::make_unique<AgencyService>(store_.get(), &clock_, &random_);
    agency_ = *agencies_->Create(Principal::System(),
                                 {"Springfield PD", "IL", false,
                                  {{39.7, -89.7}, {39.7, -89.6}, {39.9, -89.6}, {39.9, -89.7}}});
  }

  Principal As(const Account& a) { return *accounts_->Authenticate("", Token(a)); }
  std::string Token(const Account& a) {
    Principal p;
    p.kind = Principal::Kind::kAccount;
    p.account = a;
    return *accounts_->CreateApiToken(p, "test");
  }

  SimulatedClock clock_{1'800'000'000'000'000};
  DeterministicRandom random_{42};
  AuthConfig config_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<AgencyService> agencies_;
  Agency agency_;
};

TEST_F(AccountServiceTest, WhoMayCreateWhom) {
  auto anon = Principal::Anonymous();
  EXPECT_TRUE(accounts_->CreateAccount(anon, {"res1", "", "password123", Role::kResident, ""}).ok());
  EXPECT_EQ(accounts_->CreateAccount(anon, {"off1", "", "password123", Role::kOfficer, agency_.id})
                .status().code(),
            Code::kPermissionDenied);
  auto aa = accounts_->CreateAccount(Principal::System(),
                                     {"chief", "", "password123", Role::kAgencyAdmin, agency_.id});
  ASSERT_TRUE(aa.ok());
  Principal chief = As(*aa);
  EXPECT_TRUE(
      accounts_->CreateAccount(chief, {"off1", "", "password123", Role::kOfficer, agency_.id}).ok());
  EXPECT_EQ(accounts_->CreateAccount(chief, {"leg", "", "password123", Role::kLegal, ""})
                .status().code(),
            Code::kPermissionDenied);
  EXPECT_EQ(
      accounts_->CreateAccount(chief, {"off2", "", "password123", Role::kOfficer, "agy_other"})
          .status().code(),
      Code::kPermissionDenied);
}

TEST_F(AccountServiceTest, RoleAndAgencyMustAgree) {
  auto sys = Principal::System();
  EXPECT_EQ(accounts_->CreateAccount(sys, {"off", "", "password123", Role::kOfficer, ""})
                .status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(accounts_->CreateAccount(sys, {"res", "", "password123", Role::kResident, agency_.id})
                .status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(accounts_->CreateAccount(sys, {"Bad Name", "", "password123", Role::kResident, ""})
                .status().code(),
            Code::kInvalidArgument);
}

TEST_F(AccountServiceTest, LoginThrottlesAndDoesNotSayWhichPartWasWrong) {
  auto sys = Principal::System();
  ASSERT_TRUE(accounts_->CreateAccount(sys, {"alice", "", "password123", Role::kResident, ""}).ok());
  auto bad_user = accounts_->Login("nobody", "password123", "1.2.3.4");
  auto bad_pass = accounts_->Login("alice", "wrong-password", "1.2.3.5");
  EXPECT_EQ(bad_user.status().message(), bad_pass.status().message());
  EXPECT_EQ(bad_pass.status().code(), Code::kUnauthenticated);
  accounts_->Login("alice", "wrong-password", "1.2.3.5").status().IgnoreError();
  accounts_->Login("alice", "wrong-password", "1.2.3.5").status().IgnoreError();
  auto locked = accounts_->Login("alice", "password123", "1.2.3.6");
  EXPECT_EQ(locked.status().code(), Code::kResourceExhausted);
  // Every failure is in the audit log; who and from where only on the private side.
  int failures = 0;
  auto rows = store_->ReadAuditRows(0, 1000);
  ASSERT_TRUE(rows.ok());
  for (const auto& row : *rows) {
    if (row.event.type != "account.login_failed") continue;
    ++failures;
    EXPECT_EQ(row.event.actor_role, "anonymous");
    EXPECT_NE(row.event.details_json.find("1.2.3."), std::string::npos);
  }
  EXPECT_EQ(failures, 5);
  clock_.AdvanceSeconds(config_.login_lockout_s);
  EXPECT_TRUE(accounts_->Login("alice", "password123", "1.2.3.6").ok());
}

TEST_F(AccountServiceTest, SessionsExpireAndDisabledAccountsAreLockedOut) {
  auto sys = Principal::System();
  auto alice = accounts_->CreateAccount(sys, {"alice", "", "password123", Role::kResident, ""});
  ASSERT_TRUE(alice.ok());
  auto login = accounts_->Login("alice", "password123", "1.2.3.4");
  ASSERT_TRUE(login.ok());
  auto p = accounts_->Authenticate(login->session_token, "");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->id(), alice->id);
  EXPECT_EQ(p->csrf_token, login->csrf_token);
  clock_.AdvanceSeconds(config_.session_ttl_s);
  EXPECT_EQ(accounts_->Authenticate(login->session_token, "").status().code(),
            Code::kUnauthenticated);

  std::string token = Token(*alice);
  EXPECT_TRUE(accounts_->Authenticate("", token).ok());
  ASSERT_TRUE(accounts_->SetDisabled(sys, alice->id, true).ok());
  EXPECT_EQ(accounts_->Authenticate("", token).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(accounts_->Authenticate("", "cvs_forged").status().code(), Code::kUnauthenticated);
}

TEST_F(AccountServiceTest, UnverifiedAgencyMembersCannotAct) {
  auto off = accounts_->CreateAccount(Principal::System(),
                                      {"off1", "", "password123", Role::kOfficer, agency_.id});
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(RequireVerifiedAgency(As(*off)).code(), Code::kFailedPrecondition);
  ASSERT_TRUE(agencies_->Verify(Principal::System(), agency_.id).ok());
  EXPECT_TRUE(RequireVerifiedAgency(As(*off)).ok());
}

TEST_F(AccountServiceTest, AgencyBoundaryIsValidated) {
  auto bad = agencies_->Create(Principal::System(), {"X", "IL", false, {{0, 0}, {1, 1}}});
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  auto bad_state = agencies_->Create(Principal::System(),
                                     {"X", "Illinois", false, {{0, 0}, {0, 1}, {1, 1}}});
  EXPECT_EQ(bad_state.status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace canvass
