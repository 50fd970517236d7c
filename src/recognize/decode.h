// From the reader network's output to ranked readings: CTC best-path decoding, then plate-format
// rules of the region (position-aware fixing of confusable characters such as 0/O, 1/I, 8/B,
// 5/S, 2/Z) and ranking. Pure C++ on plain arrays, no OpenCV: unit-tested on hand-made columns.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "recognize/engine.h"

namespace canvass::recognize {

// Class 0 is the CTC blank; class k + 1 is kAlphabet[k].
inline constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
inline constexpr int kClasses = 37;

// One character of the best path: its probabilities over kAlphabet (blank left out and the rest
// renormalised) at the column where it was most confident.
struct CharSlot {
  std::array<float, 36> probs{};
};

// `probs` holds `columns` rows of kClasses softmax probabilities, column-major in time:
// probs[t * kClasses + c]. Returns the characters of the best path, repeats merged and blanks
// dropped (the usual CTC rule).
std::vector<CharSlot> BestPathSlots(const float* probs, int columns);

// Ranked readings of `slots`, best first, at most `max_candidates`, texts distinct.
//
// Candidates are the most probable combinations of each slot's alternatives, plus, for each
// plate format of the region with as many characters as there are slots, the best reading that
// fits it (each position takes its most probable letter or digit, as the format asks). A
// reading's score is the product of its characters' probabilities; readings that fit no format
// of the region are down-weighted (a vanity plate still wins when its characters are clear).
std::vector<TextCandidate> RankReadings(const std::vector<CharSlot>& slots, Region region,
                                        int max_candidates);

// One ranking from several readings of the same plate (each cut of it, by each reader): a text's
// confidence is the highest any reading gave it; best first (ties by text), at most
// `max_candidates`. The most confident reading is usually of the cut that neither cuts into the
// characters nor takes in clutter beside them; averaging instead penalised a text that only the
// better cut read.
//
// One correction: where a text and the same text with one more character at its right end both
// stand, the longer holding at least kRightEndRatio of the shorter's confidence, they trade
// confidences (the longer goes first). The readers drop a plate's last character far more often
// than they invent one there (on the US crops, 10 of the misses had dropped it, none had added
// one); at the left end both errors are common, and no such rule helps.
inline constexpr double kRightEndRatio = 0.7;
std::vector<TextCandidate> PoolReadings(const std::vector<std::vector<TextCandidate>>& readings,
                                        int max_candidates);

// True when `text` fits one of the region's formats (e.g. "LLDDDLL" for Slovakia: L a letter,
// D a digit).
bool FitsRegionFormat(std::string_view text, Region region);

}  // namespace canvass::recognize
