// PlateRecognizer: the interface between an ALPR camera's frames and a plate-recognition engine.
// The engine itself belongs to the plate-recognition subsystem (src/recognize; the agent's
// adapter over it is EngineRecognizer, engine_recognizer.h); the agent only defines what it
// needs from one, so that any engine (a vendor SDK) can be plugged in.
//
// Contract: Recognize is given every analysed frame of the camera (analysis_fps a second) and
// returns the plates it reads in that frame, each with its own crop. It may be slow; the camera
// thread calls it synchronously, so its cost bounds the frames analysed.
//
// Thread-safety: an engine instance is used by one camera thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace canvass::agent {

// A borrowed 8-bit BGR picture: height rows of width * 3 bytes, `stride` bytes apart.
struct BgrImage {
  const uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  int stride = 0;
};

// One plate read in one frame.
struct PlateCandidate {
  std::string plate;        // as read, e.g. "7KQD418"
  std::string state;        // two-letter code, e.g. "IL"; empty when unknown
  double confidence = 0;    // 0 to 1
  int x = 0, y = 0, width = 0, height = 0;  // the plate's box in the frame, pixels
  std::string crop_jpeg;    // JPEG of the plate (and some of the vehicle), <= 512 KiB
  std::string direction;    // "toward", "away" or ""
  std::string vehicle_color;
  std::string vehicle_type;
};

class PlateRecognizer {
 public:
  virtual ~PlateRecognizer() = default;
  virtual StatusOr<std::vector<PlateCandidate>> Recognize(const BgrImage& frame,
                                                          int64_t captured_at_us) = 0;
};

}  // namespace canvass::agent
