#include "agent/packet_ring.h"

#include <gtest/gtest.h>

namespace canvass::agent {
namespace {

Packet Make(int64_t wall_us, bool key, int size = 100) {
  AVPacket* p = av_packet_alloc();
  av_new_packet(p, size);
  Packet out;
  out.av = std::shared_ptr<const AVPacket>(p, AvPacketFree());
  out.wall_us = wall_us;
  out.duration_us = 100'000;
  out.key = key;
  return out;
}

TEST(PacketRing, KeepsThePreRollFromAKeyFrame) {
  PacketRing ring(1'000'000);
  ring.Push(Make(0, false));  // before any key frame: undecodable, dropped
  EXPECT_TRUE(ring.empty());
  for (int i = 0; i < 50; ++i) ring.Push(Make(i * 100'000, i % 10 == 0));  // key frame each 1 s
  // Newest at 4.9 s: the horizon is 3.9 s, the key frame at or before it is at 3 s.
  EXPECT_EQ(ring.oldest_wall_us(), 3'000'000);
  auto from = ring.From(3'900'000);
  ASSERT_FALSE(from.empty());
  EXPECT_TRUE(from.front().key);
  EXPECT_EQ(from.front().wall_us, 3'000'000);
  EXPECT_EQ(ring.From(4'500'000).front().wall_us, 4'000'000);
}

TEST(PacketRing, ByteCapDropsWholeGops) {
  PacketRing ring(60'000'000, 2500);
  for (int i = 0; i < 50; ++i) ring.Push(Make(i * 100'000, i % 10 == 0));
  EXPECT_LE(ring.bytes(), 2500 + 1000);
  EXPECT_TRUE(ring.From(0).front().key);
}

}  // namespace
}  // namespace canvass::agent
