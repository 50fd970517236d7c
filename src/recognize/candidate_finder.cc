#include "recognize/candidate_finder.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace canvass::recognize {

namespace {

// Long side along x, angle within +-45 degrees.
cv::RotatedRect Normalise(cv::RotatedRect r) {
  if (r.size.width < r.size.height) {
    std::swap(r.size.width, r.size.height);
    r.angle += 90;
  }
  while (r.angle > 45) r.angle -= 180;
  while (r.angle < -45) r.angle += 180;
  if (r.angle > 45 || r.angle < -45) r.angle = 0;  // near-vertical: not a plate anyway
  return r;
}

double Iou(const cv::Rect& a, const cv::Rect& b) {
  double inter = (a & b).area();
  double uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0;
}

// Where a picture has strong vertical edges: Sobel in x, Otsu's threshold (255 = edge).
cv::Mat VerticalEdges(const cv::Mat& grey) {
  cv::Mat dx, edges, bin;
  cv::Sobel(grey, dx, CV_16S, 1, 0, 3);
  cv::convertScaleAbs(dx, edges);
  cv::threshold(edges, bin, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  return bin;
}

// Adds the contour's rotated rectangle to `out` if it has a plate's size and shape: at least
// min_width (picture pixels) wide, at most 60% of the picture, long side over short side within
// [min_aspect, max_aspect], filling at least min_fill of its rectangle, and at least min_density
// of its box set in `edges`. That edge density ranks it.
struct Shape {
  double min_aspect, max_aspect, min_fill, min_density;
};
void Propose(const std::vector<cv::Point>& contour, const cv::Mat& edges, double scale,
             const CandidateFinderOptions& o, const Shape& shape, std::vector<Proposal>* out) {
  cv::Rect b = cv::boundingRect(contour);
  if (b.width < o.min_width / scale || b.height < 6 || b.width > edges.cols * 0.6) return;
  cv::RotatedRect r = Normalise(cv::minAreaRect(contour));
  double w = r.size.width, h = r.size.height;
  if (h < 5 || w / h < shape.min_aspect || w / h > shape.max_aspect) return;
  double fill = cv::contourArea(contour) / std::max(1.0, w * h);
  if (fill < shape.min_fill) return;
  b &= cv::Rect(0, 0, edges.cols, edges.rows);
  double density = cv::mean(edges(b))[0] / 255.0;
  if (density < shape.min_density) return;
  r.center *= scale;
  r.size.width *= scale;
  r.size.height *= scale;
  out->push_back({r, density});
}

// Rows of characters: the vertical edges (VerticalEdges) closed with a wide flat kernel (joins a
// plate's characters into one blob), opened (drops thin lines). `scale` maps back to the picture.
void FindCharacterRows(const cv::Mat& edges, double scale, const CandidateFinderOptions& o,
                       std::vector<Proposal>* out) {
  cv::Mat closed;
  cv::morphologyEx(edges, closed, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(17, 3)));
  cv::morphologyEx(closed, closed, cv::MORPH_OPEN,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 5)));
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(closed, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  for (const auto& c : contours) Propose(c, edges, scale, o, {1.3, 8, 0.3, 0}, out);
}

// Plate backgrounds: regions brighter than their neighbourhood (adaptive mean threshold over
// 31x31 pixels, 8 grey levels above the mean), nearly rectangular (85% of their rotated
// rectangle, the characters being holes inside), of a plate's aspect. They find the plates whose
// characters' edges merge with the car's around them (lamps, bumper lines) into one blob too big
// for FindCharacterRows, and give a tighter box where that blob spilled past the plate. `edges`:
// the picture's VerticalEdges.
void FindPlateBackgrounds(const cv::Mat& grey, const cv::Mat& edges,
                          const CandidateFinderOptions& o, std::vector<Proposal>* out) {
  cv::Mat bright;
  cv::adaptiveThreshold(grey, bright, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY, 31, -8);
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(bright, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  // At least 5% edge pixels inside: a blank panel is no plate.
  for (const auto& c : contours) Propose(c, edges, 1.0, o, {1.5, 7, 0.85, 0.05}, out);
}

}  // namespace

std::vector<Proposal> FindCandidates(const cv::Mat& grey, const CandidateFinderOptions& options) {
  std::vector<Proposal> all;
  const cv::Mat edges = VerticalEdges(grey);
  FindCharacterRows(edges, 1.0, options, &all);
  cv::Mat half;
  cv::resize(grey, half, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
  FindCharacterRows(VerticalEdges(half), 2.0, options, &all);
  FindPlateBackgrounds(grey, edges, options, &all);
  std::sort(all.begin(), all.end(),
            [](const Proposal& a, const Proposal& b) { return a.edge_density > b.edge_density; });
  std::vector<Proposal> kept;
  for (const Proposal& p : all) {
    cv::Rect bp = p.rect.boundingRect();
    bool dup = false;
    for (const Proposal& k : kept) {
      if (Iou(bp, k.rect.boundingRect()) > 0.6) {
        dup = true;
        break;
      }
    }
    if (!dup) kept.push_back(p);
    if (kept.size() >= static_cast<size_t>(options.max_proposals)) break;
  }
  return kept;
}

}  // namespace canvass::recognize
