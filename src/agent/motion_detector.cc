#include "agent/motion_detector.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace canvass::agent {

struct MotionDetector::State {
  cv::Mat background;  // CV_32F
  cv::Mat active;      // CV_8U: 255 where motion counts, 0 in privacy zones
  int active_pixels = 0;
  cv::Mat blurred, background8, diff, kernel;
};

MotionDetector::MotionDetector(MotionOptions options)
    : options_(std::move(options)), s_(std::make_unique<State>()) {
  s_->kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(3, 3));
}

MotionDetector::~MotionDetector() = default;

void MotionDetector::Reset() { s_->background.release(); }

MotionResult MotionDetector::Process(const uint8_t* grey, int width, int height, int stride) {
  State& s = *s_;
  cv::Mat frame(height, width, CV_8UC1, const_cast<uint8_t*>(grey), static_cast<size_t>(stride));
  if (s.active.rows != height || s.active.cols != width) {
    s.active = cv::Mat(height, width, CV_8UC1, cv::Scalar(255));
    for (const Polygon& zone : options_.ignore_zones) {
      std::vector<cv::Point> pts;
      for (const Point& p : zone) {
        pts.emplace_back(static_cast<int>(p.x * width + 0.5), static_cast<int>(p.y * height + 0.5));
      }
      cv::fillPoly(s.active, std::vector<std::vector<cv::Point>>{pts}, cv::Scalar(0));
    }
    s.active_pixels = cv::countNonZero(s.active);
    s.background.release();
  }
  cv::GaussianBlur(frame, s.blurred, cv::Size(5, 5), 0);
  MotionResult r;
  if (s.background.empty() || s.active_pixels == 0) {
    s.blurred.convertTo(s.background, CV_32F);
    return r;
  }
  s.background.convertTo(s.background8, CV_8U);
  cv::absdiff(s.blurred, s.background8, s.diff);
  cv::threshold(s.diff, s.diff, options_.threshold, 255, cv::THRESH_BINARY);
  cv::bitwise_and(s.diff, s.active, s.diff);
  const int changed = cv::countNonZero(s.diff);
  r.moved_fraction = static_cast<double>(changed) / s.active_pixels;
  if (r.moved_fraction > options_.lighting_fraction) {
    r.lighting_change = true;
    r.moved_fraction = 0;
    s.blurred.convertTo(s.background, CV_32F);
    return r;
  }
  if (changed > 0) {
    cv::dilate(s.diff, s.diff, s.kernel, cv::Point(-1, -1), 2);
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(s.diff, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    const double min_px = options_.min_area * s.active_pixels;
    for (const auto& c : contours) {
      if (cv::contourArea(c) >= min_px) ++r.blobs;
    }
  }
  r.motion = r.blobs > 0;
  cv::accumulateWeighted(s.blurred, s.background, options_.background_alpha);
  return r;
}

MotionEventTracker::Change MotionEventTracker::Update(bool motion, int64_t t_us) {
  if (motion) {
    if (run_ == 0) run_start_us_ = active_ ? run_start_us_ : t_us;
    ++run_;
    last_motion_us_ = t_us;
    if (!active_ && run_ >= start_frames_) {
      active_ = true;
      return Change::kStarted;
    }
    return Change::kNone;
  }
  run_ = 0;
  if (active_ && t_us - last_motion_us_ >= quiet_us_) {
    active_ = false;
    return Change::kEnded;
  }
  return Change::kNone;
}

}  // namespace canvass::agent
