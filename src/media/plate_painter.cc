#include "media/plate_painter.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <opencv2/imgproc.hpp>

namespace canvass::media {

namespace {

// Condensed first: real plates' characters are tall and narrow.
constexpr std::array<const char*, 3> kFontPaths = {
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
};
constexpr int kAtlasPx = 96;  // glyphs are rasterised this tall once, then scaled down per plate

const cv::Scalar kPlateBgr(238, 240, 240);
const cv::Scalar kBorderBgr(90, 60, 40);
const cv::Scalar kTextBgr(100, 40, 20);   // dark blue
const cv::Scalar kStateBgr(40, 40, 150);  // dark red

// Blends `colour` into `bgr` at `at` with the coverage `alpha` (same size as the target area).
void Blend(cv::Mat& bgr, cv::Point at, const cv::Mat& alpha, const cv::Scalar& colour) {
  const cv::Rect target = cv::Rect(at, alpha.size()) & cv::Rect(0, 0, bgr.cols, bgr.rows);
  for (int y = target.y; y < target.y + target.height; ++y) {
    const uint8_t* a = alpha.ptr<uint8_t>(y - at.y);
    auto* px = bgr.ptr<cv::Vec3b>(y);
    for (int x = target.x; x < target.x + target.width; ++x) {
      const int w = a[x - at.x];
      if (w == 0) continue;
      for (int c = 0; c < 3; ++c) {
        px[x][c] = static_cast<uint8_t>((px[x][c] * (255 - w) + colour[c] * w + 127) / 255);
      }
    }
  }
}

}  // namespace

const PlatePainter& PlatePainter::Default() {
  static const PlatePainter* painter = [] {
    std::string path;
    for (const char* p : kFontPaths) {
      std::error_code ec;
      if (std::filesystem::exists(p, ec)) {
        path = p;
        break;
      }
    }
    auto* made = new PlatePainter(path);
    if (!made->has_font()) {
      spdlog::warn(
          "synthetic video: no plate font found (install fonts-liberation: scripts/setup.sh); "
          "plates are drawn with Hershey strokes, which the plate recognizer does not read");
    }
    return made;
  }();
  return *painter;
}

PlatePainter::PlatePainter(const std::string& font_path) : font_path_(font_path) {
  if (font_path.empty()) return;
  FT_Library library = nullptr;
  if (FT_Init_FreeType(&library) != 0) return;
  FT_Face face = nullptr;
  if (FT_New_Face(library, font_path.c_str(), 0, &face) == 0 &&
      FT_Set_Pixel_Sizes(face, 0, kAtlasPx) == 0) {
    std::vector<Glyph> glyphs(128);
    bool complete = true;
    for (int c = ' '; c <= 'Z' && complete; ++c) {
      if (FT_Load_Char(face, static_cast<FT_ULong>(c), FT_LOAD_RENDER) != 0) {
        complete = false;
        break;
      }
      const FT_GlyphSlot slot = face->glyph;
      const FT_Bitmap& bm = slot->bitmap;
      Glyph& g = glyphs[static_cast<size_t>(c)];
      g.left = slot->bitmap_left;
      g.top = slot->bitmap_top;
      g.advance = static_cast<int>(slot->advance.x >> 6);
      if (bm.rows > 0 && bm.width > 0 && bm.pixel_mode == FT_PIXEL_MODE_GRAY) {
        cv::Mat view(static_cast<int>(bm.rows), static_cast<int>(bm.width), CV_8UC1, bm.buffer,
                     static_cast<size_t>(bm.pitch));
        g.alpha = view.clone();
      }
      if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) cap_height_ = std::max(cap_height_, g.top);
    }
    if (complete && cap_height_ > 0) glyphs_ = std::move(glyphs);
  }
  if (face != nullptr) FT_Done_Face(face);
  FT_Done_FreeType(library);
}

