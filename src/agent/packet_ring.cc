#include "agent/packet_ring.h"

namespace canvass::agent {

void PacketRing::DropFront() {
  bytes_ -= packets_.front().av->size;
  packets_.pop_front();
}

void PacketRing::Push(const Packet& p) {
  if (packets_.empty() && !p.key) return;
  packets_.push_back(p);
  bytes_ += p.av->size;
  const int64_t horizon = p.wall_us - keep_us_;
  // Drop the oldest GOP while the next key frame is still at or before the horizon.
  while (true) {
    size_t next_key = 1;
    while (next_key < packets_.size() && !packets_[next_key].key) ++next_key;
    if (next_key >= packets_.size()) break;
    const bool old_enough = packets_[next_key].wall_us <= horizon;
    const bool too_big = bytes_ > max_bytes_;
    if (!old_enough && !too_big) break;
    for (size_t i = 0; i < next_key; ++i) DropFront();
  }
}

std::vector<Packet> PacketRing::From(int64_t from_wall_us) const {
  size_t start = 0;
  for (size_t i = 0; i < packets_.size(); ++i) {
    if (packets_[i].wall_us > from_wall_us) break;
    if (packets_[i].key) start = i;
  }
  return std::vector<Packet>(packets_.begin() + static_cast<ptrdiff_t>(start), packets_.end());
}

void PacketRing::Clear() {
  packets_.clear();
  bytes_ = 0;
}

}  // namespace canvass::agent
