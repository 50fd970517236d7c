// PacketRing: the last few seconds of compressed video, so that a clip can start before the
// motion that triggered it (pre-roll) without decoding or re-encoding anything.
//
// Invariant: the ring always starts at a key frame (a clip must start at one to be decodable),
// and holds every packet since the latest key frame captured at or before newest - keep_us.
// So From(t) for any t >= newest - keep_us starts at or before t. With a key frame every G
// seconds the ring holds between keep_us and keep_us + G of video. max_bytes caps it whatever
// the key-frame interval (a camera that sends one key frame a minute): the oldest GOP goes
// first, and the pre-roll is then shorter.
//
// Not thread-safe: owned by one camera's thread.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "agent/packet.h"

namespace canvass::agent {

class PacketRing {
 public:
  PacketRing(int64_t keep_us, int64_t max_bytes = 64LL << 20)
      : keep_us_(keep_us), max_bytes_(max_bytes) {}

  // Appends a packet (wall times non-decreasing). Packets before the first key frame are
  // dropped: they cannot be decoded.
  void Push(const Packet& packet);
  // The packets from the latest key frame captured at or before `from_wall_us` (the oldest
  // key frame if none is that old) to the newest.
  std::vector<Packet> From(int64_t from_wall_us) const;
  void Clear();

  bool empty() const { return packets_.empty(); }
  int64_t oldest_wall_us() const { return packets_.empty() ? 0 : packets_.front().wall_us; }
  int64_t bytes() const { return bytes_; }
  size_t size() const { return packets_.size(); }

 private:
  void DropFront();

  int64_t keep_us_;
  int64_t max_bytes_;
  std::deque<Packet> packets_;
  int64_t bytes_ = 0;
};

}  // namespace canvass::agent
