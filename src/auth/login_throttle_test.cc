#include "auth/login_throttle.h"

#include <gtest/gtest.h>

namespace canvass::auth {
namespace {

TEST(LoginThrottle, LocksAfterMaxFailuresWithinWindowThenReleases) {
  SimulatedClock clock(1'000'000'000);
  LoginThrottle t(&clock, 3, 60, 300);
  t.RecordFailure("u");
  t.RecordFailure("u");
  EXPECT_EQ(t.RetryAfterSeconds("u"), 0);
  t.RecordFailure("u");
  EXPECT_EQ(t.RetryAfterSeconds("u"), 300);
  EXPECT_EQ(t.RetryAfterSeconds("other"), 0);
  clock.AdvanceSeconds(299);
  EXPECT_EQ(t.RetryAfterSeconds("u"), 1);
  clock.AdvanceSeconds(1);
  EXPECT_EQ(t.RetryAfterSeconds("u"), 0);
}

TEST(LoginThrottle, FailuresOutsideTheWindowDoNotCount) {
  SimulatedClock clock(1'000'000'000);
  LoginThrottle t(&clock, 3, 60, 300);
  t.RecordFailure("u");
  t.RecordFailure("u");
  clock.AdvanceSeconds(61);
  t.RecordFailure("u");
  EXPECT_EQ(t.RetryAfterSeconds("u"), 0);
}

TEST(LoginThrottle, SuccessClears) {
  SimulatedClock clock(1'000'000'000);
  LoginThrottle t(&clock, 2, 60, 300);
  t.RecordFailure("u");
  t.RecordSuccess("u");
  t.RecordFailure("u");
  EXPECT_EQ(t.RetryAfterSeconds("u"), 0);
}

}  // namespace
}  // namespace canvass::auth
