// The classical first stage of plate finding: where a picture has the dense vertical edges of a
// row of characters, or a bright rectangle of a plate's shape. Cheap (median 8-9 ms a 1280x720
// frame on one core, recognize_bench) and generous: it proposes most plates along with many things that are not plates,
// which the finder CNN then sorts out.
//
// Internal to src/recognize (this header includes OpenCV's).
#pragma once

#include <opencv2/core.hpp>
#include <vector>

namespace canvass::recognize {

// A region that may hold a plate: its rotated rectangle (centre, size, angle in degrees, the
// angle of the long side, within +-45) and how edge-dense it is (0 to 1, for ranking).
struct Proposal {
  cv::RotatedRect rect;
  double edge_density = 0;
};

struct CandidateFinderOptions {
  // Boxes narrower than this (in pixels of the picture) are not proposed.
  int min_width = 36;
  int max_proposals = 40;
};

// Proposals for an 8-bit grey picture, densest first, overlapping ones merged.
//
// Method, character rows: Sobel in x, Otsu's threshold, closing with a wide flat kernel (joins the
// characters of a plate into one blob), opening (drops thin lines), external contours filtered by
// size, aspect (1.3 to 8) and fill (at least 30% of the rotated rectangle); run at full scale and
// at half scale so that both small and large plates close into single blobs. Plate backgrounds:
// an adaptive threshold keeps what is brighter than its neighbourhood; external contours that
// fill 85% of their rotated rectangle, of aspect 1.5 to 7, with some vertical edges inside. The
// second finds plates whose characters' edges merge with the car's (lamps, bumper lines) into one
// blob, and a tighter box where such a blob spilled past the plate.
std::vector<Proposal> FindCandidates(const cv::Mat& grey, const CandidateFinderOptions& options);

}  // namespace canvass::recognize
