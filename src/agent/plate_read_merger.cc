#include "agent/plate_read_merger.h"

#include <boost/json.hpp>

#include <cctype>
#include <map>

#include "common/encoding.h"
#include "common/time_format.h"

namespace canvass::agent {

PlateReadMerger::PlateReadMerger(const std::string& id_prefix, int64_t gap_us)
    : prefix_(id_prefix.substr(0, 40)), gap_us_(gap_us) {
  for (char& c : prefix_) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '-';
  }
  if (prefix_.empty()) prefix_ = "camera";
}

namespace {

char Fold(char c) {
  switch (c) {
    case 'O': case 'D': return '0';
    case 'I': return '1';
    case 'B': return '8';
    case 'S': return '5';
    case 'Z': return '2';
    case 'G': return '6';
    default: return c;
  }
}

std::string Folded(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '-' || c == '.') continue;
    out += Fold(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace

bool PlateReadMerger::SameVehicle(const std::string& a_raw, const std::string& b_raw) {
  const std::string a = Folded(a_raw), b = Folded(b_raw);
  if (a == b) return true;
  const size_t n = a.size(), m = b.size();
  if (n > m + 1 || m > n + 1) return false;
  // Edit distance at most one.
  size_t i = 0, j = 0;
  int edits = 0;
  while (i < n && j < m) {
    if (a[i] == b[j]) {
      ++i, ++j;
      continue;
    }
    if (++edits > 1) return false;
    if (n > m) ++i;
    else if (m > n) ++j;
    else ++i, ++j;
  }
  edits += static_cast<int>((n - i) + (m - j));
  return edits <= 1;
}

// A plate that grows across the frames comes toward the camera; one that shrinks goes away.
// Under 15% either way (a vehicle crossing the picture) says neither.
std::string PlateReadMerger::Direction(const Track& t) {
  if (t.seen.size() < 2) return "";
  const PlateCandidate& first = t.seen.front().read;
  const PlateCandidate& last = t.seen.back().read;
  if (first.height <= 0 || last.height <= 0) return "";
  const double growth = static_cast<double>(last.height) / first.height;
  if (growth >= 1.15) return "toward";
  if (growth <= 1 / 1.15) return "away";
  return "";
}

// The colour most frames saw (one frame's light or a passing shadow does not decide it).
std::string PlateReadMerger::MostFrequentColour(const Track& t) {
  std::map<std::string, int> counts;
  for (const Seen& s : t.seen) {
    if (!s.read.vehicle_color.empty()) ++counts[s.read.vehicle_color];
  }
  std::string colour;
  int most = 0;
  for (const auto& [name, n] : counts) {
    if (n > most) most = n, colour = name;
  }
  return colour;
}

MergedRead PlateReadMerger::Merge(const Track& t) {
  std::map<std::string, double> votes;
  for (const Seen& s : t.seen) votes[s.read.plate] += s.read.confidence;
  std::string winner;
  double best_vote = -1;
  for (const auto& [text, vote] : votes) {
    if (vote > best_vote) best_vote = vote, winner = text;
  }
  const Seen* best = nullptr;
  for (const Seen& s : t.seen) {
    if (best == nullptr || s.read.confidence > best->read.confidence) best = &s;
  }
  double conf = 0;
  for (const Seen& s : t.seen) {
    if (s.read.plate == winner) conf = std::max(conf, s.read.confidence);
  }
  MergedRead r;
  r.id = prefix_ + ":" + std::to_string(t.first_us) + ":" + std::to_string(++emitted_);
  r.plate = winner;
  r.state = best->read.state;
  r.confidence = conf;
  r.read_at_us = best->t_us;
  r.crop_jpeg = best->read.crop_jpeg;
  r.direction = !best->read.direction.empty() ? best->read.direction : Direction(t);
  r.vehicle_color = MostFrequentColour(t);
  r.vehicle_type = best->read.vehicle_type;
  r.frames = static_cast<int>(t.seen.size());
  return r;
}

std::vector<MergedRead> PlateReadMerger::Add(const std::vector<PlateCandidate>& reads,
                                             int64_t t_us) {
  for (const PlateCandidate& c : reads) {
    Track* match = nullptr;
    for (Track& t : tracks_) {
      if (t_us - t.last_us > gap_us_) continue;
      for (const Seen& s : t.seen) {
        if (SameVehicle(s.read.plate, c.plate)) {
          match = &t;
          break;
        }
      }
      if (match) break;
    }
    if (match == nullptr) {
      tracks_.push_back(Track{{}, t_us, t_us});
      match = &tracks_.back();
    }
    match->seen.push_back({c, t_us});
    match->last_us = t_us;
  }
  std::vector<MergedRead> out;
  for (auto it = tracks_.begin(); it != tracks_.end();) {
    if (t_us - it->last_us > gap_us_) {
      out.push_back(Merge(*it));
      it = tracks_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::vector<MergedRead> PlateReadMerger::Flush() {
  std::vector<MergedRead> out;
  for (const Track& t : tracks_) out.push_back(Merge(t));
  tracks_.clear();
  return out;
}

std::string PlateBatchJson(const std::vector<MergedRead>& reads) {
  boost::json::array arr;
  for (const MergedRead& r : reads) {
    boost::json::object o{{"id", r.id},
                          {"plate", r.plate},
                          {"state", r.state},
                          {"confidence", r.confidence},
                          {"read_at", FormatRfc3339(r.read_at_us)},
                          {"direction", r.direction},
                          {"vehicle_color", r.vehicle_color},
                          {"vehicle_type", r.vehicle_type}};
    if (!r.crop_jpeg.empty()) o["crop_jpeg"] = Base64Encode(r.crop_jpeg);
    arr.push_back(std::move(o));
  }
  return boost::json::serialize(boost::json::object{{"reads", std::move(arr)}});
}

}  // namespace canvass::agent
