#include "agent/vehicle_colour.h"

#include <algorithm>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace canvass::agent {

namespace {

uint8_t Median(std::vector<uint8_t>& v) {
  std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace

std::string VehicleColour(const BgrImage& frame, int plate_x, int plate_y, int plate_w,
                          int plate_h) {
  // cv::Mat does not write through a borrowed buffer unless asked; the cast only fits its API.
  const cv::Mat whole(frame.height, frame.width, CV_8UC3, const_cast<uint8_t*>(frame.data),
                      static_cast<size_t>(frame.stride));
  const cv::Rect picture(0, 0, frame.width, frame.height);
  const cv::Rect bands[] = {
      cv::Rect(plate_x - plate_w / 2, plate_y, plate_w * 9 / 20, plate_h) & picture,
      cv::Rect(plate_x + plate_w + plate_w / 20, plate_y, plate_w * 9 / 20, plate_h) & picture,
      cv::Rect(plate_x, plate_y - plate_h * 3 / 5, plate_w, plate_h / 2) & picture,
  };
  std::vector<uint8_t> h, s, v;
  for (const cv::Rect& band : bands) {
    if (band.width < 2 || band.height < 2) continue;
    cv::Mat hsv;
    cv::cvtColor(whole(band), hsv, cv::COLOR_BGR2HSV);
    for (int y = 0; y < hsv.rows; ++y) {
      const auto* p = hsv.ptr<cv::Vec3b>(y);
      for (int x = 0; x < hsv.cols; ++x) {
        h.push_back(p[x][0]);  // 0..179: degrees / 2
        s.push_back(p[x][1]);
        v.push_back(p[x][2]);
      }
    }
  }
  if (v.empty()) return "";
  const int value = Median(v), saturation = Median(s);
  if (value < 70) return "black";
  if (saturation < 50) return value > 210 ? "white" : value > 150 ? "silver" : "grey";
  // The median of the hue among the saturated pixels only (grey ones have no hue).
  // Hue is circular and red straddles 0: turned by 16 degrees first, so that reds do not split
  // into a 5 and a 355 whose median would be a green.
  constexpr int kTurn = 8;  // in OpenCV's units of 2 degrees
  std::vector<uint8_t> hues;
  for (size_t i = 0; i < h.size(); ++i) {
    if (s[i] >= 50) hues.push_back(static_cast<uint8_t>((h[i] + kTurn) % 180));
  }
  if (hues.empty()) return "grey";
  const int hue = (Median(hues) + 180 - kTurn) % 180 * 2;  // degrees
  if (hue < 15 || hue >= 335) return "red";
  if (hue < 40) return "orange";
  if (hue < 70) return "yellow";
  if (hue < 170) return "green";
  if (hue < 260) return "blue";
  return "purple";
}

}  // namespace canvass::agent
