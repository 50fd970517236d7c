// Decoding image files (JPEG, PNG, BMP, ...) into pictures the engine takes, through OpenCV's
// imgcodecs, so that callers need not include OpenCV's headers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "recognize/engine.h"

namespace canvass::recognize {

// An owned 8-bit BGR picture, rows packed (stride = 3 * width).
struct DecodedImage {
  std::vector<uint8_t> bgr;
  int width = 0;
  int height = 0;

  Image view() const { return Image{bgr.data(), width, height, 3 * width}; }
};

// NotFound when `path` does not exist or cannot be read; InvalidArgument, naming the file, when
// its bytes are not an image OpenCV can decode (a corrupt or truncated file, a text file).
StatusOr<DecodedImage> ReadImageFile(const std::string& path);

// The same for bytes in memory (`what` names them in errors).
StatusOr<DecodedImage> DecodeImage(const std::string& bytes, const std::string& what);

}  // namespace canvass::recognize