cv::Mat PlatePainter::Compose(std::string_view text) const {
  int width = 0, below = 0;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= glyphs_.size()) continue;
    width += glyphs_[c].advance;
    below = std::max(below, glyphs_[c].alpha.rows - glyphs_[c].top);
  }
  if (width <= 0) return {};
  cv::Mat mask(cap_height_ + below, width, CV_8UC1, cv::Scalar(0));
  int pen = 0;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= glyphs_.size()) continue;
    const Glyph& g = glyphs_[c];
    if (!g.alpha.empty()) {
      const cv::Rect at(pen + g.left, cap_height_ - g.top, g.alpha.cols, g.alpha.rows);
      const cv::Rect clipped = at & cv::Rect(0, 0, mask.cols, mask.rows);
      if (clipped.area() > 0) {
        cv::Mat src = g.alpha(cv::Rect(clipped.x - at.x, clipped.y - at.y, clipped.width,
                                       clipped.height));
        cv::Mat dst = mask(clipped);
        cv::max(dst, src, dst);
      }
    }
    pen += g.advance;
  }
  return mask;
}

void PlatePainter::PaintText(cv::Mat& bgr, cv::Rect box, std::string_view text,
                             const cv::Scalar& colour, bool squeeze_to_fit) const {
  if (box.width < 2 || box.height < 2) return;
  const cv::Mat mask = Compose(text);
  if (mask.empty()) return;
  int h = box.height;
  int w = mask.cols * h / mask.rows;
  if (w > box.width) {
    if (squeeze_to_fit) {
      w = box.width;
    } else {
      h = std::max(1, h * box.width / w);
      w = box.width;
    }
  }
  cv::Mat scaled;
  cv::resize(mask, scaled, cv::Size(std::max(1, w), std::max(1, h)), 0, 0, cv::INTER_AREA);
  Blend(bgr, cv::Point(box.x + (box.width - w) / 2, box.y + (box.height - h) / 2), scaled, colour);
}

void PlatePainter::Paint(cv::Mat& bgr, cv::Rect plate, std::string_view text,
                         std::string_view state) const {
  cv::rectangle(bgr, plate, kPlateBgr, cv::FILLED);
  cv::rectangle(bgr, plate, kBorderBgr, std::max(1, plate.height / 24));
  if (!has_font()) {  // Hershey strokes: legible to people, not to the recognizer
    const int thickness = std::max(1, plate.height / 8);
    int baseline = 0;
    const std::string s(text);
    cv::Size size = cv::getTextSize(s, cv::FONT_HERSHEY_SIMPLEX, 1.0, thickness, &baseline);
    const double scale = std::min(0.85 * plate.width / std::max(1, size.width),
                                  0.7 * plate.height / std::max(1, size.height));
    size = cv::getTextSize(s, cv::FONT_HERSHEY_SIMPLEX, scale, thickness, &baseline);
    cv::putText(bgr, s,
                cv::Point(plate.x + (plate.width - size.width) / 2,
                          plate.y + (plate.height + size.height) / 2),
                cv::FONT_HERSHEY_SIMPLEX, scale, kTextBgr, thickness, cv::LINE_AA);
    return;
  }
  // Proportions of a US plate (12 x 6 in): state name in the top sixth, the number's characters
  // about half the height, centred a little below the middle.
  const int margin_x = plate.width * 8 / 100;
  if (!state.empty()) {
    PaintText(bgr,
              cv::Rect(plate.x + plate.width / 4, plate.y + plate.height * 7 / 100,
                       plate.width / 2, plate.height * 14 / 100),
              state, kStateBgr, /*squeeze_to_fit=*/false);
  }
  PaintText(bgr,
            cv::Rect(plate.x + margin_x, plate.y + plate.height * 27 / 100,
                     plate.width - 2 * margin_x, plate.height * 52 / 100),
            text, kTextBgr, /*squeeze_to_fit=*/true);
}

}  // namespace canvass::media
