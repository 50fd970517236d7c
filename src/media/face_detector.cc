// The only file of Canvass that includes OpenCV (its headers conflict with S2's).
#include "media/face_detector.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

namespace canvass::media {
namespace {

// Frames wider than this are scaled down before detection (see face_detector.h).
constexpr int kMaxDetectWidth = 640;
constexpr int kMinFacePx = 24;  // The cascade's own window size.
constexpr double kScaleStep = 1.1;
constexpr int kMinNeighbours = 4;

class OpenCvHaarDetector final : public FaceDetector {
 public:
  explicit OpenCvHaarDetector(cv::CascadeClassifier cascade) : cascade_(std::move(cascade)) {}

  std::vector<Box> Detect(const uint8_t* bgr, int width, int height, int stride) const override {
    if (bgr == nullptr || width <= 0 || height <= 0 || stride < 3 * width) return {};
    try {
      // cv::Mat does not copy: it views the caller's pixels (read only from here on).
      const cv::Mat frame(height, width, CV_8UC3, const_cast<uint8_t*>(bgr),
                          static_cast<size_t>(stride));
      cv::Mat grey;
      double scale = 1.0;  // Frame pixels per detection pixel.
      if (width > kMaxDetectWidth) {
        scale = static_cast<double>(width) / kMaxDetectWidth;
        const int small_height = std::max(1, static_cast<int>(std::lround(height / scale)));
        cv::Mat small;
        cv::resize(frame, small, cv::Size(kMaxDetectWidth, small_height), 0, 0, cv::INTER_AREA);
        cv::cvtColor(small, grey, cv::COLOR_BGR2GRAY);
      } else {
        cv::cvtColor(frame, grey, cv::COLOR_BGR2GRAY);
      }
      cv::equalizeHist(grey, grey);
      std::vector<cv::Rect> found;
      {
        // CascadeClassifier::detectMultiScale is not const and keeps scratch state.
        std::lock_guard<std::mutex> lock(mu_);
        cascade_.detectMultiScale(grey, found, kScaleStep, kMinNeighbours, 0,
                                  cv::Size(kMinFacePx, kMinFacePx));
      }
      std::vector<Box> boxes;
      boxes.reserve(found.size());
      for (const cv::Rect& r : found) {
        const int x0 = std::clamp(static_cast<int>(std::floor(r.x * scale)), 0, width);
        const int y0 = std::clamp(static_cast<int>(std::floor(r.y * scale)), 0, height);
        const int x1 = std::clamp(static_cast<int>(std::ceil((r.x + r.width) * scale)), 0, width);
        const int y1 = std::clamp(static_cast<int>(std::ceil((r.y + r.height) * scale)), 0, height);
        if (x1 > x0 && y1 > y0) boxes.push_back(Box{x0, y0, x1 - x0, y1 - y0});
      }
      return boxes;
    } catch (const cv::Exception&) {
      // Only on a bug or out of memory: OpenCV throws, Canvass does not. Nothing found.
      return {};
    }
  }

 private:
  mutable std::mutex mu_;
  mutable cv::CascadeClassifier cascade_;  // GUARDED_BY(mu_)
};

}  // namespace

StatusOr<std::unique_ptr<FaceDetector>> OpenCvFaceDetector(const std::string& cascade_path) {
  const std::string path = cascade_path.empty() ? kDefaultFaceCascadePath : cascade_path;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return NotFoundError("face detection cascade " + path +
                         " not found; install Debian's opencv-data package (scripts/setup.sh "
                         "does) or pass the path of an OpenCV Haar cascade XML file");
  }
  cv::CascadeClassifier cascade;
  bool loaded = false;
  try {
    loaded = cascade.load(path);
  } catch (const cv::Exception& e) {
    return InvalidArgumentError("face detection cascade " + path +
                                " is not an OpenCV cascade: " + e.what());
  }
  if (!loaded || cascade.empty()) {
    return InvalidArgumentError("face detection cascade " + path +
                                " is not an OpenCV cascade (OpenCV could not load it)");
  }
  return std::unique_ptr<FaceDetector>(std::make_unique<OpenCvHaarDetector>(std::move(cascade)));
}

}  // namespace canvass::media
