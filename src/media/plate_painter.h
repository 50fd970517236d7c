// PlatePainter: licence plates drawn the way real ones look to a camera, for the synthetic video
// of the agent's tests and the demo town: tall, condensed, bold characters in dark blue on a light
// plate with a thin border and the issuing state's name in small letters above the number.
//
// The characters come from a TrueType font of a Debian package (fonts-liberation's Liberation Sans
// Narrow Bold, else fonts-dejavu's condensed or plain DejaVu Sans Bold), rasterised once through
// FreeType into a glyph atlas: the plate recognizer (src/recognize) was trained on plates of such
// fonts, and reads them; OpenCV's built-in Hershey strokes look like no plate and it does not.
// With none of the fonts installed the painter falls back to Hershey strokes (and says so once in
// the log): the video is still made, its plates are just not machine-readable.
//
// Thread-safety: Default() is built once, thread-safely; Paint is const and safe from any thread.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace canvass::media {

class PlatePainter {
 public:
  // The process-wide painter over the first font found (see above).
  static const PlatePainter& Default();

  // A painter over the TrueType/OpenType font at `font_path`; without a usable font it paints
  // Hershey strokes (has_font() false).
  explicit PlatePainter(const std::string& font_path);

  bool has_font() const { return !glyphs_.empty(); }
  const std::string& font_path() const { return font_path_; }

  // Paints the plate into `plate` (clipped to the picture) of a BGR 8-bit picture: background,
  // border, `state` small on top (may be empty), `text` (0-9 A-Z and spaces; others are skipped)
  // centred below, its characters about half the plate's height tall.
  void Paint(cv::Mat& bgr, cv::Rect plate, std::string_view text, std::string_view state) const;

 private:
  struct Glyph {
    cv::Mat alpha;    // 8-bit coverage, rows x cols of the bitmap
    int left = 0;     // bitmap's left edge from the pen position
    int top = 0;      // bitmap's top edge above the baseline
    int advance = 0;  // pen advance, px
  };
  // Coverage mask of `text` on one baseline, cap height tall; empty if nothing printable.
  cv::Mat Compose(std::string_view text) const;
  void PaintText(cv::Mat& bgr, cv::Rect box, std::string_view text, const cv::Scalar& colour,
                 bool squeeze_to_fit) const;

  std::string font_path_;
  std::vector<Glyph> glyphs_;  // by character code 0..127; empty when no font
  int cap_height_ = 0;         // px, at the atlas size
};

}  // namespace canvass::media
