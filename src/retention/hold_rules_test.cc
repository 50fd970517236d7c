#include "retention/hold_rules.h"

#include <gtest/gtest.h>

namespace canvass::retention {
namespace {

Hold CameraHold(int64_t from_us, int64_t to_us) {
  Hold h;
  h.id = "hold_a";
  h.scope.camera_ids = {"cam_1", "lpr_1"};
  h.scope.from_us = from_us;
  h.scope.to_us = to_us;
  return h;
}

Clip ClipOf(const std::string& camera, const std::string& owner, int64_t start, int64_t end) {
  Clip c;
  c.camera_id = camera;
  c.owner_id = owner;
  c.started_at_us = start;
  c.ended_at_us = end;
  return c;
}

PlateRead ReadOf(const std::string& reader, const std::string& plate, int64_t at) {
  PlateRead r;
  r.reader_id = reader;
  r.plate = plate;
  r.read_at_us = at;
  return r;
}

TEST(HoldRules, AClipIsKeptWhenItsCameraIsNamedAndItMeetsTheRangeInclusively) {
  const Hold h = CameraHold(100, 200);
  EXPECT_TRUE(HoldKeepsClip(h, ClipOf("cam_1", "acc_x", 50, 100)));   // ends at `from`
  EXPECT_TRUE(HoldKeepsClip(h, ClipOf("cam_1", "acc_x", 200, 300)));  // starts at `to`
  EXPECT_TRUE(HoldKeepsClip(h, ClipOf("cam_1", "acc_x", 120, 130)));
  EXPECT_FALSE(HoldKeepsClip(h, ClipOf("cam_1", "acc_x", 50, 99)));
  EXPECT_FALSE(HoldKeepsClip(h, ClipOf("cam_1", "acc_x", 201, 300)));
  EXPECT_FALSE(HoldKeepsClip(h, ClipOf("cam_2", "acc_x", 120, 130)));
}

TEST(HoldRules, AnAccountKeepsEveryCameraOfItsOwner) {
  Hold h;
  h.scope.account_ids = {"acc_owner"};
  EXPECT_TRUE(HoldKeepsClip(h, ClipOf("cam_9", "acc_owner", 1, 2)));  // 0/0: all time
  EXPECT_FALSE(HoldKeepsClip(h, ClipOf("cam_9", "acc_other", 1, 2)));
  EXPECT_FALSE(HoldKeepsRead(h, ReadOf("lpr_1", "ABC123", 1)));  // readers have no owner
}

TEST(HoldRules, OpenBoundsReachToEitherEnd) {
  EXPECT_TRUE(HoldKeepsClip(CameraHold(0, 200), ClipOf("cam_1", "a", 1, 2)));
  EXPECT_FALSE(HoldKeepsClip(CameraHold(0, 200), ClipOf("cam_1", "a", 201, 202)));
  EXPECT_TRUE(HoldKeepsClip(CameraHold(100, 0), ClipOf("cam_1", "a", 5'000, 6'000)));
  EXPECT_FALSE(HoldKeepsClip(CameraHold(100, 0), ClipOf("cam_1", "a", 1, 99)));
}

TEST(HoldRules, AReadIsKeptByItsReaderOrItsPlateFromAnyReader) {
  Hold h = CameraHold(100, 200);
  h.scope.plates = {"XYZ987"};
  EXPECT_TRUE(HoldKeepsRead(h, ReadOf("lpr_1", "ABC123", 100)));
  EXPECT_TRUE(HoldKeepsRead(h, ReadOf("lpr_1", "ABC123", 200)));
  EXPECT_FALSE(HoldKeepsRead(h, ReadOf("lpr_1", "ABC123", 201)));
  EXPECT_TRUE(HoldKeepsRead(h, ReadOf("lpr_other", "XYZ987", 150)));
  EXPECT_FALSE(HoldKeepsRead(h, ReadOf("lpr_other", "XYZ988", 150)));
  EXPECT_FALSE(HoldKeepsRead(h, ReadOf("lpr_other", "XYZ987", 99)));
}

TEST(HoldRules, AnEndedHoldKeepsNothing) {
  Hold h = CameraHold(0, 0);
  EXPECT_TRUE(HoldKeepsClip(h, ClipOf("cam_1", "a", 1, 2)));
  h.ended_at_us = 5;
  h.end_reason = "released";
  EXPECT_FALSE(HoldKeepsClip(h, ClipOf("cam_1", "a", 1, 2)));
  EXPECT_FALSE(HoldKeepsRead(h, ReadOf("lpr_1", "ABC123", 1)));
  const HoldSet set({h, CameraHold(0, 0)});
  EXPECT_EQ(set.holds().size(), 1u);
  EXPECT_TRUE(set.KeepsClip(ClipOf("cam_1", "a", 1, 2)));
}

}  // namespace
}  // namespace canvass::retention
