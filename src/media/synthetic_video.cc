#include "media/synthetic_video.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstring>

#include "media/plate_painter.h"
#include "media/video_writer.h"

extern "C" {
#include <libavutil/frame.h>
}

namespace canvass::media {
namespace {

uint64_t Mix(uint64_t& state) {  // splitmix64
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Sky, houses, pavement and road: static, textured so that motion detection has something to
// ignore.
cv::Mat DrawBackground(int w, int h, uint32_t seed) {
  cv::Mat bg(h, w, CV_8UC3, cv::Scalar(190, 160, 120));  // sky (BGR)
  uint64_t state = seed;
  const int horizon = h * 45 / 100;
  for (int x = 0; x < w;) {
    const int hw = w / 8 + static_cast<int>(Mix(state) % static_cast<uint64_t>(w / 8 + 1));
    const int hh = h / 6 + static_cast<int>(Mix(state) % static_cast<uint64_t>(h / 5 + 1));
    const cv::Scalar colour(60 + Mix(state) % 120, 60 + Mix(state) % 120, 60 + Mix(state) % 120);
    cv::rectangle(bg, cv::Rect(x, horizon - hh, hw, hh), colour, cv::FILLED);
    for (int wy = horizon - hh + hh / 6; wy + hh / 6 < horizon; wy += hh / 3) {
      for (int wx = x + hw / 8; wx + hw / 6 < x + hw; wx += hw / 3) {
        cv::rectangle(bg, cv::Rect(wx, wy, std::max(2, hw / 6), std::max(2, hh / 8)),
                      cv::Scalar(90, 200, 230), cv::FILLED);
      }
    }
    x += hw + w / 40;
  }
  cv::rectangle(bg, cv::Rect(0, horizon, w, h / 10), cv::Scalar(150, 150, 150), cv::FILLED);
  cv::rectangle(bg, cv::Rect(0, horizon + h / 10, w, h), cv::Scalar(70, 70, 70), cv::FILLED);
  for (int x = 0; x < w; x += w / 8) {  // lane markings
    cv::rectangle(bg, cv::Rect(x, horizon + h * 32 / 100, w / 16, std::max(2, h / 90)),
                  cv::Scalar(220, 220, 220), cv::FILLED);
  }
  return bg;
}

struct Placed {
  cv::Rect box;
  const SyntheticObject* object;
};

void DrawObject(cv::Mat& img, const Placed& p, bool night, std::vector<cv::Rect>* lit) {
  const SyntheticObject& o = *p.object;
  const cv::Scalar colour(o.blue, o.green, o.red);
  const cv::Rect& b = p.box;
  switch (o.shape) {
    case SyntheticObject::Shape::kBox:
      cv::rectangle(img, b, colour, cv::FILLED);
      break;
    case SyntheticObject::Shape::kPerson: {
      const int head = std::max(2, b.width / 2);
      cv::circle(img, cv::Point(b.x + b.width / 2, b.y + head / 2), head / 2,
                 cv::Scalar(140, 170, 210), cv::FILLED);
      cv::rectangle(img, cv::Rect(b.x, b.y + head, b.width, b.height - head), colour, cv::FILLED);
      break;
    }
    case SyntheticObject::Shape::kVehicle: {
      const int cabin_h = b.height * 35 / 100;
      cv::rectangle(img, cv::Rect(b.x + b.width / 5, b.y, b.width * 3 / 5, cabin_h), colour,
                    cv::FILLED);
      cv::rectangle(img, cv::Rect(b.x + b.width / 4, b.y + cabin_h / 5, b.width / 2, cabin_h * 3 / 5),
                    cv::Scalar(80, 60, 40), cv::FILLED);  // windscreen
      cv::rectangle(img, cv::Rect(b.x, b.y + cabin_h, b.width, b.height - cabin_h - b.height / 8),
                    colour, cv::FILLED);
      const int wheel = std::max(2, b.height / 7);
      cv::circle(img, cv::Point(b.x + b.width / 5, b.y + b.height - wheel), wheel,
                 cv::Scalar(20, 20, 20), cv::FILLED);
      cv::circle(img, cv::Point(b.x + b.width * 4 / 5, b.y + b.height - wheel), wheel,
                 cv::Scalar(20, 20, 20), cv::FILLED);
      if (night) {
        const int r = std::max(2, b.height / 10);
        lit->push_back(cv::Rect(b.x, b.y + cabin_h + r / 2, 2 * r, 2 * r));
        lit->push_back(cv::Rect(b.x + b.width - 2 * r, b.y + cabin_h + r / 2, 2 * r, 2 * r));
      }
      if (!o.plate.empty()) {
        const int pw = b.width * 36 / 100;
        const int ph = std::max(8, pw * 45 / 100);
        lit->push_back(cv::Rect(b.x + (b.width - pw) / 2, b.y + b.height - b.height / 8 - ph - 2,
                                pw, ph));
      }
      break;
    }
  }
}

Status WriteUnchecked(const std::string& path, const SyntheticVideoOptions& o) {
  CANVASS_ASSIGN_OR_RETURN(auto writer, VideoFileWriter::Open({.path = path,
                                                               .format = o.format,
                                                               .width = o.width,
                                                               .height = o.height,
                                                               .fps = o.fps,
                                                               .gop_frames = o.gop_frames,
                                                               .fragmented = o.fragmented}));
  const cv::Mat background = DrawBackground(o.width, o.height, o.seed);
  cv::Mat img;
  cv::Mat yuv;
  const int64_t frames = std::max<int64_t>(1, (o.duration_ms * o.fps + 999) / 1000);
  uint64_t noise_state = (uint64_t{o.seed} << 32) | 0x5eed;
  for (int64_t i = 0; i < frames; ++i) {
    const int64_t t_ms = i * 1000 / o.fps;
    background.copyTo(img);
    std::vector<cv::Rect> lit;
    std::vector<std::pair<cv::Rect, const SyntheticObject*>> plates;
    for (const SyntheticObject& obj : o.objects) {
      if (t_ms < obj.start_ms || t_ms >= obj.end_ms) continue;
      const int64_t end = std::min(obj.end_ms, o.duration_ms);
      const double f =
          end > obj.start_ms ? static_cast<double>(t_ms - obj.start_ms) / (end - obj.start_ms) : 0;
      const double cx = obj.x0 + (obj.x1 - obj.x0) * f;
      const double cy = obj.y0 + (obj.y1 - obj.y0) * f;
      const double w1 = obj.width1 >= 0 ? obj.width1 : obj.width;
      const double h1 = obj.height1 >= 0 ? obj.height1 : obj.height;
      const int bw = std::max(2, static_cast<int>((obj.width + (w1 - obj.width) * f) * o.width));
      const int bh =
          std::max(2, static_cast<int>((obj.height + (h1 - obj.height) * f) * o.height));
      Placed p{cv::Rect(static_cast<int>(cx * o.width) - bw / 2,
                        static_cast<int>(cy * o.height) - bh / 2, bw, bh),
               &obj};
      DrawObject(img, p, o.night, &lit);
      if (!obj.plate.empty() && obj.shape == SyntheticObject::Shape::kVehicle) {
        plates.emplace_back(lit.back(), &obj);
      }
    }
    if (o.night) img *= 0.22;
    const cv::Rect frame_rect(0, 0, o.width, o.height);
    for (const cv::Rect& r : lit) {  // headlights and plates stay bright
      const cv::Rect c = r & frame_rect;
      if (c.area() > 0) cv::rectangle(img, c, cv::Scalar(235, 245, 255), cv::FILLED);
    }
    for (const auto& [r, obj] : plates) {
      if ((r & frame_rect) == r) PlatePainter::Default().Paint(img, r, obj->plate, obj->plate_state);
    }
    if (o.noise > 0) {
      uint8_t* p = img.data;
      const size_t n = img.total() * img.elemSize();
      for (size_t k = 0; k < n; ++k) {
        noise_state ^= noise_state << 13;
        noise_state ^= noise_state >> 7;
        noise_state ^= noise_state << 17;
        const int v = p[k] + static_cast<int>(noise_state % (2 * o.noise + 1)) - o.noise;
        p[k] = static_cast<uint8_t>(std::clamp(v, 0, 255));
      }
    }
    cv::cvtColor(img, yuv, cv::COLOR_BGR2YUV_I420);
    AVFrame* frame = writer->frame();
    const uint8_t* src = yuv.data;
    for (int y = 0; y < o.height; ++y) {
      std::memcpy(frame->data[0] + static_cast<ptrdiff_t>(y) * frame->linesize[0],
                  src + static_cast<ptrdiff_t>(y) * o.width, o.width);
    }
    src += static_cast<ptrdiff_t>(o.width) * o.height;
    for (int plane = 1; plane <= 2; ++plane) {
      for (int y = 0; y < o.height / 2; ++y) {
        std::memcpy(frame->data[plane] + static_cast<ptrdiff_t>(y) * frame->linesize[plane],
                    src + static_cast<ptrdiff_t>(y) * (o.width / 2), o.width / 2);
      }
      src += static_cast<ptrdiff_t>(o.width / 2) * (o.height / 2);
    }
    CANVASS_RETURN_IF_ERROR(writer->WriteFrame(i));
  }
  return writer->Finish();
}

std::string RandomPlate(uint64_t& state) {
  static constexpr char kLetters[] = "ABCDEFGHJKLMNPRSTUVWXYZ";
  std::string plate;
  plate += static_cast<char>('1' + Mix(state) % 9);
  for (int i = 0; i < 3; ++i) plate += kLetters[Mix(state) % (sizeof(kLetters) - 1)];
  for (int i = 0; i < 3; ++i) plate += static_cast<char>('0' + Mix(state) % 10);
  return plate;
}

}  // namespace

SyntheticVideoOptions FragmentedRecording() {
  return {.width = 160,
          .height = 120,
          .fps = 10,
          .duration_ms = 4000,
          .objects = {SyntheticObject{}},
          .noise = 4,
          .fragmented = true};
}

Status WriteSyntheticVideo(const std::string& path, const SyntheticVideoOptions& o) {
  if (o.duration_ms < 1 || o.duration_ms > 600000) {
    return InvalidArgumentError("duration_ms must be 1 to 600000, got " +
                                std::to_string(o.duration_ms));
  }
  if (o.noise < 0 || o.noise > 32) return InvalidArgumentError("noise must be 0 to 32");
  Status s = WriteUnchecked(path, o);
  return s.ok() ? s : s.WithContext("writing synthetic video " + path);
}

SyntheticVideoOptions TownScene(const TownSceneOptions& t) {
  SyntheticVideoOptions o;
  o.width = t.width;
  o.height = t.height;
  o.fps = t.fps;
  o.duration_ms = t.duration_ms;
  o.night = t.night;
  o.seed = t.seed;
  uint64_t state = t.seed * 7919ULL + 1;
  const int64_t quiet_ms = 4000;
  if (t.vehicles_per_minute > 0) {
    const int64_t gap_ms = 60000 / t.vehicles_per_minute;
    for (int64_t at = quiet_ms; at < t.duration_ms; at += gap_ms) {
      SyntheticObject v;
      v.shape = SyntheticObject::Shape::kVehicle;
      v.start_ms = at + static_cast<int64_t>(Mix(state) % static_cast<uint64_t>(gap_ms / 2 + 1));
      v.end_ms = v.start_ms + 4000 + static_cast<int64_t>(Mix(state) % 3000);
      const bool rightwards = Mix(state) & 1;
      const double lane_y = rightwards ? 0.70 : 0.82;
      v.x0 = rightwards ? -0.2 : 1.2;
      v.x1 = rightwards ? 1.2 : -0.2;
      v.y0 = v.y1 = lane_y;
      v.width = 0.26;
      v.height = 0.2;
      v.red = static_cast<uint8_t>(30 + Mix(state) % 200);
      v.green = static_cast<uint8_t>(30 + Mix(state) % 200);
      v.blue = static_cast<uint8_t>(30 + Mix(state) % 200);
      v.plate = RandomPlate(state);
      o.objects.push_back(v);
    }
  }
  if (t.people_per_minute > 0) {
    const int64_t gap_ms = 60000 / t.people_per_minute;
    for (int64_t at = quiet_ms + gap_ms / 3; at < t.duration_ms; at += gap_ms) {
      SyntheticObject p;
      p.shape = SyntheticObject::Shape::kPerson;
      p.start_ms = at;
      p.end_ms = at + 12000;
      const bool rightwards = Mix(state) & 1;
      p.x0 = rightwards ? 0.05 : 0.95;
      p.x1 = rightwards ? 0.6 : 0.4;
      p.y0 = p.y1 = 0.55;
      p.width = 0.03;
      p.height = 0.16;
      p.red = static_cast<uint8_t>(Mix(state) % 256);
      p.green = static_cast<uint8_t>(Mix(state) % 256);
      p.blue = static_cast<uint8_t>(Mix(state) % 256);
      o.objects.push_back(p);
    }
  }
  return o;
}

}  // namespace canvass::media
