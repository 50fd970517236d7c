// EngineRecognizer: the agent's PlateRecognizer (plate_recognizer.h) over the plate-recognition
// engine (recognize/engine.h, docs/design/recognize.md).
//
// Each plate the engine finds in a frame becomes one PlateCandidate: the engine's best reading
// and its confidence, the plate's box, and a JPEG crop of the box widened by half the plate's
// height on every side (some of the vehicle around it), at most 512 KiB, and the vehicle's colour
// name from the body above the plate (vehicle_colour.h). The engine gives no state, direction or
// vehicle type; those stay empty (the camera's plate_state fills the state).
//
// Usage:
//   CANVASS_ASSIGN_OR_RETURN(auto recognizer,
//                            EngineRecognizer::Open({.model_dir = dir, .region = "us"}));
//   CameraRunner runner(options, outbox, notify, clock, sleeper, recognizer.get());
//
// Thread-safety: like the Engine it owns, NOT safe to use from several threads at once; give
// each ALPR camera its own. Open is thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "agent/plate_recognizer.h"
#include "common/status.h"
#include "recognize/engine.h"

namespace canvass::agent {

struct EngineRecognizerOptions {
  // Holds reader.onnx (and reader2.onnx, ...) and finder.onnx. Empty:
  // recognize::DefaultModelDir() ($CANVASS_MODEL_DIR, else the source tree's models/recognizer).
  std::string model_dir;
  // Plate-format rules: "us" or "eu" (CameraConfig::plate_region).
  std::string region = "us";
  // Plates whose best reading is less sure than this are not reported. Higher than the engine's
  // own default (0.1): a sent read can raise a hot-list hit, and the engine's weakest readings
  // are mostly of other text on or near the plate (a 0.11 "0C8X1" from the slogan line of a
  // plate read at 0.97 in engine_recognizer_test).
  double min_confidence = 0.5;
  // recognize::EngineOptions::reads_per_plate.
  int reads_per_plate = recognize::EngineOptions{}.reads_per_plate;
};

// The engine's view of an agent frame (the same borrowed buffer, field by field).
recognize::Image ToEngineImage(const BgrImage& frame);

class EngineRecognizer : public PlateRecognizer {
 public:
  // Loads the networks. InvalidArgument for an unknown region; the engine's NotFound (naming
  // the missing model and how to make it) or DataLoss otherwise.
  static StatusOr<std::unique_ptr<EngineRecognizer>> Open(const EngineRecognizerOptions& options);

  // Takes ownership of `engine`.
  EngineRecognizer(std::unique_ptr<recognize::Engine> engine, recognize::Region region);
  ~EngineRecognizer() override;

  StatusOr<std::vector<PlateCandidate>> Recognize(const BgrImage& frame,
                                                  int64_t captured_at_us) override;

 private:
  std::unique_ptr<recognize::Engine> engine_;
  recognize::Region region_;
};

}  // namespace canvass::agent
