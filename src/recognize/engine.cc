#include "recognize/engine.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "recognize/candidate_finder.h"
#include "recognize/decode.h"

#ifndef CANVASS_RECOGNIZER_MODEL_DIR
#define CANVASS_RECOGNIZER_MODEL_DIR "models/recognizer"
#endif

namespace canvass::recognize {

namespace {

// Network input sizes (tools/recognizer/models.py).
constexpr int kReaderW = 128, kReaderH = 32;
constexpr int kFinderW = 96, kFinderH = 24;

// How the finder's windows and the reader's crops sit around a plate, matching the margins the
// networks were trained with (tools/recognizer/generate.py): a window is the candidate widened by
// 20% and heightened by 35%; a reader crop is the plate plus 2% of its width on each side and
// 4.5% of its height above and below.
constexpr float kWindowGrowW = 1.2f, kWindowGrowH = 1.35f;
constexpr float kCropGrowW = 1.04f, kCropGrowH = 1.09f;
// A picture given as a plate crop is widened by this fraction of its width on each side
// (replicating its edge columns) before it is read: crops of whole plates often end right after
// the last character, and the reader, trained mostly on cuts with some margin, tends to drop a
// character that touches the picture's edge.
constexpr double kCropPadW = 0.03;
// A window is a plate when the finder says so with at least this probability, averaged over its
// two looks. The first look (at the candidate finder's box) only needs kMinFirstLook: a window
// cut off-centre from a plate, which the finder is less sure of, still gets the second look,
// centred on the box the finder drew.
constexpr float kMinPlateProbability = 0.5f;
constexpr float kMinFirstLook = 0.3f;

// The picture inside `rect` (rotated), upright, resized to `out` (area averaging when shrinking).
cv::Mat CropRotated(const cv::Mat& grey, const cv::RotatedRect& rect, cv::Size out) {
  int w = std::max(2, static_cast<int>(std::lround(rect.size.width)));
  int h = std::max(2, static_cast<int>(std::lround(rect.size.height)));
  cv::Point2f pts[4];
  rect.points(pts);  // bottom-left, top-left, top-right, bottom-right
  cv::Point2f src[3] = {pts[1], pts[2], pts[0]};
  cv::Point2f dst[3] = {{0, 0}, {static_cast<float>(w), 0}, {0, static_cast<float>(h)}};
  cv::Mat native;
  cv::warpAffine(grey, native, cv::getAffineTransform(src, dst), cv::Size(w, h), cv::INTER_LINEAR,
                 cv::BORDER_REPLICATE);
  cv::Mat resized;
  cv::resize(native, resized, out, 0, 0, w > out.width ? cv::INTER_AREA : cv::INTER_LINEAR);
  return resized;
}

// uint8 grey -> float, mean 0, divided by the standard deviation (at least 8 grey levels).
cv::Mat Standardise(const cv::Mat& grey) {
  cv::Scalar mean, stddev;
  cv::meanStdDev(grey, mean, stddev);
  cv::Mat f;
  grey.convertTo(f, CV_32F, 1.0 / std::max(8.0, stddev[0]), -mean[0] / std::max(8.0, stddev[0]));
  return f;
}

cv::RotatedRect Grow(const cv::RotatedRect& r, float gw, float gh) {
  return cv::RotatedRect(r.center, cv::Size2f(r.size.width * gw, r.size.height * gh), r.angle);
}

double Iou(const Box& a, const Box& b) {
  int x0 = std::max(a.x, b.x), y0 = std::max(a.y, b.y);
  int x1 = std::min(a.x + a.w, b.x + b.w), y1 = std::min(a.y + a.h, b.y + b.h);
  double inter = std::max(0, x1 - x0) * static_cast<double>(std::max(0, y1 - y0));
  double uni = static_cast<double>(a.w) * a.h + static_cast<double>(b.w) * b.h - inter;
  return uni > 0 ? inter / uni : 0;
}

Status CheckImage(const Image& image) {
  if (image.bgr == nullptr || image.width <= 0 || image.height <= 0) {
    return InvalidArgumentError("empty image");
  }
  if (image.stride < image.width * 3) {
    return InvalidArgumentError("image stride " + std::to_string(image.stride) +
                                " is less than 3 * width " + std::to_string(image.width));
  }
  return OkStatus();
}

cv::Mat GreyOf(const Image& image) {
  cv::Mat bgr(image.height, image.width, CV_8UC3, const_cast<uint8_t*>(image.bgr),
              static_cast<size_t>(image.stride));
  cv::Mat grey;
  cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
  return grey;
}

StatusOr<cv::dnn::Net> LoadNet(const std::string& dir, const std::string& name) {
  std::string path = (std::filesystem::path(dir) / name).string();
  if (!std::filesystem::exists(path)) {
    return NotFoundError("model " + path +
                         " not found; set the model directory (--models or $CANVASS_MODEL_DIR) "
                         "or rebuild the models with `make train-recognizer`");
  }
  try {
    cv::dnn::Net net = cv::dnn::readNetFromONNX(path);
    if (net.empty()) return DataLossError("model " + path + " holds no network");
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    return net;
  } catch (const cv::Exception& e) {
    return DataLossError("model " + path + " is not an ONNX network OpenCV can run: " + e.what());
  }
}

}  // namespace

StatusOr<Region> ParseRegion(std::string_view name) {
  if (name == "us") return Region::kUs;
  if (name == "eu") return Region::kEu;
  return InvalidArgumentError("unknown region \"" + std::string(name) + "\"; use us or eu");
}

std::string_view RegionName(Region region) { return region == Region::kUs ? "us" : "eu"; }

std::string DefaultModelDir() {
  if (const char* env = std::getenv("CANVASS_MODEL_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  return CANVASS_RECOGNIZER_MODEL_DIR;
}

void SetInferenceThreads(int threads) { cv::setNumThreads(threads <= 0 ? -1 : threads); }

namespace {
struct Verdict {
  float probability = 0;
  cv::RotatedRect plate;
};
}  // namespace

struct Engine::Impl {
  EngineOptions options;
  // reader.onnx, then reader2.onnx, reader3.onnx, ... where present: readers trained on
  // different synthetic data err on different plates, and each cut is read by all of them.
  std::vector<cv::dnn::Net> readers;
  cv::dnn::Net finder;

  // The finder's verdict on each window: plate probability and the plate's rectangle.
  std::vector<Verdict> Verify(const cv::Mat& grey, const std::vector<cv::RotatedRect>& windows) {
    std::vector<Verdict> out;
    if (windows.empty()) return out;
    std::vector<cv::Mat> inputs;
    for (const cv::RotatedRect& w : windows) {
      inputs.push_back(Standardise(CropRotated(grey, w, cv::Size(kFinderW, kFinderH))));
    }
    finder.setInput(cv::dnn::blobFromImages(inputs));
    cv::Mat blob = finder.forward();  // [N, 5, 1, 1]
    const float* o = blob.ptr<float>();
    for (size_t i = 0; i < windows.size(); ++i) {
      const float* v = o + i * 5;
      const cv::RotatedRect& w = windows[i];
      Verdict d;
      d.probability = 1.0f / (1.0f + std::exp(-v[0]));
      // The box, as fractions of the window, clamped to a sane range.
      float x0 = std::clamp(v[1], -0.2f, 0.8f), y0 = std::clamp(v[2], -0.2f, 0.8f);
      float x1 = std::clamp(v[3], x0 + 0.1f, 1.2f), y1 = std::clamp(v[4], y0 + 0.1f, 1.2f);
      float du = ((x0 + x1) / 2 - 0.5f) * w.size.width;
      float dv = ((y0 + y1) / 2 - 0.5f) * w.size.height;
      float a = w.angle * static_cast<float>(CV_PI / 180.0);
      cv::Point2f centre(w.center.x + du * std::cos(a) - dv * std::sin(a),
                         w.center.y + du * std::sin(a) + dv * std::cos(a));
      d.plate = cv::RotatedRect(
          centre, cv::Size2f((x1 - x0) * w.size.width, (y1 - y0) * w.size.height), w.angle);
      out.push_back(d);
    }
    return out;
  }

  // Every reader's readings of each upright grey plate crop (any size), one list per reader and
  // crop; the crops go through each network in one batch.
  std::vector<std::vector<TextCandidate>> Read(const std::vector<cv::Mat>& crops, Region region) {
    std::vector<cv::Mat> inputs;
    for (const cv::Mat& crop : crops) {
      cv::Mat input = crop;
      if (crop.cols != kReaderW || crop.rows != kReaderH) {
        cv::resize(crop, input, cv::Size(kReaderW, kReaderH), 0, 0,
                   crop.cols > kReaderW ? cv::INTER_AREA : cv::INTER_LINEAR);
      }
      inputs.push_back(Standardise(input));
    }
    cv::Mat blob = cv::dnn::blobFromImages(inputs);
    std::vector<std::vector<TextCandidate>> out;
    for (cv::dnn::Net& reader : readers) {
      reader.setInput(blob);
      cv::Mat logits = reader.forward();  // [N, 37, 1, T]
      const int columns = logits.size[3];
      for (size_t i = 0; i < crops.size(); ++i) {
        const float* l = logits.ptr<float>() + i * kClasses * columns;
        std::vector<float> probs(static_cast<size_t>(columns) * kClasses);
        for (int t = 0; t < columns; ++t) {
          float mx = -1e30f;
          for (int c = 0; c < kClasses; ++c) mx = std::max(mx, l[c * columns + t]);
          float sum = 0;
          for (int c = 0; c < kClasses; ++c) {
            float e = std::exp(l[c * columns + t] - mx);
            probs[t * kClasses + c] = e;
            sum += e;
          }
          for (int c = 0; c < kClasses; ++c) probs[t * kClasses + c] /= sum;
        }
        out.push_back(
            RankReadings(BestPathSlots(probs.data(), columns), region, options.max_candidates));
      }
    }
    return out;
  }

  // Reads the cuts of several plates with every reader (all cuts in one batch per network) and
  // pools each plate's readings (PoolReadings): one ranking per plate.
  std::vector<std::vector<TextCandidate>> ReadPlates(
      const std::vector<std::vector<cv::Mat>>& cuts_per_plate, Region region) {
    std::vector<cv::Mat> all;
    for (const auto& cuts : cuts_per_plate) all.insert(all.end(), cuts.begin(), cuts.end());
    std::vector<std::vector<TextCandidate>> out(cuts_per_plate.size());
    if (all.empty()) return out;
    std::vector<std::vector<TextCandidate>> read = Read(all, region);  // reader-major
    size_t first = 0;
    for (size_t j = 0; j < cuts_per_plate.size(); ++j) {
      std::vector<std::vector<TextCandidate>> mine;
      for (size_t r = 0; r < readers.size(); ++r) {
        for (size_t k = 0; k < cuts_per_plate[j].size(); ++k) {
          mine.push_back(std::move(read[r * all.size() + first + k]));
        }
      }
      out[j] = PoolReadings(mine, options.max_candidates);
      first += cuts_per_plate[j].size();
    }
    return out;
  }
};

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

StatusOr<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (impl->options.model_dir.empty()) impl->options.model_dir = DefaultModelDir();
  if (impl->options.max_candidates < 1) {
    return InvalidArgumentError("max_candidates must be at least 1");
  }
  if (impl->options.reads_per_plate < 1 || impl->options.reads_per_plate > 4) {
    return InvalidArgumentError("reads_per_plate must be 1 to 4");
  }
  CANVASS_ASSIGN_OR_RETURN(cv::dnn::Net first, LoadNet(impl->options.model_dir, "reader.onnx"));
  impl->readers.push_back(std::move(first));
  for (int n = 2;; ++n) {
    std::string name = "reader" + std::to_string(n) + ".onnx";
    if (!std::filesystem::exists(std::filesystem::path(impl->options.model_dir) / name)) break;
    CANVASS_ASSIGN_OR_RETURN(cv::dnn::Net more, LoadNet(impl->options.model_dir, name));
    impl->readers.push_back(std::move(more));
  }
  CANVASS_ASSIGN_OR_RETURN(impl->finder, LoadNet(impl->options.model_dir, "finder.onnx"));
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

StatusOr<PlateResult> Engine::ReadCrop(const Image& image, Region region) {
  CANVASS_RETURN_IF_ERROR(CheckImage(image));
  try {
    return ReadCropUnchecked(image, region);
  } catch (const cv::Exception& e) {
    // OpenCV throws; nothing crosses this boundary but a Status.
    return InternalError(std::string("plate reading failed in OpenCV: ") + e.what());
  }
}

StatusOr<std::vector<PlateResult>> Engine::Recognize(const Image& image, Region region) {
  CANVASS_RETURN_IF_ERROR(CheckImage(image));
  // Too small to hold a readable plate (and for the finder's half-scale pass).
  if (image.width < 32 || image.height < 16) return std::vector<PlateResult>{};
  try {
    return RecognizeUnchecked(image, region);
  } catch (const cv::Exception& e) {
    return InternalError(std::string("plate recognition failed in OpenCV: ") + e.what());
  }
}

PlateResult Engine::ReadCropUnchecked(const Image& image, Region region) {
  cv::Mat grey = GreyOf(image);
  if (int pad = static_cast<int>(std::lround(grey.cols * kCropPadW)); pad > 0) {
    cv::Mat padded;
    cv::copyMakeBorder(grey, padded, 0, 0, pad, pad, cv::BORDER_REPLICATE);
    grey = padded;
  }
  // The picture as given (padded), then cut a little tighter (a crop's margins vary).
  std::vector<cv::Mat> cuts = {grey};
  for (int i = 1; i < impl_->options.reads_per_plate; ++i) {
    int dx = grey.cols * 3 * i / 100, dy = grey.rows * 6 * i / 100;
    if (grey.cols - 2 * dx < 8 || grey.rows - 2 * dy < 4) break;
    cuts.push_back(grey(cv::Rect(dx, dy, grey.cols - 2 * dx, grey.rows - 2 * dy)));
  }
  std::vector<TextCandidate> readings = std::move(impl_->ReadPlates({cuts}, region)[0]);
  PlateResult r;
  r.box = Box{0, 0, image.width, image.height};
  r.confidence = readings.empty() ? 0 : readings[0].confidence;
  r.text = readings.empty() ? "" : readings[0].text;
  r.candidates = std::move(readings);
  return r;
}

std::vector<PlateResult> Engine::RecognizeUnchecked(const Image& image, Region region) {
  cv::Mat grey = GreyOf(image);
  std::vector<Proposal> proposals =
      FindCandidates(grey, {.max_proposals = impl_->options.max_proposals});
  if (proposals.empty()) return {};

  // The finder CNN looks at every proposal's window in one batch, then once more at a window
  // around each plate it accepted (the second look tightens the box further).
  std::vector<cv::RotatedRect> windows;
  for (const Proposal& p : proposals) windows.push_back(Grow(p.rect, kWindowGrowW, kWindowGrowH));
  std::vector<Verdict> first = impl_->Verify(grey, windows);
  std::vector<cv::RotatedRect> again;
  std::vector<float> first_p;
  for (const Verdict& v : first) {
    if (v.probability < kMinFirstLook) continue;
    again.push_back(Grow(v.plate, kWindowGrowW, kWindowGrowH));
    first_p.push_back(v.probability);
  }
  std::vector<Verdict> second = impl_->Verify(grey, again);

  // The accepted plates, each cut with the trained margins, then with wider ones (the box may be
  // tight); all of them read in one batch.
  struct Accepted {
    cv::RotatedRect plate;
    float probability;  // the mean of the finder's two looks
  };
  std::vector<Accepted> accepted;
  std::vector<std::vector<cv::Mat>> cuts;
  for (size_t i = 0; i < second.size(); ++i) {
    float p = (first_p[i] + second[i].probability) / 2;
    if (p < kMinPlateProbability) continue;
    const cv::RotatedRect& plate = second[i].plate;
    if (plate.size.width < 16 || plate.size.height < 6) continue;
    accepted.push_back({plate, p});
    cuts.emplace_back();
    for (int k = 0; k < impl_->options.reads_per_plate; ++k) {
      cuts.back().push_back(CropRotated(
          grey, Grow(plate, kCropGrowW + 0.04f * k, kCropGrowH + 0.1f * k),
          cv::Size(kReaderW, kReaderH)));
    }
  }
  std::vector<std::vector<TextCandidate>> read = impl_->ReadPlates(cuts, region);

  struct Found {
    PlateResult result;
    double rank;
  };
  std::vector<Found> found;
  for (size_t a = 0; a < accepted.size(); ++a) {
    const auto& [plate, p] = accepted[a];
    std::vector<TextCandidate>& readings = read[a];
    if (readings.empty() || readings[0].text.size() < 2) continue;
    if (readings[0].confidence < impl_->options.min_confidence) continue;
    cv::Rect b = plate.boundingRect() & cv::Rect(0, 0, grey.cols, grey.rows);
    Found f;
    f.result.text = readings[0].text;
    f.result.confidence = readings[0].confidence;
    f.result.box = Box{b.x, b.y, b.width, b.height};
    f.result.candidates = std::move(readings);
    f.rank = f.result.confidence * p;
    found.push_back(std::move(f));
  }
  std::sort(found.begin(), found.end(),
            [](const Found& a, const Found& b) { return a.rank > b.rank; });
  std::vector<PlateResult> plates;
  for (Found& f : found) {
    bool overlaps = false;
    for (const PlateResult& k : plates) overlaps = overlaps || Iou(k.box, f.result.box) > 0.2;
    if (!overlaps) plates.push_back(std::move(f.result));
  }
  return plates;
}

}  // namespace canvass::recognize
