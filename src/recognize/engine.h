// Plate recognition: finds licence plates in a picture and reads them.
//
// The pipeline (docs/design/recognize.md): a classical candidate finder (rows of vertical edges
// closed into blobs, and light rectangles of a plate's shape) proposes boxes; a tiny CNN
// (finder.onnx) accepts or rejects each and tightens it; the plate is cut out, deskewed and read
// by small CNNs trained with CTC (reader.onnx, and reader2.onnx where present); plate-format
// rules of the region fix confusable characters by position and rank the candidate readings.
// The networks run through OpenCV's dnn module.
//
// Usage:
//   CANVASS_ASSIGN_OR_RETURN(std::unique_ptr<recognize::Engine> engine,
//                            recognize::Engine::Open({.model_dir = dir}));
//   CANVASS_ASSIGN_OR_RETURN(auto plates, engine->Recognize(image, recognize::Region::kUs));
//
// OpenCV's headers stay out of this header (they conflict with S2's): pictures come in as a
// borrowed BGR buffer (Image), and image files are decoded by ReadImageFile (image_file.h).
//
// Thread-safety: an Engine is NOT safe to use from several threads at once (the networks keep
// scratch state); give each camera thread its own. Open is thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace canvass::recognize {

// Which plate-format rules to apply. The networks read both; the region only ranks and fixes.
enum class Region { kUs, kEu };

// "us" or "eu"; InvalidArgument otherwise.
StatusOr<Region> ParseRegion(std::string_view name);
std::string_view RegionName(Region region);

// A borrowed 8-bit BGR picture: `height` rows of `width` * 3 bytes, `stride` bytes apart.
struct Image {
  const uint8_t* bgr = nullptr;
  int width = 0;
  int height = 0;
  int stride = 0;
};

// A box in pixels of the picture given: top-left corner (x, y), width w, height h.
struct Box {
  int x = 0, y = 0, w = 0, h = 0;
};

// One reading of a plate and how sure the engine is of it (0 to 1).
struct TextCandidate {
  std::string text;  // A-Z and 0-9 only, no spaces or dashes
  double confidence = 0;
};

struct PlateResult {
  std::string text;                       // the best reading (candidates[0].text)
  double confidence;                      // the best reading's confidence
  Box box;                                // where the plate is
  std::vector<TextCandidate> candidates;  // best first, at most EngineOptions::max_candidates
};

struct EngineOptions {
  // Holds reader.onnx and finder.onnx, and optionally more readers (reader2.onnx,
  // reader3.onnx, ...) whose readings are pooled with the first's. Empty: DefaultModelDir().
  std::string model_dir;
  // Readings per plate in PlateResult::candidates.
  int max_candidates = 10;
  // Plates whose best reading is less sure than this are not reported.
  double min_confidence = 0.1;
  // Cuts of each plate (with different margins) that every reader of the model directory reads,
  // pooled into one ranking (a text's confidence is the best any reading gave it). Each cut is
  // one more pass of every reader. With the committed models a second cut reads 86.3% of the
  // real US crops instead of 83.9% (EU scenes: 90 of 108 instead of 91), at 39 ms a 1280x720
  // frame instead of 30 (docs/benchmarks.md).
  int reads_per_plate = 2;
  // Candidate boxes the finder CNN looks at per picture (the most edge-dense first); bounds the
  // cost of a cluttered frame.
  int max_proposals = 40;
};

// $CANVASS_MODEL_DIR when set, else the models/recognizer directory of the source tree this
// binary was built from.
std::string DefaultModelDir();

// Sets the number of threads OpenCV (and so both networks) may use, process-wide; 0 means
// OpenCV's default (all cores).
void SetInferenceThreads(int threads);

class Engine {
 public:
  // Loads the networks. NotFound, naming the file and how to make it, when a model is missing;
  // DataLoss when a file is not a network this engine can run.
  static StatusOr<std::unique_ptr<Engine>> Open(const EngineOptions& options);

  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Every plate found in a whole picture (a video frame, a photo), most confident first.
  // Empty when there is none. InvalidArgument when the image is empty or malformed.
  // Cost: a median of about 21 ms (p90 32 ms) for a 1280x720 frame on one core
  // (docs/benchmarks.md, "Plate recognition").
  StatusOr<std::vector<PlateResult>> Recognize(const Image& image, Region region);

  // Reads a picture that is already a plate crop (the plate fills most of it), skipping the
  // finder. The box is the whole picture. Always returns a reading, possibly empty text. The
  // picture is widened by 3% of its width on each side (edge columns repeated) before reading,
  // so that a character touching its edge is not dropped.
  StatusOr<PlateResult> ReadCrop(const Image& image, Region region);

 private:
  struct Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  // The bodies of ReadCrop and Recognize, on a checked image; they may throw cv::Exception.
  PlateResult ReadCropUnchecked(const Image& image, Region region);
  std::vector<PlateResult> RecognizeUnchecked(const Image& image, Region region);
  std::unique_ptr<Impl> impl_;
};

}  // namespace canvass::recognize
