#include "agent/engine_recognizer.h"

#include <algorithm>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "agent/vehicle_colour.h"

namespace canvass::agent {
namespace {

constexpr size_t kMaxCropBytes = 512 * 1024;  // PlateCandidate::crop_jpeg's contract

// The JPEG of the plate's box widened by half its height on each side, clipped to the frame;
// empty when it cannot be made small enough (it is then sent without a crop).
std::string CropJpeg(const BgrImage& frame, const recognize::Box& box) {
  const int margin = box.h / 2;
  const int x0 = std::clamp(box.x - margin, 0, frame.width);
  const int y0 = std::clamp(box.y - margin, 0, frame.height);
  const int x1 = std::clamp(box.x + box.w + margin, 0, frame.width);
  const int y1 = std::clamp(box.y + box.h + margin, 0, frame.height);
  if (x1 <= x0 || y1 <= y0) return "";
  // cv::Mat does not write through a borrowed buffer unless asked; the cast only fits its API.
  const cv::Mat whole(frame.height, frame.width, CV_8UC3, const_cast<uint8_t*>(frame.data),
                      static_cast<size_t>(frame.stride));
  const cv::Mat crop = whole(cv::Rect(x0, y0, x1 - x0, y1 - y0));
  std::vector<uint8_t> jpeg;
  try {
    for (int quality : {90, 70, 50}) {
      if (!cv::imencode(".jpg", crop, jpeg, {cv::IMWRITE_JPEG_QUALITY, quality})) return "";
      if (jpeg.size() <= kMaxCropBytes) return std::string(jpeg.begin(), jpeg.end());
    }
    // A huge plate box (a 4K frame's close-up): halve it once more before giving up.
    cv::Mat small;
    cv::resize(crop, small, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
    if (cv::imencode(".jpg", small, jpeg, {cv::IMWRITE_JPEG_QUALITY, 70}) &&
        jpeg.size() <= kMaxCropBytes) {
      return std::string(jpeg.begin(), jpeg.end());
    }
  } catch (const cv::Exception&) {
    // No JPEG encoder in this OpenCV build: the read is still worth sending without a crop.
  }
  return "";
}

}  // namespace

recognize::Image ToEngineImage(const BgrImage& frame) {
  return recognize::Image{
      .bgr = frame.data, .width = frame.width, .height = frame.height, .stride = frame.stride};
}

StatusOr<std::unique_ptr<EngineRecognizer>> EngineRecognizer::Open(
    const EngineRecognizerOptions& options) {
  CANVASS_ASSIGN_OR_RETURN(recognize::Region region, recognize::ParseRegion(options.region));
  CANVASS_ASSIGN_OR_RETURN(std::unique_ptr<recognize::Engine> engine,
                           recognize::Engine::Open({.model_dir = options.model_dir,
                                                    .min_confidence = options.min_confidence,
                                                    .reads_per_plate = options.reads_per_plate}));
  return std::make_unique<EngineRecognizer>(std::move(engine), region);
}

EngineRecognizer::EngineRecognizer(std::unique_ptr<recognize::Engine> engine,
                                   recognize::Region region)
    : engine_(std::move(engine)), region_(region) {}

EngineRecognizer::~EngineRecognizer() = default;

StatusOr<std::vector<PlateCandidate>> EngineRecognizer::Recognize(const BgrImage& frame,
                                                                  int64_t /*captured_at_us*/) {
  CANVASS_ASSIGN_OR_RETURN(std::vector<recognize::PlateResult> plates,
                           engine_->Recognize(ToEngineImage(frame), region_));
  std::vector<PlateCandidate> out;
  out.reserve(plates.size());
  for (const recognize::PlateResult& p : plates) {
    if (p.text.empty()) continue;
    PlateCandidate c;
    c.plate = p.text;
    c.confidence = p.confidence;
    c.x = p.box.x;
    c.y = p.box.y;
    c.width = p.box.w;
    c.height = p.box.h;
    c.crop_jpeg = CropJpeg(frame, p.box);
    c.vehicle_color = VehicleColour(frame, p.box.x, p.box.y, p.box.w, p.box.h);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace canvass::agent
