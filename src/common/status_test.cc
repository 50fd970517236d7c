#include "common/status.h"

#include <gtest/gtest.h>

namespace canvass {
namespace {

StatusOr<int> Half(int x) {
  if (x % 2) return InvalidArgumentError(std::to_string(x) + " is odd");
  return x / 2;
}

// Uses both macros twice in one scope: they must not clash.
StatusOr<int> Quarter(int x) {
  CANVASS_ASSIGN_OR_RETURN(int h, Half(x));
  CANVASS_ASSIGN_OR_RETURN(int q, Half(h));
  CANVASS_RETURN_IF_ERROR(OkStatus());
  CANVASS_RETURN_IF_ERROR(OkStatus());
  return q;
}

TEST(Status, MacrosPropagateTheFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  StatusOr<int> bad = Quarter(6);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "3 is odd");
}

TEST(Status, ToStringAndContext) {
  Status s = NotFoundError("camera cam_x does not exist").WithContext("delete");
  EXPECT_EQ(s.ToString(), "NOT_FOUND: delete: camera cam_x does not exist");
  EXPECT_EQ(OkStatus().ToString(), "OK");
}

TEST(Status, ErrnoMapping) {
  EXPECT_EQ(ErrnoStatus(ENOENT, "open x").code(), Code::kNotFound);
  EXPECT_EQ(ErrnoStatus(ENOSPC, "write x").code(), Code::kUnavailable);
  EXPECT_EQ(ErrnoStatus(EIO, "write x").code(), Code::kInternal);
}

}  // namespace
}  // namespace canvass
