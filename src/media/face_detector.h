// Finding faces in a video frame, for the redaction step (redact.h).
//
// FaceDetector is an interface so that tests can use a fake one (a fixed box, a call counter);
// the real one, OpenCvFaceDetector, runs OpenCV's Haar cascade for frontal faces. OpenCV's headers
// stay in face_detector.cc: they conflict with S2's, and nothing else needs them.
//
// Usage:
//   CANVASS_ASSIGN_OR_RETURN(std::unique_ptr<FaceDetector> detector, OpenCvFaceDetector());
//   std::vector<FaceDetector::Box> faces = detector->Detect(bgr, width, height, stride);
//
// What the Haar cascade finds, and what it misses, is written down in docs/design/redaction.md:
// it finds upright frontal faces of about 24 px and more (after any downscale, see below), and
// misses profiles, faces turned away or tilted by more than ~20 degrees, and small, blurry or
// dark faces. Redaction is therefore best effort, and the owner is told so.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace canvass::media {

// Thread-safety: implementations MUST be safe to call from several threads at once (Detect is
// const). OpenCvFaceDetector serialises its calls (OpenCV's cascade keeps scratch state): to
// redact several clips in parallel, give each worker its own detector.
class FaceDetector {
 public:
  virtual ~FaceDetector() = default;

  // A face's bounding box in pixels of the frame passed to Detect: top-left corner (x, y),
  // width w and height h. Callers clip it to the frame; implementations SHOULD return boxes
  // inside it.
  struct Box {
    int x, y, w, h;
  };

  // The faces in one frame of 8-bit BGR pixels (3 bytes a pixel, blue first), `width` x `height`,
  // rows `stride` bytes apart (stride >= 3 * width). Empty when there are none.
  virtual std::vector<Box> Detect(const uint8_t* bgr, int width, int height, int stride) const = 0;
};

// The Haar cascade that Debian's opencv-data installs.
inline constexpr char kDefaultFaceCascadePath[] =
    "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";

// Loads OpenCV's Haar cascade from `cascade_path` (empty: kDefaultFaceCascadePath). NotFound, with
// the package to install, when the file is missing; InvalidArgument when it is not a cascade.
//
// The detector converts to grey, equalises the histogram and looks for faces of at least 24 px
// (scale step 1.1, 4 neighbours). Frames wider than 640 px are scaled down to 640 px wide first
// (faces then need to be at least 24 px at that scale): this bounds the cost at about that of a
// 640x480 frame; boxes are returned in the frame's own pixels.
StatusOr<std::unique_ptr<FaceDetector>> OpenCvFaceDetector(const std::string& cascade_path = "");

}  // namespace canvass::media
