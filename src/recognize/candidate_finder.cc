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

// Proposals at one scale; `scale` maps back to the picture's pixels.
void FindAtScale(const cv::Mat& grey, double scale, const CandidateFinderOptions& o,
                 std::vector<Proposal>* out) {
  cv::Mat dx, edges, bin;
  cv::Sobel(grey, dx, CV_16S, 1, 0, 3);
  cv::convertScaleAbs(dx, edges);
  cv::threshold(edges, bin, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  cv::Mat closed;
  cv::morphologyEx(bin, closed, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(17, 3)));
  cv::morphologyEx(closed, closed, cv::MORPH_OPEN,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 5)));
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(closed, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  const double min_w = o.min_width / scale;
  for (const auto& c : contours) {
    cv::Rect b = cv::boundingRect(c);
    if (b.width < min_w || b.height < 6 || b.width > grey.cols * 0.6) continue;
    cv::RotatedRect r = Normalise(cv::minAreaRect(c));
    double w = r.size.width, h = r.size.height;
    if (h < 5 || w / h < 1.3 || w / h > 8) continue;
    double fill = cv::contourArea(c) / std::max(1.0, w * h);
    if (fill < 0.3) continue;
    b &= cv::Rect(0, 0, grey.cols, grey.rows);
    double density = cv::mean(bin(b))[0] / 255.0;
    r.center *= scale;
    r.size.width *= scale;
    r.size.height *= scale;
    out->push_back({r, density});
  }
}

}  // namespace

std::vector<Proposal> FindCandidates(const cv::Mat& grey, const CandidateFinderOptions& options) {
  std::vector<Proposal> all;
  FindAtScale(grey, 1.0, options, &all);
  cv::Mat half;
  cv::resize(grey, half, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
  FindAtScale(half, 2.0, options, &all);
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
