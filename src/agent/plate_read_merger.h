// PlateReadMerger: a vehicle crossing an ALPR camera is read in many frames, often with small
// differences (O for 0 in one frame). The merger follows each vehicle and, once it has not been
// seen for gap_us, emits one read: the text that won the confidence-weighted vote, its best
// confidence, the crop of the single best frame, the colour most frames saw, and the direction:
// "toward" when the plate grew by 15% or more from its first frame to its last (it came closer),
// "away" when it shrank as much, else the recognizer's own or "".
//
// Two reads are taken for the same vehicle when they come within gap_us of each other and their
// texts differ by at most one character after folding the OCR confusions (O/0, I/1, B/8, S/5,
// Z/2, G/6, D/0) that SYSTEM.md lists.
//
// Not thread-safe: one merger per camera thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agent/plate_recognizer.h"

namespace canvass::agent {

struct MergedRead {
  std::string id;  // unique per reader: "<prefix>:<first seen, us>:<n>", at most 64 characters
  std::string plate;
  std::string state;
  double confidence = 0;
  int64_t read_at_us = 0;  // when the best frame was taken
  std::string crop_jpeg;
  std::string direction, vehicle_color, vehicle_type;
  int frames = 0;  // frames in which it was read
};

class PlateReadMerger {
 public:
  // `id_prefix` is usually the camera's name; characters the server does not take in a read id
  // (anything but A-Z a-z 0-9 . _ -) become '-', and it is cut to 40 characters, so that ids stay
  // within the server's 64.
  PlateReadMerger(const std::string& id_prefix, int64_t gap_us = 1'500'000);

  // Adds the reads of one frame taken at t_us; returns the vehicles that have left.
  std::vector<MergedRead> Add(const std::vector<PlateCandidate>& reads, int64_t t_us);
  // Emits every vehicle still followed (at shutdown).
  std::vector<MergedRead> Flush();

  // Texts equal after folding confusions, or one substitution, insertion or deletion apart.
  static bool SameVehicle(const std::string& a, const std::string& b);

 private:
  struct Seen {
    PlateCandidate read;
    int64_t t_us;
  };
  struct Track {
    std::vector<Seen> seen;
    int64_t first_us = 0;
    int64_t last_us = 0;
  };
  MergedRead Merge(const Track& track);
  static std::string Direction(const Track& track);
  static std::string MostFrequentColour(const Track& track);

  std::string prefix_;
  int64_t gap_us_;
  std::vector<Track> tracks_;
  int64_t emitted_ = 0;
};

// The JSON body of POST /api/v1/plates/reads for these reads.
std::string PlateBatchJson(const std::vector<MergedRead>& reads);

}  // namespace canvass::agent
