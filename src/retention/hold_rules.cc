#include "retention/hold_rules.h"

#include <algorithm>

namespace canvass::retention {
namespace {

bool Contains(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

// [start, end] meets the scope's range; a bound of 0 is open.
bool Meets(const HoldScope& s, int64_t start_us, int64_t end_us) {
  return (s.from_us == 0 || end_us >= s.from_us) && (s.to_us == 0 || start_us <= s.to_us);
}

}  // namespace

bool InForce(const Hold& hold) { return hold.ended_at_us == 0; }

bool HoldKeepsClip(const Hold& hold, const Clip& clip) {
  if (!InForce(hold)) return false;
  const HoldScope& s = hold.scope;
  const bool named =
      Contains(s.camera_ids, clip.camera_id) || Contains(s.account_ids, clip.owner_id);
  return named && Meets(s, clip.started_at_us, clip.ended_at_us);
}

bool HoldKeepsRead(const Hold& hold, const PlateRead& read) {
  if (!InForce(hold)) return false;
  const HoldScope& s = hold.scope;
  const bool named = Contains(s.camera_ids, read.reader_id) || Contains(s.plates, read.plate);
  return named && Meets(s, read.read_at_us, read.read_at_us);
}

HoldSet::HoldSet(std::vector<Hold> holds) : holds_(std::move(holds)) {
  std::erase_if(holds_, [](const Hold& h) { return !InForce(h); });
}

bool HoldSet::KeepsClip(const Clip& clip) const {
  return std::any_of(holds_.begin(), holds_.end(),
                     [&](const Hold& h) { return HoldKeepsClip(h, clip); });
}

bool HoldSet::KeepsRead(const PlateRead& read) const {
  return std::any_of(holds_.begin(), holds_.end(),
                     [&](const Hold& h) { return HoldKeepsRead(h, read); });
}

}  // namespace canvass::retention
