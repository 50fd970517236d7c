#include "recognize/image_file.h"

#include <cstring>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "common/file_system.h"

namespace canvass::recognize {

StatusOr<DecodedImage> DecodeImage(const std::string& bytes, const std::string& what) {
  if (bytes.empty()) return InvalidArgumentError(what + ": empty file, not an image");
  cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8U, const_cast<char*>(bytes.data()));
  cv::Mat img;
  try {
    img = cv::imdecode(raw, cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    return InvalidArgumentError(what + ": not a decodable image (" + e.what() + ")");
  }
  if (img.empty() || img.type() != CV_8UC3) {
    return InvalidArgumentError(what +
                                ": not an image OpenCV can decode (JPEG, PNG, BMP, ...); "
                                "the file may be corrupt or truncated");
  }
  DecodedImage out;
  out.width = img.cols;
  out.height = img.rows;
  out.bgr.resize(static_cast<size_t>(img.cols) * img.rows * 3);
  for (int y = 0; y < img.rows; ++y) {
    std::memcpy(out.bgr.data() + static_cast<size_t>(y) * img.cols * 3, img.ptr(y),
                static_cast<size_t>(img.cols) * 3);
  }
  return out;
}

StatusOr<DecodedImage> ReadImageFile(const std::string& path) {
  CANVASS_ASSIGN_OR_RETURN(std::string bytes, FileSystem::Posix()->ReadFile(path));
  return DecodeImage(bytes, path);
}

}  // namespace canvass::recognize
